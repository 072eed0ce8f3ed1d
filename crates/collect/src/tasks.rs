//! Bounded concurrency: collection tasks (region × service), and the
//! per-resource calls inside one task.

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

/// Runs `work` on every item, at most `limit` at a time, inside the
/// calling task: the futures may borrow (a collector's per-resource calls,
/// which would otherwise wait on each other's network round trips).
pub async fn for_each_bounded<T, F, Fut>(items: impl IntoIterator<Item = T>, limit: usize, work: F)
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = ()>,
{
    use futures_util::StreamExt;
    futures_util::stream::iter(items)
        .for_each_concurrent(limit.max(1), work)
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn for_each_bounded_overlaps_work_up_to_the_limit() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        for_each_bounded(0..20, 4, |_| async {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            done.fetch_add(1, Ordering::SeqCst);
        })
        .await;
        assert_eq!(done.load(Ordering::SeqCst), 20);
        assert_eq!(peak.load(Ordering::SeqCst), 4);
    }

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
