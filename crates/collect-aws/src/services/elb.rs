//! Elastic Load Balancing, classic (`aws.elb.load_balancer`): every Classic
//! Load Balancer of a region with its tags, its attributes (access logs,
//! cross-zone balancing, connection draining, desync mitigation) and, for
//! each HTTPS/SSL listener, the SSL negotiation policy it uses.

use super::util::{put, rfc3339, tags_in_batches, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_elasticloadbalancing::Client;
use aws_sdk_elasticloadbalancing::types::{
    ListenerDescription, LoadBalancerAttributes, LoadBalancerDescription, PolicyDescription,
};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

pub const KINDS: &[&str] = &[LOAD_BALANCER];

pub const ACTIONS: &[&str] = &[
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancerPolicies",
];

const LOAD_BALANCER: &str = "aws.elb.load_balancer";

/// DescribeTags takes at most 20 load balancer names per call.
const TAG_BATCH: usize = 20;

/// The policy type of an HTTPS/SSL listener's negotiation configuration.
const SSL_NEGOTIATION: &str = "SSLNegotiationPolicyType";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(LOAD_BALANCER) {
        return;
    }
    let client = client!(aws_sdk_elasticloadbalancing, ctx);
    let mut balancers = Vec::new();
    let mut pages = client.describe_load_balancers().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => balancers.extend(page.load_balancer_descriptions().iter().cloned()),
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
    let names: Vec<&str> = balancers
        .iter()
        .filter_map(|b| b.load_balancer_name())
        .collect();
    let tags = tags(&ctx, &client, &names).await;
    for_each_bounded(&balancers, ctx.fan_out(), |balancer| {
        load_balancer(&ctx, &client, balancer, &tags)
    })
    .await;
}

fn arn(ctx: &RegionCtx, name: &str) -> String {
    format!(
        "arn:{}:elasticloadbalancing:{}:{}:loadbalancer/{name}",
        ctx.partition(),
        ctx.region,
        ctx.account()
    )
}

/// The tags of every load balancer, by name. A batch that cannot be read
/// is an error on each of its load balancers.
async fn tags(
    ctx: &RegionCtx,
    client: &Client,
    names: &[&str],
) -> HashMap<String, BTreeMap<String, String>> {
    let read = |batch: &[&str]| {
        let request = batch.iter().fold(client.describe_tags(), |request, name| {
            request.load_balancer_names(*name)
        });
        async move {
            request.send().await.map(|out| {
                out.tag_descriptions()
                    .iter()
                    .filter_map(|description| {
                        let name = description.load_balancer_name()?;
                        let set = description
                            .tags()
                            .iter()
                            .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
                            .collect();
                        Some((name.to_owned(), set))
                    })
                    .collect()
            })
        }
    };
    tags_in_batches(names, TAG_BATCH, read, |name, err| {
        ctx.fail(
            LOAD_BALANCER,
            &ctx.region,
            "elasticloadbalancing:DescribeTags",
            Some(&arn(ctx, name)),
            err,
        );
    })
    .await
}

async fn load_balancer(
    ctx: &RegionCtx,
    client: &Client,
    balancer: &LoadBalancerDescription,
    tags: &HashMap<String, BTreeMap<String, String>>,
) {
    let Some(name) = balancer.load_balancer_name() else {
        return;
    };
    let id = arn(ctx, name);
    let mut config = Map::new();
    config.insert("load_balancer_name".into(), Value::String(name.to_owned()));
    put(&mut config, "dns_name", balancer.dns_name());
    put(&mut config, "scheme", balancer.scheme());
    config.insert("vpc_id".into(), text(balancer.vpc_id()));
    put(
        &mut config,
        "created_time",
        balancer.created_time().and_then(rfc3339),
    );
    config.insert(
        "availability_zones".into(),
        json!(balancer.availability_zones()),
    );
    config.insert("subnet_ids".into(), json!(balancer.subnets()));
    config.insert(
        "security_group_ids".into(),
        json!(balancer.security_groups()),
    );
    config.insert(
        "instance_count".into(),
        Value::from(balancer.instances().len()),
    );

    let listeners = balancer.listener_descriptions();
    let policies = if listeners.iter().any(is_secure) {
        ssl_policies(ctx, client, name, &id).await
    } else {
        Some(Vec::new())
    };
    config.insert(
        "listeners".into(),
        Value::Array(
            listeners
                .iter()
                .map(|l| listener(l, policies.as_deref()))
                .collect(),
        ),
    );

    match client
        .describe_load_balancer_attributes()
        .load_balancer_name(name)
        .send()
        .await
    {
        Ok(out) => {
            if let Some(attributes) = out.load_balancer_attributes() {
                insert_attributes(&mut config, attributes);
            }
        }
        Err(err) => ctx.fail(
            LOAD_BALANCER,
            &ctx.region,
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
            Some(&id),
            &err,
        ),
    }

    let tags = tags.get(name).cloned().unwrap_or_default();
    ctx.emit(
        LOAD_BALANCER,
        &ctx.region,
        id,
        name.to_owned(),
        tags,
        Value::Object(config),
    )
    .await;
}

fn protocol(listener: &ListenerDescription) -> Option<String> {
    listener.listener().map(|l| l.protocol().to_uppercase())
}

fn is_secure(listener: &ListenerDescription) -> bool {
    protocol(listener).is_some_and(|p| p == "HTTPS" || p == "SSL")
}

/// The SSL negotiation policies of the load balancer; `None` when they
/// could not be read (the error is recorded).
async fn ssl_policies(
    ctx: &RegionCtx,
    client: &Client,
    name: &str,
    id: &str,
) -> Option<Vec<PolicyDescription>> {
    match client
        .describe_load_balancer_policies()
        .load_balancer_name(name)
        .send()
        .await
    {
        Ok(out) => Some(
            out.policy_descriptions()
                .iter()
                .filter(|p| p.policy_type_name() == Some(SSL_NEGOTIATION))
                .cloned()
                .collect(),
        ),
        Err(err) => {
            ctx.fail(
                LOAD_BALANCER,
                &ctx.region,
                "elasticloadbalancing:DescribeLoadBalancerPolicies",
                Some(id),
                &err,
            );
            None
        }
    }
}

/// One listener. `policies` are the load balancer's SSL negotiation
/// policies, `None` when unread: then a secure listener's negotiation
/// fields are left out.
fn listener(description: &ListenerDescription, policies: Option<&[PolicyDescription]>) -> Value {
    let mut entry = Map::new();
    let listener = description.listener();
    put(&mut entry, "protocol", protocol(description));
    put(
        &mut entry,
        "load_balancer_port",
        listener.map(|l| l.load_balancer_port()),
    );
    put(
        &mut entry,
        "instance_protocol",
        listener
            .and_then(|l| l.instance_protocol())
            .map(str::to_uppercase),
    );
    put(
        &mut entry,
        "instance_port",
        listener.map(|l| l.instance_port()),
    );
    entry.insert(
        "ssl_certificate_id".into(),
        text(listener.and_then(|l| l.ssl_certificate_id())),
    );
    entry.insert("policy_names".into(), json!(description.policy_names()));
    if !is_secure(description) {
        entry.insert("reference_security_policy".into(), Value::Null);
        entry.insert("ssl_protocols".into(), json!([]));
    } else if let Some(policies) = policies {
        let policy = policies.iter().find(|p| {
            p.policy_name()
                .is_some_and(|n| description.policy_names().iter().any(|l| l == n))
        });
        let attribute = |name: &str| {
            policy
                .into_iter()
                .flat_map(|p| p.policy_attribute_descriptions())
                .find(|a| a.attribute_name() == Some(name))
                .and_then(|a| a.attribute_value())
        };
        entry.insert(
            "reference_security_policy".into(),
            text(attribute("Reference-Security-Policy")),
        );
        let protocols: Vec<&str> = policy
            .into_iter()
            .flat_map(|p| p.policy_attribute_descriptions())
            .filter(|a| a.attribute_value() == Some("true"))
            .filter_map(|a| a.attribute_name()?.strip_prefix("Protocol-"))
            .collect();
        entry.insert("ssl_protocols".into(), json!(protocols));
    }
    Value::Object(entry)
}

fn insert_attributes(config: &mut Map<String, Value>, attributes: &LoadBalancerAttributes) {
    if let Some(log) = attributes.access_log() {
        config.insert(
            "access_log".into(),
            json!({
                "enabled": log.enabled(),
                "s3_bucket_name": text(log.s3_bucket_name().filter(|b| !b.is_empty())),
                "emit_interval": log.emit_interval(),
            }),
        );
    }
    put(
        config,
        "cross_zone_load_balancing",
        attributes.cross_zone_load_balancing().map(|c| c.enabled()),
    );
    if let Some(draining) = attributes.connection_draining() {
        let mut entry = Map::new();
        entry.insert("enabled".into(), Value::Bool(draining.enabled()));
        put(&mut entry, "timeout", draining.timeout());
        config.insert("connection_draining".into(), Value::Object(entry));
    }
    put(
        config,
        "idle_timeout",
        attributes.connection_settings().map(|c| c.idle_timeout()),
    );
    put(
        config,
        "desync_mitigation_mode",
        attributes
            .additional_attributes()
            .iter()
            .rev()
            .find(|a| a.key() == Some("elb.http.desyncmitigationmode"))
            .and_then(|a| a.value()),
    );
}
