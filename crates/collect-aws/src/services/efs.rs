//! Amazon EFS (`aws.efs.file_system`): every file system of a region with
//! its resource policy, backup policy, lifecycle configuration, mount
//! targets (with their security groups) and access point count.

use super::util::{json_document, put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_efs::Client;
use aws_sdk_efs::types::{FileSystemDescription, LifecyclePolicy, MountTargetDescription};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

pub const KINDS: &[&str] = &[FILE_SYSTEM];

pub const ACTIONS: &[&str] = &[
    "elasticfilesystem:DescribeFileSystems",
    "elasticfilesystem:DescribeFileSystemPolicy",
    "elasticfilesystem:DescribeBackupPolicy",
    "elasticfilesystem:DescribeLifecycleConfiguration",
    "elasticfilesystem:DescribeMountTargets",
    "elasticfilesystem:DescribeMountTargetSecurityGroups",
    // DescribeMountTargetSecurityGroups also needs this on the mount
    // target's network interface.
    "ec2:DescribeNetworkInterfaceAttribute",
    "elasticfilesystem:DescribeAccessPoints",
];

const FILE_SYSTEM: &str = "aws.efs.file_system";

/// The error code of DescribeFileSystemPolicy and DescribeBackupPolicy when
/// the file system has no such policy.
const POLICY_NOT_FOUND: &str = "PolicyNotFound";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(FILE_SYSTEM) {
        return;
    }
    let client = client!(aws_sdk_efs, ctx);
    let mut file_systems = Vec::new();
    let mut pages = client.describe_file_systems().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => file_systems.extend(page.file_systems().iter().cloned()),
            Err(err) => {
                ctx.fail(
                    FILE_SYSTEM,
                    &ctx.region,
                    "elasticfilesystem:DescribeFileSystems",
                    None,
                    &err,
                );
                return;
            }
        }
    }
    if file_systems.is_empty() {
        return;
    }
    let access_points = access_point_counts(&ctx, &client).await;
    for_each_bounded(&file_systems, ctx.fan_out(), |file_system| {
        describe(&ctx, &client, file_system, access_points.as_ref())
    })
    .await;
}

async fn describe(
    ctx: &RegionCtx,
    client: &Client,
    fs: &FileSystemDescription,
    access_points: Option<&HashMap<String, usize>>,
) {
    let fs_id = fs.file_system_id();
    let id = fs.file_system_arn().map_or_else(
        || {
            format!(
                "arn:{}:elasticfilesystem:{}:{}:file-system/{fs_id}",
                ctx.partition(),
                ctx.region,
                ctx.account()
            )
        },
        str::to_owned,
    );
    let name = fs.name().filter(|n| !n.is_empty());
    let mut config = Map::new();
    config.insert("file_system_id".into(), Value::String(fs_id.to_owned()));
    config.insert("name".into(), text(name));
    put(&mut config, "creation_time", rfc3339(fs.creation_time()));
    config.insert(
        "life_cycle_state".into(),
        Value::String(fs.life_cycle_state().as_str().to_owned()),
    );
    put(&mut config, "encrypted", fs.encrypted());
    config.insert("kms_key_id".into(), text(fs.kms_key_id()));
    config.insert(
        "performance_mode".into(),
        Value::String(fs.performance_mode().as_str().to_owned()),
    );
    put(
        &mut config,
        "throughput_mode",
        fs.throughput_mode().map(|m| m.as_str()),
    );
    config.insert(
        "availability_zone_name".into(),
        text(fs.availability_zone_name()),
    );
    put(
        &mut config,
        "size_in_bytes",
        fs.size_in_bytes().map(|s| s.value()),
    );

    policy(ctx, client, fs_id, &id, &mut config).await;
    backup_policy(ctx, client, fs_id, &id, &mut config).await;
    lifecycle(ctx, client, fs_id, &id, &mut config).await;
    if let Some(targets) = mount_targets(ctx, client, fs_id, &id).await {
        config.insert("mount_targets".into(), Value::Array(targets));
    }
    if let Some(counts) = access_points {
        let count = counts.get(fs_id).copied().unwrap_or(0);
        config.insert("access_point_count".into(), Value::from(count));
    }

    let tags: BTreeMap<String, String> = fs
        .tags()
        .iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect();
    ctx.emit(
        FILE_SYSTEM,
        &ctx.region,
        id,
        name.unwrap_or(fs_id).to_owned(),
        tags,
        Value::Object(config),
    )
    .await;
}

async fn policy(
    ctx: &RegionCtx,
    client: &Client,
    fs_id: &str,
    id: &str,
    config: &mut Map<String, Value>,
) {
    match client
        .describe_file_system_policy()
        .file_system_id(fs_id)
        .send()
        .await
    {
        Ok(out) => {
            config.insert("policy".into(), json_document(out.policy()));
        }
        Err(err) if code(&err) == Some(POLICY_NOT_FOUND) => {
            config.insert("policy".into(), Value::Null);
        }
        Err(err) => ctx.fail(
            FILE_SYSTEM,
            &ctx.region,
            "elasticfilesystem:DescribeFileSystemPolicy",
            Some(id),
            &err,
        ),
    }
}

async fn backup_policy(
    ctx: &RegionCtx,
    client: &Client,
    fs_id: &str,
    id: &str,
    config: &mut Map<String, Value>,
) {
    match client
        .describe_backup_policy()
        .file_system_id(fs_id)
        .send()
        .await
    {
        Ok(out) => {
            config.insert(
                "backup_policy_status".into(),
                text(out.backup_policy().map(|p| p.status().as_str())),
            );
        }
        Err(err) if code(&err) == Some(POLICY_NOT_FOUND) => {
            config.insert("backup_policy_status".into(), Value::Null);
        }
        Err(err) => ctx.fail(
            FILE_SYSTEM,
            &ctx.region,
            "elasticfilesystem:DescribeBackupPolicy",
            Some(id),
            &err,
        ),
    }
}

/// The lifecycle policies merged into one object: each policy sets one
/// transition.
async fn lifecycle(
    ctx: &RegionCtx,
    client: &Client,
    fs_id: &str,
    id: &str,
    config: &mut Map<String, Value>,
) {
    let policies = match client
        .describe_lifecycle_configuration()
        .file_system_id(fs_id)
        .send()
        .await
    {
        Ok(out) => out.lifecycle_policies().to_vec(),
        Err(err) => {
            ctx.fail(
                FILE_SYSTEM,
                &ctx.region,
                "elasticfilesystem:DescribeLifecycleConfiguration",
                Some(id),
                &err,
            );
            return;
        }
    };
    let first = |pick: fn(&LifecyclePolicy) -> Option<&str>| text(policies.iter().find_map(pick));
    config.insert(
        "lifecycle".into(),
        json!({
            "transition_to_ia": first(|p| p.transition_to_ia().map(|t| t.as_str())),
            "transition_to_archive": first(|p| p.transition_to_archive().map(|t| t.as_str())),
            "transition_to_primary_storage_class":
                first(|p| p.transition_to_primary_storage_class().map(|t| t.as_str())),
        }),
    );
}

/// The mount targets with their security groups; `None` when they could
/// not be listed (the error is recorded).
async fn mount_targets(
    ctx: &RegionCtx,
    client: &Client,
    fs_id: &str,
    id: &str,
) -> Option<Vec<Value>> {
    let mut targets = Vec::new();
    let mut pages = client
        .describe_mount_targets()
        .file_system_id(fs_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => targets.extend(page.mount_targets().iter().cloned()),
            Err(err) => {
                ctx.fail(
                    FILE_SYSTEM,
                    &ctx.region,
                    "elasticfilesystem:DescribeMountTargets",
                    Some(id),
                    &err,
                );
                return None;
            }
        }
    }
    let mut entries = Vec::new();
    for target in &targets {
        entries.push(mount_target(ctx, client, target, id).await);
    }
    Some(entries)
}

async fn mount_target(
    ctx: &RegionCtx,
    client: &Client,
    target: &MountTargetDescription,
    id: &str,
) -> Value {
    let mut entry = Map::new();
    entry.insert(
        "mount_target_id".into(),
        Value::String(target.mount_target_id().to_owned()),
    );
    entry.insert(
        "subnet_id".into(),
        Value::String(target.subnet_id().to_owned()),
    );
    put(
        &mut entry,
        "availability_zone_name",
        target.availability_zone_name(),
    );
    entry.insert("ip_address".into(), text(target.ip_address()));
    match client
        .describe_mount_target_security_groups()
        .mount_target_id(target.mount_target_id())
        .send()
        .await
    {
        Ok(out) => {
            entry.insert("security_group_ids".into(), json!(out.security_groups()));
        }
        Err(err) => ctx.fail(
            FILE_SYSTEM,
            &ctx.region,
            "elasticfilesystem:DescribeMountTargetSecurityGroups",
            Some(id),
            &err,
        ),
    }
    Value::Object(entry)
}

/// The region's access points counted by file system: one listing for the
/// region instead of one per file system. `None`, with a collection error
/// (no resource: it stands for the region's file systems), when the
/// listing fails.
async fn access_point_counts(ctx: &RegionCtx, client: &Client) -> Option<HashMap<String, usize>> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut pages = client.describe_access_points().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                for point in page.access_points() {
                    if let Some(fs_id) = point.file_system_id() {
                        *counts.entry(fs_id.to_owned()).or_default() += 1;
                    }
                }
            }
            Err(err) => {
                ctx.fail(
                    FILE_SYSTEM,
                    &ctx.region,
                    "elasticfilesystem:DescribeAccessPoints",
                    None,
                    &err,
                );
                return None;
            }
        }
    }
    Some(counts)
}
