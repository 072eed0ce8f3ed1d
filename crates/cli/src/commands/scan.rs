//! `posture scan`: evaluate an inventory and report.

use super::load_catalog;
use crate::cli::{FailOn, ReportArgs, ReportFormat, ScanArgs, ScanSource};
use crate::exit::Code;
use crate::output;
use anyhow::{Context as _, bail};
use posture_engine::{Options, Report, Selection};
use posture_inventory::InventoryReader;
use posture_model::{Provider, ResourceKind, Severity, Status};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

pub fn run(args: ScanArgs) -> anyhow::Result<Code> {
    match args.source {
        Some(ScanSource::Aws { aws, report }) => {
            collect_and_scan(&report, Provider::Aws, |kinds, spool| {
                super::collect::aws(&aws, kinds, spool)
            })
        }
        Some(ScanSource::Azure { azure, report }) => {
            collect_and_scan(&report, Provider::Azure, |kinds, spool| {
                super::collect_azure::collect(&azure, kinds, spool)
            })
        }
        Some(ScanSource::Gcp { gcp, report }) => {
            collect_and_scan(&report, Provider::Gcp, |kinds, spool| {
                super::collect_gcp::collect(&gcp, kinds, spool)
            })
        }
        None => {
            let catalog = load_catalog(args.report.controls_dir.as_deref())?;
            let inventory = args.inventory.unwrap_or_else(|| PathBuf::from("-"));
            scan_file(&catalog, &inventory, &args.report)
        }
    }
}

/// Collects the kinds the selected controls need into a temporary
/// inventory with `collect`, then evaluates it.
fn collect_and_scan(
    report: &ReportArgs,
    provider: Provider,
    collect: impl FnOnce(BTreeSet<ResourceKind>, &Path) -> anyhow::Result<()>,
) -> anyhow::Result<Code> {
    let catalog = load_catalog(report.controls_dir.as_deref())?;
    let mandate = resolve_mandate(&catalog, report.mandate.as_deref(), provider)?;
    let selection = match mandate {
        Some(m) => Selection::mandate(&catalog, m, provider),
        None => Selection::provider(&catalog, provider),
    };
    let kinds = selection.kinds().into_iter().cloned().collect();
    let spool = tempfile::Builder::new()
        .prefix("posture-inventory-")
        .suffix(".jsonl")
        .tempfile()
        .context("creating a temporary inventory file")?;
    collect(kinds, spool.path())?;
    scan_file(&catalog, spool.path(), report)
}

fn resolve_mandate<'c>(
    catalog: &'c posture_catalog::Catalog,
    key: Option<&str>,
    provider: posture_model::Provider,
) -> anyhow::Result<Option<&'c posture_catalog::Mandate>> {
    let Some(key) = key else { return Ok(None) };
    let Some(mandate) = catalog.mandate(key) else {
        let known: Vec<&str> = catalog.mandates.iter().map(|m| m.id.as_str()).collect();
        bail!(
            "unknown mandate {key:?}; known mandates: {}",
            known.join(", ")
        );
    };
    if !mandate.providers.contains(&provider) {
        bail!(
            "mandate {} has no mapping for {provider} inventories",
            mandate.id
        );
    }
    Ok(Some(mandate))
}

fn scan_file(
    catalog: &posture_catalog::Catalog,
    inventory: &Path,
    args: &ReportArgs,
) -> anyhow::Result<Code> {
    let now = match &args.at {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .with_context(|| format!("--at {text:?} is not an RFC 3339 time"))?
            .to_utc(),
        None => chrono::Utc::now(),
    };
    let input: Box<dyn BufRead + Send> = if inventory.as_os_str() == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        let file = File::open(inventory)
            .with_context(|| format!("opening inventory {}", inventory.display()))?;
        Box::new(BufReader::with_capacity(1 << 20, file))
    };
    let name = inventory.display().to_string();
    let reader = InventoryReader::open(input).with_context(|| name.clone())?;
    let provider = reader.header().provider;
    let mandate = resolve_mandate(catalog, args.mandate.as_deref(), provider)?;
    let selection = match mandate {
        Some(m) => Selection::mandate(catalog, m, provider),
        None => Selection::provider(catalog, provider),
    };
    let started = std::time::Instant::now();
    let pool = rayon_pool(args.threads)?;
    let report = pool
        .install(|| posture_engine::evaluate(reader, &selection, &Options::at(now)))
        .with_context(|| name.clone())?;

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::with_capacity(
            1 << 20,
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    match args.format {
        ReportFormat::Table => output::report_table::write(&mut out, &report, &selection)?,
        ReportFormat::Json => output::json::write(&mut out, &report, &selection)?,
        ReportFormat::Csv => output::csv::write(&mut out, &report, &selection)?,
    }
    out.flush()?;
    if args.stats {
        print_stats(&report, started.elapsed());
    }
    Ok(match args.fail_on {
        Some(threshold) if fails_at(&report, &selection, severity_of(threshold)) => Code::Findings,
        _ => Code::Ok,
    })
}

fn severity_of(fail_on: FailOn) -> Severity {
    match fail_on {
        FailOn::Info => Severity::Info,
        FailOn::Low => Severity::Low,
        FailOn::Medium => Severity::Medium,
        FailOn::High => Severity::High,
        FailOn::Critical => Severity::Critical,
    }
}

/// Whether a control of `threshold` severity or higher failed.
fn fails_at(report: &Report, selection: &Selection<'_>, threshold: Severity) -> bool {
    report.controls.iter().any(|c| {
        c.status == Status::Fail && selection.catalog.controls[c.control].severity >= threshold
    })
}

fn rayon_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        builder = builder.num_threads(n);
    }
    builder.build().context("starting worker threads")
}

/// `--stats`: throughput and peak memory, for benchmarks and capacity planning.
fn print_stats(report: &Report, elapsed: std::time::Duration) {
    let seconds = elapsed.as_secs_f64().max(f64::EPSILON);
    let resources = report.summary.resources;
    let evaluations = report.summary.evaluations.total();
    eprintln!("stats: {resources} resources, {evaluations} evaluations in {seconds:.2} s");
    eprintln!(
        "stats: {:.0} resources/s, {:.0} evaluations/s",
        resources as f64 / seconds,
        evaluations as f64 / seconds
    );
    if let Some(peak) = peak_rss_kib() {
        eprintln!("stats: peak RSS {:.1} MiB", peak as f64 / 1024.0);
    }
}

/// The process's peak resident set (Linux `VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
