//! RDS manual DB snapshots owned by the account (`aws.rds.db_snapshot`),
//! with who may restore them (DescribeDBSnapshotAttributes, attribute
//! `restore`). Automated snapshots cannot be shared and are not collected.

use super::rds::{kms_key_id, tags};
use super::util::{put, rfc3339};
use crate::context::RegionCtx;
use aws_sdk_rds::Client;
use aws_sdk_rds::types::DbSnapshot;
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};

pub(super) const SNAPSHOT: &str = "aws.rds.db_snapshot";

/// The attribute that lists the accounts (or `all`) allowed to restore.
const RESTORE: &str = "restore";

pub(super) async fn snapshots(ctx: &RegionCtx, client: &Client) {
    let mut pages = client
        .describe_db_snapshots()
        .snapshot_type("manual")
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => listed.extend(page.db_snapshots().iter().cloned()),
            Err(err) => {
                ctx.fail(SNAPSHOT, &ctx.region, "rds:DescribeDBSnapshots", None, &err);
                return;
            }
        }
    }
    for_each_bounded(&listed, ctx.fan_out(), |snapshot| {
        snapshot_record(ctx, client, snapshot)
    })
    .await;
}

async fn snapshot_record(ctx: &RegionCtx, client: &Client, snapshot: &DbSnapshot) {
    let Some(identifier) = snapshot.db_snapshot_identifier() else {
        return;
    };
    let id = format!(
        "arn:{}:rds:{}:{}:snapshot:{identifier}",
        ctx.partition(),
        ctx.region,
        ctx.account()
    );
    let mut config = snapshot_config(snapshot);
    match client
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(identifier)
        .send()
        .await
    {
        Ok(out) => {
            let values: Vec<&str> = out
                .db_snapshot_attributes_result()
                .map(|r| r.db_snapshot_attributes())
                .unwrap_or_default()
                .iter()
                .filter(|a| a.attribute_name() == Some(RESTORE))
                .flat_map(|a| a.attribute_values())
                .map(String::as_str)
                .collect();
            config.insert("public".into(), json!(values.contains(&"all")));
            let accounts: Vec<&str> = values.into_iter().filter(|v| *v != "all").collect();
            config.insert("restore_account_ids".into(), json!(accounts));
        }
        Err(err) => ctx.fail(
            SNAPSHOT,
            &ctx.region,
            "rds:DescribeDBSnapshotAttributes",
            Some(&id),
            &err,
        ),
    }
    ctx.emit(
        SNAPSHOT,
        &ctx.region,
        id,
        identifier.to_owned(),
        tags(snapshot.tag_list()),
        Value::Object(config),
    )
    .await;
}

fn snapshot_config(s: &DbSnapshot) -> Map<String, Value> {
    let mut config = Map::new();
    put(
        &mut config,
        "db_snapshot_identifier",
        s.db_snapshot_identifier(),
    );
    put(
        &mut config,
        "db_instance_identifier",
        s.db_instance_identifier(),
    );
    put(&mut config, "snapshot_type", s.snapshot_type());
    put(&mut config, "engine", s.engine());
    put(&mut config, "status", s.status());
    config.insert(
        "snapshot_create_time".into(),
        json!(s.snapshot_create_time().and_then(rfc3339)),
    );
    put(&mut config, "encrypted", s.encrypted());
    kms_key_id(&mut config, s.encrypted(), s.kms_key_id());
    config
}
