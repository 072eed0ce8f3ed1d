//! Retention: report data older than the configured period (13 months by
//! default) is purged by a daily job.

use super::{JobResult, enqueue};
use crate::state::AppState;
use posture_store::JobKind;
use std::future::Future;
use std::time::Duration;

/// Purges everything that finished before now minus the retention period.
pub async fn run(state: &AppState) -> JobResult {
    let cutoff = state.now() - state.config.retention;
    let purged = state.db(move |s| s.purge_before(cutoff)).await?;
    tracing::info!(
        %cutoff,
        runs = purged.runs,
        evaluations = purged.evaluations,
        resources = purged.resources,
        "retention purge"
    );
    Ok(())
}

/// Queues a purge at start and then every day, until `shutdown`.
pub async fn schedule_daily(state: AppState, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        if let Err(e) = enqueue(&state, None, JobKind::Purge, 0).await {
            tracing::warn!(error = ?e, "queueing the retention purge");
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(Duration::from_secs(24 * 60 * 60)) => {}
        }
    }
}
