//! EC2 networking: VPCs with the flow logs capturing them (`aws.ec2.vpc`),
//! subnets (`aws.ec2.subnet`) and network ACLs with every entry
//! (`aws.ec2.network_acl`).

use super::ec2::{arn, name, tags};
use super::util::put;
use crate::context::RegionCtx;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::error::SdkError;
use aws_sdk_ec2::operation::describe_flow_logs::DescribeFlowLogsError;
use aws_sdk_ec2::types::{
    FlowLog, NetworkAcl, NetworkAclEntry, Subnet, Vpc, VpcCidrBlockStateCode,
};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

const VPC: &str = "aws.ec2.vpc";
const SUBNET: &str = "aws.ec2.subnet";
const NETWORK_ACL: &str = "aws.ec2.network_acl";

pub async fn collect(ctx: &RegionCtx, client: &Client) {
    if ctx.wants(VPC) {
        vpcs(ctx, client).await;
    }
    if ctx.wants(SUBNET) {
        subnets(ctx, client).await;
    }
    if ctx.wants(NETWORK_ACL) {
        network_acls(ctx, client).await;
    }
}

async fn vpcs(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .describe_vpcs()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let vpcs = match listed {
        Ok(vpcs) => vpcs,
        Err(err) => return ctx.fail(VPC, &ctx.region, "ec2:DescribeVpcs", None, &err),
    };
    if vpcs.is_empty() {
        return;
    }
    // One listing for the region instead of one filtered call per VPC.
    // When it fails, the VPCs are still recorded, without `flow_logs`.
    let mut flow_logs = match region_flow_logs(client).await {
        Ok(logs) => Some(logs),
        Err(err) => {
            ctx.fail(VPC, &ctx.region, "ec2:DescribeFlowLogs", None, &err);
            None
        }
    };
    for vpc in vpcs {
        let Some(vpc_id) = vpc.vpc_id() else {
            continue;
        };
        let id = arn(ctx, ctx.account(), &format!("vpc/{vpc_id}"));
        let mut config = vpc_config(&vpc);
        if let Some(by_resource) = flow_logs.as_mut() {
            let logs = by_resource.remove(vpc_id).unwrap_or_default();
            config.insert("flow_logs".into(), Value::Array(logs));
        }
        ctx.emit(
            VPC,
            &ctx.region,
            id,
            name(vpc.tags(), vpc_id),
            tags(vpc.tags()),
            Value::Object(config),
        )
        .await;
    }
}

/// Every flow log in the region (VPC, subnet and interface ones alike),
/// as records grouped by the id of the resource each one captures.
async fn region_flow_logs(
    client: &Client,
) -> Result<HashMap<String, Vec<Value>>, SdkError<DescribeFlowLogsError>> {
    let logs = client
        .describe_flow_logs()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    let mut by_resource: HashMap<String, Vec<Value>> = HashMap::new();
    for log in &logs {
        if let Some(resource) = log.resource_id() {
            by_resource
                .entry(resource.to_owned())
                .or_default()
                .push(flow_log(log));
        }
    }
    Ok(by_resource)
}

/// Every field of a VPC record except its flow logs.
fn vpc_config(vpc: &Vpc) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "vpc_id", vpc.vpc_id());
    put(&mut config, "state", vpc.state().map(|s| s.as_str()));
    put(&mut config, "is_default", vpc.is_default());
    put(&mut config, "cidr_block", vpc.cidr_block());
    let ipv6: Vec<&str> = vpc
        .ipv6_cidr_block_association_set()
        .iter()
        .filter(|a| {
            a.ipv6_cidr_block_state().and_then(|s| s.state())
                == Some(&VpcCidrBlockStateCode::Associated)
        })
        .filter_map(|a| a.ipv6_cidr_block())
        .collect();
    config.insert("ipv6_cidr_blocks".into(), json!(ipv6));
    config
}

fn flow_log(log: &FlowLog) -> Value {
    let mut entry = Map::new();
    put(&mut entry, "id", log.flow_log_id());
    put(&mut entry, "status", log.flow_log_status());
    put(
        &mut entry,
        "traffic_type",
        log.traffic_type().map(|t| t.as_str()),
    );
    put(
        &mut entry,
        "destination_type",
        log.log_destination_type().map(|t| t.as_str()),
    );
    entry.insert(
        "deliver_logs_status".into(),
        json!(log.deliver_logs_status()),
    );
    Value::Object(entry)
}

async fn subnets(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .describe_subnets()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let subnets = match listed {
        Ok(subnets) => subnets,
        Err(err) => return ctx.fail(SUBNET, &ctx.region, "ec2:DescribeSubnets", None, &err),
    };
    for subnet in subnets {
        let Some(subnet_id) = subnet.subnet_id() else {
            continue;
        };
        ctx.emit(
            SUBNET,
            &ctx.region,
            arn(ctx, ctx.account(), &format!("subnet/{subnet_id}")),
            name(subnet.tags(), subnet_id),
            tags(subnet.tags()),
            Value::Object(subnet_config(&subnet)),
        )
        .await;
    }
}

fn subnet_config(subnet: &Subnet) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "subnet_id", subnet.subnet_id());
    put(&mut config, "vpc_id", subnet.vpc_id());
    put(&mut config, "availability_zone", subnet.availability_zone());
    config.insert("cidr_block".into(), json!(subnet.cidr_block()));
    let ipv6: Vec<&str> = subnet
        .ipv6_cidr_block_association_set()
        .iter()
        .filter_map(|a| a.ipv6_cidr_block())
        .collect();
    config.insert("ipv6_cidr_blocks".into(), json!(ipv6));
    put(&mut config, "default_for_az", subnet.default_for_az());
    put(
        &mut config,
        "map_public_ip_on_launch",
        subnet.map_public_ip_on_launch(),
    );
    put(
        &mut config,
        "assign_ipv6_address_on_creation",
        subnet.assign_ipv6_address_on_creation(),
    );
    put(
        &mut config,
        "available_ip_address_count",
        subnet.available_ip_address_count(),
    );
    config
}

async fn network_acls(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .describe_network_acls()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let acls = match listed {
        Ok(acls) => acls,
        Err(err) => {
            return ctx.fail(
                NETWORK_ACL,
                &ctx.region,
                "ec2:DescribeNetworkAcls",
                None,
                &err,
            );
        }
    };
    for acl in acls {
        let Some(acl_id) = acl.network_acl_id() else {
            continue;
        };
        ctx.emit(
            NETWORK_ACL,
            &ctx.region,
            arn(ctx, ctx.account(), &format!("network-acl/{acl_id}")),
            name(acl.tags(), acl_id),
            tags(acl.tags()),
            Value::Object(network_acl_config(&acl)),
        )
        .await;
    }
}

fn network_acl_config(acl: &NetworkAcl) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "network_acl_id", acl.network_acl_id());
    put(&mut config, "vpc_id", acl.vpc_id());
    put(&mut config, "is_default", acl.is_default());
    let entries = acl.entries().iter().map(entry).collect();
    config.insert("entries".into(), Value::Array(entries));
    let subnets: Vec<&str> = acl
        .associations()
        .iter()
        .filter_map(|a| a.subnet_id())
        .collect();
    config.insert("associated_subnet_ids".into(), json!(subnets));
    config
}

/// The protocol number the API documents ("-1" for all); names some
/// endpoints echo back are mapped to their numbers.
fn protocol_number(raw: &str) -> &str {
    match raw {
        "all" => "-1",
        "tcp" => "6",
        "udp" => "17",
        "icmp" => "1",
        "icmpv6" => "58",
        other => other,
    }
}

/// One entry; the port range as the schema normalises it.
fn entry(e: &NetworkAclEntry) -> Value {
    let mut entry = Map::new();
    put(&mut entry, "rule_number", e.rule_number());
    put(&mut entry, "egress", e.egress());
    let protocol = e.protocol().map(protocol_number);
    put(&mut entry, "protocol", protocol);
    put(
        &mut entry,
        "rule_action",
        e.rule_action().map(|a| a.as_str()),
    );
    entry.insert("cidr_block".into(), json!(e.cidr_block()));
    entry.insert("ipv6_cidr_block".into(), json!(e.ipv6_cidr_block()));
    match protocol {
        // tcp and udp rules always carry a port range; without one the
        // ports stay out (not collected) rather than widened to all.
        Some("6" | "17") => {
            let range = e.port_range();
            put(&mut entry, "from_port", range.and_then(|r| r.from()));
            put(&mut entry, "to_port", range.and_then(|r| r.to()));
        }
        Some(_) => {
            entry.insert("from_port".into(), json!(0));
            entry.insert("to_port".into(), json!(65535));
        }
        None => {}
    }
    Value::Object(entry)
}
