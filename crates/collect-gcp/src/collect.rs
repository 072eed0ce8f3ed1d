//! A collection run: pick the services the requested kinds need, run them
//! with bounded concurrency, and report what was attempted.

use crate::Session;
use crate::context::{Ctx, GLOBAL};
use crate::services::SERVICES;
use chrono::{DateTime, Utc};
use posture_collect::{Attempt, CollectRequest, Output, Progress, run_bounded};
use posture_model::{CollectionError, Resource};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// Every kind the GCP collector can produce.
pub fn supported_kinds() -> BTreeSet<&'static str> {
    SERVICES
        .iter()
        .flat_map(|s| s.kinds.iter().copied())
        .collect()
}

/// Runs [`collect`] and hands each resource to `each` as it arrives (to
/// write an inventory, count kinds); returns what was attempted and the
/// collection errors once every task has ended. Stops reading at the first
/// error `each` returns.
pub async fn collect_each<E>(
    session: Arc<Session>,
    request: CollectRequest,
    progress: Arc<dyn Progress>,
    collected_at: DateTime<Utc>,
    each: impl FnMut(Resource) -> Result<(), E>,
) -> Result<(Attempt, Vec<CollectionError>), E> {
    posture_collect::collect_each(
        progress,
        |output| collect(session, request, output, collected_at),
        each,
    )
    .await
}

/// Collects the requested kinds into `output`. Never fails as a whole:
/// what could not be read becomes collection errors in `output`. The
/// attempt's regions are the request's, or every region a record was
/// found in (`global` included).
pub async fn collect(
    session: Arc<Session>,
    request: CollectRequest,
    output: Output,
    collected_at: DateTime<Utc>,
) -> Attempt {
    let request = Arc::new(request);
    let regions_seen = Arc::new(Mutex::new(BTreeSet::from([GLOBAL.to_owned()])));
    let services: Vec<_> = SERVICES
        .iter()
        .filter(|s| s.kinds.iter().any(|k| request.wants(k)))
        .collect();
    let mut tasks = Vec::new();
    for service in &services {
        let ctx = Ctx::new(
            Arc::clone(&session),
            Arc::clone(&request),
            output.clone(),
            collected_at,
            Arc::clone(&regions_seen),
        );
        let service = **service;
        tasks.push(async move {
            ctx.output.progress().started(service.name, GLOBAL);
            (service.run)(ctx.clone()).await;
            let (resources, errors) = ctx.counts();
            ctx.output
                .progress()
                .finished(service.name, GLOBAL, resources, errors);
        });
    }
    for result in run_bounded(tasks, request.concurrency).await {
        if let Err(panic) = result {
            tracing::error!(%panic, "a collection task failed");
        }
    }
    let kinds = request
        .kinds
        .iter()
        .filter(|k| services.iter().any(|s| s.kinds.contains(&k.as_str())))
        .cloned()
        .collect();
    let regions = match &request.regions {
        Some(list) => list.clone(),
        None => regions_seen
            .lock()
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_else(|_| vec![GLOBAL.to_owned()]),
    };
    Attempt { kinds, regions }
}
