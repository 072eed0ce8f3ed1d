//! `posture collect azure` and the collection step of `posture scan
//! azure`: the app registration's secret, one subscription, the needed
//! kinds into an inventory.

use super::console::{Sink, runtime};
use crate::cli::AzureArgs;
use anyhow::{Context as _, bail};
use posture_collect::CollectRequest;
use posture_collect_azure::{AzureCloud, AzureOptions, Session};
use posture_model::{Provider, ResourceKind};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The collector's options from the flags; the secret from the flag, the
/// environment or its file.
fn options(args: &AzureArgs) -> anyhow::Result<AzureOptions> {
    let secret = match (&args.client_secret, &args.client_secret_file) {
        (Some(secret), _) => secret.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)
            .with_context(|| format!("reading the client secret from {}", path.display()))?
            .trim()
            .to_owned(),
        (None, None) => {
            bail!("no client secret: give --client-secret-file FILE, or set AZURE_CLIENT_SECRET")
        }
    };
    let cloud: AzureCloud = args
        .cloud
        .parse()
        .map_err(|e: String| anyhow::anyhow!("--cloud: {e}"))?;
    let mut options = AzureOptions::new(
        &args.tenant_id,
        &args.client_id,
        secret,
        &args.subscription_id,
    );
    options.cloud = cloud;
    options.authority_host = args.authority_host.clone();
    options.arm_endpoint = args.arm_endpoint.clone();
    options.graph_endpoint = args.graph_endpoint.clone();
    options.max_attempts = args.max_attempts.max(1);
    options.timeout = Duration::from_secs(args.call_timeout_secs.max(1));
    Ok(options)
}

/// Collects `kinds` from the subscription `args` reach into an inventory at `out`.
pub fn collect(args: &AzureArgs, kinds: BTreeSet<ResourceKind>, out: &Path) -> anyhow::Result<()> {
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    let options = options(args)?;
    runtime()?.block_on(async {
        let session = Session::connect(&options)
            .await
            .context("connecting to Azure")?;
        eprintln!(
            "collecting from Azure subscription {} ({}) in directory {}",
            session.subscription_id,
            session.subscription_display_name(),
            session.tenant_id
        );
        let collected_at = chrono::Utc::now();
        let (mut sink, progress) = Sink::create(out)?;
        let request = CollectRequest {
            kinds,
            regions: args.regions.clone(),
            concurrency: args.concurrency,
        };
        let account = session.subscription_id.clone();
        let calls = session.calls();
        let (attempt, errors) = posture_collect_azure::collect_each(
            Arc::new(session),
            request,
            progress,
            collected_at,
            |resource| sink.write(&resource),
        )
        .await?;
        sink.finish(Provider::Azure, account, collected_at, attempt.kinds, errors)?;
        eprintln!(
            "{} API calls ({} distinct operations; `posture azure permissions` lists what they need)",
            calls.total(),
            calls.snapshot().len()
        );
        anyhow::Ok(())
    })
}
