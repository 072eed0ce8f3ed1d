//! AWS Lambda (`aws.lambda.function`): the `$LATEST` configuration of every
//! function of a region, with its tags, resource-based policy and function
//! URLs. Environment variable values are never read into the record, only
//! their names.

use super::util::{json_document, put, text};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{FunctionConfiguration, FunctionUrlAuthType};
use chrono::{DateTime, SecondsFormat, Utc};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[FUNCTION];

pub const ACTIONS: &[&str] = &[
    "lambda:ListFunctions",
    "lambda:ListTags",
    "lambda:GetPolicy",
    "lambda:ListFunctionUrlConfigs",
];

const FUNCTION: &str = "aws.lambda.function";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(FUNCTION) {
        return;
    }
    let client = client!(aws_sdk_lambda, ctx);
    let mut functions = Vec::new();
    let mut pages = client.list_functions().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => functions.extend(page.functions().iter().cloned()),
            Err(err) => {
                ctx.fail(FUNCTION, &ctx.region, "lambda:ListFunctions", None, &err);
                return;
            }
        }
    }
    for_each_bounded(&functions, ctx.fan_out(), |function| {
        describe(&ctx, &client, function)
    })
    .await;
}

/// Lambda's `LastModified` (`2024-05-01T12:00:00.000+0000`) as RFC 3339 UTC.
fn last_modified(value: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(value)
        .or_else(|_| DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|t| {
            t.with_timezone(&Utc)
                .to_rfc3339_opts(SecondsFormat::AutoSi, true)
        })
}

async fn describe(ctx: &RegionCtx, client: &Client, function: &FunctionConfiguration) {
    let Some(name) = function.function_name() else {
        return;
    };
    let id = format!(
        "arn:{}:lambda:{}:{}:function:{name}",
        ctx.partition(),
        ctx.region,
        ctx.account()
    );
    let mut config = Map::new();
    config.insert("function_name".into(), Value::String(name.to_owned()));
    put(
        &mut config,
        "package_type",
        function.package_type().map(|p| p.as_str()),
    );
    config.insert(
        "runtime".into(),
        text(function.runtime().map(|r| r.as_str())),
    );
    config.insert("handler".into(), text(function.handler()));
    put(&mut config, "role", function.role());
    let architectures: Vec<&str> = function
        .architectures()
        .iter()
        .map(|a| a.as_str())
        .collect();
    config.insert("architectures".into(), json!(architectures));
    put(&mut config, "memory_size", function.memory_size());
    put(&mut config, "timeout", function.timeout());
    put(
        &mut config,
        "last_modified",
        function.last_modified().and_then(last_modified),
    );
    config.insert("state".into(), text(function.state().map(|s| s.as_str())));
    let vpc = function
        .vpc_config()
        .filter(|v| v.vpc_id().is_some_and(|id| !id.is_empty()));
    config.insert(
        "vpc_config".into(),
        vpc.map_or(Value::Null, |v| {
            json!({
                "vpc_id": v.vpc_id(),
                "subnet_ids": v.subnet_ids(),
                "security_group_ids": v.security_group_ids(),
            })
        }),
    );
    let mut variables: Vec<&str> = function
        .environment()
        .and_then(|e| e.variables())
        .map(|v| v.keys().map(String::as_str).collect())
        .unwrap_or_default();
    variables.sort_unstable();
    config.insert("environment_variable_names".into(), json!(variables));
    config.insert(
        "kms_key_arn".into(),
        text(function.kms_key_arn().filter(|k| !k.is_empty())),
    );
    put(
        &mut config,
        "tracing_mode",
        function
            .tracing_config()
            .and_then(|t| t.mode())
            .map(|m| m.as_str()),
    );
    config.insert(
        "dead_letter_target_arn".into(),
        text(
            function
                .dead_letter_config()
                .and_then(|d| d.target_arn())
                .filter(|a| !a.is_empty()),
        ),
    );
    let layers: Vec<&str> = function.layers().iter().filter_map(|l| l.arn()).collect();
    config.insert("layer_arns".into(), json!(layers));

    policy(ctx, client, name, &id, &mut config).await;
    url_auth_type(ctx, client, name, &id, &mut config).await;
    let tags = tags(ctx, client, function.function_arn(), &id).await;
    ctx.emit(
        FUNCTION,
        &ctx.region,
        id,
        name.to_owned(),
        tags,
        Value::Object(config),
    )
    .await;
}

async fn policy(
    ctx: &RegionCtx,
    client: &Client,
    name: &str,
    id: &str,
    config: &mut Map<String, Value>,
) {
    match client.get_policy().function_name(name).send().await {
        Ok(out) => {
            config.insert("policy".into(), json_document(out.policy()));
        }
        Err(err) if code(&err) == Some("ResourceNotFoundException") => {
            config.insert("policy".into(), Value::Null);
        }
        Err(err) => ctx.fail(FUNCTION, &ctx.region, "lambda:GetPolicy", Some(id), &err),
    }
}

/// The auth type of the function's URLs (unqualified and aliases): NONE if
/// any URL is unauthenticated, null when the function has none.
async fn url_auth_type(
    ctx: &RegionCtx,
    client: &Client,
    name: &str,
    id: &str,
    config: &mut Map<String, Value>,
) {
    let mut auth_types = Vec::new();
    let mut pages = client
        .list_function_url_configs()
        .function_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => auth_types.extend(
                page.function_url_configs()
                    .iter()
                    .map(|u| u.auth_type().clone()),
            ),
            Err(err) => {
                ctx.fail(
                    FUNCTION,
                    &ctx.region,
                    "lambda:ListFunctionUrlConfigs",
                    Some(id),
                    &err,
                );
                return;
            }
        }
    }
    let weakest = auth_types
        .iter()
        .find(|a| **a == FunctionUrlAuthType::None)
        .or(auth_types.first());
    config.insert("url_auth_type".into(), text(weakest.map(|a| a.as_str())));
}

async fn tags(
    ctx: &RegionCtx,
    client: &Client,
    arn: Option<&str>,
    id: &str,
) -> BTreeMap<String, String> {
    match client.list_tags().resource(arn.unwrap_or(id)).send().await {
        Ok(out) => out
            .tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        Err(err) => {
            ctx.fail(FUNCTION, &ctx.region, "lambda:ListTags", Some(id), &err);
            BTreeMap::new()
        }
    }
}
