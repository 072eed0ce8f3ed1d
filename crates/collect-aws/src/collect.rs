//! A collection run: pick the services the requested kinds need, fan out
//! over regions with bounded concurrency, and report what was attempted.

use crate::Session;
use crate::context::RegionCtx;
use crate::regions::enabled_regions;
use crate::services::{SERVICES, Scope};
use chrono::{DateTime, Utc};
use posture_collect::{Attempt, CollectRequest, Output, Progress, run_bounded};
use posture_model::{CollectionError, Resource, ResourceKind};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Every kind the AWS collector can produce.
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
/// what could not be read becomes collection errors in `output`.
pub async fn collect(
    session: Arc<Session>,
    request: CollectRequest,
    output: Output,
    collected_at: DateTime<Utc>,
) -> Attempt {
    let request = Arc::new(request);
    let home = session.options.partition.home_region().to_owned();
    let services: Vec<_> = SERVICES
        .iter()
        .filter(|s| s.kinds.iter().any(|k| request.wants(k)))
        .collect();
    let regional = services.iter().any(|s| s.scope == Scope::Regional);
    let regions = match (&request.regions, regional) {
        (Some(list), _) => list.clone(),
        (None, false) => vec![home.clone()],
        (None, true) => match enabled_regions(&session).await {
            Ok(list) if !list.is_empty() => list,
            Ok(_) => vec![home.clone()],
            Err(message) => {
                for service in services.iter().filter(|s| s.scope == Scope::Regional) {
                    for kind in service.kinds.iter().filter(|k| request.wants(k)) {
                        if let Ok(kind) = ResourceKind::parse(kind) {
                            output.error(CollectionError {
                                kind,
                                region: "*".into(),
                                resource_id: None,
                                action: "ec2:DescribeRegions".into(),
                                permission: Some("ec2:DescribeRegions".into()),
                                message: format!("{message}; only {home} was read"),
                            });
                        }
                    }
                }
                vec![home.clone()]
            }
        },
    };

    let mut tasks = Vec::new();
    for service in &services {
        let task_regions = match service.scope {
            Scope::Global => vec![home.clone()],
            Scope::Regional => regions.clone(),
        };
        for region in task_regions {
            let ctx = RegionCtx::new(
                Arc::clone(&session),
                Arc::clone(&request),
                &region,
                output.clone(),
                collected_at,
            );
            let service = **service;
            tasks.push(async move {
                let label = if service.scope == Scope::Global {
                    "global"
                } else {
                    ctx.region.as_str()
                }
                .to_owned();
                ctx.output.progress().started(service.name, &label);
                (service.run)(ctx.clone()).await;
                let (resources, errors) = ctx.counts();
                ctx.output
                    .progress()
                    .finished(service.name, &label, resources, errors);
            });
        }
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
    Attempt { kinds, regions }
}
