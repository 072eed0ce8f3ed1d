//! Security Hub: whether it is enabled in each region and which standards
//! are subscribed there (`aws.securityhub.hub_status`), one record per
//! region also when it is off.

use super::util::{put, rfc3339_text, text};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::describe_hub::DescribeHubOutput;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[HUB];

pub const ACTIONS: &[&str] = &["securityhub:DescribeHub", "securityhub:GetEnabledStandards"];

const HUB: &str = "aws.securityhub.hub_status";

/// DescribeHub's answer when the account is not subscribed in the region.
const NOT_SUBSCRIBED: &str = "InvalidAccessException";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(HUB) {
        return;
    }
    let client = client!(aws_sdk_securityhub, ctx);
    let region = ctx.region.as_str();
    let hub = match client.describe_hub().send().await {
        Ok(out) => Some(out),
        Err(err) if code(&err) == Some(NOT_SUBSCRIBED) => None,
        Err(err) => {
            ctx.fail(HUB, region, "securityhub:DescribeHub", None, &err);
            return;
        }
    };
    let id = format!(
        "arn:{}:securityhub:{region}:{}:hub-status",
        ctx.partition(),
        ctx.account()
    );
    let mut config = Map::new();
    config.insert("enabled".into(), Value::Bool(hub.is_some()));
    match &hub {
        None => {
            for key in [
                "hub_arn",
                "subscribed_at",
                "auto_enable_controls",
                "control_finding_generator",
            ] {
                config.insert(key.into(), Value::Null);
            }
            config.insert("standards".into(), Value::Array(vec![]));
        }
        Some(hub) => {
            config.extend(hub_settings(hub));
            match standards(&client).await {
                Ok(list) => {
                    config.insert("standards".into(), Value::Array(list));
                }
                Err(err) => ctx.fail(
                    HUB,
                    region,
                    "securityhub:GetEnabledStandards",
                    Some(&id),
                    &err,
                ),
            }
        }
    }
    ctx.emit(
        HUB,
        region,
        id,
        "default".to_owned(),
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}

/// The fields DescribeHub gives of an enabled hub.
fn hub_settings(hub: &DescribeHubOutput) -> Map<String, Value> {
    let mut config = Map::new();
    config.insert("hub_arn".into(), text(hub.hub_arn()));
    match hub.subscribed_at() {
        None => {
            config.insert("subscribed_at".into(), Value::Null);
        }
        // A timestamp that does not parse is left out: not guessed.
        Some(at) => put(&mut config, "subscribed_at", rfc3339_text(at)),
    }
    put(
        &mut config,
        "auto_enable_controls",
        hub.auto_enable_controls(),
    );
    config.insert(
        "control_finding_generator".into(),
        text(hub.control_finding_generator().map(|g| g.as_str())),
    );
    config
}

/// Every subscribed standard, to the last page.
async fn standards(
    client: &Client,
) -> Result<
    Vec<Value>,
    aws_sdk_securityhub::error::SdkError<
        aws_sdk_securityhub::operation::get_enabled_standards::GetEnabledStandardsError,
    >,
> {
    let mut list = Vec::new();
    let mut pages = client.get_enabled_standards().into_paginator().send();
    while let Some(page) = pages.next().await {
        for subscription in page?.standards_subscriptions() {
            let mut standard = Map::new();
            put(&mut standard, "standards_arn", subscription.standards_arn());
            put(
                &mut standard,
                "standards_subscription_arn",
                subscription.standards_subscription_arn(),
            );
            put(
                &mut standard,
                "standards_status",
                subscription.standards_status().map(|s| s.as_str()),
            );
            list.push(Value::Object(standard));
        }
    }
    Ok(list)
}
