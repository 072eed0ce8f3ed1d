//! Elastic Load Balancing v2 (`aws.elbv2.load_balancer`): every Application,
//! Network and Gateway Load Balancer of a region with its tags, listeners
//! (protocols, TLS policies, certificates, default actions) and attributes
//! (access logs, deletion protection, header and desync handling).

use super::util::{put, rfc3339, tags_in_batches, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::{Action, Listener, LoadBalancer};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

pub const KINDS: &[&str] = &[LOAD_BALANCER];

pub const ACTIONS: &[&str] = &[
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "wafv2:GetWebACLForResource",
];

const LOAD_BALANCER: &str = "aws.elbv2.load_balancer";

/// DescribeTags takes at most 20 resource ARNs per call.
const TAG_BATCH: usize = 20;

/// What the API leaves out of Gateway Load Balancer listeners.
const GENEVE: &str = "GENEVE";
const GENEVE_PORT: i32 = 6081;

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(LOAD_BALANCER) {
        return;
    }
    let client = client!(aws_sdk_elasticloadbalancingv2, ctx);
    let mut balancers = Vec::new();
    let mut pages = client.describe_load_balancers().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => balancers.extend(page.load_balancers().iter().cloned()),
            Err(err) => {
                ctx.fail(
                    LOAD_BALANCER,
                    &ctx.region,
                    "elasticloadbalancing:DescribeLoadBalancers",
                    None,
                    &err,
                );
                return;
            }
        }
    }
    let arns: Vec<&str> = balancers
        .iter()
        .filter_map(|b| b.load_balancer_arn())
        .collect();
    let tags = tags(&ctx, &client, &arns).await;
    for_each_bounded(&balancers, ctx.fan_out(), |balancer| {
        load_balancer(&ctx, &client, balancer, &tags)
    })
    .await;
}

/// The tags of every load balancer, by ARN. A batch that cannot be read is
/// an error on each of its load balancers.
async fn tags(
    ctx: &RegionCtx,
    client: &Client,
    arns: &[&str],
) -> HashMap<String, BTreeMap<String, String>> {
    let read = |batch: &[&str]| {
        let request = batch.iter().fold(client.describe_tags(), |request, arn| {
            request.resource_arns(*arn)
        });
        async move {
            request.send().await.map(|out| {
                out.tag_descriptions()
                    .iter()
                    .filter_map(|description| {
                        let arn = description.resource_arn()?;
                        let set = description
                            .tags()
                            .iter()
                            .filter_map(|t| {
                                Some((
                                    t.key()?.to_owned(),
                                    t.value().unwrap_or_default().to_owned(),
                                ))
                            })
                            .collect();
                        Some((arn.to_owned(), set))
                    })
                    .collect()
            })
        }
    };
    tags_in_batches(arns, TAG_BATCH, read, |arn, err| {
        ctx.fail(
            LOAD_BALANCER,
            &ctx.region,
            "elasticloadbalancing:DescribeTags",
            Some(arn),
            err,
        );
    })
    .await
}

async fn load_balancer(
    ctx: &RegionCtx,
    client: &Client,
    balancer: &LoadBalancer,
    tags: &HashMap<String, BTreeMap<String, String>>,
) {
    let (Some(arn), Some(name)) = (balancer.load_balancer_arn(), balancer.load_balancer_name())
    else {
        return;
    };
    let kind = balancer.r#type().map(|t| t.as_str().to_owned());
    let kind = kind.as_deref();
    let gateway = kind == Some("gateway");
    let mut config = Map::new();
    config.insert("load_balancer_name".into(), Value::String(name.to_owned()));
    put(&mut config, "type", kind);
    put(&mut config, "scheme", balancer.scheme().map(|s| s.as_str()));
    put(
        &mut config,
        "state",
        balancer.state().and_then(|s| s.code()).map(|c| c.as_str()),
    );
    if gateway {
        config.insert("dns_name".into(), text(balancer.dns_name()));
    } else {
        put(&mut config, "dns_name", balancer.dns_name());
    }
    put(&mut config, "vpc_id", balancer.vpc_id());
    put(
        &mut config,
        "created_time",
        balancer.created_time().and_then(rfc3339),
    );
    put(
        &mut config,
        "ip_address_type",
        balancer.ip_address_type().map(|t| t.as_str()),
    );
    config.insert(
        "security_group_ids".into(),
        json!(balancer.security_groups()),
    );
    let zones: Vec<Value> = balancer
        .availability_zones()
        .iter()
        .map(|z| json!({"zone_name": z.zone_name(), "subnet_id": z.subnet_id()}))
        .collect();
    config.insert("availability_zones".into(), Value::Array(zones));

    if let Some(listeners) = listeners(ctx, client, arn, gateway).await {
        config.insert("listeners".into(), Value::Array(listeners));
    }
    if let Some(attributes) = attributes(ctx, client, arn).await {
        insert_attributes(&mut config, &attributes, kind);
    }
    match kind {
        Some("application") => {
            if let Some(acl) = web_acl(ctx, arn).await {
                config.insert("web_acl_arn".into(), acl);
            }
        }
        Some(_) => {
            // WAF protects Application Load Balancers only.
            config.insert("web_acl_arn".into(), Value::Null);
        }
        None => {}
    }

    let tags = tags.get(arn).cloned().unwrap_or_default();
    ctx.emit(
        LOAD_BALANCER,
        &ctx.region,
        arn.to_owned(),
        name.to_owned(),
        tags,
        Value::Object(config),
    )
    .await;
}

/// The ARN of the AWS WAF web ACL protecting an Application Load Balancer
/// (WAFV2 GetWebACLForResource), `null` when none; `None` when it could not
/// be read (the error is recorded).
async fn web_acl(ctx: &RegionCtx, arn: &str) -> Option<Value> {
    let waf = client!(aws_sdk_wafv2, ctx);
    match waf
        .get_web_acl_for_resource()
        .resource_arn(arn)
        .send()
        .await
    {
        Ok(out) => Some(text(out.web_acl().map(|acl| acl.arn()))),
        Err(err) => {
            ctx.fail(
                LOAD_BALANCER,
                &ctx.region,
                "wafv2:GetWebACLForResource",
                Some(arn),
                &err,
            );
            None
        }
    }
}

/// Every listener of the load balancer; `None` when they could not be read
/// (the error is recorded).
async fn listeners(
    ctx: &RegionCtx,
    client: &Client,
    arn: &str,
    gateway: bool,
) -> Option<Vec<Value>> {
    let mut listeners = Vec::new();
    let mut pages = client
        .describe_listeners()
        .load_balancer_arn(arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => listeners.extend(page.listeners().iter().map(|l| listener(l, gateway))),
            Err(err) => {
                ctx.fail(
                    LOAD_BALANCER,
                    &ctx.region,
                    "elasticloadbalancing:DescribeListeners",
                    Some(arn),
                    &err,
                );
                return None;
            }
        }
    }
    Some(listeners)
}

fn listener(listener: &Listener, gateway: bool) -> Value {
    let mut entry = Map::new();
    put(&mut entry, "listener_arn", listener.listener_arn());
    let protocol = match listener.protocol().map(|p| p.as_str()) {
        Some(p) if !p.is_empty() => Some(p),
        _ if gateway => Some(GENEVE),
        _ => None,
    };
    put(&mut entry, "protocol", protocol);
    put(
        &mut entry,
        "port",
        listener.port().or(gateway.then_some(GENEVE_PORT)),
    );
    // Only HTTPS and TLS listeners negotiate TLS; a policy reported on any
    // other listener is not in force.
    let secure = matches!(protocol, Some("HTTPS" | "TLS"));
    entry.insert(
        "ssl_policy".into(),
        text(listener.ssl_policy().filter(|_| secure)),
    );
    let certificates: Vec<&str> = listener
        .certificates()
        .iter()
        .filter_map(|c| c.certificate_arn())
        .collect();
    entry.insert("certificate_arns".into(), json!(certificates));
    let mut actions: Vec<&Action> = listener.default_actions().iter().collect();
    actions.sort_by_key(|a| a.order().unwrap_or(i32::MAX));
    let types: Vec<&str> = actions
        .iter()
        .filter_map(|a| a.r#type().map(|t| t.as_str()))
        .collect();
    entry.insert("default_action_types".into(), json!(types));
    let redirects_to_https = actions.iter().any(|a| {
        a.redirect_config()
            .and_then(|r| r.protocol())
            .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
    });
    entry.insert("redirects_to_https".into(), Value::Bool(redirects_to_https));
    Value::Object(entry)
}

/// The load balancer's attributes as key → value; `None` when they could
/// not be read (the error is recorded).
async fn attributes(
    ctx: &RegionCtx,
    client: &Client,
    arn: &str,
) -> Option<HashMap<String, String>> {
    match client
        .describe_load_balancer_attributes()
        .load_balancer_arn(arn)
        .send()
        .await
    {
        Ok(out) => Some(
            out.attributes()
                .iter()
                .filter_map(|a| Some((a.key()?.to_owned(), a.value()?.to_owned())))
                .collect(),
        ),
        Err(err) => {
            ctx.fail(
                LOAD_BALANCER,
                &ctx.region,
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                Some(arn),
                &err,
            );
            None
        }
    }
}

/// Converts the Key/Value attributes into the typed fields. An attribute
/// that applies to the type but was not returned stays out of the record;
/// one that does not apply is null.
fn insert_attributes(
    config: &mut Map<String, Value>,
    attributes: &HashMap<String, String>,
    kind: Option<&str>,
) {
    let flag = |key: &str| attributes.get(key).and_then(|v| v.parse::<bool>().ok());
    let value = |key: &str| attributes.get(key).map(String::as_str);
    let gateway = kind == Some("gateway");
    // Gateway Load Balancers have no access logs.
    put(
        config,
        "access_logs_enabled",
        flag("access_logs.s3.enabled").or(gateway.then_some(false)),
    );
    match value("access_logs.s3.bucket") {
        Some(bucket) => {
            config.insert(
                "access_logs_s3_bucket".into(),
                text(Some(bucket).filter(|b| !b.is_empty())),
            );
        }
        None if gateway => {
            config.insert("access_logs_s3_bucket".into(), Value::Null);
        }
        None => {}
    }
    put(
        config,
        "deletion_protection_enabled",
        flag("deletion_protection.enabled"),
    );
    let Some(kind) = kind else {
        return;
    };
    let application = kind == "application";
    let only_application = |config: &mut Map<String, Value>, field: &str, found: Option<Value>| {
        if application {
            put(config, field, found);
        } else {
            config.insert(field.into(), Value::Null);
        }
    };
    only_application(
        config,
        "drop_invalid_header_fields_enabled",
        flag("routing.http.drop_invalid_header_fields.enabled").map(Value::Bool),
    );
    only_application(
        config,
        "desync_mitigation_mode",
        value("routing.http.desync_mitigation_mode").map(Value::from),
    );
    only_application(
        config,
        "http2_enabled",
        flag("routing.http2.enabled").map(Value::Bool),
    );
    only_application(
        config,
        "waf_fail_open_enabled",
        flag("waf.fail_open.enabled").map(Value::Bool),
    );
    if application {
        // Cross-zone balancing is always on at the ALB level.
        config.insert("cross_zone_enabled".into(), Value::Null);
    } else {
        put(
            config,
            "cross_zone_enabled",
            flag("load_balancing.cross_zone.enabled"),
        );
    }
}
