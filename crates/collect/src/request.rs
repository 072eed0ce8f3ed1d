//! What to collect.

use posture_model::ResourceKind;
use std::collections::BTreeSet;

/// A collection run's scope. Built by the CLI or the server from the
/// controls a scan needs; collectors read nothing else.
#[derive(Debug, Clone)]
pub struct CollectRequest {
    /// The kinds to read; a collector skips every API call no kind needs.
    pub kinds: BTreeSet<ResourceKind>,
    /// Regions to read, or `None` for every region enabled in the account.
    pub regions: Option<Vec<String>>,
    /// Calls in flight at once, across regions and services.
    pub concurrency: usize,
}

impl CollectRequest {
    pub fn wants(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k.as_str() == kind)
    }
}

/// What a run tried to read, for the inventory header.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The requested kinds some service of the collector reads; the rest
    /// are not attempted and their controls will show ERROR.
    pub kinds: Vec<ResourceKind>,
    /// The regions read (each collector's docs say how it scopes regions).
    pub regions: Vec<String>,
}
