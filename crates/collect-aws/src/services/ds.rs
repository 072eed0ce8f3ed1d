//! Directory Service: every directory of a region (`aws.ds.directory`:
//! Managed Microsoft AD, Simple AD, AD Connector, shared Microsoft AD) from
//! DescribeDirectories, with its RADIUS settings, its log subscriptions
//! (ListLogSubscriptions), manual snapshot limits (GetSnapshotLimits),
//! client-side LDAPS status (DescribeLDAPSSettings) and tags.

use super::util::{put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_directory::Client;
use aws_sdk_directory::types::{DirectoryDescription, LdapsType, RadiusSettings, RadiusStatus};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

pub const KINDS: &[&str] = &[DIRECTORY];

pub const ACTIONS: &[&str] = &[
    "ds:DescribeDirectories",
    "ds:ListLogSubscriptions",
    "ds:GetSnapshotLimits",
    "ds:DescribeLDAPSSettings",
    "ds:ListTagsForResource",
];

const DIRECTORY: &str = "aws.ds.directory";

/// Directory types that take manual snapshots.
const WITH_SNAPSHOTS: [&str; 2] = ["MicrosoftAD", "SimpleAD"];
/// Directory types with client-side LDAPS.
const WITH_CLIENT_LDAPS: [&str; 2] = ["MicrosoftAD", "ADConnector"];

pub async fn collect(ctx: RegionCtx) {
    let client = client!(aws_sdk_directory, ctx);
    let mut pages = client.describe_directories().into_paginator().send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => listed.extend(page.directory_descriptions().iter().cloned()),
            Err(err) => {
                return ctx.fail(DIRECTORY, &ctx.region, "ds:DescribeDirectories", None, &err);
            }
        }
    }
    if listed.is_empty() {
        return;
    }
    let subscriptions = log_subscriptions(&ctx, &client).await;
    for_each_bounded(&listed, ctx.fan_out(), |directory| {
        directory_record(&ctx, &client, directory, subscriptions.as_ref())
    })
    .await;
}

async fn directory_record(
    ctx: &RegionCtx,
    client: &Client,
    d: &DirectoryDescription,
    subscriptions: Option<&HashMap<String, Vec<Value>>>,
) {
    let Some(directory_id) = d.directory_id() else {
        return;
    };
    let id = format!(
        "arn:{}:ds:{}:{}:directory/{directory_id}",
        ctx.partition(),
        ctx.region,
        ctx.account()
    );
    let directory_type = d.r#type().map(|t| t.as_str()).unwrap_or_default();
    let mut config = directory_config(d);
    if let Some(by_directory) = subscriptions {
        let own = by_directory.get(directory_id).cloned().unwrap_or_default();
        config.insert("log_subscriptions".into(), Value::Array(own));
    }
    if WITH_SNAPSHOTS.contains(&directory_type) {
        snapshot_limits(ctx, client, directory_id, &id, &mut config).await;
    } else {
        config.insert("snapshot_limits".into(), Value::Null);
    }
    if WITH_CLIENT_LDAPS.contains(&directory_type) {
        client_ldaps(ctx, client, directory_id, &id, &mut config).await;
    } else {
        config.insert("client_ldaps_status".into(), Value::Null);
    }
    let tags = tags(ctx, client, directory_id, &id).await;
    let name = d.name().unwrap_or(directory_id).to_owned();
    ctx.emit(
        DIRECTORY,
        &ctx.region,
        id,
        name,
        tags,
        Value::Object(config),
    )
    .await;
}

fn directory_config(d: &DirectoryDescription) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "directory_id", d.directory_id());
    put(&mut config, "name", d.name());
    config.insert("short_name".into(), text(d.short_name()));
    put(&mut config, "type", d.r#type().map(|t| t.as_str()));
    config.insert("edition".into(), text(d.edition().map(|e| e.as_str())));
    config.insert("size".into(), text(d.size().map(|s| s.as_str())));
    put(&mut config, "stage", d.stage().map(|s| s.as_str()));
    config.insert("stage_reason".into(), text(d.stage_reason()));
    config.insert(
        "launch_time".into(),
        json!(d.launch_time().and_then(rfc3339)),
    );
    config.insert("alias".into(), text(d.alias()));
    config.insert("sso_enabled".into(), json!(d.sso_enabled()));
    let vpc_id = d
        .vpc_settings()
        .and_then(|v| v.vpc_id())
        .or_else(|| d.connect_settings().and_then(|c| c.vpc_id()));
    config.insert("vpc_id".into(), text(vpc_id));
    // A shared directory reports the RADIUS settings of its owner.
    let owner = d.owner_directory_description();
    let (settings, status) = match owner {
        Some(owner) if d.radius_settings().is_none() => {
            (owner.radius_settings(), owner.radius_status())
        }
        _ => (d.radius_settings(), d.radius_status()),
    };
    config.insert(
        "radius_settings".into(),
        settings.map_or(Value::Null, radius),
    );
    config.insert(
        "radius_status".into(),
        text(status.map(RadiusStatus::as_str)),
    );
    config
}

/// RADIUS settings without the shared secret.
fn radius(r: &RadiusSettings) -> Value {
    let mut config = Map::new();
    let servers: Vec<&String> = r
        .radius_servers()
        .iter()
        .chain(r.radius_servers_ipv6())
        .collect();
    config.insert("radius_servers".into(), json!(servers));
    put(&mut config, "radius_port", r.radius_port());
    config.insert(
        "authentication_protocol".into(),
        text(r.authentication_protocol().map(|p| p.as_str())),
    );
    config.insert("display_label".into(), text(r.display_label()));
    config.insert("use_same_username".into(), json!(r.use_same_username()));
    Value::Object(config)
}

/// The region's log subscriptions by directory id: one listing for the
/// region instead of one per directory. `None`, with a collection error
/// (no resource: it stands for the region's directories), when it fails.
async fn log_subscriptions(
    ctx: &RegionCtx,
    client: &Client,
) -> Option<HashMap<String, Vec<Value>>> {
    let mut pages = client.list_log_subscriptions().into_paginator().send();
    let mut by_directory: HashMap<String, Vec<Value>> = HashMap::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                for s in page.log_subscriptions() {
                    let Some(directory_id) = s.directory_id() else {
                        continue;
                    };
                    let mut entry = Map::new();
                    put(&mut entry, "log_group_name", s.log_group_name());
                    put(
                        &mut entry,
                        "created",
                        s.subscription_created_date_time().and_then(rfc3339),
                    );
                    by_directory
                        .entry(directory_id.to_owned())
                        .or_default()
                        .push(Value::Object(entry));
                }
            }
            Err(err) => {
                ctx.fail(
                    DIRECTORY,
                    &ctx.region,
                    "ds:ListLogSubscriptions",
                    None,
                    &err,
                );
                return None;
            }
        }
    }
    Some(by_directory)
}

async fn snapshot_limits(
    ctx: &RegionCtx,
    client: &Client,
    directory_id: &str,
    id: &str,
    config: &mut Map<String, Value>,
) {
    match client
        .get_snapshot_limits()
        .directory_id(directory_id)
        .send()
        .await
    {
        Ok(out) => {
            let limits = out.snapshot_limits().map_or(Value::Null, |l| {
                let mut limits = Map::new();
                put(
                    &mut limits,
                    "manual_snapshots_limit",
                    l.manual_snapshots_limit(),
                );
                put(
                    &mut limits,
                    "manual_snapshots_current_count",
                    l.manual_snapshots_current_count(),
                );
                limits.insert(
                    "manual_snapshots_limit_reached".into(),
                    json!(l.manual_snapshots_limit_reached()),
                );
                Value::Object(limits)
            });
            config.insert("snapshot_limits".into(), limits);
        }
        Err(err) => ctx.fail(
            DIRECTORY,
            &ctx.region,
            "ds:GetSnapshotLimits",
            Some(id),
            &err,
        ),
    }
}

async fn client_ldaps(
    ctx: &RegionCtx,
    client: &Client,
    directory_id: &str,
    id: &str,
    config: &mut Map<String, Value>,
) {
    let mut pages = client
        .describe_ldaps_settings()
        .directory_id(directory_id)
        .r#type(LdapsType::Client)
        .into_paginator()
        .send();
    let mut statuses = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => statuses.extend(
                page.ldaps_settings_info()
                    .iter()
                    .map(|s| s.ldaps_status().map(|v| v.as_str().to_owned())),
            ),
            // The directory's type (or edition) has no client LDAPS.
            Err(err) if code(&err) == Some("UnsupportedOperationException") => {
                statuses.clear();
                break;
            }
            Err(err) => {
                return ctx.fail(
                    DIRECTORY,
                    &ctx.region,
                    "ds:DescribeLDAPSSettings",
                    Some(id),
                    &err,
                );
            }
        }
    }
    let status = statuses.into_iter().next().flatten();
    config.insert("client_ldaps_status".into(), text(status.as_deref()));
}

async fn tags(
    ctx: &RegionCtx,
    client: &Client,
    directory_id: &str,
    id: &str,
) -> BTreeMap<String, String> {
    let mut tags = BTreeMap::new();
    let mut pages = client
        .list_tags_for_resource()
        .resource_id(directory_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => tags.extend(
                page.tags()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().to_owned())),
            ),
            Err(err) => {
                ctx.fail(
                    DIRECTORY,
                    &ctx.region,
                    "ds:ListTagsForResource",
                    Some(id),
                    &err,
                );
                break;
            }
        }
    }
    tags
}
