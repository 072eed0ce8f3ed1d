//! `posture collect gcp` and the collection step of `posture scan gcp`: a
//! service account's key, one project, the needed kinds into an inventory.

use super::console::{Sink, runtime};
use crate::cli::GcpArgs;
use anyhow::{Context as _, bail};
use posture_collect::CollectRequest;
use posture_collect_gcp::{GcpOptions, KeySource, Session};
use posture_model::{Provider, ResourceKind};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn options(args: &GcpArgs) -> GcpOptions {
    let mut options = GcpOptions::new(
        &args.project_id,
        KeySource::File(args.credentials_file.clone()),
    );
    options.api_endpoint = args.api_endpoint.clone();
    options.max_attempts = args.max_attempts.max(1);
    options.timeout = Duration::from_secs(args.call_timeout_secs.max(1));
    options
}

/// Collects `kinds` from the project `args` reach into an inventory at `out`.
pub fn collect(args: &GcpArgs, kinds: BTreeSet<ResourceKind>, out: &Path) -> anyhow::Result<()> {
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    let options = options(args);
    runtime()?.block_on(async {
        let session = Session::connect(&options)
            .await
            .context("connecting to GCP")?;
        eprintln!(
            "collecting from GCP project {} as {}",
            session.project_id, session.client_email
        );
        let collected_at = chrono::Utc::now();
        let (mut sink, progress) = Sink::create(out)?;
        let request = CollectRequest {
            kinds,
            regions: args.regions.clone(),
            concurrency: args.concurrency,
        };
        let account = session.project_id.clone();
        let session = Arc::new(session);
        let (attempt, errors) = posture_collect_gcp::collect_each(
            Arc::clone(&session),
            request,
            progress,
            collected_at,
            |resource| sink.write(&resource),
        )
        .await?;
        sink.finish(Provider::Gcp, account, collected_at, attempt.kinds, errors)?;
        eprintln!(
            "{} API calls (`posture gcp permissions` lists the roles and APIs they need)",
            session.calls().list().len()
        );
        anyhow::Ok(())
    })
}
