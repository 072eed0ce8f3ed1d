//! The result of a scan: every evaluation, compactly, and the rollups.

use posture_model::{CollectionError, InventoryHeader, ResourceKind, Status};
use serde::Serialize;

/// One resource that at least one selected control applied to (or a
/// pseudo-resource standing for a scope that could not be collected).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluatedResource {
    pub resource_id: String,
    pub resource_name: String,
    pub resource_type: ResourceKind,
    pub region: String,
}

/// One control on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    /// Position in [`Report::resources`].
    pub resource: u32,
    pub status: Status,
    /// Position in [`Report::messages`], for ERROR evaluations.
    pub message: Option<u32>,
}

/// Numbers of results by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub not_applicable: usize,
    pub manual: usize,
}

impl Counts {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
            Status::NotApplicable => self.not_applicable += 1,
            Status::Manual => self.manual += 1,
        }
    }

    /// Adds `other`'s numbers to these.
    pub fn absorb(&mut self, other: &Counts) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.error += other.error;
        self.not_applicable += other.not_applicable;
        self.manual += other.manual;
    }

    pub fn total(&self) -> usize {
        self.pass + self.fail + self.error + self.not_applicable + self.manual
    }

    /// Percentage of decided results that pass: PASS / (PASS + FAIL + ERROR).
    /// NOT_APPLICABLE and MANUAL are not counted; `None` when nothing was decided.
    pub fn pass_percent(&self) -> Option<f64> {
        let decided = self.pass + self.fail + self.error;
        (decided > 0).then(|| (self.pass as f64) * 100.0 / decided as f64)
    }
}

/// One control's result over all its resources.
#[derive(Debug, Clone)]
pub struct ControlResult {
    /// Position in the catalogue's controls.
    pub control: usize,
    pub status: Status,
    /// Resource results by status.
    pub counts: Counts,
    /// In inventory order; NOT_APPLICABLE evaluations are counted, not kept.
    pub evaluations: Vec<Evaluation>,
}

/// One mandate requirement's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequirementResult {
    pub id: String,
    pub parent_id: Option<String>,
    pub title: String,
    pub depth: usize,
    pub status: Status,
    pub manual: bool,
    /// CIDs of the controls evaluated for it.
    pub controls: Vec<u32>,
    /// Control results by status (for a parent: over its whole subtree).
    pub counts: Counts,
}

/// One policy's result over its controls in this scan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyResult {
    pub id: u32,
    pub slug: String,
    pub name: String,
    pub status: Status,
    pub counts: Counts,
}

/// Headline figures.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Resources read from the inventory.
    pub resources: usize,
    /// Control results by status.
    pub controls: Counts,
    /// Requirement results by status (leaf requirements only).
    pub requirements: Counts,
    /// Evaluations by status.
    pub evaluations: Counts,
    pub pass_percent: Option<f64>,
    pub fail_percent: Option<f64>,
}

/// Everything a scan found.
#[derive(Debug, Clone)]
pub struct Report {
    pub header: InventoryHeader,
    pub evaluated_at: chrono::DateTime<chrono::Utc>,
    pub resources: Vec<EvaluatedResource>,
    pub messages: Vec<String>,
    pub controls: Vec<ControlResult>,
    pub requirements: Vec<RequirementResult>,
    pub policies: Vec<PolicyResult>,
    pub summary: Summary,
}

impl Report {
    pub fn collection_errors(&self) -> &[CollectionError] {
        &self.header.errors
    }

    pub fn message(&self, evaluation: &Evaluation) -> Option<&str> {
        evaluation
            .message
            .map(|m| self.messages[m as usize].as_str())
    }
}
