//! ElastiCache cache clusters (`aws.elasticache.cache_cluster`): every
//! Memcached cluster and Valkey/Redis OSS node, with the VPC of its cache
//! subnet group (DescribeCacheSubnetGroups) and whether that VPC is the
//! region's default one (EC2 DescribeVpcs).

use super::elasticache::tags;
use super::util::{put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsError;
use aws_sdk_elasticache::Client;
use aws_sdk_elasticache::error::SdkError;
use aws_sdk_elasticache::operation::describe_cache_subnet_groups::DescribeCacheSubnetGroupsError;
use aws_sdk_elasticache::types::CacheCluster;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

pub(super) const CLUSTER: &str = "aws.elasticache.cache_cluster";

type GroupLookup = Result<Option<String>, SdkError<DescribeCacheSubnetGroupsError>>;
type VpcLookup = Result<Option<bool>, aws_sdk_ec2::error::SdkError<DescribeVpcsError>>;

/// Every cache cluster of the region; `None` (recorded) when the listing failed.
pub(super) async fn list(ctx: &RegionCtx, client: &Client) -> Option<Vec<CacheCluster>> {
    let mut pages = client.describe_cache_clusters().into_paginator().send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => listed.extend(page.cache_clusters().iter().cloned()),
            Err(err) => {
                ctx.fail(
                    CLUSTER,
                    &ctx.region,
                    "elasticache:DescribeCacheClusters",
                    None,
                    &err,
                );
                return None;
            }
        }
    }
    Some(listed)
}

/// The VPCs of the subnet groups the clusters use, each read once.
struct Networks {
    ec2: aws_sdk_ec2::Client,
    groups: HashMap<String, GroupLookup>,
    vpcs: HashMap<String, VpcLookup>,
}

impl Networks {
    async fn group(&mut self, client: &Client, name: &str) -> &GroupLookup {
        if !self.groups.contains_key(name) {
            let found = client
                .describe_cache_subnet_groups()
                .cache_subnet_group_name(name)
                .send()
                .await
                .map(|out| {
                    out.cache_subnet_groups()
                        .first()
                        .and_then(|g| g.vpc_id())
                        .map(str::to_owned)
                });
            self.groups.insert(name.to_owned(), found);
        }
        &self.groups[name]
    }

    async fn vpc_is_default(&mut self, vpc_id: &str) -> &VpcLookup {
        if !self.vpcs.contains_key(vpc_id) {
            let found = self
                .ec2
                .describe_vpcs()
                .vpc_ids(vpc_id)
                .send()
                .await
                .map(|out| out.vpcs().first().and_then(|v| v.is_default()));
            self.vpcs.insert(vpc_id.to_owned(), found);
        }
        &self.vpcs[vpc_id]
    }
}

pub(super) async fn collect(ctx: &RegionCtx, client: &Client, clusters: &[CacheCluster]) {
    let mut networks = Networks {
        ec2: client!(aws_sdk_ec2, ctx),
        groups: HashMap::new(),
        vpcs: HashMap::new(),
    };
    for cluster in clusters {
        let Some(cluster_id) = cluster.cache_cluster_id() else {
            continue;
        };
        let id = format!(
            "arn:{}:elasticache:{}:{}:cluster:{cluster_id}",
            ctx.partition(),
            ctx.region,
            ctx.account()
        );
        let mut config = cluster_config(cluster);
        subnet_group(ctx, client, &mut networks, cluster, &id, &mut config).await;
        let tags = tags(ctx, client, CLUSTER, &id).await;
        ctx.emit(
            CLUSTER,
            &ctx.region,
            id,
            cluster_id.to_owned(),
            tags,
            Value::Object(config),
        )
        .await;
    }
}

/// The cluster's subnet group, its VPC and whether that is the default VPC.
async fn subnet_group(
    ctx: &RegionCtx,
    client: &Client,
    networks: &mut Networks,
    cluster: &CacheCluster,
    id: &str,
    config: &mut Map<String, Value>,
) {
    let Some(name) = cluster.cache_subnet_group_name() else {
        for key in [
            "cache_subnet_group_name",
            "subnet_group_vpc_id",
            "subnet_group_vpc_is_default",
        ] {
            config.insert(key.into(), Value::Null);
        }
        return;
    };
    config.insert("cache_subnet_group_name".into(), json!(name));
    let vpc_id = match networks.group(client, name).await {
        Ok(vpc_id) => vpc_id.clone(),
        Err(err) => {
            return ctx.fail(
                CLUSTER,
                &ctx.region,
                "elasticache:DescribeCacheSubnetGroups",
                Some(id),
                err,
            );
        }
    };
    config.insert("subnet_group_vpc_id".into(), text(vpc_id.as_deref()));
    let Some(vpc_id) = vpc_id else {
        config.insert("subnet_group_vpc_is_default".into(), Value::Null);
        return;
    };
    match networks.vpc_is_default(&vpc_id).await {
        Ok(is_default) => put(config, "subnet_group_vpc_is_default", *is_default),
        Err(err) => ctx.fail(CLUSTER, &ctx.region, "ec2:DescribeVpcs", Some(id), err),
    }
}

fn cluster_config(c: &CacheCluster) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "cache_cluster_id", c.cache_cluster_id());
    put(&mut config, "engine", c.engine());
    put(&mut config, "engine_version", c.engine_version());
    put(&mut config, "cache_node_type", c.cache_node_type());
    put(&mut config, "status", c.cache_cluster_status());
    put(&mut config, "num_cache_nodes", c.num_cache_nodes());
    config.insert(
        "preferred_availability_zone".into(),
        text(c.preferred_availability_zone()),
    );
    put(
        &mut config,
        "create_time",
        c.cache_cluster_create_time().and_then(rfc3339),
    );
    config.insert(
        "replication_group_id".into(),
        text(c.replication_group_id()),
    );
    let groups: Vec<&str> = c
        .security_groups()
        .iter()
        .filter_map(|g| g.security_group_id())
        .collect();
    config.insert("security_group_ids".into(), json!(groups));
    config.insert(
        "cache_parameter_group_name".into(),
        text(
            c.cache_parameter_group()
                .and_then(|g| g.cache_parameter_group_name()),
        ),
    );
    // The three flags are left out of the response when they are off.
    config.insert(
        "transit_encryption_enabled".into(),
        json!(c.transit_encryption_enabled().unwrap_or(false)),
    );
    config.insert(
        "transit_encryption_mode".into(),
        text(c.transit_encryption_mode().map(|m| m.as_str())),
    );
    config.insert(
        "at_rest_encryption_enabled".into(),
        json!(c.at_rest_encryption_enabled().unwrap_or(false)),
    );
    config.insert(
        "auth_token_enabled".into(),
        json!(c.auth_token_enabled().unwrap_or(false)),
    );
    put(
        &mut config,
        "auto_minor_version_upgrade",
        c.auto_minor_version_upgrade(),
    );
    // Memcached has no snapshots: whatever the API says, there is no limit.
    if c.engine() == Some("memcached") {
        config.insert("snapshot_retention_limit".into(), Value::Null);
    } else {
        put(
            &mut config,
            "snapshot_retention_limit",
            c.snapshot_retention_limit(),
        );
    }
    config.insert(
        "notification_topic_arn".into(),
        text(c.notification_configuration().and_then(|n| n.topic_arn())),
    );
    config.insert(
        "network_type".into(),
        text(c.network_type().map(|n| n.as_str())),
    );
    config
}
