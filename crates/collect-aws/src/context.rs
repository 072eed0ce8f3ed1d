//! The per-task context a service collector works in: one service in one
//! region, with the session, the request and the output.

use crate::Session;
use crate::errors;
use aws_config::SdkConfig;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use chrono::{DateTime, Utc};
use posture_collect::{CollectRequest, Output};
use posture_model::{Provider, Resource, ResourceKind};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One unit of collection work.
#[derive(Debug, Clone)]
pub struct RegionCtx {
    pub session: Arc<Session>,
    pub request: Arc<CollectRequest>,
    /// The region, or the partition's home region for global services.
    pub region: String,
    /// SDK configuration for `region`.
    pub config: SdkConfig,
    pub output: Output,
    pub collected_at: DateTime<Utc>,
    counts: Arc<(AtomicUsize, AtomicUsize)>,
}

impl RegionCtx {
    pub fn new(
        session: Arc<Session>,
        request: Arc<CollectRequest>,
        region: &str,
        output: Output,
        collected_at: DateTime<Utc>,
    ) -> Self {
        RegionCtx {
            config: session.regional(region),
            session,
            request,
            region: region.to_owned(),
            output,
            collected_at,
            counts: Arc::default(),
        }
    }

    pub fn wants(&self, kind: &str) -> bool {
        self.request.wants(kind)
    }

    /// How many resources of one task may be read at once: the run's
    /// concurrency, so per-resource calls overlap their round trips.
    pub fn fan_out(&self) -> usize {
        self.request.concurrency.max(1)
    }

    pub fn account(&self) -> &str {
        &self.session.account_id
    }

    pub fn partition(&self) -> &str {
        self.session.partition()
    }

    /// Resources and errors this task produced so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.counts.0.load(Ordering::Relaxed),
            self.counts.1.load(Ordering::Relaxed),
        )
    }

    /// Emits a resource of `kind` in `region` (`global` for account-level kinds).
    pub async fn emit(
        &self,
        kind: &str,
        region: &str,
        id: String,
        name: String,
        tags: BTreeMap<String, String>,
        config: serde_json::Value,
    ) {
        let Ok(kind) = ResourceKind::parse(kind) else {
            tracing::error!(kind, "collector emitted an invalid kind");
            return;
        };
        let config = match config {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        self.counts.0.fetch_add(1, Ordering::Relaxed);
        self.output
            .resource(Resource {
                provider: Provider::Aws,
                account_id: self.account().to_owned(),
                region: region.to_owned(),
                kind,
                id,
                name,
                tags,
                config,
                collected_at: self.collected_at,
            })
            .await;
    }

    /// Records a failed call. `resource_id` names the one resource affected,
    /// or `None` when the kind could not be listed at all in this region.
    pub fn fail<E>(
        &self,
        kind: &str,
        region: &str,
        action: &str,
        resource_id: Option<&str>,
        err: &E,
    ) where
        E: ProvideErrorMetadata + std::error::Error,
    {
        let Ok(kind) = ResourceKind::parse(kind) else {
            return;
        };
        self.counts.1.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(%kind, region, action, resource_id, error = %aws_smithy_types::error::display::DisplayErrorContext(err), "call failed");
        self.output.error(errors::collection_error(
            err,
            &kind,
            region,
            action,
            resource_id,
        ));
    }
}
