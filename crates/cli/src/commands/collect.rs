//! `posture collect aws`, and the collection step of `posture scan aws`:
//! connect, collect the needed kinds with progress, write the inventory,
//! and say what was found and what was denied.

use crate::cli::{AwsArgs, CollectCommand, PartitionArg};
use crate::exit::Code;
use anyhow::{Context as _, bail};
use posture_collect::{CollectRequest, Progress};
use posture_collect_aws::{AssumeRole, AwsOptions, Partition, Session};
use posture_inventory::InventoryFileWriter;
use posture_model::{InventoryHeader, Provider, ResourceKind};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub fn run(command: CollectCommand) -> anyhow::Result<Code> {
    match command {
        CollectCommand::Aws {
            aws: args,
            out,
            kinds,
        } => {
            let supported = posture_collect_aws::supported_kinds();
            let kinds: BTreeSet<ResourceKind> = match kinds {
                Some(list) => list
                    .iter()
                    .map(|k| {
                        let kind = ResourceKind::parse(k)?;
                        if !supported.contains(kind.as_str()) {
                            bail!(
                                "the AWS collector does not read {kind} (supported: {})",
                                supported.iter().copied().collect::<Vec<_>>().join(", ")
                            );
                        }
                        Ok(kind)
                    })
                    .collect::<anyhow::Result<_>>()?,
                None => supported
                    .iter()
                    .filter_map(|k| ResourceKind::parse(k).ok())
                    .collect(),
            };
            aws(&args, kinds, &out)?;
            eprintln!("wrote {}", out.display());
            Ok(Code::Ok)
        }
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let session = Session::connect(&options(args))
            .await
            .context("connecting to AWS")?;
        eprintln!(
            "collecting from AWS account {} as {}",
            session.account_id, session.caller_arn
        );
        let collected_at = chrono::Utc::now();
        let progress = Arc::new(Console::new());
        let mut writer = InventoryFileWriter::create(out)
            .with_context(|| format!("creating {}", out.display()))?;
        let mut per_kind: BTreeMap<ResourceKind, usize> = BTreeMap::new();
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
            progress.clone(),
            collected_at,
            |resource| {
                *per_kind.entry(resource.kind.clone()).or_default() += 1;
                progress.resources.fetch_add(1, Ordering::Relaxed);
                writer.write(&resource)
            },
        )
        .await?;
        progress.done();
        let mut header = InventoryHeader::new(Provider::Aws, account, collected_at);
        header.kinds = Some(attempt.kinds);
        header.errors = errors;
        writer.finish(&header)?;
        summarize(&per_kind, &header);
        eprintln!(
            "{} API calls ({} distinct actions; `posture aws permissions` lists them all)",
            calls.total(),
            calls.snapshot().len()
        );
        anyhow::Ok(())
    })
}

fn summarize(per_kind: &BTreeMap<ResourceKind, usize>, header: &InventoryHeader) {
    let total: usize = per_kind.values().sum();
    eprintln!("collected {total} resources:");
    for (kind, count) in per_kind {
        eprintln!("  {count:>6}  {kind}");
    }
    if !header.errors.is_empty() {
        eprintln!(
            "{} calls failed (their controls will show ERROR):",
            header.errors.len()
        );
        for e in &header.errors {
            eprintln!("  {}", crate::output::describe_collection_error(e));
        }
    }
}

/// Progress on standard error: one updating line on a terminal, plain log
/// lines otherwise.
struct Console {
    terminal: bool,
    started: AtomicUsize,
    finished: AtomicUsize,
    errors: AtomicUsize,
    resources: AtomicUsize,
}

impl Console {
    fn new() -> Self {
        Console {
            terminal: std::io::stderr().is_terminal(),
            started: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            resources: AtomicUsize::new(0),
        }
    }

    fn done(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}

impl Progress for Console {
    fn started(&self, _service: &str, _region: &str) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }

    fn finished(&self, service: &str, region: &str, resources: usize, errors: usize) {
        let done = self.finished.fetch_add(1, Ordering::Relaxed) + 1;
        let all_errors = self.errors.fetch_add(errors, Ordering::Relaxed) + errors;
        if self.terminal {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2K[{done}/{} services x regions] {} resources, {all_errors} errors (last: {service} {region})",
                self.started.load(Ordering::Relaxed),
                self.resources.load(Ordering::Relaxed),
            );
            let _ = err.flush();
        } else {
            eprintln!("collected {service} in {region}: {resources} resources, {errors} errors");
        }
    }
}
