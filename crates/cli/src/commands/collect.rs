//! `posture collect <cloud>`, and the AWS collection step of `posture scan
//! aws`: connect, collect the needed kinds with progress, write the
//! inventory, and say what was found and what was denied. Azure and GCP
//! have their own modules beside this one.

use super::console::{Sink, runtime};
use crate::cli::{AwsArgs, CollectCommand, PartitionArg};
use crate::exit::Code;
use anyhow::{Context as _, bail};
use posture_collect::CollectRequest;
use posture_collect_aws::{AssumeRole, AwsOptions, Partition, Session};
use posture_model::{Provider, ResourceKind};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub fn run(command: CollectCommand) -> anyhow::Result<Code> {
    match command {
        CollectCommand::Aws {
            aws: args,
            out,
            kinds,
        } => {
            let supported = posture_collect_aws::supported_kinds();
            let kinds = requested_kinds("AWS", &supported, kinds)?;
            aws(&args, kinds, &out)?;
            eprintln!("wrote {}", out.display());
            Ok(Code::Ok)
        }
        CollectCommand::Azure { azure, out, kinds } => {
            let supported = posture_collect_azure::supported_kinds();
            let kinds = requested_kinds("Azure", &supported, kinds)?;
            super::collect_azure::collect(&azure, kinds, &out)?;
            eprintln!("wrote {}", out.display());
            Ok(Code::Ok)
        }
        CollectCommand::Gcp { gcp, out, kinds } => {
            let supported = posture_collect_gcp::supported_kinds();
            let kinds = requested_kinds("GCP", &supported, kinds)?;
            super::collect_gcp::collect(&gcp, kinds, &out)?;
            eprintln!("wrote {}", out.display());
            Ok(Code::Ok)
        }
    }
}

/// The kinds `list` names (each one the collector supports), or every kind
/// the collector supports.
fn requested_kinds(
    cloud: &str,
    supported: &BTreeSet<&'static str>,
    list: Option<Vec<String>>,
) -> anyhow::Result<BTreeSet<ResourceKind>> {
    match list {
        Some(list) => list
            .iter()
            .map(|k| {
                let kind = ResourceKind::parse(k)?;
                if !supported.contains(kind.as_str()) {
                    bail!(
                        "the {cloud} collector does not read {kind} (supported: {})",
                        supported.iter().copied().collect::<Vec<_>>().join(", ")
                    );
                }
                Ok(kind)
            })
            .collect(),
        None => Ok(supported
            .iter()
            .filter_map(|k| ResourceKind::parse(k).ok())
            .collect()),
    }
}

fn options(args: &AwsArgs) -> AwsOptions {
    let partition = match args.partition {
        Some(PartitionArg::Aws) => Partition::Commercial,
        Some(PartitionArg::AwsUsGov) => Partition::GovCloud,
        Some(PartitionArg::AwsCn) => Partition::China,
        None => args
            .role_arn
            .as_deref()
            .and_then(Partition::of_arn)
            .unwrap_or_default(),
    };
    AwsOptions {
        profile: args.profile.clone(),
        access_keys: None,
        assume_role: args.role_arn.as_ref().map(|arn| AssumeRole {
            role_arn: arn.clone(),
            external_id: args.external_id.clone(),
            session_name: args.session_name.clone(),
        }),
        partition,
        endpoint_url: args.endpoint_url.clone(),
        max_attempts: args.max_attempts,
        call_timeout: Duration::from_secs(args.call_timeout_secs.max(1)),
    }
}

/// Collects `kinds` from the account `args` reach into an inventory at `out`.
pub fn aws(args: &AwsArgs, kinds: BTreeSet<ResourceKind>, out: &Path) -> anyhow::Result<()> {
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    runtime()?.block_on(async {
        let session = Session::connect(&options(args))
            .await
            .context("connecting to AWS")?;
        eprintln!(
            "collecting from AWS account {} as {}",
            session.account_id, session.caller_arn
        );
        let collected_at = chrono::Utc::now();
        let (mut sink, progress) = Sink::create(out)?;
        let request = CollectRequest {
            kinds,
            regions: args.regions.clone(),
            concurrency: args.concurrency,
        };
        let account = session.account_id.clone();
        let calls = Arc::clone(&session.calls);
        let (attempt, errors) = posture_collect_aws::collect_each(
            Arc::new(session),
            request,
            progress,
            collected_at,
            |resource| sink.write(&resource),
        )
        .await?;
        sink.finish(Provider::Aws, account, collected_at, attempt.kinds, errors)?;
        eprintln!(
            "{} API calls ({} distinct actions; `posture aws permissions` lists them all)",
            calls.total(),
            calls.snapshot().len()
        );
        anyhow::Ok(())
    })
}
