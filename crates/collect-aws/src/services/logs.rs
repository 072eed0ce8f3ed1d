//! CloudWatch Logs: every log group of a region with its retention, KMS key
//! and tags (`aws.logs.log_group`).

use super::util::{put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::LogGroup;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[LOG_GROUP];

pub const ACTIONS: &[&str] = &["logs:DescribeLogGroups", "logs:ListTagsForResource"];

const LOG_GROUP: &str = "aws.logs.log_group";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(LOG_GROUP) {
        return;
    }
    let client = client!(aws_sdk_cloudwatchlogs, ctx);
    let mut groups = Vec::new();
    let mut pages = client.describe_log_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => groups.extend(page.log_groups().iter().cloned()),
            Err(err) => {
                ctx.fail(LOG_GROUP, &ctx.region, "logs:DescribeLogGroups", None, &err);
                return;
            }
        }
    }
    for group in &groups {
        log_group(&ctx, &client, group).await;
    }
}

/// The record's fields, all from DescribeLogGroups.
fn settings(group: &LogGroup) -> Map<String, Value> {
    let mut config = Map::new();
    put(
        &mut config,
        "creation_time",
        group
            .creation_time()
            .and_then(|ms| rfc3339(&aws_smithy_types::DateTime::from_millis(ms))),
    );
    config.insert(
        "retention_in_days".into(),
        group.retention_in_days().map_or(Value::Null, Value::from),
    );
    config.insert("kms_key_id".into(), text(group.kms_key_id()));
    config.insert(
        "stored_bytes".into(),
        group.stored_bytes().map_or(Value::Null, Value::from),
    );
    config.insert(
        "metric_filter_count".into(),
        Value::from(group.metric_filter_count().unwrap_or(0)),
    );
    config.insert(
        "log_group_class".into(),
        text(group.log_group_class().map(|c| c.as_str())),
    );
    config.insert(
        "data_protection_status".into(),
        text(group.data_protection_status().map(|s| s.as_str())),
    );
    config.insert(
        "deletion_protection_enabled".into(),
        Value::Bool(group.deletion_protection_enabled().unwrap_or(false)),
    );
    config
}

async fn log_group(ctx: &RegionCtx, client: &Client, group: &LogGroup) {
    let Some(name) = group.log_group_name() else {
        return;
    };
    let id = format!(
        "arn:{}:logs:{}:{}:log-group:{name}",
        ctx.partition(),
        ctx.region,
        ctx.account()
    );
    let config = settings(group);
    let mut tags = BTreeMap::new();
    match client
        .list_tags_for_resource()
        .resource_arn(&id)
        .send()
        .await
    {
        Ok(out) => {
            if let Some(listed) = out.tags() {
                tags.extend(listed.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        Err(err) => ctx.fail(
            LOG_GROUP,
            &ctx.region,
            "logs:ListTagsForResource",
            Some(&id),
            &err,
        ),
    }
    ctx.emit(
        LOG_GROUP,
        &ctx.region,
        id,
        name.to_owned(),
        tags,
        Value::Object(config),
    )
    .await;
}
