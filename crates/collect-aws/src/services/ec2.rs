//! EC2: the service's entry point, every kind and IAM action it declares,
//! and helpers shared by its parts. This file also collects security groups
//! with flattened rules (`aws.ec2.security_group`) and EBS encryption by
//! default (`aws.ec2.ebs_encryption_by_default`); networking is in
//! `ec2_network`, instances, AMIs, volumes and snapshots in `ec2_compute`.

use super::{ec2_compute, ec2_network};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::error::SdkError;
use aws_sdk_ec2::operation::describe_network_interfaces::DescribeNetworkInterfacesError;
use aws_sdk_ec2::types::{IpPermission, Tag};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

pub const KINDS: &[&str] = &[
    "aws.ec2.security_group",
    "aws.ec2.ebs_encryption_by_default",
    // ec2_network
    "aws.ec2.vpc",
    "aws.ec2.subnet",
    "aws.ec2.network_acl",
    // ec2_compute
    "aws.ec2.instance",
    "aws.ec2.image",
    "aws.ec2.volume",
    "aws.ec2.snapshot",
];

pub const ACTIONS: &[&str] = &[
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeNetworkInterfaces",
    "ec2:GetEbsEncryptionByDefault",
    "ec2:GetEbsDefaultKmsKeyId",
    // ec2_network
    "ec2:DescribeVpcs",
    "ec2:DescribeFlowLogs",
    "ec2:DescribeSubnets",
    "ec2:DescribeNetworkAcls",
    // ec2_compute
    "ec2:DescribeInstances",
    "ec2:DescribeImages",
    "ec2:DescribeImageAttribute",
    "ec2:DescribeVolumes",
    "ec2:DescribeSnapshots",
    "ec2:DescribeSnapshotAttribute",
];

const GROUP: &str = "aws.ec2.security_group";
const EBS_DEFAULT: &str = "aws.ec2.ebs_encryption_by_default";

pub async fn collect(ctx: RegionCtx) {
    let client = client!(aws_sdk_ec2, ctx);
    if ctx.wants(EBS_DEFAULT) {
        ebs_encryption_by_default(&ctx, &client).await;
    }
    if ctx.wants(GROUP) {
        security_groups(&ctx, &client).await;
    }
    ec2_network::collect(&ctx, &client).await;
    ec2_compute::collect(&ctx, &client).await;
}

/// `arn:{partition}:ec2:{region}:{account}:{resource}`; pass `""` as the
/// account for AMIs and snapshots, whose ARNs have none.
pub(crate) fn arn(ctx: &RegionCtx, account: &str, resource: &str) -> String {
    format!(
        "arn:{}:ec2:{}:{account}:{resource}",
        ctx.partition(),
        ctx.region
    )
}

/// The record's name: the value of the resource's `Name` tag, else `fallback`.
pub(crate) fn name(tags: &[Tag], fallback: &str) -> String {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(Tag::value)
        .filter(|v| !v.is_empty())
        .unwrap_or(fallback)
        .to_owned()
}

pub(crate) fn tags(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

async fn ebs_encryption_by_default(ctx: &RegionCtx, client: &Client) {
    let enabled = match client.get_ebs_encryption_by_default().send().await {
        Ok(out) => out.ebs_encryption_by_default().unwrap_or(false),
        Err(err) => {
            ctx.fail(
                EBS_DEFAULT,
                &ctx.region,
                "ec2:GetEbsEncryptionByDefault",
                None,
                &err,
            );
            return;
        }
    };
    let mut config = serde_json::Map::new();
    config.insert("enabled".into(), Value::Bool(enabled));
    match client.get_ebs_default_kms_key_id().send().await {
        Ok(out) => {
            config.insert(
                "kms_key_id".into(),
                out.kms_key_id()
                    .map_or(Value::Null, |k| Value::String(k.to_owned())),
            );
        }
        Err(err) => ctx.fail(
            EBS_DEFAULT,
            &ctx.region,
            "ec2:GetEbsDefaultKmsKeyId",
            None,
            &err,
        ),
    }
    let id = format!(
        "arn:{}:ec2:{}:{}:ebs-encryption-by-default",
        ctx.partition(),
        ctx.region,
        ctx.account()
    );
    ctx.emit(
        EBS_DEFAULT,
        &ctx.region,
        id,
        format!("ebs-encryption-by-default/{}", ctx.region),
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}

async fn security_groups(ctx: &RegionCtx, client: &Client) {
    let mut pages = client.describe_security_groups().into_paginator().send();
    let mut groups = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => groups.extend(page.security_groups().iter().cloned()),
            Err(err) => {
                ctx.fail(GROUP, &ctx.region, "ec2:DescribeSecurityGroups", None, &err);
                return;
            }
        }
    }
    let interfaces = interfaces_per_group(client).await;
    for group in groups {
        let group_id = group.group_id().unwrap_or_default().to_owned();
        let id = format!(
            "arn:{}:ec2:{}:{}:security-group/{group_id}",
            ctx.partition(),
            ctx.region,
            ctx.account()
        );
        let mut config = serde_json::Map::new();
        let name = group.group_name().unwrap_or_default().to_owned();
        config.insert("group_id".into(), json!(group_id));
        config.insert("group_name".into(), json!(name));
        config.insert(
            "description".into(),
            json!(group.description().unwrap_or_default()),
        );
        config.insert("vpc_id".into(), json!(group.vpc_id()));
        config.insert("is_default".into(), json!(name == "default"));
        config.insert(
            "ingress_rules".into(),
            Value::Array(flatten(group.ip_permissions())),
        );
        config.insert(
            "egress_rules".into(),
            Value::Array(flatten(group.ip_permissions_egress())),
        );
        match &interfaces {
            Ok(counts) => {
                let count = counts.get(&group_id).copied().unwrap_or(0);
                config.insert("network_interface_count".into(), json!(count));
            }
            Err(err) => ctx.fail(
                GROUP,
                &ctx.region,
                "ec2:DescribeNetworkInterfaces",
                Some(&id),
                err,
            ),
        }
        ctx.emit(
            GROUP,
            &ctx.region,
            id,
            name,
            tags(group.tags()),
            Value::Object(config),
        )
        .await;
    }
}

/// How many network interfaces each security group is attached to, from
/// one paged DescribeNetworkInterfaces of the region (not one call per
/// group: regions have hundreds of groups).
async fn interfaces_per_group(
    client: &Client,
) -> Result<HashMap<String, usize>, SdkError<DescribeNetworkInterfacesError>> {
    let mut counts = HashMap::new();
    let mut pages = client.describe_network_interfaces().into_paginator().send();
    while let Some(page) = pages.next().await {
        for interface in page?.network_interfaces() {
            for group in interface.groups() {
                if let Some(id) = group.group_id() {
                    *counts.entry(id.to_owned()).or_default() += 1;
                }
            }
        }
    }
    Ok(counts)
}

/// The protocol as a name, and the port range normalised (see the kind's schema).
fn protocol_and_ports(p: &IpPermission) -> (String, i64, i64) {
    let raw = p.ip_protocol().unwrap_or("-1");
    let protocol = match raw {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        other => other,
    }
    .to_owned();
    let (from, to) = match protocol.as_str() {
        "tcp" | "udp" => (
            i64::from(p.from_port().unwrap_or(0)),
            i64::from(p.to_port().unwrap_or(65535)),
        ),
        "icmp" | "icmpv6" => (
            i64::from(p.from_port().unwrap_or(-1)),
            i64::from(p.to_port().unwrap_or(-1)),
        ),
        _ => (0, 65535),
    };
    (protocol, from, to)
}

/// One rule per (protocol, port range, source), as the schema describes.
fn flatten(permissions: &[IpPermission]) -> Vec<Value> {
    let mut rules = Vec::new();
    for p in permissions {
        let (protocol, from, to) = protocol_and_ports(p);
        let rule = |v4: Option<&str>,
                    v6: Option<&str>,
                    group: Option<&str>,
                    prefix: Option<&str>,
                    description: Option<&str>| {
            json!({
                "ip_protocol": protocol, "from_port": from, "to_port": to,
                "cidr_ipv4": v4, "cidr_ipv6": v6, "source_group_id": group, "prefix_list_id": prefix,
                "description": description,
            })
        };
        for r in p.ip_ranges() {
            rules.push(rule(r.cidr_ip(), None, None, None, r.description()));
        }
        for r in p.ipv6_ranges() {
            rules.push(rule(None, r.cidr_ipv6(), None, None, r.description()));
        }
        for r in p.user_id_group_pairs() {
            rules.push(rule(None, None, r.group_id(), None, r.description()));
        }
        for r in p.prefix_list_ids() {
            rules.push(rule(None, None, None, r.prefix_list_id(), r.description()));
        }
    }
    rules
}
