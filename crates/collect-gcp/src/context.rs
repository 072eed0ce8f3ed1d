//! The context a service collector works in: the session, the request, the
//! output; emitting a record and recording a failed call.

use crate::Session;
use crate::api_error::ApiError;
use crate::client::Client;
use chrono::{DateTime, Utc};
use posture_collect::{CollectRequest, Output};
use posture_model::{CollectionError, Provider, Resource, ResourceKind};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Region of project-level and global resources.
pub const GLOBAL: &str = "global";

/// One service's collection task.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub session: Arc<Session>,
    pub request: Arc<CollectRequest>,
    pub output: Output,
    pub collected_at: DateTime<Utc>,
    /// Regions of the records emitted by the whole run.
    pub regions_seen: Arc<Mutex<BTreeSet<String>>>,
    counts: Arc<(AtomicUsize, AtomicUsize)>,
}

impl Ctx {
    pub fn new(
        session: Arc<Session>,
        request: Arc<CollectRequest>,
        output: Output,
        collected_at: DateTime<Utc>,
        regions_seen: Arc<Mutex<BTreeSet<String>>>,
    ) -> Self {
        Ctx {
            session,
            request,
            output,
            collected_at,
            regions_seen,
            counts: Arc::default(),
        }
    }

    pub fn wants(&self, kind: &str) -> bool {
        self.request.wants(kind)
    }

    pub fn project(&self) -> &str {
        &self.session.project_id
    }

    pub fn client(&self) -> &Client {
        &self.session.client
    }

    /// How many per-resource calls of one task may be in flight at once.
    pub fn fan_out(&self) -> usize {
        self.request.concurrency.max(1)
    }

    /// Resources and errors this task produced so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.counts.0.load(Ordering::Relaxed),
            self.counts.1.load(Ordering::Relaxed),
        )
    }

    /// Whether the request's region filter (if any) keeps `region`.
    fn region_wanted(&self, region: &str) -> bool {
        match &self.request.regions {
            None => true,
            Some(list) => region == GLOBAL || list.iter().any(|r| r == region),
        }
    }

    /// Emits a record of `kind`. `config` must be a JSON object with exactly
    /// the kind's fields.
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
        if !self.region_wanted(region) {
            return;
        }
        let config = match config {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        if let Ok(mut seen) = self.regions_seen.lock() {
            seen.insert(region.to_owned());
        }
        self.counts.0.fetch_add(1, Ordering::Relaxed);
        self.output
            .resource(Resource {
                provider: Provider::Gcp,
                account_id: self.project().to_owned(),
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

    /// Records a failed call. `permission` is the IAM permission the call
    /// needs (also its action name); `resource_id` names the one resource
    /// affected, or `None` when the kind could not be listed at all.
    pub fn fail(
        &self,
        kind: &str,
        region: &str,
        permission: &str,
        resource_id: Option<&str>,
        err: &ApiError,
    ) {
        let Ok(kind) = ResourceKind::parse(kind) else {
            return;
        };
        self.counts.1.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(%kind, region, permission, resource_id, error = %err, "call failed");
        self.output
            .error(collection_error(err, kind, region, permission, resource_id));
    }

    /// Records the same failed call for every wanted kind of `kinds`.
    pub fn fail_all(&self, kinds: &[&str], region: &str, permission: &str, err: &ApiError) {
        for kind in kinds.iter().filter(|k| self.wants(k)) {
            self.fail(kind, region, permission, None, err);
        }
    }
}

/// A failed call as data: a disabled API asks for `enable <api>`, a denied
/// call names the permission Google reported (or the call's own).
pub fn collection_error(
    err: &ApiError,
    kind: ResourceKind,
    region: &str,
    permission: &str,
    resource_id: Option<&str>,
) -> CollectionError {
    let (missing, message) = match err {
        ApiError::Status(s) if s.is_service_disabled() => {
            let api = s.disabled_service.as_deref().unwrap_or("the API");
            (
                Some(format!("enable {api}")),
                format!("the {api} API is not enabled in the project: {}", s.message),
            )
        }
        ApiError::Status(s) if s.is_billing_disabled() => (
            Some("enable billing for the project".to_owned()),
            err.to_string(),
        ),
        ApiError::Status(s) if s.is_denied() => (
            Some(
                s.permission
                    .clone()
                    .unwrap_or_else(|| permission.to_owned()),
            ),
            err.to_string(),
        ),
        _ => (None, err.to_string()),
    };
    CollectionError {
        kind,
        region: region.to_owned(),
        resource_id: resource_id.map(str::to_owned),
        action: permission.to_owned(),
        permission: missing,
        message: message.chars().take(600).collect(),
    }
}
