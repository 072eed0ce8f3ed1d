//! RDS: every DB instance of a region from DescribeDBInstances
//! (`aws.rds.db_instance`, Aurora and Multi-AZ DB cluster members included),
//! and the account's manual DB snapshots with their restore sharing
//! (`aws.rds.db_snapshot`, in `rds_snapshots.rs`). Tags come with the
//! descriptions (TagList): no tag calls.

use super::rds_snapshots;
use super::util::{put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_rds::Client;
use aws_sdk_rds::types::{DbInstance, DbSubnetGroup, Tag};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[INSTANCE, rds_snapshots::SNAPSHOT];

pub const ACTIONS: &[&str] = &[
    "rds:DescribeDBInstances",
    "rds:DescribeDBSnapshots",
    "rds:DescribeDBSnapshotAttributes",
];

const INSTANCE: &str = "aws.rds.db_instance";

pub async fn collect(ctx: RegionCtx) {
    let client = client!(aws_sdk_rds, ctx);
    if ctx.wants(INSTANCE) {
        instances(&ctx, &client).await;
    }
    if ctx.wants(rds_snapshots::SNAPSHOT) {
        rds_snapshots::snapshots(&ctx, &client).await;
    }
}

/// An RDS resource's TagList as a map.
pub(super) fn tags(list: &[Tag]) -> BTreeMap<String, String> {
    list.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

/// The KMS key of encrypted storage: null when it is known not to be
/// encrypted; left out when it is (or may be) encrypted and no key is named.
pub(super) fn kms_key_id(
    config: &mut Map<String, Value>,
    encrypted: Option<bool>,
    key: Option<&str>,
) {
    match (key, encrypted) {
        (Some(key), _) => {
            config.insert("kms_key_id".into(), json!(key));
        }
        (None, Some(false)) => {
            config.insert("kms_key_id".into(), Value::Null);
        }
        (None, _) => {}
    }
}

async fn instances(ctx: &RegionCtx, client: &Client) {
    let mut pages = client.describe_db_instances().into_paginator().send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => listed.extend(page.db_instances().iter().cloned()),
            Err(err) => {
                ctx.fail(INSTANCE, &ctx.region, "rds:DescribeDBInstances", None, &err);
                return;
            }
        }
    }
    for instance in listed {
        let Some(identifier) = instance.db_instance_identifier() else {
            continue;
        };
        let id = format!(
            "arn:{}:rds:{}:{}:db:{identifier}",
            ctx.partition(),
            ctx.region,
            ctx.account()
        );
        ctx.emit(
            INSTANCE,
            &ctx.region,
            id,
            identifier.to_owned(),
            tags(instance.tag_list()),
            Value::Object(instance_config(&instance)),
        )
        .await;
    }
}

fn instance_config(i: &DbInstance) -> Map<String, Value> {
    let mut config = Map::new();
    put(
        &mut config,
        "db_instance_identifier",
        i.db_instance_identifier(),
    );
    put(&mut config, "db_instance_class", i.db_instance_class());
    put(&mut config, "db_instance_status", i.db_instance_status());
    put(&mut config, "engine", i.engine());
    put(&mut config, "engine_version", i.engine_version());
    config.insert(
        "db_cluster_identifier".into(),
        text(i.db_cluster_identifier()),
    );
    config.insert(
        "instance_create_time".into(),
        json!(i.instance_create_time().and_then(rfc3339)),
    );
    config.insert(
        "endpoint_port".into(),
        json!(i.endpoint().and_then(|e| e.port())),
    );
    config.insert("master_username".into(), text(i.master_username()));
    put(&mut config, "storage_type", i.storage_type());
    put(&mut config, "allocated_storage", i.allocated_storage());
    put(&mut config, "storage_encrypted", i.storage_encrypted());
    kms_key_id(&mut config, i.storage_encrypted(), i.kms_key_id());
    put(&mut config, "publicly_accessible", i.publicly_accessible());
    put(&mut config, "multi_az", i.multi_az());
    put(
        &mut config,
        "backup_retention_period",
        i.backup_retention_period(),
    );
    put(
        &mut config,
        "auto_minor_version_upgrade",
        i.auto_minor_version_upgrade(),
    );
    put(&mut config, "deletion_protection", i.deletion_protection());
    put(
        &mut config,
        "iam_database_authentication_enabled",
        i.iam_database_authentication_enabled(),
    );
    config.insert(
        "enabled_cloudwatch_logs_exports".into(),
        json!(i.enabled_cloudwatch_logs_exports()),
    );
    // The API leaves PerformanceInsightsEnabled out when it was never turned on.
    config.insert(
        "performance_insights_enabled".into(),
        json!(i.performance_insights_enabled().unwrap_or(false)),
    );
    config.insert(
        "performance_insights_kms_key_id".into(),
        text(i.performance_insights_kms_key_id()),
    );
    put(&mut config, "monitoring_interval", i.monitoring_interval());
    put(
        &mut config,
        "ca_certificate_identifier",
        i.ca_certificate_identifier(),
    );
    put(
        &mut config,
        "copy_tags_to_snapshot",
        i.copy_tags_to_snapshot(),
    );
    config.insert(
        "db_subnet_group".into(),
        i.db_subnet_group().map_or(Value::Null, subnet_group),
    );
    let groups: Vec<&str> = i
        .vpc_security_groups()
        .iter()
        .filter_map(|g| g.vpc_security_group_id())
        .collect();
    config.insert("vpc_security_group_ids".into(), json!(groups));
    config.insert(
        "read_replica_source".into(),
        text(i.read_replica_source_db_instance_identifier()),
    );
    config
}

fn subnet_group(group: &DbSubnetGroup) -> Value {
    let mut config = Map::new();
    put(&mut config, "name", group.db_subnet_group_name());
    put(&mut config, "vpc_id", group.vpc_id());
    let subnets: Vec<&str> = group
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_identifier())
        .collect();
    config.insert("subnet_ids".into(), json!(subnets));
    Value::Object(config)
}
