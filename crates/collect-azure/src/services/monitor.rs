//! Azure Monitor (Microsoft.Insights), the CIS "Logging and Monitoring"
//! questions: where the subscription's activity log is exported (and how
//! the destination storage is protected), the activity log alert rules
//! (one record each, and all of them in one subscription-level record) and
//! the Application Insights components. All subscription-level.

use super::diagnostics::{self, DIAGNOSTIC_SETTINGS_API};
use super::json::{self, GLOBAL, array, at, boolean, boolean_or, string, text};
use super::storage::STORAGE_API;
use crate::context::Ctx;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const SUBSCRIPTION_DIAGNOSTICS: &str = "azure.monitor.subscription_diagnostic_settings";
pub const ALERT: &str = "azure.monitor.activity_log_alert";
pub const ALERTS: &str = "azure.monitor.activity_log_alerts";
pub const APPLICATION_INSIGHTS: &str = "azure.monitor.application_insights";
pub const KINDS: &[&str] = &[
    SUBSCRIPTION_DIAGNOSTICS,
    ALERT,
    ALERTS,
    APPLICATION_INSIGHTS,
];

pub const OPERATIONS: &[&str] = &[
    diagnostics::OPERATION,
    "Microsoft.Storage/storageAccounts/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/read",
    "Microsoft.Insights/activityLogAlerts/read",
    "Microsoft.Insights/components/read",
];

/// `Microsoft.Insights/activityLogAlerts`.
const ALERTS_API: &str = "2020-10-01";
/// `Microsoft.Insights/components`.
const COMPONENTS_API: &str = "2020-02-02";
/// The container the activity log is exported to in a storage account.
const ACTIVITY_LOG_CONTAINER: &str = "insights-activity-logs";
/// Every activity log category, which `allLogs` stands for.
const ACTIVITY_LOG_CATEGORIES: &[&str] = &[
    "Administrative",
    "Alert",
    "Autoscale",
    "Policy",
    "Recommendation",
    "ResourceHealth",
    "Security",
    "ServiceHealth",
];

pub async fn collect(ctx: Ctx) {
    if ctx.wants(SUBSCRIPTION_DIAGNOSTICS) {
        subscription_diagnostics(&ctx).await;
    }
    if ctx.wants_any(&[ALERT, ALERTS]) {
        alerts(&ctx).await;
    }
    if ctx.wants(APPLICATION_INSIGHTS) {
        application_insights(&ctx).await;
    }
}

async fn subscription_diagnostics(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Insights/diagnosticSettings");
    let Some(list) = ctx
        .list(&[SUBSCRIPTION_DIAGNOSTICS], &path, DIAGNOSTIC_SETTINGS_API)
        .await
    else {
        return;
    };
    let mut settings = Vec::new();
    for setting in &list {
        let categories = diagnostics::enabled_categories(setting, |group| match group {
            "allLogs" => ACTIVITY_LOG_CATEGORIES.to_vec(),
            _ => Vec::new(),
        });
        let (workspace, storage, event_hub) = diagnostics::destinations(setting);
        let mut entry = json!({
            "name": text(setting, "name"),
            "enabled_categories": categories,
            "workspace_id": workspace,
            "storage_account_id": storage,
            "event_hub_authorization_rule_id": event_hub,
        });
        match storage.as_str() {
            None => entry["storage_account"] = Value::Null,
            Some(account_id) => {
                if let Some(account) = destination_account(ctx, account_id, &path).await {
                    entry["storage_account"] = account;
                }
            }
        }
        settings.push(entry);
    }
    ctx.emit(
        SUBSCRIPTION_DIAGNOSTICS,
        GLOBAL,
        &path,
        "diagnosticSettings",
        BTreeMap::new(),
        json!({ "settings": settings }),
    )
    .await;
}

/// The protection of the storage account the activity log goes to; `None`
/// (the field is then not collected) when it cannot be read.
async fn destination_account(ctx: &Ctx, account_id: &str, record_id: &str) -> Option<Value> {
    let account = match ctx.get(account_id, STORAGE_API).await {
        Ok(account) => account,
        Err(err) => {
            ctx.fail(
                SUBSCRIPTION_DIAGNOSTICS,
                GLOBAL,
                Some(record_id),
                account_id,
                &err,
            );
            return None;
        }
    };
    let container_path =
        format!("{account_id}/blobServices/default/containers/{ACTIVITY_LOG_CONTAINER}");
    let container_access = match ctx.get_optional(&container_path, STORAGE_API).await {
        Ok(container) => container.map_or(Value::Null, |c| string(&c, "properties.publicAccess")),
        Err(err) => {
            ctx.fail(
                SUBSCRIPTION_DIAGNOSTICS,
                GLOBAL,
                Some(record_id),
                &container_path,
                &err,
            );
            return None;
        }
    };
    Some(json!({
        "allow_blob_public_access": boolean(&account, "properties.allowBlobPublicAccess"),
        "key_source": json::string_or(&account, "properties.encryption.keySource", "Microsoft.Storage"),
        "container_public_access": container_access,
    }))
}

/// The normalized condition of an activity log alert rule.
struct Condition {
    category: Value,
    operation_names: Vec<String>,
    resource_types: Vec<String>,
}

fn condition(rule: &Value) -> Condition {
    let all_of = array(rule, "properties.condition.allOf");
    let mut category = Value::Null;
    let mut operation_names = Vec::new();
    let mut resource_types = Vec::new();
    let values = |entry: &Value| {
        let mut values: Vec<String> = json::strings(entry, "containsAny");
        if let Some(equals) = at(entry, "equals").and_then(Value::as_str) {
            values.insert(0, equals.to_owned());
        }
        values
            .into_iter()
            .map(|v| v.to_ascii_lowercase())
            .collect::<Vec<_>>()
    };
    for entry in all_of {
        match text(entry, "field") {
            "category" => category = string(entry, "equals"),
            "operationName" => operation_names.extend(values(entry)),
            "resourceType" => resource_types.extend(values(entry)),
            _ => {}
        }
        for alternative in array(entry, "anyOf") {
            if text(alternative, "field") == "operationName" {
                operation_names.extend(values(alternative));
            }
        }
    }
    Condition {
        category,
        operation_names,
        resource_types,
    }
}

async fn alerts(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Insights/activityLogAlerts");
    let Some(rules) = ctx.list(&[ALERT, ALERTS], &path, ALERTS_API).await else {
        return;
    };
    let subscription_scope = ctx.subscription_path("");
    let mut summary = Vec::new();
    for rule in &rules {
        let (id, name) = json::id_and_name(rule);
        let condition = condition(rule);
        let scopes = json::strings(rule, "properties.scopes");
        let covers = scopes
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&subscription_scope));
        let enabled = boolean_or(rule, "properties.enabled", true);
        let action_groups =
            json::strings_of(rule, "properties.actions.actionGroups", "actionGroupId");
        summary.push(json!({
            "name": name,
            "enabled": enabled,
            "covers_subscription": covers,
            "category": condition.category,
            "operation_names": condition.operation_names,
            "action_group_count": action_groups.len(),
        }));
        if ctx.wants(ALERT) {
            let conditions: Vec<Value> = array(rule, "properties.condition.allOf")
                .iter()
                .map(|c| {
                    json!({
                        "field": string(c, "field"),
                        "equals": string(c, "equals"),
                        "contains_any": json::strings(c, "containsAny"),
                    })
                })
                .collect();
            let config = json!({
                "enabled": enabled,
                "scopes": scopes,
                "covers_subscription": covers,
                "category": condition.category,
                "operation_names": condition.operation_names,
                "resource_types": condition.resource_types,
                "conditions": conditions,
                "action_group_ids": action_groups,
            });
            ctx.emit(ALERT, GLOBAL, &id, &name, json::tags(rule), config)
                .await;
        }
    }
    if ctx.wants(ALERTS) {
        ctx.emit(
            ALERTS,
            GLOBAL,
            &path,
            "activityLogAlerts",
            BTreeMap::new(),
            json!({ "alerts": summary }),
        )
        .await;
    }
}

async fn application_insights(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Insights/components");
    let Some(components) = ctx
        .list(&[APPLICATION_INSIGHTS], &path, COMPONENTS_API)
        .await
    else {
        return;
    };
    let components: Vec<Value> = components
        .iter()
        .map(|c| {
            json!({
                "name": text(c, "name"),
                "location": text(c, "location"),
                "workspace_resource_id": json::non_empty(c, "properties.WorkspaceResourceId"),
                "disable_local_auth": boolean_or(c, "properties.DisableLocalAuth", false),
            })
        })
        .collect();
    ctx.emit(
        APPLICATION_INSIGHTS,
        GLOBAL,
        &path,
        "components",
        BTreeMap::new(),
        json!({ "components": components }),
    )
    .await;
}
