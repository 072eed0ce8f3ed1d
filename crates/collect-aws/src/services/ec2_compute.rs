//! EC2 compute and storage: instances (`aws.ec2.instance`), the account's
//! AMIs with their launch permissions (`aws.ec2.image`), EBS volumes
//! (`aws.ec2.volume`) and the account's EBS snapshots with their
//! create-volume permissions (`aws.ec2.snapshot`).

use super::ec2::{arn, name, tags};
use super::util::{put, rfc3339};
use crate::context::RegionCtx;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    Image, ImageAttributeName, Instance, PermissionGroup, Snapshot, SnapshotAttributeName, Volume,
};
use chrono::{SecondsFormat, Utc};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};

const INSTANCE: &str = "aws.ec2.instance";
const IMAGE: &str = "aws.ec2.image";
const VOLUME: &str = "aws.ec2.volume";
const SNAPSHOT: &str = "aws.ec2.snapshot";

pub async fn collect(ctx: &RegionCtx, client: &Client) {
    if ctx.wants(INSTANCE) {
        instances(ctx, client).await;
    }
    if ctx.wants(IMAGE) {
        images(ctx, client).await;
    }
    if ctx.wants(VOLUME) {
        volumes(ctx, client).await;
    }
    if ctx.wants(SNAPSHOT) {
        snapshots(ctx, client).await;
    }
}

/// The KMS key of a volume or snapshot: null when it is known not to be
/// encrypted; left out (not collected) when it is encrypted, or may be, and
/// the API named no key.
fn kms_key_id(config: &mut Map<String, Value>, encrypted: Option<bool>, key: Option<&str>) {
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

/// A timestamp the API returns as text (AMI dates), as RFC 3339 UTC.
fn text_timestamp(text: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| {
        t.with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    })
}

async fn instances(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .describe_instances()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let reservations = match listed {
        Ok(reservations) => reservations,
        Err(err) => {
            return ctx.fail(INSTANCE, &ctx.region, "ec2:DescribeInstances", None, &err);
        }
    };
    for instance in reservations.iter().flat_map(|r| r.instances()) {
        let Some(instance_id) = instance.instance_id() else {
            continue;
        };
        ctx.emit(
            INSTANCE,
            &ctx.region,
            arn(ctx, ctx.account(), &format!("instance/{instance_id}")),
            name(instance.tags(), instance_id),
            tags(instance.tags()),
            Value::Object(instance_config(instance)),
        )
        .await;
    }
}

fn instance_config(i: &Instance) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "instance_id", i.instance_id());
    put(
        &mut config,
        "state",
        i.state().and_then(|s| s.name()).map(|n| n.as_str()),
    );
    put(
        &mut config,
        "instance_type",
        i.instance_type().map(|t| t.as_str()),
    );
    put(&mut config, "image_id", i.image_id());
    config.insert("platform".into(), json!(i.platform().map(|p| p.as_str())));
    config.insert("vpc_id".into(), json!(i.vpc_id()));
    config.insert("subnet_id".into(), json!(i.subnet_id()));
    config.insert("private_ip_address".into(), json!(i.private_ip_address()));
    config.insert("public_ip_address".into(), json!(i.public_ip_address()));
    let ipv6: Vec<&str> = i
        .network_interfaces()
        .iter()
        .flat_map(|n| n.ipv6_addresses())
        .filter_map(|a| a.ipv6_address())
        .collect();
    config.insert("ipv6_addresses".into(), json!(ipv6));
    config.insert("key_name".into(), json!(i.key_name()));
    if let Some(m) = i.metadata_options() {
        let mut imds = Map::new();
        put(
            &mut imds,
            "http_tokens",
            m.http_tokens().map(|v| v.as_str()),
        );
        put(
            &mut imds,
            "http_endpoint",
            m.http_endpoint().map(|v| v.as_str()),
        );
        put(
            &mut imds,
            "http_put_response_hop_limit",
            m.http_put_response_hop_limit(),
        );
        put(
            &mut imds,
            "instance_metadata_tags",
            m.instance_metadata_tags().map(|v| v.as_str()),
        );
        config.insert("metadata_options".into(), Value::Object(imds));
    }
    config.insert(
        "iam_instance_profile_arn".into(),
        json!(i.iam_instance_profile().and_then(|p| p.arn())),
    );
    // The instance's groups and those of every network interface, once each.
    let mut groups: Vec<&str> = Vec::new();
    let interface_groups = i.network_interfaces().iter().flat_map(|n| n.groups());
    for group in i.security_groups().iter().chain(interface_groups) {
        if let Some(id) = group.group_id()
            && !groups.contains(&id)
        {
            groups.push(id);
        }
    }
    config.insert("security_group_ids".into(), json!(groups));
    put(
        &mut config,
        "monitoring",
        i.monitoring().and_then(|m| m.state()).map(|s| s.as_str()),
    );
    put(&mut config, "ebs_optimized", i.ebs_optimized());
    put(
        &mut config,
        "launch_time",
        i.launch_time().and_then(rfc3339),
    );
    put(
        &mut config,
        "root_device_type",
        i.root_device_type().map(|t| t.as_str()),
    );
    config.insert("root_device_name".into(), json!(i.root_device_name()));
    let root_volume = i
        .block_device_mappings()
        .iter()
        .find(|m| m.device_name().is_some() && m.device_name() == i.root_device_name())
        .and_then(|m| m.ebs())
        .and_then(|e| e.volume_id());
    config.insert("root_volume_id".into(), json!(root_volume));
    let mappings: Vec<Value> = i
        .block_device_mappings()
        .iter()
        .filter_map(|m| {
            let ebs = m.ebs()?;
            let mut entry = Map::new();
            put(&mut entry, "device_name", m.device_name());
            put(&mut entry, "volume_id", ebs.volume_id());
            put(
                &mut entry,
                "delete_on_termination",
                ebs.delete_on_termination(),
            );
            Some(Value::Object(entry))
        })
        .collect();
    config.insert("block_device_mappings".into(), Value::Array(mappings));
    config
}

async fn images(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .describe_images()
        .owners("self")
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let images = match listed {
        Ok(images) => images,
        Err(err) => return ctx.fail(IMAGE, &ctx.region, "ec2:DescribeImages", None, &err),
    };
    for_each_bounded(images, ctx.fan_out(), |image| {
        image_record(ctx, client, image)
    })
    .await;
}

/// One image's record with its launch permissions, read in parallel with
/// the other images'.
async fn image_record(ctx: &RegionCtx, client: &Client, image: Image) {
    let Some(image_id) = image.image_id() else {
        return;
    };
    let id = arn(ctx, "", &format!("image/{image_id}"));
    let mut config = image_config(&image);
    let attribute = client
        .describe_image_attribute()
        .image_id(image_id)
        .attribute(ImageAttributeName::LaunchPermission)
        .send()
        .await;
    match attribute {
        Ok(out) => {
            let permissions = out.launch_permissions();
            let public = permissions
                .iter()
                .any(|p| p.group() == Some(&PermissionGroup::All));
            let accounts: Vec<&str> = permissions.iter().filter_map(|p| p.user_id()).collect();
            let organizations: Vec<&str> = permissions
                .iter()
                .flat_map(|p| [p.organization_arn(), p.organizational_unit_arn()])
                .flatten()
                .collect();
            config.insert("public".into(), json!(public));
            config.insert("launch_permission_account_ids".into(), json!(accounts));
            config.insert(
                "launch_permission_organization_arns".into(),
                json!(organizations),
            );
        }
        Err(err) => {
            ctx.fail(
                IMAGE,
                &ctx.region,
                "ec2:DescribeImageAttribute",
                Some(&id),
                &err,
            );
            // DescribeImages Public says the same as a Group "all"
            // launch permission (see the schema); the sharing lists
            // stay out.
            put(&mut config, "public", image.public());
        }
    }
    let fallback = image.name().unwrap_or(image_id);
    ctx.emit(
        IMAGE,
        &ctx.region,
        id,
        name(image.tags(), fallback),
        tags(image.tags()),
        Value::Object(config),
    )
    .await;
}

/// Every field of an AMI record except its launch permissions.
fn image_config(image: &Image) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "image_id", image.image_id());
    config.insert("name".into(), json!(image.name()));
    put(&mut config, "state", image.state().map(|s| s.as_str()));
    put(
        &mut config,
        "creation_date",
        image.creation_date().and_then(text_timestamp),
    );
    match image.deprecation_time() {
        None => {
            config.insert("deprecation_time".into(), Value::Null);
        }
        Some(text) => put(&mut config, "deprecation_time", text_timestamp(text)),
    }
    put(
        &mut config,
        "root_device_type",
        image.root_device_type().map(|t| t.as_str()),
    );
    config.insert("root_device_name".into(), json!(image.root_device_name()));
    let mappings: Vec<Value> = image
        .block_device_mappings()
        .iter()
        .map(|m| {
            let mut entry = Map::new();
            put(&mut entry, "device_name", m.device_name());
            let ebs = m.ebs();
            entry.insert(
                "snapshot_id".into(),
                json!(ebs.and_then(|e| e.snapshot_id())),
            );
            match ebs {
                // An EBS mapping whose Encrypted was not returned: not collected.
                Some(ebs) => put(&mut entry, "encrypted", ebs.encrypted()),
                None => {
                    entry.insert("encrypted".into(), Value::Null);
                }
            }
            Value::Object(entry)
        })
        .collect();
    config.insert("block_device_mappings".into(), Value::Array(mappings));
    config
}

async fn volumes(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .describe_volumes()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let volumes = match listed {
        Ok(volumes) => volumes,
        Err(err) => return ctx.fail(VOLUME, &ctx.region, "ec2:DescribeVolumes", None, &err),
    };
    for volume in volumes {
        let Some(volume_id) = volume.volume_id() else {
            continue;
        };
        ctx.emit(
            VOLUME,
            &ctx.region,
            arn(ctx, ctx.account(), &format!("volume/{volume_id}")),
            name(volume.tags(), volume_id),
            tags(volume.tags()),
            Value::Object(volume_config(&volume)),
        )
        .await;
    }
}

fn volume_config(v: &Volume) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "volume_id", v.volume_id());
    put(&mut config, "state", v.state().map(|s| s.as_str()));
    put(
        &mut config,
        "volume_type",
        v.volume_type().map(|t| t.as_str()),
    );
    put(&mut config, "size", v.size());
    put(&mut config, "availability_zone", v.availability_zone());
    put(
        &mut config,
        "create_time",
        v.create_time().and_then(rfc3339),
    );
    put(&mut config, "encrypted", v.encrypted());
    kms_key_id(&mut config, v.encrypted(), v.kms_key_id());
    // The API returns an empty string for a volume not made from a snapshot.
    let snapshot = v.snapshot_id().filter(|s| !s.is_empty());
    config.insert("snapshot_id".into(), json!(snapshot));
    let attachments: Vec<Value> = v
        .attachments()
        .iter()
        .map(|a| {
            let mut entry = Map::new();
            put(&mut entry, "instance_id", a.instance_id());
            put(&mut entry, "device", a.device());
            put(&mut entry, "state", a.state().map(|s| s.as_str()));
            put(
                &mut entry,
                "delete_on_termination",
                a.delete_on_termination(),
            );
            Value::Object(entry)
        })
        .collect();
    config.insert("attachments".into(), Value::Array(attachments));
    config
}

async fn snapshots(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .describe_snapshots()
        .owner_ids("self")
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let snapshots = match listed {
        Ok(snapshots) => snapshots,
        Err(err) => {
            return ctx.fail(SNAPSHOT, &ctx.region, "ec2:DescribeSnapshots", None, &err);
        }
    };
    // OwnerIds=self already selects the account's own snapshots; the check
    // keeps out others' should an endpoint ignore the parameter (moto does).
    let owned = snapshots
        .into_iter()
        .filter(|s| s.owner_id().is_none_or(|o| o == ctx.account()));
    for_each_bounded(owned, ctx.fan_out(), |snapshot| {
        snapshot_record(ctx, client, snapshot)
    })
    .await;
}

/// One snapshot's record with its create-volume permissions, read in
/// parallel with the other snapshots'.
async fn snapshot_record(ctx: &RegionCtx, client: &Client, snapshot: Snapshot) {
    let Some(snapshot_id) = snapshot.snapshot_id() else {
        return;
    };
    let id = arn(ctx, "", &format!("snapshot/{snapshot_id}"));
    let mut config = snapshot_config(&snapshot);
    let attribute = client
        .describe_snapshot_attribute()
        .snapshot_id(snapshot_id)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .send()
        .await;
    match attribute {
        Ok(out) => {
            let permissions = out.create_volume_permissions();
            let public = permissions
                .iter()
                .any(|p| p.group() == Some(&PermissionGroup::All));
            let accounts: Vec<&str> = permissions.iter().filter_map(|p| p.user_id()).collect();
            config.insert("public".into(), json!(public));
            config.insert("create_volume_account_ids".into(), json!(accounts));
        }
        Err(err) => ctx.fail(
            SNAPSHOT,
            &ctx.region,
            "ec2:DescribeSnapshotAttribute",
            Some(&id),
            &err,
        ),
    }
    ctx.emit(
        SNAPSHOT,
        &ctx.region,
        id,
        name(snapshot.tags(), snapshot_id),
        tags(snapshot.tags()),
        Value::Object(config),
    )
    .await;
}

/// Every field of a snapshot record except its sharing.
fn snapshot_config(s: &Snapshot) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "snapshot_id", s.snapshot_id());
    put(&mut config, "volume_id", s.volume_id());
    // An empty description may come back as no element at all.
    config.insert(
        "description".into(),
        json!(s.description().unwrap_or_default()),
    );
    put(&mut config, "state", s.state().map(|v| v.as_str()));
    put(&mut config, "start_time", s.start_time().and_then(rfc3339));
    put(&mut config, "volume_size", s.volume_size());
    put(&mut config, "encrypted", s.encrypted());
    kms_key_id(&mut config, s.encrypted(), s.kms_key_id());
    config
}
