//! A finished run's rollup as the store keeps it (JSON on the run row) and
//! the report details show it: counts, percentages, the requirement tree,
//! and what could not be collected.

use posture_engine::{Counts, Report};
use posture_model::Status;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountsView {
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub not_applicable: usize,
    pub manual: usize,
}

impl From<&Counts> for CountsView {
    fn from(c: &Counts) -> Self {
        CountsView {
            pass: c.pass,
            fail: c.fail,
            error: c.error,
            not_applicable: c.not_applicable,
            manual: c.manual,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequirementSummary {
    pub id: String,
    pub parent_id: Option<String>,
    pub title: String,
    pub depth: usize,
    #[schema(value_type = String)]
    pub status: Status,
    pub manual: bool,
    /// Control results under this requirement (its subtree's included).
    pub counts: CountsView,
    /// The CIDs evaluated for this requirement.
    pub controls: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub resources: usize,
    /// Control results (the report's pass/fail basis).
    pub controls: CountsView,
    pub requirements_counts: CountsView,
    pub evaluations: CountsView,
    pub pass_percent: Option<f64>,
    pub fail_percent: Option<f64>,
    pub requirements: Vec<RequirementSummary>,
    /// What could not be collected, each naming the missing permission.
    pub collection_errors: Vec<String>,
}

impl RunSummary {
    pub fn of(report: &Report) -> Self {
        RunSummary {
            resources: report.summary.resources,
            controls: (&report.summary.controls).into(),
            requirements_counts: (&report.summary.requirements).into(),
            evaluations: (&report.summary.evaluations).into(),
            pass_percent: report.summary.pass_percent,
            fail_percent: report.summary.fail_percent,
            requirements: report
                .requirements
                .iter()
                .map(|r| RequirementSummary {
                    id: r.id.clone(),
                    parent_id: r.parent_id.clone(),
                    title: r.title.clone(),
                    depth: r.depth,
                    status: r.status,
                    manual: r.manual,
                    counts: (&r.counts).into(),
                    controls: r.controls.clone(),
                })
                .collect(),
            collection_errors: report
                .collection_errors()
                .iter()
                .map(|e| {
                    format!(
                        "{} in {}: {} ({})",
                        e.kind,
                        e.region,
                        e.message,
                        e.permission.as_deref().unwrap_or("no permission named")
                    )
                })
                .collect(),
        }
    }
}
