//! Cloud Monitoring v3: alert policies, and the per-project join of
//! log-based metrics (Logging v2) with the enabled policies that watch
//! them and whether those notify an enabled channel.

use super::logging::{METRICS_LIST, list_metrics};
use super::util::{bool_or, encode, items, labels, string, strings};
use crate::context::{Ctx, GLOBAL};
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub const ALERT_POLICY: &str = "gcp.monitoring.alert_policy";
pub const LOG_METRIC_ALERTING: &str = "gcp.monitoring.log_metric_alerting";
pub const KINDS: &[&str] = &[ALERT_POLICY, LOG_METRIC_ALERTING];
pub const APIS: &[&str] = &["monitoring.googleapis.com", "logging.googleapis.com"];
const POLICIES_LIST: &str = "monitoring.alertPolicies.list";
const CHANNELS_LIST: &str = "monitoring.notificationChannels.list";
pub const PERMISSIONS: &[&str] = &[POLICIES_LIST, CHANNELS_LIST, METRICS_LIST];
const HOST: &str = "monitoring.googleapis.com";

/// (condition type, filter) of one alert policy condition.
fn condition(c: &Value) -> (&'static str, Value) {
    let members = [
        ("conditionThreshold", "threshold"),
        ("conditionAbsent", "absent"),
        ("conditionMatchedLog", "matched_log"),
        ("conditionMonitoringQueryLanguage", "mql"),
        ("conditionPrometheusQueryLanguage", "prometheus"),
        ("conditionSql", "sql"),
    ];
    for (member, kind) in members {
        if c[member].is_object() {
            let filter = match kind {
                "threshold" | "absent" | "matched_log" => string(&c[member]["filter"]),
                _ => Value::Null,
            };
            return (kind, filter);
        }
    }
    ("threshold", Value::Null)
}

/// Whether a monitoring filter references the log-based metric `name`.
fn watches(filter: &str, name: &str) -> bool {
    let compact: String = filter.chars().filter(|c| !c.is_whitespace()).collect();
    let target = format!("logging.googleapis.com/user/{name}");
    [
        format!("metric.type=\"{target}\""),
        format!("metric.type='{target}'"),
    ]
    .iter()
    .any(|needle| compact.contains(needle.as_str()))
}

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(
        HOST,
        &format!("/v3/projects/{}/alertPolicies", encode(&project)),
    );
    let policies = match ctx
        .client()
        .list(&url, "alertPolicies", POLICIES_LIST)
        .await
    {
        Ok(list) => list,
        Err(e) => {
            ctx.fail_all(KINDS, GLOBAL, POLICIES_LIST, &e);
            return;
        }
    };
    if ctx.wants(ALERT_POLICY) {
        for policy in &policies {
            let name = policy["name"].as_str().unwrap_or_default();
            let conditions: Vec<Value> = items(&policy["conditions"])
                .map(|c| {
                    let (kind, filter) = condition(c);
                    json!({"display_name": string(&c["displayName"]), "condition_type": kind, "filter": filter})
                })
                .collect();
            let config = json!({
                "display_name": string(&policy["displayName"]),
                "enabled": bool_or(&policy["enabled"], true),
                "notification_channels": strings(&policy["notificationChannels"]),
                "conditions": conditions,
            });
            let display = policy["displayName"].as_str().unwrap_or(name).to_owned();
            let id = format!("//monitoring.googleapis.com/{name}");
            ctx.emit(
                ALERT_POLICY,
                GLOBAL,
                id,
                display,
                labels(&policy["userLabels"]),
                config,
            )
            .await;
        }
    }
    if !ctx.wants(LOG_METRIC_ALERTING) {
        return;
    }
    let metrics = match list_metrics(ctx.client(), &project).await {
        Ok(list) => list,
        Err(e) => {
            ctx.fail(LOG_METRIC_ALERTING, GLOBAL, METRICS_LIST, None, &e);
            return;
        }
    };
    let url = ctx.client().url(
        HOST,
        &format!("/v3/projects/{}/notificationChannels", encode(&project)),
    );
    let channels = match ctx
        .client()
        .list(&url, "notificationChannels", CHANNELS_LIST)
        .await
    {
        Ok(list) => list,
        Err(e) => {
            ctx.fail(LOG_METRIC_ALERTING, GLOBAL, CHANNELS_LIST, None, &e);
            return;
        }
    };
    let enabled_channels: BTreeSet<&str> = channels
        .iter()
        .filter(|c| c["enabled"].as_bool().unwrap_or(true))
        .filter_map(|c| c["name"].as_str())
        .collect();
    let enabled_policies: Vec<&Value> = policies
        .iter()
        .filter(|p| p["enabled"].as_bool().unwrap_or(true))
        .collect();
    let log_metrics: Vec<Value> = metrics
        .iter()
        .map(|m| {
            let name = m["name"].as_str().unwrap_or_default();
            let watching: Vec<&Value> = enabled_policies
                .iter()
                .copied()
                .filter(|p| {
                    items(&p["conditions"]).any(|c| {
                        let (_, filter) = condition(c);
                        filter.as_str().is_some_and(|f| watches(f, name))
                    })
                })
                .collect();
            let notify = watching.iter().any(|p| {
                items(&p["notificationChannels"])
                    .filter_map(Value::as_str)
                    .any(|c| enabled_channels.contains(c))
            });
            let names: Vec<Value> = watching.iter().map(|p| string(&p["name"])).collect();
            json!({
                "name": name,
                "filter": string(&m["filter"]),
                "disabled": bool_or(&m["disabled"], false),
                "alert_policy_names": names,
                "alerts_notify": notify,
            })
        })
        .collect();
    let id = format!("//monitoring.googleapis.com/projects/{project}/logMetricAlerting");
    ctx.emit(
        LOG_METRIC_ALERTING,
        GLOBAL,
        id,
        project.clone(),
        Default::default(),
        json!({"log_metrics": log_metrics}),
    )
    .await;
}

#[cfg(test)]
mod tests {
    use super::watches;

    #[test]
    fn policy_filters_are_matched_to_metrics() {
        assert!(watches(
            r#"metric.type="logging.googleapis.com/user/owner-changes" AND resource.type="global""#,
            "owner-changes"
        ));
        assert!(watches(
            "metric.type = 'logging.googleapis.com/user/owner-changes'",
            "owner-changes"
        ));
        assert!(!watches(
            r#"metric.type="logging.googleapis.com/user/owner-changes-2""#,
            "owner-changes"
        ));
    }
}
