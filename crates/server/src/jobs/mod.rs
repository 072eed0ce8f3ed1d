//! The job runner: jobs are store rows claimed with a lease, so any number
//! of workers (in `serve` or `worker` processes) share them and a job whose
//! worker died is claimed again once its lease runs out. A worker renews
//! its lease while it works.

mod collect_cloud;
mod connect;
mod connector_check;
mod report_run;
pub mod retention;

use crate::error::ApiResult;
use crate::state::AppState;
use posture_store::{Job, JobKind, NewJob, TenantId};
use std::future::Future;
use std::time::Duration;

/// How many times a job is attempted before it is given up.
pub const MAX_ATTEMPTS: u32 = 3;

/// Queues a job and wakes a worker.
pub async fn enqueue(
    state: &AppState,
    tenant: Option<TenantId>,
    kind: JobKind,
    subject: i64,
) -> ApiResult<i64> {
    let job = NewJob {
        tenant,
        kind,
        subject,
        not_before: state.now(),
    };
    let id = state.db(move |s| s.enqueue_job(&job)).await?;
    state.jobs.notify_one();
    Ok(id)
}

/// Claims and runs jobs until `shutdown` resolves; a job in progress is
/// finished first.
pub async fn run_worker(state: AppState, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let claimed = claim(&state).await;
        match claimed {
            Ok(Some(job)) => {
                run_job(&state, job).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "claiming a job"),
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = state.jobs.notified() => {}
            _ = tokio::time::sleep(state.config.job_poll) => {}
        }
    }
}

/// Runs every due job, then returns: for tests and `posture worker --once`.
pub async fn drain(state: &AppState) -> usize {
    let mut ran = 0;
    while let Ok(Some(job)) = claim(state).await {
        run_job(state, job).await;
        ran += 1;
    }
    ran
}

async fn claim(state: &AppState) -> Result<Option<Job>, posture_store::StoreError> {
    let store = std::sync::Arc::clone(&state.store);
    let worker = state.config.worker_id.clone();
    let now = state.now();
    let lease_until = now + state.config.job_lease;
    tokio::task::spawn_blocking(move || store.claim_job(&worker, now, lease_until))
        .await
        .map_err(|e| posture_store::StoreError::Backend(e.to_string()))?
}

async fn run_job(state: &AppState, job: Job) {
    let kind = job.kind.as_str();
    tracing::info!(
        job = job.id,
        kind,
        subject = job.subject,
        attempt = job.attempt,
        "job started"
    );
    let renewing = renew_lease(state.clone(), job.id);
    let work = async {
        match job.kind {
            JobKind::ReportRun => report_run::run(state, &job).await,
            JobKind::ValidateConnector | JobKind::RefreshConnector => {
                connector_check::run(state, &job).await
            }
            JobKind::Purge => retention::run(state).await,
        }
    };
    let outcome = tokio::select! {
        outcome = work => outcome,
        () = renewing => Err(anyhow_like("the job's lease was lost to another worker")),
    };
    let label = match &outcome {
        Ok(()) => "succeeded",
        Err(_) => "failed",
    };
    if let Err(e) = &outcome {
        tracing::warn!(job = job.id, kind, error = %e, "job failed");
    } else {
        tracing::info!(job = job.id, kind, "job finished");
    }
    state.metrics.job(kind, label);
    let store = std::sync::Arc::clone(&state.store);
    let worker = state.config.worker_id.clone();
    let id = job.id;
    let finished = tokio::task::spawn_blocking(move || store.finish_job(id, &worker)).await;
    if !matches!(finished, Ok(Ok(()))) {
        tracing::warn!(
            job = job.id,
            "finishing the job: it is no longer this worker's"
        );
    }
}

/// Renews the lease at a third of its length; resolves only if renewal
/// fails (the job was taken over).
async fn renew_lease(state: AppState, job: i64) {
    let period = state
        .config
        .job_lease
        .to_std()
        .unwrap_or(Duration::from_secs(60))
        / 3;
    loop {
        tokio::time::sleep(period).await;
        let store = std::sync::Arc::clone(&state.store);
        let worker = state.config.worker_id.clone();
        let until = state.now() + state.config.job_lease;
        let renewed =
            tokio::task::spawn_blocking(move || store.renew_job(job, &worker, until)).await;
        match renewed {
            Ok(Ok(())) => {}
            Ok(Err(posture_store::StoreError::NotFound(_))) => return,
            Ok(Err(e)) => tracing::warn!(job, error = %e, "renewing a job lease"),
            Err(e) => tracing::warn!(job, error = %e, "renewing a job lease"),
        }
    }
}

/// A job failure, for the log.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct JobError(pub String);

fn anyhow_like(message: &str) -> JobError {
    JobError(message.to_string())
}

impl From<posture_store::StoreError> for JobError {
    fn from(e: posture_store::StoreError) -> Self {
        JobError(e.to_string())
    }
}

impl From<crate::error::ApiError> for JobError {
    fn from(e: crate::error::ApiError) -> Self {
        JobError(format!("{e:?}"))
    }
}

pub type JobResult = Result<(), JobError>;
