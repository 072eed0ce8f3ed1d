//! Cloud Logging v2: sinks (each, and a per-project summary) and
//! log-based metrics.

use super::util::{bool_or, encode, items, opt_string, opt_timestamp, string};
use crate::api_error::ApiError;
use crate::client::Client;
use crate::context::{Ctx, GLOBAL};
use serde_json::{Value, json};

pub const SINK: &str = "gcp.logging.sink";
pub const SINK_SUMMARY: &str = "gcp.logging.sink_summary";
pub const METRIC: &str = "gcp.logging.metric";
pub const KINDS: &[&str] = &[SINK, SINK_SUMMARY, METRIC];
pub const APIS: &[&str] = &["logging.googleapis.com"];
pub const SINKS_LIST: &str = "logging.sinks.list";
pub const METRICS_LIST: &str = "logging.logMetrics.list";
pub const PERMISSIONS: &[&str] = &[SINKS_LIST, METRICS_LIST];
const HOST: &str = "logging.googleapis.com";

/// Every sink of the project (the built-in ones included).
pub async fn list_sinks(client: &Client, project: &str) -> Result<Vec<Value>, ApiError> {
    let url = client.url(HOST, &format!("/v2/projects/{}/sinks", encode(project)));
    client.list(&url, "sinks", SINKS_LIST).await
}

/// Every user-defined log-based metric of the project.
pub async fn list_metrics(client: &Client, project: &str) -> Result<Vec<Value>, ApiError> {
    let url = client.url(HOST, &format!("/v2/projects/{}/metrics", encode(project)));
    client.list(&url, "metrics", METRICS_LIST).await
}

fn active_exclusions(sink: &Value) -> i64 {
    items(&sink["exclusions"])
        .filter(|e| !e["disabled"].as_bool().unwrap_or(false))
        .count() as i64
}

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    if ctx.wants(SINK) || ctx.wants(SINK_SUMMARY) {
        match list_sinks(ctx.client(), &project).await {
            Err(e) => ctx.fail_all(&[SINK, SINK_SUMMARY], GLOBAL, SINKS_LIST, &e),
            Ok(sinks) => {
                for sink in sinks.iter().filter(|_| ctx.wants(SINK)) {
                    let name = sink["name"].as_str().unwrap_or_default().to_owned();
                    let exclusions: Vec<Value> = items(&sink["exclusions"])
                        .map(|e| json!({"name": string(&e["name"]), "filter": string(&e["filter"]), "disabled": bool_or(&e["disabled"], false)}))
                        .collect();
                    let config = json!({
                        "destination": string(&sink["destination"]),
                        "filter": string(&sink["filter"]),
                        "disabled": bool_or(&sink["disabled"], false),
                        "writer_identity": opt_string(&sink["writerIdentity"]),
                        "include_children": bool_or(&sink["includeChildren"], false),
                        "exclusions": exclusions,
                        "create_time": opt_timestamp(&sink["createTime"]),
                    });
                    let id = format!("//logging.googleapis.com/projects/{project}/sinks/{name}");
                    ctx.emit(SINK, GLOBAL, id, name, Default::default(), config)
                        .await;
                }
                if ctx.wants(SINK_SUMMARY) {
                    let summary: Vec<Value> = sinks
                        .iter()
                        .map(|s| {
                            json!({
                                "name": string(&s["name"]),
                                "destination": string(&s["destination"]),
                                "filter": string(&s["filter"]),
                                "disabled": bool_or(&s["disabled"], false),
                                "active_exclusion_count": active_exclusions(s),
                            })
                        })
                        .collect();
                    let id = format!("//logging.googleapis.com/projects/{project}/sinkSummary");
                    ctx.emit(
                        SINK_SUMMARY,
                        GLOBAL,
                        id,
                        project.clone(),
                        Default::default(),
                        json!({"sinks": summary}),
                    )
                    .await;
                }
            }
        }
    }
    if ctx.wants(METRIC) {
        match list_metrics(ctx.client(), &project).await {
            Err(e) => ctx.fail(METRIC, GLOBAL, METRICS_LIST, None, &e),
            Ok(metrics) => {
                for metric in metrics {
                    let name = metric["name"].as_str().unwrap_or_default().to_owned();
                    let metric_type = metric["metricDescriptor"]["type"]
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("logging.googleapis.com/user/{name}"));
                    let config = json!({
                        "filter": string(&metric["filter"]),
                        "disabled": bool_or(&metric["disabled"], false),
                        "metric_type": metric_type,
                        "description": string(&metric["description"]),
                    });
                    let id = format!("//logging.googleapis.com/projects/{project}/metrics/{name}");
                    ctx.emit(METRIC, GLOBAL, id, name, Default::default(), config)
                        .await;
                }
            }
        }
    }
}
