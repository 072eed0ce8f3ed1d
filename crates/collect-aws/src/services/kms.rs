//! KMS: every key of a region, AWS managed and customer managed, with its
//! rotation status and key policy (`aws.kms.key`), and the region's custom
//! key stores (`aws.kms.custom_key_store`).

use super::util::{json_document, put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_kms::Client;
use posture_collect::for_each_bounded;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[KEY, STORE];

pub const ACTIONS: &[&str] = &[
    "kms:ListKeys",
    "kms:DescribeKey",
    "kms:GetKeyRotationStatus",
    "kms:GetKeyPolicy",
    "kms:ListResourceTags",
    "kms:DescribeCustomKeyStores",
];

const KEY: &str = "aws.kms.key";
const STORE: &str = "aws.kms.custom_key_store";

pub async fn collect(ctx: RegionCtx) {
    let client = client!(aws_sdk_kms, ctx);
    if ctx.wants(KEY) {
        keys(&ctx, &client).await;
    }
    if ctx.wants(STORE) {
        custom_key_stores(&ctx, &client).await;
    }
}

async fn keys(ctx: &RegionCtx, client: &Client) {
    let mut ids = Vec::new();
    let mut pages = client.list_keys().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => ids.extend(
                page.keys()
                    .iter()
                    .filter_map(|k| k.key_id().map(str::to_owned)),
            ),
            Err(err) => {
                ctx.fail(KEY, &ctx.region, "kms:ListKeys", None, &err);
                return;
            }
        }
    }
    for_each_bounded(ids, ctx.fan_out(), |key_id| async move {
        key(ctx, client, &key_id).await;
    })
    .await;
}

async fn key(ctx: &RegionCtx, client: &Client, key_id: &str) {
    let id = format!(
        "arn:{}:kms:{}:{}:key/{key_id}",
        ctx.partition(),
        ctx.region,
        ctx.account()
    );
    let meta = match client.describe_key().key_id(key_id).send().await {
        Ok(out) => match out.key_metadata() {
            Some(meta) => meta.clone(),
            None => return,
        },
        Err(err) => {
            ctx.fail(KEY, &ctx.region, "kms:DescribeKey", Some(&id), &err);
            return;
        }
    };
    let mut config = Map::new();
    config.insert("key_id".into(), Value::String(meta.key_id().to_owned()));
    put(
        &mut config,
        "creation_date",
        meta.creation_date().and_then(rfc3339),
    );
    config.insert(
        "custom_key_store_id".into(),
        meta.custom_key_store_id()
            .map_or(Value::Null, |s| Value::String(s.to_owned())),
    );
    config.insert(
        "deletion_date".into(),
        meta.deletion_date()
            .and_then(rfc3339)
            .map_or(Value::Null, Value::String),
    );
    config.insert(
        "description".into(),
        Value::String(meta.description().unwrap_or_default().to_owned()),
    );
    config.insert("enabled".into(), Value::Bool(meta.enabled()));
    put(
        &mut config,
        "key_manager",
        meta.key_manager().map(|v| v.as_str()),
    );
    put(&mut config, "key_spec", meta.key_spec().map(|v| v.as_str()));
    put(
        &mut config,
        "key_state",
        meta.key_state().map(|v| v.as_str()),
    );
    put(
        &mut config,
        "key_usage",
        meta.key_usage().map(|v| v.as_str()),
    );
    put(&mut config, "origin", meta.origin().map(|v| v.as_str()));
    put(&mut config, "multi_region", meta.multi_region());
    config.insert(
        "multi_region_key_type".into(),
        meta.multi_region_configuration()
            .and_then(|c| c.multi_region_key_type())
            .map_or(Value::Null, |t| Value::String(t.as_str().to_owned())),
    );
    config.insert(
        "pending_deletion_window_in_days".into(),
        meta.pending_deletion_window_in_days()
            .map_or(Value::Null, Value::from),
    );

    match client.get_key_rotation_status().key_id(key_id).send().await {
        Ok(out) => {
            let enabled = out.key_rotation_enabled();
            config.insert("rotation_enabled".into(), Value::Bool(enabled));
            config.insert(
                "rotation_period_in_days".into(),
                out.rotation_period_in_days()
                    .filter(|_| enabled)
                    .map_or(Value::Null, Value::from),
            );
        }
        Err(err) if code(&err) == Some("UnsupportedOperationException") => {
            config.insert("rotation_enabled".into(), Value::Null);
            config.insert("rotation_period_in_days".into(), Value::Null);
        }
        Err(err) => ctx.fail(
            KEY,
            &ctx.region,
            "kms:GetKeyRotationStatus",
            Some(&id),
            &err,
        ),
    }

    match client
        .get_key_policy()
        .key_id(key_id)
        .policy_name("default")
        .send()
        .await
    {
        Ok(out) => {
            config.insert("policy".into(), json_document(out.policy()));
        }
        Err(err) => ctx.fail(KEY, &ctx.region, "kms:GetKeyPolicy", Some(&id), &err),
    }

    let mut tags = BTreeMap::new();
    let mut pages = client
        .list_resource_tags()
        .key_id(key_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => tags.extend(
                page.tags()
                    .iter()
                    .map(|t| (t.tag_key().to_owned(), t.tag_value().to_owned())),
            ),
            Err(err) => {
                ctx.fail(KEY, &ctx.region, "kms:ListResourceTags", Some(&id), &err);
                break;
            }
        }
    }
    let name = meta.key_id().to_owned();
    ctx.emit(KEY, &ctx.region, id, name, tags, Value::Object(config))
        .await;
}

async fn custom_key_stores(ctx: &RegionCtx, client: &Client) {
    let mut pages = client.describe_custom_key_stores().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(err) => {
                ctx.fail(
                    STORE,
                    &ctx.region,
                    "kms:DescribeCustomKeyStores",
                    None,
                    &err,
                );
                return;
            }
        };
        for store in page.custom_key_stores() {
            let Some(store_id) = store.custom_key_store_id() else {
                continue;
            };
            let xks = store.xks_proxy_configuration();
            let mut config = Map::new();
            config.insert("custom_key_store_id".into(), Value::String(store_id.into()));
            put(
                &mut config,
                "custom_key_store_name",
                store.custom_key_store_name(),
            );
            put(
                &mut config,
                "custom_key_store_type",
                store.custom_key_store_type().map(|t| t.as_str()),
            );
            config.insert(
                "cloud_hsm_cluster_id".into(),
                text(store.cloud_hsm_cluster_id()),
            );
            config.insert(
                "connection_error_code".into(),
                text(store.connection_error_code().map(|c| c.as_str())),
            );
            put(
                &mut config,
                "connection_state",
                store.connection_state().map(|c| c.as_str()),
            );
            put(
                &mut config,
                "creation_date",
                store.creation_date().and_then(rfc3339),
            );
            config.insert(
                "trust_anchor_certificate_present".into(),
                Value::Bool(
                    store
                        .trust_anchor_certificate()
                        .is_some_and(|c| !c.is_empty()),
                ),
            );
            config.insert(
                "xks_proxy_connectivity".into(),
                text(xks.and_then(|x| x.connectivity()).map(|c| c.as_str())),
            );
            config.insert(
                "xks_proxy_uri_endpoint".into(),
                text(xks.and_then(|x| x.uri_endpoint())),
            );
            config.insert(
                "xks_proxy_vpc_endpoint_service_name".into(),
                text(xks.and_then(|x| x.vpc_endpoint_service_name())),
            );
            let id = format!(
                "arn:{}:kms:{}:{}:custom-key-store/{store_id}",
                ctx.partition(),
                ctx.region,
                ctx.account()
            );
            let name = store.custom_key_store_name().unwrap_or(store_id).to_owned();
            ctx.emit(
                STORE,
                &ctx.region,
                id,
                name,
                BTreeMap::new(),
                Value::Object(config),
            )
            .await;
        }
    }
}
