//! GuardDuty: the detector of each region, its status and protection plans
//! (`aws.guardduty.detector_status`), one record per region also when the
//! region has no detector.

use super::util::{put, rfc3339, rfc3339_text, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[DETECTOR];

pub const ACTIONS: &[&str] = &["guardduty:ListDetectors", "guardduty:GetDetector"];

const DETECTOR: &str = "aws.guardduty.detector_status";

/// The fields GetDetector gives; null when there is no detector.
const DETECTOR_FIELDS: [&str; 5] = [
    "status",
    "created_at",
    "updated_at",
    "finding_publishing_frequency",
    "service_role",
];

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(DETECTOR) {
        return;
    }
    let client = client!(aws_sdk_guardduty, ctx);
    let region = ctx.region.as_str();
    let mut detector_ids = Vec::new();
    let mut pages = client.list_detectors().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => detector_ids.extend(page.detector_ids().iter().cloned()),
            Err(err) => {
                ctx.fail(DETECTOR, region, "guardduty:ListDetectors", None, &err);
                return;
            }
        }
    }
    let id = format!(
        "arn:{}:guardduty:{region}:{}:detector-status",
        ctx.partition(),
        ctx.account()
    );
    let mut config = Map::new();
    let detector_id = detector_ids.first();
    config.insert("detector_exists".into(), Value::Bool(detector_id.is_some()));
    config.insert("detector_id".into(), text(detector_id.map(String::as_str)));
    match detector_id {
        None => {
            for key in DETECTOR_FIELDS {
                config.insert(key.into(), Value::Null);
            }
            config.insert("features".into(), Value::Array(vec![]));
        }
        Some(detector_id) => match client.get_detector().detector_id(detector_id).send().await {
            Ok(out) => config.extend(detector(&out)),
            Err(err) => ctx.fail(DETECTOR, region, "guardduty:GetDetector", Some(&id), &err),
        },
    }
    let name = detector_id.map_or("none", String::as_str).to_owned();
    ctx.emit(
        DETECTOR,
        region,
        id,
        name,
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}

/// A text timestamp as RFC 3339 UTC, null when absent. One that does not
/// parse is left out of the record.
fn timestamp(config: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    match value {
        None => {
            config.insert(key.into(), Value::Null);
        }
        Some(text) => put(config, key, rfc3339_text(text)),
    }
}

/// The fields GetDetector gives of an existing detector.
fn detector(out: &GetDetectorOutput) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "status", out.status().map(|s| s.as_str()));
    timestamp(&mut config, "created_at", out.created_at());
    timestamp(&mut config, "updated_at", out.updated_at());
    put(
        &mut config,
        "finding_publishing_frequency",
        out.finding_publishing_frequency().map(|f| f.as_str()),
    );
    config.insert("service_role".into(), text(out.service_role()));
    let features = out
        .features()
        .iter()
        .map(|f| {
            let mut feature = Map::new();
            put(&mut feature, "name", f.name().map(|n| n.as_str()));
            put(&mut feature, "status", f.status().map(|s| s.as_str()));
            feature.insert(
                "updated_at".into(),
                f.updated_at()
                    .and_then(rfc3339)
                    .map_or(Value::Null, Value::String),
            );
            Value::Object(feature)
        })
        .collect();
    config.insert("features".into(), Value::Array(features));
    config
}
