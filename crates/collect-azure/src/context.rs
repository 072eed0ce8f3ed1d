//! The context a service collector works in: the session, the request, the
//! output and the clock, with the calls every collector makes (list a
//! resource type, read a sub-resource) and the bookkeeping (emit a record,
//! record a failed call as a collection error naming the permission).

use crate::Session;
use crate::api::ApiError;
use crate::operation::{action_of, arm_operation};
use chrono::{DateTime, Utc};
use posture_collect::{CollectRequest, Output};
use posture_model::{CollectionError, Provider, Resource, ResourceKind};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Region of a collection error that covers the whole subscription (ARM
/// lists are subscription-wide, not per region).
pub const EVERY_REGION: &str = "*";

/// One unit of collection work: one service family.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub session: Arc<Session>,
    pub request: Arc<CollectRequest>,
    pub output: Output,
    pub collected_at: DateTime<Utc>,
    counts: Arc<(AtomicUsize, AtomicUsize)>,
}

/// A failed Graph call's permission: the application permission it needs.
#[derive(Debug, Clone, Copy)]
pub struct GraphNeed {
    pub permission: &'static str,
}

impl Ctx {
    pub fn new(
        session: Arc<Session>,
        request: Arc<CollectRequest>,
        output: Output,
        collected_at: DateTime<Utc>,
    ) -> Self {
        Ctx {
            session,
            request,
            output,
            collected_at,
            counts: Arc::default(),
        }
    }

    pub fn wants(&self, kind: &str) -> bool {
        self.request.wants(kind)
    }

    /// Whether any of `kinds` is wanted.
    pub fn wants_any(&self, kinds: &[&str]) -> bool {
        kinds.iter().any(|k| self.wants(k))
    }

    /// How many resources may be read at once inside one task.
    pub fn fan_out(&self) -> usize {
        self.request.concurrency.max(1)
    }

    pub fn subscription(&self) -> &str {
        &self.session.subscription_id
    }

    /// `/subscriptions/{id}{rest}`.
    pub fn subscription_path(&self, rest: &str) -> String {
        format!("/subscriptions/{}{rest}", self.subscription())
    }

    /// Resources and errors this task produced so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.counts.0.load(Ordering::Relaxed),
            self.counts.1.load(Ordering::Relaxed),
        )
    }

    /// Lists an ARM collection; when that fails, records a subscription-wide
    /// error for each wanted kind of `kinds` and returns `None`.
    pub async fn list(&self, kinds: &[&str], path: &str, api_version: &str) -> Option<Vec<Value>> {
        match self.session.api.arm_list(path, api_version).await {
            Ok(items) => Some(items),
            // A resource provider that is not registered in the subscription
            // means the subscription holds none of its resources: an empty
            // list (their controls are not applicable), not an error.
            Err(err) if err.is_unregistered() => Some(Vec::new()),
            Err(err) => {
                for kind in kinds.iter().filter(|k| self.wants(k)) {
                    self.fail(kind, EVERY_REGION, None, path, &err);
                }
                None
            }
        }
    }

    /// Lists an ARM collection under a resource (`{id}/firewallRules`).
    pub async fn list_under(&self, path: &str, api_version: &str) -> Result<Vec<Value>, ApiError> {
        self.session.api.arm_list(path, api_version).await
    }

    /// GETs one ARM object.
    pub async fn get(&self, path: &str, api_version: &str) -> Result<Value, ApiError> {
        self.session.api.arm_get(path, api_version).await
    }

    /// GETs one ARM object, `None` when it does not exist (404): settings
    /// that were never configured.
    pub async fn get_optional(
        &self,
        path: &str,
        api_version: &str,
    ) -> Result<Option<Value>, ApiError> {
        match self.get(path, api_version).await {
            Ok(value) => Ok(Some(value)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Lists a Microsoft Graph collection.
    pub async fn graph_list(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        self.session.api.graph_list(path).await
    }

    /// GETs one Microsoft Graph object.
    pub async fn graph_get(&self, path: &str) -> Result<Value, ApiError> {
        self.session.api.graph_get(path).await
    }

    /// Emits a record of `kind` in `region` (`global` for subscription-level
    /// settings and Entra ID objects).
    pub async fn emit(
        &self,
        kind: &str,
        region: &str,
        id: &str,
        name: &str,
        tags: BTreeMap<String, String>,
        config: Value,
    ) {
        let Ok(kind) = ResourceKind::parse(kind) else {
            tracing::error!(kind, "collector emitted an invalid kind");
            return;
        };
        if let Some(regions) = &self.request.regions
            && region != crate::services::json::GLOBAL
            && !regions.iter().any(|r| r.eq_ignore_ascii_case(region))
        {
            return;
        }
        let config = match config {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        self.counts.0.fetch_add(1, Ordering::Relaxed);
        self.output
            .resource(Resource {
                provider: Provider::Azure,
                account_id: self.subscription().to_owned(),
                region: region.to_owned(),
                kind,
                id: id.to_owned(),
                name: name.to_owned(),
                tags,
                config,
                collected_at: self.collected_at,
            })
            .await;
    }

    /// Records a failed ARM call of `path`. `resource_id` names the one
    /// resource affected, or `None` when the kind could not be listed.
    pub fn fail(
        &self,
        kind: &str,
        region: &str,
        resource_id: Option<&str>,
        path: &str,
        err: &ApiError,
    ) {
        let operation = arm_operation(path);
        let hint = format!("the {operation} permission, which the Reader role includes");
        self.record(
            kind,
            region,
            resource_id,
            action_of(&operation),
            operation,
            hint,
            err,
        );
    }

    /// Records a failed data-plane call that needs `data_action`.
    pub fn fail_data_action(
        &self,
        kind: &str,
        region: &str,
        resource_id: &str,
        data_action: &str,
        err: &ApiError,
    ) {
        let hint =
            format!("the data action {data_action}, which the Key Vault Reader role includes");
        self.record(
            kind,
            region,
            Some(resource_id),
            format!(
                "GET {}",
                data_action.strip_suffix("/read").unwrap_or(data_action)
            ),
            data_action.to_owned(),
            hint,
            err,
        );
    }

    /// Records a failed Microsoft Graph call of `path`.
    pub fn fail_graph(&self, kind: &str, path: &str, need: GraphNeed, err: &ApiError) {
        let path = path.split('?').next().unwrap_or_default();
        self.record(
            kind,
            crate::services::json::GLOBAL,
            None,
            format!("GET graph {path}"),
            need.permission.to_owned(),
            format!(
                "the Microsoft Graph application permission {} with admin consent",
                need.permission
            ),
            err,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        kind: &str,
        region: &str,
        resource_id: Option<&str>,
        action: String,
        permission: String,
        hint: String,
        err: &ApiError,
    ) {
        let Ok(kind) = ResourceKind::parse(kind) else {
            return;
        };
        self.counts.1.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(%kind, region, resource_id, action, error = %err, "call failed");
        let message = if err.is_unregistered() {
            format!(
                "{err} (the resource provider is not registered in this subscription, so it holds no such resources; register it to read them)"
            )
        } else if err.is_denied() {
            format!("{err} (posture needs {hint})")
        } else {
            err.to_string()
        };
        self.output.error(CollectionError {
            kind,
            region: region.to_owned(),
            resource_id: resource_id.map(str::to_owned),
            action,
            permission: err.is_denied().then_some(permission),
            message,
        });
    }
}
