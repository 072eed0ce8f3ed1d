//! IAM Access Analyzer: the analyzers of one region (`aws.iam.access_analyzer`),
//! one record per region, also when the region has none.

use super::util::rfc3339;
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_accessanalyzer::types::AnalyzerSummary;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[ANALYZERS];

pub const ACTIONS: &[&str] = &["access-analyzer:ListAnalyzers"];

const ANALYZERS: &str = "aws.iam.access_analyzer";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(ANALYZERS) {
        return;
    }
    let client = client!(aws_sdk_accessanalyzer, ctx);
    let mut analyzers = Vec::new();
    let mut pages = client.list_analyzers().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => analyzers.extend(page.analyzers().iter().map(analyzer)),
            Err(err) => {
                ctx.fail(
                    ANALYZERS,
                    &ctx.region,
                    "access-analyzer:ListAnalyzers",
                    None,
                    &err,
                );
                return;
            }
        }
    }
    let id = format!(
        "arn:{}:access-analyzer:{}:{}:analyzers",
        ctx.partition(),
        ctx.region,
        ctx.account()
    );
    let name = format!("access-analyzer/{}", ctx.region);
    ctx.emit(
        ANALYZERS,
        &ctx.region,
        id,
        name,
        BTreeMap::new(),
        json!({ "analyzers": analyzers }),
    )
    .await;
}

/// One entry of `analyzers`.
fn analyzer(summary: &AnalyzerSummary) -> Value {
    let mut entry = Map::new();
    entry.insert("arn".into(), Value::String(summary.arn().to_owned()));
    entry.insert("name".into(), Value::String(summary.name().to_owned()));
    entry.insert(
        "type".into(),
        Value::String(summary.r#type().as_str().to_owned()),
    );
    entry.insert(
        "status".into(),
        Value::String(summary.status().as_str().to_owned()),
    );
    if let Some(created) = rfc3339(summary.created_at()) {
        entry.insert("created_at".into(), Value::String(created));
    }
    Value::Object(entry)
}
