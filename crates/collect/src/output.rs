//! Where collectors put what they read: resources go down a bounded channel
//! (the consumer streams them to an inventory file), collection errors are
//! gathered for the inventory header, and progress is reported as it happens.

use posture_model::{CollectionError, Resource};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// Progress events, for a terminal progress bar or log lines.
pub trait Progress: Send + Sync {
    /// A unit of work (one service in one region) is about to start.
    fn started(&self, service: &str, region: &str);
    /// It finished, having found `resources` and hit `errors`.
    fn finished(&self, service: &str, region: &str, resources: usize, errors: usize);
}

/// Progress that reports nothing (libraries, tests).
#[derive(Debug, Default)]
pub struct QuietProgress;

impl Progress for QuietProgress {
    fn started(&self, _: &str, _: &str) {}
    fn finished(&self, _: &str, _: &str, _: usize, _: usize) {}
}

/// Counts for the closing summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub resources: usize,
    pub errors: usize,
}

/// The sending side of a collection run. Cheap to clone; one per task.
#[derive(Clone)]
pub struct Output {
    resources: mpsc::Sender<Resource>,
    errors: Arc<Mutex<Vec<CollectionError>>>,
    progress: Arc<dyn Progress>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output").finish_non_exhaustive()
    }
}

impl Output {
    /// An output and the receiver of its resources. `buffer` bounds how many
    /// resources may wait for the consumer.
    pub fn new(buffer: usize, progress: Arc<dyn Progress>) -> (Output, mpsc::Receiver<Resource>) {
        let (sender, receiver) = mpsc::channel(buffer.max(1));
        let output = Output {
            resources: sender,
            errors: Arc::new(Mutex::new(Vec::new())),
            progress,
        };
        (output, receiver)
    }

    /// Sends a resource; false when the consumer has gone (the run is over).
    pub async fn resource(&self, resource: Resource) -> bool {
        self.resources.send(resource).await.is_ok()
    }

    pub fn error(&self, error: CollectionError) {
        if let Ok(mut errors) = self.errors.lock() {
            errors.push(error);
        }
    }

    pub fn progress(&self) -> &dyn Progress {
        &*self.progress
    }

    /// The errors gathered so far, in a stable order.
    pub fn errors(&self) -> Vec<CollectionError> {
        let mut errors = self.errors.lock().map(|e| e.clone()).unwrap_or_default();
        errors.sort_by(|a, b| {
            (a.kind.as_str(), &a.region, &a.resource_id, &a.action).cmp(&(
                b.kind.as_str(),
                &b.region,
                &b.resource_id,
                &b.action,
            ))
        });
        errors
    }
}
