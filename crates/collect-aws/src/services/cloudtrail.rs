//! CloudTrail: each trail in its home region with its status, event
//! selector summary and destination bucket settings (`aws.cloudtrail.trail`),
//! and one account-wide summary of every trail (`aws.cloudtrail.account_trails`).

use super::util::{non_empty_text, put, rfc3339};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use crate::regions::enabled_regions;
use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types::{AdvancedEventSelector, EventSelector, Trail};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The regional part: trails in their home regions.
pub const KINDS: &[&str] = &[TRAIL];
/// The global part: the account's summary.
pub const ACCOUNT_KINDS: &[&str] = &[ACCOUNT];

pub const ACTIONS: &[&str] = &[
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "s3:GetBucketLocation",
    "s3:GetBucketAcl",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketLogging",
];
pub const ACCOUNT_ACTIONS: &[&str] = &[
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
];

const TRAIL: &str = "aws.cloudtrail.trail";
const ACCOUNT: &str = "aws.cloudtrail.account_trails";

/// The trails whose home region is `region`.
pub(crate) async fn home_trails(client: &Client) -> Result<Vec<Trail>, aws_sdk_cloudtrail::Error> {
    let out = client
        .describe_trails()
        .include_shadow_trails(false)
        .send()
        .await?;
    Ok(out.trail_list().to_vec())
}

/// What GetTrailStatus and GetEventSelectors say of one trail; a field is
/// `None` when its call failed (the error is recorded under `kind`).
#[derive(Default)]
pub(crate) struct Facts {
    pub(crate) status: Option<Map<String, Value>>,
    pub(crate) selectors: Option<Selectors>,
}

#[derive(Default, Clone, Copy)]
pub(crate) struct Selectors {
    pub(crate) management_read: bool,
    pub(crate) management_write: bool,
    s3_read: bool,
    s3_write: bool,
}

impl Selectors {
    fn add(&mut self, read: bool, write: bool, management: bool, s3: bool) {
        if management {
            self.management_read |= read;
            self.management_write |= write;
        }
        if s3 {
            self.s3_read |= read;
            self.s3_write |= write;
        }
    }

    fn basic(&mut self, partition: &str, selector: &EventSelector) {
        let (read, write) = match selector.read_write_type().map(|t| t.as_str()) {
            Some("ReadOnly") => (true, false),
            Some("WriteOnly") => (false, true),
            _ => (true, true),
        };
        let all_buckets = [
            format!("arn:{partition}:s3"),
            format!("arn:{partition}:s3:::"),
        ];
        let s3 = selector.data_resources().iter().any(|d| {
            d.r#type() == Some("AWS::S3::Object")
                && d.values().iter().any(|v| all_buckets.contains(v))
        });
        let management = selector.include_management_events().unwrap_or(true);
        self.add(read, write, management, s3);
    }

    fn advanced(&mut self, selector: &AdvancedEventSelector) {
        let mut category = None;
        let mut resource_type = None;
        let (mut read, mut write) = (true, true);
        for field in selector.field_selectors() {
            let only_equals = field.starts_with().is_empty()
                && field.ends_with().is_empty()
                && field.not_equals().is_empty()
                && field.not_starts_with().is_empty()
                && field.not_ends_with().is_empty();
            if !only_equals {
                return;
            }
            match field.field() {
                "eventCategory" => category = Some(field.equals().to_vec()),
                "resources.type" => resource_type = Some(field.equals().to_vec()),
                "readOnly" => match field.equals() {
                    [v] if v == "true" => write = false,
                    [v] if v == "false" => read = false,
                    _ => {}
                },
                _ => return,
            }
        }
        let category = category.unwrap_or_default();
        let management = category == ["Management"];
        let s3 = category == ["Data"] && resource_type.is_some_and(|t| t == ["AWS::S3::Object"]);
        self.add(read, write, management, s3);
    }
}

pub(crate) async fn facts(ctx: &RegionCtx, client: &Client, kind: &str, trail: &Trail) -> Facts {
    let arn = trail.trail_arn().unwrap_or_default();
    let region = trail.home_region().unwrap_or(&ctx.region);
    let mut facts = Facts::default();
    match client.get_trail_status().name(arn).send().await {
        Ok(out) => {
            let mut status = Map::new();
            put(&mut status, "is_logging", out.is_logging());
            let time = |t: Option<&aws_smithy_types::DateTime>| {
                t.and_then(rfc3339).map_or(Value::Null, Value::String)
            };
            status.insert(
                "latest_delivery_time".into(),
                time(out.latest_delivery_time()),
            );
            status.insert(
                "latest_delivery_error".into(),
                non_empty_text(out.latest_delivery_error()),
            );
            status.insert(
                "latest_cloudwatch_logs_delivery_time".into(),
                time(out.latest_cloud_watch_logs_delivery_time()),
            );
            status.insert(
                "latest_cloudwatch_logs_delivery_error".into(),
                non_empty_text(out.latest_cloud_watch_logs_delivery_error()),
            );
            facts.status = Some(status);
        }
        Err(err) => ctx.fail(kind, region, "cloudtrail:GetTrailStatus", Some(arn), &err),
    }
    match client.get_event_selectors().trail_name(arn).send().await {
        Ok(out) => {
            let mut selectors = Selectors::default();
            for s in out.event_selectors() {
                selectors.basic(ctx.partition(), s);
            }
            for s in out.advanced_event_selectors() {
                selectors.advanced(s);
            }
            facts.selectors = Some(selectors);
        }
        Err(err) => ctx.fail(
            kind,
            region,
            "cloudtrail:GetEventSelectors",
            Some(arn),
            &err,
        ),
    }
    facts
}

fn put_selectors(config: &mut Map<String, Value>, selectors: Option<Selectors>) {
    if let Some(s) = selectors {
        config.insert(
            "logs_management_events".into(),
            Value::Bool(s.management_read && s.management_write),
        );
        config.insert("s3_data_events_read".into(), Value::Bool(s.s3_read));
        config.insert("s3_data_events_write".into(), Value::Bool(s.s3_write));
    }
}

/// Regional: the trails whose home region this is.
pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(TRAIL) {
        return;
    }
    let client = client!(aws_sdk_cloudtrail, ctx);
    let trails = match home_trails(&client).await {
        Ok(trails) => trails,
        Err(err) => {
            ctx.fail(TRAIL, &ctx.region, "cloudtrail:DescribeTrails", None, &err);
            return;
        }
    };
    for trail in trails {
        let Some(arn) = trail.trail_arn().map(str::to_owned) else {
            continue;
        };
        let facts = facts(&ctx, &client, TRAIL, &trail).await;
        let mut config = Map::new();
        put(&mut config, "home_region", trail.home_region());
        put(
            &mut config,
            "is_multi_region",
            trail.is_multi_region_trail(),
        );
        put(
            &mut config,
            "is_organization_trail",
            trail.is_organization_trail(),
        );
        put(
            &mut config,
            "include_global_service_events",
            trail.include_global_service_events(),
        );
        put(
            &mut config,
            "log_file_validation_enabled",
            trail.log_file_validation_enabled(),
        );
        put(
            &mut config,
            "has_insight_selectors",
            trail.has_insight_selectors(),
        );
        put(&mut config, "s3_bucket_name", trail.s3_bucket_name());
        config.insert("kms_key_id".into(), non_empty_text(trail.kms_key_id()));
        config.insert(
            "s3_key_prefix".into(),
            non_empty_text(trail.s3_key_prefix()),
        );
        config.insert(
            "sns_topic_arn".into(),
            non_empty_text(trail.sns_topic_arn()),
        );
        config.insert(
            "cloudwatch_logs_log_group_arn".into(),
            non_empty_text(trail.cloud_watch_logs_log_group_arn()),
        );
        config.insert(
            "cloudwatch_logs_role_arn".into(),
            non_empty_text(trail.cloud_watch_logs_role_arn()),
        );
        if let Some(status) = facts.status {
            config.extend(status);
        }
        put_selectors(&mut config, facts.selectors);
        if let Some(bucket) = trail.s3_bucket_name()
            && let Some(value) = bucket_settings(&ctx, bucket, &arn).await
        {
            config.insert("s3_bucket".into(), value);
        }
        let name = trail.name().unwrap_or(&arn).to_owned();
        ctx.emit(
            TRAIL,
            &ctx.region,
            arn,
            name,
            BTreeMap::new(),
            Value::Object(config),
        )
        .await;
    }
}

/// The destination bucket's settings: `Some(null)` when the bucket does not
/// exist, `None` (not collected, error recorded) when it cannot be read.
async fn bucket_settings(ctx: &RegionCtx, bucket: &str, arn: &str) -> Option<Value> {
    let here = super::s3::client(ctx, &ctx.region);
    let region = match here.get_bucket_location().bucket(bucket).send().await {
        Ok(out) => super::s3::location_region(out.location_constraint().map(|c| c.as_str())),
        Err(err) if code(&err) == Some("NoSuchBucket") => return Some(Value::Null),
        Err(err) => {
            ctx.fail(TRAIL, &ctx.region, "s3:GetBucketLocation", Some(arn), &err);
            return None;
        }
    };
    let c = super::s3::client(ctx, &region);
    let grantees: Vec<Value> = match c.get_bucket_acl().bucket(bucket).send().await {
        Ok(out) => out
            .grants()
            .iter()
            .filter_map(|g| g.grantee())
            .filter(|g| g.r#type().as_str() == "Group")
            .filter_map(|g| g.uri())
            .map(|u| Value::String(u.to_owned()))
            .collect(),
        Err(err) => {
            ctx.fail(TRAIL, &ctx.region, "s3:GetBucketAcl", Some(arn), &err);
            return None;
        }
    };
    let policy = match c.get_bucket_policy().bucket(bucket).send().await {
        Ok(out) => out
            .policy()
            .and_then(|p| serde_json::from_str::<Value>(p).ok())
            .unwrap_or(Value::Null),
        Err(err) if code(&err) == Some("NoSuchBucketPolicy") => Value::Null,
        Err(err) => {
            ctx.fail(TRAIL, &ctx.region, "s3:GetBucketPolicy", Some(arn), &err);
            return None;
        }
    };
    let blocked = match c.get_public_access_block().bucket(bucket).send().await {
        Ok(out) => out.public_access_block_configuration().is_some_and(|p| {
            [
                p.block_public_acls(),
                p.ignore_public_acls(),
                p.block_public_policy(),
                p.restrict_public_buckets(),
            ]
            .iter()
            .all(|f| *f == Some(true))
        }),
        Err(err) if code(&err) == Some("NoSuchPublicAccessBlockConfiguration") => false,
        Err(err) => {
            ctx.fail(
                TRAIL,
                &ctx.region,
                "s3:GetBucketPublicAccessBlock",
                Some(arn),
                &err,
            );
            return None;
        }
    };
    let logging = match c.get_bucket_logging().bucket(bucket).send().await {
        Ok(out) => out.logging_enabled().is_some(),
        Err(err) => {
            ctx.fail(TRAIL, &ctx.region, "s3:GetBucketLogging", Some(arn), &err);
            return None;
        }
    };
    Some(json!({
        "acl_grantee_uris": grantees,
        "policy": policy,
        "block_public_access": blocked,
        "logging_enabled": logging,
    }))
}

/// Global: every trail of every region, deduplicated on TrailARN.
pub async fn collect_account(ctx: RegionCtx) {
    if !ctx.wants(ACCOUNT) {
        return;
    }
    let regions = match &ctx.request.regions {
        Some(list) => list.clone(),
        None => match enabled_regions(&ctx.session).await {
            Ok(list) if !list.is_empty() => list,
            _ => vec![ctx.region.clone()],
        },
    };
    let mut seen = BTreeSet::new();
    let mut trails = Vec::new();
    let mut complete = true;
    for region in regions {
        let client = client!(aws_sdk_cloudtrail, ctx, &ctx.session.regional(&region));
        let listed = match home_trails(&client).await {
            Ok(listed) => listed,
            Err(err) => {
                ctx.fail(ACCOUNT, &region, "cloudtrail:DescribeTrails", None, &err);
                complete = false;
                continue;
            }
        };
        for trail in listed {
            let Some(arn) = trail.trail_arn().map(str::to_owned) else {
                continue;
            };
            if !seen.insert(arn.clone()) {
                continue;
            }
            let facts = facts(&ctx, &client, ACCOUNT, &trail).await;
            let is_logging = facts
                .status
                .as_ref()
                .and_then(|s| s.get("is_logging"))
                .cloned();
            let (Some(is_logging), Some(selectors)) = (is_logging, facts.selectors) else {
                complete = false;
                continue;
            };
            let mut entry = Map::new();
            entry.insert("arn".into(), Value::String(arn));
            put(&mut entry, "name", trail.name());
            put(&mut entry, "home_region", trail.home_region());
            put(&mut entry, "is_multi_region", trail.is_multi_region_trail());
            put(
                &mut entry,
                "is_organization_trail",
                trail.is_organization_trail(),
            );
            entry.insert("is_logging".into(), is_logging);
            put_selectors(&mut entry, Some(selectors));
            trails.push(Value::Object(entry));
        }
    }
    let mut config = Map::new();
    // A trail that could not be read completely leaves the list out: not
    // collected, rather than a list that looks whole.
    if complete {
        config.insert("trails".into(), Value::Array(trails));
    }
    let id = format!(
        "arn:{}:cloudtrail::{}:trails",
        ctx.partition(),
        ctx.account()
    );
    ctx.emit(
        ACCOUNT,
        "global",
        id,
        ctx.account().to_owned(),
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}
