//! Cloud Storage JSON v1: buckets (projection=full, so ACLs are included)
//! with their IAM policies, joined with the project's log sinks that
//! export into them (Logging v2).

use super::logging::{SINKS_LIST, list_sinks};
use super::util::{bindings, bool_or, encode, int, items, labels, opt_int, string, timestamp};
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Value, json};

pub const BUCKET: &str = "gcp.storage.bucket";
pub const KINDS: &[&str] = &[BUCKET];
pub const APIS: &[&str] = &["storage.googleapis.com", "logging.googleapis.com"];
const BUCKETS_LIST: &str = "storage.buckets.list";
const BUCKET_POLICY: &str = "storage.buckets.getIamPolicy";
pub const PERMISSIONS: &[&str] = &[BUCKETS_LIST, BUCKET_POLICY, SINKS_LIST];
const HOST: &str = "storage.googleapis.com";

fn acl(list: &Value) -> Vec<Value> {
    items(list)
        .map(|a| json!({"entity": string(&a["entity"]), "role": string(&a["role"])}))
        .collect()
}

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(
        HOST,
        &format!("/storage/v1/b?project={}&projection=full", encode(&project)),
    );
    let buckets = match ctx.client().list(&url, "items", BUCKETS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(BUCKET, "*", BUCKETS_LIST, None, &e),
    };
    let sinks = match list_sinks(ctx.client(), &project).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(BUCKET, "*", SINKS_LIST, None, &e),
    };
    for_each_bounded(buckets, ctx.fan_out(), |bucket| {
        let (ctx, sinks) = (&ctx, &sinks);
        async move {
            let name = bucket["name"].as_str().unwrap_or_default().to_owned();
            let id = format!("//storage.googleapis.com/projects/_/buckets/{name}");
            let region = bucket["location"].as_str().unwrap_or("global").to_ascii_lowercase();
            let url = ctx.client().url(
                HOST,
                &format!("/storage/v1/b/{}/iam?optionsRequestedPolicyVersion=3", encode(&name)),
            );
            let policy = match ctx.client().get(&url, BUCKET_POLICY).await {
                Ok(p) => p,
                Err(e) => return ctx.fail(BUCKET, &region, BUCKET_POLICY, Some(&id), &e),
            };
            let iam = &bucket["iamConfiguration"];
            let prevention = match iam["publicAccessPrevention"].as_str() {
                Some("enforced") => "enforced",
                _ => "inherited",
            };
            let logging = if bucket["logging"].is_object() {
                json!({"log_bucket": string(&bucket["logging"]["logBucket"]), "log_object_prefix": string(&bucket["logging"]["logObjectPrefix"])})
            } else {
                Value::Null
            };
            let retention = &bucket["retentionPolicy"];
            let retention = if retention.is_object() {
                json!({
                    "retention_period_seconds": int(&retention["retentionPeriod"]).unwrap_or(0),
                    "is_locked": bool_or(&retention["isLocked"], false),
                    "effective_time": timestamp(&retention["effectiveTime"]),
                })
            } else {
                Value::Null
            };
            let destination = format!("storage.googleapis.com/{name}");
            let sink_names: Vec<Value> = sinks
                .iter()
                .filter(|s| s["destination"].as_str() == Some(destination.as_str()))
                .map(|s| string(&s["name"]))
                .collect();
            let config = json!({
                "location": string(&bucket["location"]),
                "location_type": string(&bucket["locationType"]),
                "storage_class": string(&bucket["storageClass"]),
                "time_created": timestamp(&bucket["timeCreated"]),
                "uniform_bucket_level_access": bool_or(&iam["uniformBucketLevelAccess"]["enabled"], false),
                "public_access_prevention": prevention,
                "iam_bindings": bindings(&policy),
                "acl": acl(&bucket["acl"]),
                "default_object_acl": acl(&bucket["defaultObjectAcl"]),
                "versioning_enabled": bool_or(&bucket["versioning"]["enabled"], false),
                "logging": logging,
                "retention_policy": retention,
                "default_kms_key_name": super::util::opt_string(&bucket["encryption"]["defaultKmsKeyName"]),
                "soft_delete_retention_seconds": opt_int(&bucket["softDeletePolicy"]["retentionDurationSeconds"]),
                "log_sink_names": sink_names,
            });
            ctx.emit(BUCKET, &region, id, name, labels(&bucket["labels"]), config).await;
        }
    })
    .await;
}
