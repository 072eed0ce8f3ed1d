//! AWS Config: the customer managed configuration recorder of each region
//! (`aws.config.recorder`), one record per region even when none exists.

use super::util::{rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[RECORDER];

pub const ACTIONS: &[&str] = &[
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus",
    "config:DescribeDeliveryChannels",
];

const RECORDER: &str = "aws.config.recorder";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(RECORDER) {
        return;
    }
    let client = client!(aws_sdk_config, ctx);
    let region = ctx.region.as_str();
    let recorder = match client.describe_configuration_recorders().send().await {
        Ok(out) => out
            .configuration_recorders()
            .iter()
            .find(|r| r.service_principal().is_none())
            .cloned(),
        Err(err) => {
            ctx.fail(
                RECORDER,
                region,
                "config:DescribeConfigurationRecorders",
                None,
                &err,
            );
            return;
        }
    };
    let id = format!(
        "arn:{}:config:{region}:{}:configuration-recorder",
        ctx.partition(),
        ctx.account()
    );
    let mut config = Map::new();
    let group = recorder.as_ref().and_then(|r| r.recording_group());
    config.insert("recorder_exists".into(), Value::Bool(recorder.is_some()));
    config.insert(
        "recorder_name".into(),
        text(recorder.as_ref().and_then(|r| r.name())),
    );
    config.insert(
        "role_arn".into(),
        text(recorder.as_ref().and_then(|r| r.role_arn())),
    );
    config.insert(
        "all_supported".into(),
        Value::Bool(group.is_some_and(|g| g.all_supported())),
    );
    config.insert(
        "include_global_resource_types".into(),
        Value::Bool(group.is_some_and(|g| g.include_global_resource_types())),
    );
    config.insert(
        "recording_strategy".into(),
        text(
            group
                .and_then(|g| g.recording_strategy())
                .and_then(|s| s.use_only())
                .map(|u| u.as_str()),
        ),
    );

    match &recorder {
        None => {
            config.insert("recording".into(), Value::Bool(false));
            for key in ["last_status", "last_error_code", "last_status_change_time"] {
                config.insert(key.into(), Value::Null);
            }
        }
        Some(rec) => {
            let mut request = client.describe_configuration_recorder_status();
            if let Some(name) = rec.name() {
                request = request.configuration_recorder_names(name);
            }
            match request.send().await {
                Ok(out) => {
                    let status = out
                        .configuration_recorders_status()
                        .iter()
                        .find(|s| s.name() == rec.name());
                    config.insert(
                        "recording".into(),
                        Value::Bool(status.is_some_and(|s| s.recording())),
                    );
                    config.insert(
                        "last_status".into(),
                        text(status.and_then(|s| s.last_status()).map(|s| s.as_str())),
                    );
                    config.insert(
                        "last_error_code".into(),
                        text(status.and_then(|s| s.last_error_code())),
                    );
                    config.insert(
                        "last_status_change_time".into(),
                        status
                            .and_then(|s| s.last_status_change_time())
                            .and_then(rfc3339)
                            .map_or(Value::Null, Value::String),
                    );
                }
                Err(err) => ctx.fail(
                    RECORDER,
                    region,
                    "config:DescribeConfigurationRecorderStatus",
                    Some(&id),
                    &err,
                ),
            }
        }
    }

    match client.describe_delivery_channels().send().await {
        Ok(out) => {
            config.insert(
                "delivery_channel_exists".into(),
                Value::Bool(!out.delivery_channels().is_empty()),
            );
        }
        Err(err) => ctx.fail(
            RECORDER,
            region,
            "config:DescribeDeliveryChannels",
            Some(&id),
            &err,
        ),
    }

    let name = recorder
        .as_ref()
        .and_then(|r| r.name())
        .unwrap_or("none")
        .to_owned();
    ctx.emit(
        RECORDER,
        region,
        id,
        name,
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}
