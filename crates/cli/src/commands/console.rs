//! What collecting from every cloud shares on the command line: progress on
//! standard error (one updating line on a terminal, plain log lines
//! otherwise), the inventory being written, and the closing summary of
//! resources per kind and of the calls that failed.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use posture_collect::Progress;
use posture_inventory::{InventoryError, InventoryFileWriter};
use posture_model::{CollectionError, InventoryHeader, Provider, Resource, ResourceKind};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The async runtime collectors run on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// An inventory being written, counting resources per kind as they arrive.
pub struct Sink {
    writer: InventoryFileWriter,
    per_kind: BTreeMap<ResourceKind, usize>,
    progress: Arc<Console>,
}

impl Sink {
    /// Starts the inventory at `out`; the console is the run's progress.
    pub fn create(out: &Path) -> anyhow::Result<(Sink, Arc<Console>)> {
        let writer = InventoryFileWriter::create(out)
            .with_context(|| format!("creating {}", out.display()))?;
        let progress = Arc::new(Console::new());
        let sink = Sink {
            writer,
            per_kind: BTreeMap::new(),
            progress: Arc::clone(&progress),
        };
        Ok((sink, progress))
    }

    pub fn write(&mut self, resource: &Resource) -> Result<(), InventoryError> {
        *self.per_kind.entry(resource.kind.clone()).or_default() += 1;
        self.progress.resources.fetch_add(1, Ordering::Relaxed);
        self.writer.write(resource)
    }

    /// Writes the header (what was attempted, what failed), completes the
    /// file and prints the summary.
    pub fn finish(
        self,
        provider: Provider,
        account: String,
        collected_at: DateTime<Utc>,
        attempted: Vec<ResourceKind>,
        errors: Vec<CollectionError>,
    ) -> anyhow::Result<()> {
        self.progress.done();
        let mut header = InventoryHeader::new(provider, account, collected_at);
        header.kinds = Some(attempted);
        header.errors = errors;
        self.writer.finish(&header)?;
        summarize(&self.per_kind, &header);
        Ok(())
    }
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
pub struct Console {
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
