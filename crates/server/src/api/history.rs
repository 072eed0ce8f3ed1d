//! `/cspm/report/{id}/runs`: a report's run history with each finished
//! run's pass and fail percentages, for the report page's trend chart.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::summary::RunSummary;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use posture_store::Run;
use serde::Serialize;

/// One run of a report. The counts and percentages are over control
/// results and present only for a run that succeeded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    pub run_id: i64,
    /// queued, running, succeeded or failed.
    pub state: &'static str,
    pub requested_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub pass_count: Option<usize>,
    pub fail_count: Option<usize>,
    pub pass_percent: Option<f64>,
    pub fail_percent: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunHistory {
    /// Oldest first, as far back as retention keeps them.
    pub runs: Vec<RunView>,
}

/// posture: the report's runs, oldest first.
#[utoipa::path(get, path = "/cspm/report/{id}/runs", params(("id" = i64, Path, description = "The report id")),
    responses((status = 200, body = RunHistory), (status = 404, body = crate::error::ErrorBody)),
    tag = "reports")]
pub async fn runs(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RunHistory>> {
    let tenant = caller.tenant();
    let runs = state.db(move |s| s.runs(tenant, id)).await?;
    Ok(Json(RunHistory {
        runs: runs.iter().map(run_view).collect(),
    }))
}

fn run_view(run: &Run) -> RunView {
    let summary: Option<RunSummary> = run
        .summary
        .clone()
        .and_then(|v| serde_json::from_value(v).ok());
    RunView {
        run_id: run.id,
        state: run.state.as_str(),
        requested_at: run.requested_at,
        finished_at: run.finished_at,
        error: run.error.clone(),
        pass_count: summary.as_ref().map(|s| s.controls.pass),
        fail_count: summary.as_ref().map(|s| s.controls.fail),
        pass_percent: summary.as_ref().and_then(|s| s.pass_percent),
        fail_percent: summary.as_ref().and_then(|s| s.fail_percent),
    }
}
