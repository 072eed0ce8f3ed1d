//! Running the service: the HTTP server, job workers and the retention
//! schedule in one process, all stopped by one shutdown signal. In-flight
//! requests finish; a worker finishes its job first.

use crate::api::app;
use crate::jobs;
use crate::state::AppState;
use std::future::Future;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// What one process runs.
#[derive(Debug, Clone, Copy)]
pub struct Roles {
    pub http: bool,
    pub workers: usize,
    pub retention: bool,
}

/// Serves until `shutdown` resolves, then drains.
pub async fn run(
    listener: Option<TcpListener>,
    state: AppState,
    roles: Roles,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = watch::channel(false);
    let wait = |mut receiver: watch::Receiver<bool>| async move {
        let _ = receiver.wait_for(|stop| *stop).await;
    };
    let mut tasks = Vec::new();
    for _ in 0..roles.workers {
        tasks.push(tokio::spawn(jobs::run_worker(
            state.clone(),
            wait(stopped.clone()),
        )));
    }
    if roles.retention {
        tasks.push(tokio::spawn(jobs::retention::schedule_daily(
            state.clone(),
            wait(stopped.clone()),
        )));
    }
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: finishing requests and jobs in progress");
        let _ = stop.send(true);
    };
    let served = match listener {
        Some(listener) if roles.http => {
            axum::serve(listener, app(state))
                .with_graceful_shutdown(signal)
                .await
        }
        _ => {
            signal.await;
            Ok(())
        }
    };
    for task in tasks {
        let _ = task.await;
    }
    served
}
