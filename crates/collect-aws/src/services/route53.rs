//! Route 53 hosted zones (`aws.route53.hosted_zone`), a global service: every
//! public and private zone with its tags, its DNS query logging
//! configurations and, for public zones, its DNSSEC signing status.

use super::util::{tags_in_batches, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_route53::Client;
use aws_sdk_route53::types::{HostedZone, TagResourceType};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

pub const KINDS: &[&str] = &[HOSTED_ZONE];

pub const ACTIONS: &[&str] = &[
    "route53:ListHostedZones",
    "route53:ListQueryLoggingConfigs",
    "route53:ListTagsForResources",
    "route53:GetDNSSEC",
];

const HOSTED_ZONE: &str = "aws.route53.hosted_zone";

/// ListTagsForResources takes at most 10 resource ids per call.
const TAG_BATCH: usize = 10;

/// The region of records of global kinds.
const GLOBAL: &str = "global";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(HOSTED_ZONE) {
        return;
    }
    let client = client!(aws_sdk_route53, ctx);
    let mut zones = Vec::new();
    let mut pages = client.list_hosted_zones().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => zones.extend(page.hosted_zones().iter().cloned()),
            Err(err) => {
                ctx.fail(HOSTED_ZONE, GLOBAL, "route53:ListHostedZones", None, &err);
                return;
            }
        }
    }
    if zones.is_empty() {
        return;
    }
    let logging = query_logging_configs(&ctx, &client).await;
    let ids: Vec<&str> = zones.iter().map(zone_id).collect();
    let tags = tags(&ctx, &client, &ids).await;
    for_each_bounded(&zones, ctx.fan_out(), |zone| {
        hosted_zone(&ctx, &client, zone, logging.as_ref(), &tags)
    })
    .await;
}

/// The zone id without its `/hostedzone/` prefix.
fn zone_id(zone: &HostedZone) -> &str {
    zone.id().trim_start_matches("/hostedzone/")
}

fn arn(ctx: &RegionCtx, id: &str) -> String {
    format!("arn:{}:route53:::hostedzone/{id}", ctx.partition())
}

/// Every query logging configuration of the account, by zone id (one
/// paged call rather than one per zone: Route 53 allows 5 requests a
/// second); `None` when they could not be read (the error is recorded).
async fn query_logging_configs(
    ctx: &RegionCtx,
    client: &Client,
) -> Option<HashMap<String, Vec<Value>>> {
    let mut by_zone: HashMap<String, Vec<Value>> = HashMap::new();
    let mut pages = client.list_query_logging_configs().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                for config in page.query_logging_configs() {
                    by_zone
                        .entry(config.hosted_zone_id().to_owned())
                        .or_default()
                        .push(json!({
                            "id": config.id(),
                            "cloudwatch_logs_log_group_arn": config.cloud_watch_logs_log_group_arn(),
                        }));
                }
            }
            Err(err) => {
                ctx.fail(
                    HOSTED_ZONE,
                    GLOBAL,
                    "route53:ListQueryLoggingConfigs",
                    None,
                    &err,
                );
                return None;
            }
        }
    }
    Some(by_zone)
}

/// The tags of every zone, by zone id. A batch that cannot be read is an
/// error on each of its zones.
async fn tags(
    ctx: &RegionCtx,
    client: &Client,
    ids: &[&str],
) -> HashMap<String, BTreeMap<String, String>> {
    let read = |batch: &[&str]| {
        let request = batch.iter().fold(
            client
                .list_tags_for_resources()
                .resource_type(TagResourceType::Hostedzone),
            |request, id| request.resource_ids(*id),
        );
        async move {
            request.send().await.map(|out| {
                out.resource_tag_sets()
                    .iter()
                    .filter_map(|set| {
                        let id = set.resource_id()?;
                        let pairs = set
                            .tags()
                            .iter()
                            .filter_map(|t| {
                                Some((
                                    t.key()?.to_owned(),
                                    t.value().unwrap_or_default().to_owned(),
                                ))
                            })
                            .collect();
                        Some((id.to_owned(), pairs))
                    })
                    .collect()
            })
        }
    };
    tags_in_batches(ids, TAG_BATCH, read, |id, err| {
        ctx.fail(
            HOSTED_ZONE,
            GLOBAL,
            "route53:ListTagsForResources",
            Some(&arn(ctx, id)),
            err,
        );
    })
    .await
}

async fn hosted_zone(
    ctx: &RegionCtx,
    client: &Client,
    zone: &HostedZone,
    logging: Option<&HashMap<String, Vec<Value>>>,
    tags: &HashMap<String, BTreeMap<String, String>>,
) {
    let zone_id = zone_id(zone);
    let id = arn(ctx, zone_id);
    let zone_config = zone.config();
    let private = zone_config.is_some_and(|c| c.private_zone());
    let mut config = Map::new();
    config.insert("hosted_zone_id".into(), Value::String(zone_id.to_owned()));
    config.insert("name".into(), Value::String(zone.name().to_owned()));
    config.insert(
        "comment".into(),
        text(
            zone_config
                .and_then(|c| c.comment())
                .filter(|c| !c.is_empty()),
        ),
    );
    config.insert("private_zone".into(), Value::Bool(private));
    if let Some(count) = zone.resource_record_set_count() {
        config.insert("record_count".into(), Value::from(count));
    }
    config.insert(
        "linked_service_principal".into(),
        text(zone.linked_service().and_then(|l| l.service_principal())),
    );
    if let Some(logging) = logging {
        config.insert(
            "query_logging_configs".into(),
            Value::Array(logging.get(zone_id).cloned().unwrap_or_default()),
        );
    }
    if private {
        // DNSSEC signing is not supported for private zones.
        config.insert("dnssec".into(), Value::Null);
    } else if let Some(dnssec) = dnssec(ctx, client, zone_id, &id).await {
        config.insert("dnssec".into(), dnssec);
    }

    let tags = tags.get(zone_id).cloned().unwrap_or_default();
    ctx.emit(
        HOSTED_ZONE,
        GLOBAL,
        id,
        zone.name().to_owned(),
        tags,
        Value::Object(config),
    )
    .await;
}

/// The zone's DNSSEC signing status; `None` when it could not be read (the
/// error is recorded).
async fn dnssec(ctx: &RegionCtx, client: &Client, zone_id: &str, id: &str) -> Option<Value> {
    match client.get_dnssec().hosted_zone_id(zone_id).send().await {
        Ok(out) => {
            let mut status = Map::new();
            if let Some(signature) = out.status().and_then(|s| s.serve_signature()) {
                status.insert("status".into(), Value::String(signature.to_owned()));
            }
            status.insert(
                "status_message".into(),
                text(out.status().and_then(|s| s.status_message())),
            );
            let keys: Vec<Value> = out
                .key_signing_keys()
                .iter()
                .map(|k| {
                    json!({
                        "name": k.name(),
                        "status": k.status(),
                        "kms_arn": k.kms_arn(),
                    })
                })
                .collect();
            status.insert("key_signing_keys".into(), Value::Array(keys));
            Some(Value::Object(status))
        }
        Err(err) => {
            ctx.fail(HOSTED_ZONE, GLOBAL, "route53:GetDNSSEC", Some(id), &err);
            None
        }
    }
}
