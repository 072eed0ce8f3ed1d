//! ElastiCache: Valkey and Redis OSS replication groups
//! (`aws.elasticache.replication_group`), with the engine version of their
//! member clusters, and every cache cluster (`aws.elasticache.cache_cluster`:
//! Memcached clusters and Valkey/Redis nodes, in `elasticache_clusters.rs`),
//! each with its tags (ListTagsForResource).

use super::elasticache_clusters;
use super::util::{put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_elasticache::Client;
use aws_sdk_elasticache::types::{CacheCluster, NodeGroup, ReplicationGroup};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

pub const KINDS: &[&str] = &[GROUP, elasticache_clusters::CLUSTER];

pub const ACTIONS: &[&str] = &[
    "elasticache:DescribeReplicationGroups",
    "elasticache:DescribeCacheClusters",
    "elasticache:DescribeCacheSubnetGroups",
    "elasticache:ListTagsForResource",
    "ec2:DescribeVpcs",
];

const GROUP: &str = "aws.elasticache.replication_group";

pub async fn collect(ctx: RegionCtx) {
    let client = client!(aws_sdk_elasticache, ctx);
    // The cluster listing also gives the replication groups the engine
    // version of their members; without it, each group asks for its own.
    let clusters = if ctx.wants(elasticache_clusters::CLUSTER) {
        elasticache_clusters::list(&ctx, &client).await
    } else {
        None
    };
    if ctx.wants(GROUP) {
        let versions: HashMap<&str, Option<&str>> = clusters
            .iter()
            .flatten()
            .filter_map(|c| Some((c.cache_cluster_id()?, c.engine_version())))
            .collect();
        replication_groups(&ctx, &client, &versions).await;
    }
    if let Some(clusters) = clusters {
        elasticache_clusters::collect(&ctx, &client, &clusters).await;
    }
}

/// The tags of an ElastiCache resource, by ARN; none when the call failed
/// (the failure is recorded against `kind`).
pub(super) async fn tags(
    ctx: &RegionCtx,
    client: &Client,
    kind: &str,
    arn: &str,
) -> BTreeMap<String, String> {
    match client
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
    {
        Ok(out) => out
            .tag_list()
            .iter()
            .filter_map(|t| {
                Some((
                    t.key()?.to_owned(),
                    t.value().unwrap_or_default().to_owned(),
                ))
            })
            .collect(),
        Err(err) => {
            ctx.fail(
                kind,
                &ctx.region,
                "elasticache:ListTagsForResource",
                Some(arn),
                &err,
            );
            BTreeMap::new()
        }
    }
}

async fn replication_groups(
    ctx: &RegionCtx,
    client: &Client,
    versions: &HashMap<&str, Option<&str>>,
) {
    let mut pages = client.describe_replication_groups().into_paginator().send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => listed.extend(page.replication_groups().iter().cloned()),
            Err(err) => {
                return ctx.fail(
                    GROUP,
                    &ctx.region,
                    "elasticache:DescribeReplicationGroups",
                    None,
                    &err,
                );
            }
        }
    }
    for group in listed {
        let Some(group_id) = group.replication_group_id() else {
            continue;
        };
        let id = format!(
            "arn:{}:elasticache:{}:{}:replicationgroup:{group_id}",
            ctx.partition(),
            ctx.region,
            ctx.account()
        );
        let mut config = group_config(&group);
        match group.member_clusters().first() {
            None => {
                config.insert("engine_version".into(), Value::Null);
            }
            Some(member) => {
                if let Some(version) = member_version(ctx, client, versions, member, &id).await {
                    put(&mut config, "engine_version", version);
                }
            }
        }
        let tags = tags(ctx, client, GROUP, &id).await;
        ctx.emit(
            GROUP,
            &ctx.region,
            id,
            group_id.to_owned(),
            tags,
            Value::Object(config),
        )
        .await;
    }
}

/// The engine version of a group's member cluster: from the region's
/// cluster listing when it has the member, else from the cluster itself.
/// `None` when it could not be read (recorded against the group `id`).
async fn member_version(
    ctx: &RegionCtx,
    client: &Client,
    versions: &HashMap<&str, Option<&str>>,
    member: &str,
    id: &str,
) -> Option<Option<String>> {
    if let Some(version) = versions.get(member) {
        return Some(version.map(str::to_owned));
    }
    match client
        .describe_cache_clusters()
        .cache_cluster_id(member)
        .send()
        .await
    {
        Ok(out) => out
            .cache_clusters()
            .first()
            .map(|c: &CacheCluster| c.engine_version().map(str::to_owned)),
        Err(err) => {
            ctx.fail(
                GROUP,
                &ctx.region,
                "elasticache:DescribeCacheClusters",
                Some(id),
                &err,
            );
            None
        }
    }
}

fn group_config(g: &ReplicationGroup) -> Map<String, Value> {
    let mut config = Map::new();
    put(
        &mut config,
        "replication_group_id",
        g.replication_group_id(),
    );
    config.insert(
        "description".into(),
        text(g.description().filter(|d| !d.is_empty())),
    );
    put(&mut config, "status", g.status());
    put(&mut config, "engine", g.engine());
    put(&mut config, "cache_node_type", g.cache_node_type());
    put(&mut config, "cluster_enabled", g.cluster_enabled());
    config.insert(
        "cluster_mode".into(),
        text(g.cluster_mode().map(|m| m.as_str())),
    );
    config.insert("member_clusters".into(), json!(g.member_clusters()));
    let shards: Vec<Value> = g.node_groups().iter().map(node_group).collect();
    config.insert("node_groups".into(), Value::Array(shards));
    put(
        &mut config,
        "automatic_failover",
        g.automatic_failover().map(|v| v.as_str()),
    );
    put(&mut config, "multi_az", g.multi_az().map(|v| v.as_str()));
    // Absent when automatic backups were never configured.
    config.insert(
        "snapshot_retention_limit".into(),
        json!(g.snapshot_retention_limit().unwrap_or(0)),
    );
    config.insert("snapshot_window".into(), text(g.snapshot_window()));
    config.insert(
        "snapshotting_cluster_id".into(),
        text(g.snapshotting_cluster_id()),
    );
    config.insert(
        "at_rest_encryption_enabled".into(),
        json!(g.at_rest_encryption_enabled().unwrap_or(false)),
    );
    config.insert(
        "transit_encryption_enabled".into(),
        json!(g.transit_encryption_enabled().unwrap_or(false)),
    );
    config.insert(
        "transit_encryption_mode".into(),
        text(g.transit_encryption_mode().map(|m| m.as_str())),
    );
    config.insert(
        "auth_token_enabled".into(),
        json!(g.auth_token_enabled().unwrap_or(false)),
    );
    config.insert(
        "auth_token_last_modified_date".into(),
        json!(g.auth_token_last_modified_date().and_then(rfc3339)),
    );
    config.insert("user_group_ids".into(), json!(g.user_group_ids()));
    config.insert("kms_key_id".into(), text(g.kms_key_id()));
    put(
        &mut config,
        "auto_minor_version_upgrade",
        g.auto_minor_version_upgrade(),
    );
    config.insert(
        "data_tiering".into(),
        text(g.data_tiering().map(|d| d.as_str())),
    );
    config.insert(
        "network_type".into(),
        text(g.network_type().map(|n| n.as_str())),
    );
    config.insert(
        "global_replication_group_id".into(),
        text(
            g.global_replication_group_info()
                .and_then(|i| i.global_replication_group_id())
                .filter(|i| !i.is_empty()),
        ),
    );
    let logs: Vec<Value> = g
        .log_delivery_configurations()
        .iter()
        .map(|l| {
            let mut log = Map::new();
            put(&mut log, "log_type", l.log_type().map(|v| v.as_str()));
            put(
                &mut log,
                "destination_type",
                l.destination_type().map(|v| v.as_str()),
            );
            put(&mut log, "status", l.status().map(|v| v.as_str()));
            Value::Object(log)
        })
        .collect();
    config.insert("log_delivery_configurations".into(), Value::Array(logs));
    put(
        &mut config,
        "create_time",
        g.replication_group_create_time().and_then(rfc3339),
    );
    config
}

fn node_group(shard: &NodeGroup) -> Value {
    let mut config = Map::new();
    put(&mut config, "node_group_id", shard.node_group_id());
    put(&mut config, "status", shard.status());
    let members = shard.node_group_members();
    config.insert("member_count".into(), json!(members.len()));
    let mut zones: Vec<&str> = Vec::new();
    for zone in members
        .iter()
        .filter_map(|m| m.preferred_availability_zone())
    {
        if !zones.contains(&zone) {
            zones.push(zone);
        }
    }
    config.insert("availability_zones".into(), json!(zones));
    Value::Object(config)
}
