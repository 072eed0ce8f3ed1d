//! Bounded concurrency for collection tasks (region × service).

use std::future::Future;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Runs every task with at most `limit` in flight, and waits for all. A task
/// that panics is reported as an error string rather than tearing the run down.
pub async fn run_bounded<F>(tasks: Vec<F>, limit: usize) -> Vec<Result<(), String>>
where
    F: Future<Output = ()> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut set = JoinSet::new();
    for task in tasks {
        let permits = Arc::clone(&permits);
        set.spawn(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = permits.acquire_owned().await;
            task.await;
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = set.join_next().await {
        results.push(joined.map_err(|e| e.to_string()));
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_exceeds_the_limit_and_runs_everything() {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (running, peak, done) = (running.clone(), peak.clone(), done.clone());
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
            .collect();
        let results = run_bounded(tasks, 3).await;
        assert_eq!(results.len(), 20);
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(done.load(Ordering::SeqCst), 20);
        assert!(
            peak.load(Ordering::SeqCst) <= 3,
            "peak {}",
            peak.load(Ordering::SeqCst)
        );
    }
}
