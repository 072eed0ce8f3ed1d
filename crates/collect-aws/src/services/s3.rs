//! S3: buckets with every bucket-level setting (`aws.s3.bucket`), and the
//! account-level Block Public Access (`aws.s3.account_public_access_block`).

use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_s3::Client;
use posture_collect::for_each_bounded;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

pub const KINDS: &[&str] = &["aws.s3.bucket", "aws.s3.account_public_access_block"];

pub const ACTIONS: &[&str] = &[
    "s3:ListAllMyBuckets",
    "s3:GetBucketLocation",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketVersioning",
    "s3:GetBucketLogging",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketAcl",
    "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketOwnershipControls",
    "s3:GetLifecycleConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketTagging",
    "s3:GetAccountPublicAccessBlock",
];

const BUCKET: &str = "aws.s3.bucket";
const ACCOUNT_BLOCK: &str = "aws.s3.account_public_access_block";

/// An S3 client for `region`; path-style addressing when an endpoint
/// override is set (emulators do not resolve bucket host names).
pub(crate) fn client(ctx: &RegionCtx, region: &str) -> Client {
    let config = ctx.session.regional(region);
    let builder = aws_sdk_s3::config::Builder::from(&config)
        .force_path_style(ctx.session.options.endpoint_url.is_some())
        .interceptor(ctx.session.interceptor());
    Client::from_conf(builder.build())
}

/// Global: lists buckets once, then reads each bucket in its own region.
pub async fn collect(ctx: RegionCtx) {
    if ctx.wants(ACCOUNT_BLOCK) {
        account_public_access_block(&ctx).await;
    }
    if ctx.wants(BUCKET) {
        buckets(&ctx).await;
    }
}

async fn account_public_access_block(ctx: &RegionCtx) {
    // S3 Control puts the account id in front of the host name: the
    // session interceptor keeps an overridden endpoint literal.
    let control = client!(aws_sdk_s3control, ctx);
    let result = control
        .get_public_access_block()
        .account_id(ctx.account())
        .send()
        .await;
    let settings = match result {
        Ok(out) => out.public_access_block_configuration().map(|c| {
            [
                c.block_public_acls(),
                c.ignore_public_acls(),
                c.block_public_policy(),
                c.restrict_public_buckets(),
            ]
        }),
        Err(err) if code(&err) == Some("NoSuchPublicAccessBlockConfiguration") => None,
        Err(err) => {
            ctx.fail(
                ACCOUNT_BLOCK,
                "global",
                "s3:GetAccountPublicAccessBlock",
                None,
                &err,
            );
            return;
        }
    };
    let [acls, ignore, policy, restrict] = settings.unwrap_or_default().map(|v| v.unwrap_or(false));
    let id = format!(
        "arn:{}:s3::{}:account-public-access-block",
        ctx.partition(),
        ctx.account()
    );
    let config = json!({
        "block_public_acls": acls,
        "ignore_public_acls": ignore,
        "block_public_policy": policy,
        "restrict_public_buckets": restrict,
    });
    ctx.emit(
        ACCOUNT_BLOCK,
        "global",
        id,
        ctx.account().to_owned(),
        BTreeMap::new(),
        config,
    )
    .await;
}

/// Buckets per ListBuckets page. Asking for a page size makes the listing
/// paginated, which S3 requires past the default 10,000-bucket quota and
/// answers with each bucket's region (saving a GetBucketLocation each).
const BUCKETS_PER_PAGE: i32 = 10_000;

async fn buckets(ctx: &RegionCtx) {
    let home = client(ctx, &ctx.region);
    let mut pages = home
        .list_buckets()
        .max_buckets(BUCKETS_PER_PAGE)
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => listed.extend(page.buckets().iter().cloned()),
            Err(err) => {
                ctx.fail(BUCKET, "*", "s3:ListAllMyBuckets", None, &err);
                return;
            }
        }
    }
    let clients: Mutex<HashMap<String, Client>> = Mutex::default();
    for_each_bounded(listed, ctx.fan_out(), |b| bucket(ctx, &home, &clients, b)).await;
}

/// One bucket's record, read in its own region, in parallel with others.
async fn bucket(
    ctx: &RegionCtx,
    home: &Client,
    clients: &Mutex<HashMap<String, Client>>,
    bucket: aws_sdk_s3::types::Bucket,
) {
    let Some(name) = bucket.name().map(str::to_owned) else {
        return;
    };
    let id = format!("arn:{}:s3:::{name}", ctx.partition());
    let Some(region) = bucket_region(ctx, home, &bucket, &name, &id).await else {
        return;
    };
    if let Some(wanted) = &ctx.request.regions
        && !wanted.contains(&region)
    {
        return;
    }
    // One client per region, shared by that region's buckets.
    let client = match clients.lock() {
        Ok(mut clients) => clients
            .entry(region.clone())
            .or_insert_with(|| client(ctx, &region))
            .clone(),
        Err(_) => client(ctx, &region),
    };
    let created = bucket
        .creation_date()
        .and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok());
    let mut config = serde_json::Map::new();
    if let Some(created) = created {
        config.insert("creation_date".into(), Value::String(created));
    }
    let reader = BucketReader {
        ctx,
        client: &client,
        name: &name,
        id: &id,
        region: &region,
    };
    let tags = reader.read(&mut config).await;
    ctx.emit(
        BUCKET,
        &region,
        id.clone(),
        name.clone(),
        tags,
        Value::Object(config),
    )
    .await;
}

/// The bucket's region: from the listing when S3 gave it, else from
/// GetBucketLocation (older S3 implementations and emulators). `None`
/// when the location could not be read; the error is recorded.
async fn bucket_region(
    ctx: &RegionCtx,
    home: &Client,
    bucket: &aws_sdk_s3::types::Bucket,
    name: &str,
    id: &str,
) -> Option<String> {
    if let Some(listed) = bucket.bucket_region().filter(|r| !r.is_empty()) {
        return Some(listed.to_owned());
    }
    match home.get_bucket_location().bucket(name).send().await {
        Ok(out) => Some(location_region(
            out.location_constraint().map(|c| c.as_str()),
        )),
        Err(err) => {
            ctx.fail(BUCKET, &ctx.region, "s3:GetBucketLocation", Some(id), &err);
            None
        }
    }
}

/// GetBucketLocation's answer as a region name: empty means us-east-1 and
/// the legacy `EU` means eu-west-1.
pub(crate) fn location_region(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(other) => other.to_owned(),
    }
}

/// Reads one bucket's settings; a failed call leaves its field out (not
/// collected) and records the error, and the other fields are still read.
struct BucketReader<'a> {
    ctx: &'a RegionCtx,
    client: &'a Client,
    name: &'a str,
    id: &'a str,
    region: &'a str,
}

impl BucketReader<'_> {
    fn fail<E>(&self, action: &str, err: &E)
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error,
    {
        self.ctx
            .fail(BUCKET, self.region, action, Some(self.id), err);
    }

    async fn read(&self, config: &mut serde_json::Map<String, Value>) -> BTreeMap<String, String> {
        let c = self.client;
        let b = self.name;

        match c.get_bucket_encryption().bucket(b).send().await {
            Ok(out) => {
                let rule = out
                    .server_side_encryption_configuration()
                    .and_then(|c| c.rules().first());
                let value = rule
                    .and_then(|r| r.apply_server_side_encryption_by_default().map(|d| (r, d)))
                    .map(|(r, d)| {
                        json!({
                            "sse_algorithm": d.sse_algorithm().as_str(),
                            "kms_master_key_id": d.kms_master_key_id(),
                            "bucket_key_enabled": r.bucket_key_enabled().unwrap_or(false),
                        })
                    });
                config.insert("encryption".into(), value.unwrap_or(Value::Null));
            }
            Err(err) if code(&err) == Some("ServerSideEncryptionConfigurationNotFoundError") => {
                config.insert("encryption".into(), Value::Null);
            }
            Err(err) => self.fail("s3:GetEncryptionConfiguration", &err),
        }

        match c.get_bucket_versioning().bucket(b).send().await {
            Ok(out) => {
                config.insert(
                    "versioning".into(),
                    json!({
                        "status": out.status().map(|s| s.as_str()),
                        "mfa_delete": out.mfa_delete().is_some_and(|m| m.as_str() == "Enabled"),
                    }),
                );
            }
            Err(err) => self.fail("s3:GetBucketVersioning", &err),
        }

        match c.get_bucket_logging().bucket(b).send().await {
            Ok(out) => {
                let value = out.logging_enabled().map(|l| {
                    json!({"target_bucket": l.target_bucket(), "target_prefix": l.target_prefix()})
                });
                config.insert("logging".into(), value.unwrap_or(Value::Null));
            }
            Err(err) => self.fail("s3:GetBucketLogging", &err),
        }

        match c.get_public_access_block().bucket(b).send().await {
            Ok(out) => {
                let value = out.public_access_block_configuration().map(|p| {
                    json!({
                        "block_public_acls": p.block_public_acls().unwrap_or(false),
                        "ignore_public_acls": p.ignore_public_acls().unwrap_or(false),
                        "block_public_policy": p.block_public_policy().unwrap_or(false),
                        "restrict_public_buckets": p.restrict_public_buckets().unwrap_or(false),
                    })
                });
                config.insert("public_access_block".into(), value.unwrap_or(Value::Null));
            }
            Err(err) if code(&err) == Some("NoSuchPublicAccessBlockConfiguration") => {
                config.insert("public_access_block".into(), Value::Null);
            }
            Err(err) => self.fail("s3:GetBucketPublicAccessBlock", &err),
        }

        match c.get_bucket_acl().bucket(b).send().await {
            Ok(out) => {
                let grants: Vec<Value> = out
                    .grants()
                    .iter()
                    .filter_map(|g| {
                        let grantee = g.grantee()?;
                        let kind = grantee.r#type().as_str();
                        Some(json!({
                            "grantee_type": kind,
                            "grantee_uri": grantee.uri(),
                            "grantee_id": if kind == "CanonicalUser" { grantee.id() } else { None },
                            "permission": g.permission().map(|p| p.as_str()).unwrap_or_default(),
                        }))
                    })
                    .collect();
                config.insert("grants".into(), Value::Array(grants));
                config.insert(
                    "owner_id".into(),
                    Value::String(
                        out.owner()
                            .and_then(|o| o.id())
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                );
            }
            Err(err) => self.fail("s3:GetBucketAcl", &err),
        }

        match c.get_bucket_policy().bucket(b).send().await {
            Ok(out) => {
                let parsed = out
                    .policy()
                    .and_then(|p| serde_json::from_str::<Value>(p).ok());
                config.insert("policy".into(), parsed.unwrap_or(Value::Null));
            }
            Err(err) if code(&err) == Some("NoSuchBucketPolicy") => {
                config.insert("policy".into(), Value::Null);
            }
            Err(err) => self.fail("s3:GetBucketPolicy", &err),
        }

        match c.get_bucket_policy_status().bucket(b).send().await {
            Ok(out) => {
                let public = out.policy_status().and_then(|s| s.is_public());
                config.insert(
                    "policy_is_public".into(),
                    public.map_or(Value::Null, Value::Bool),
                );
            }
            Err(err) if code(&err) == Some("NoSuchBucketPolicy") => {
                config.insert("policy_is_public".into(), Value::Null);
            }
            Err(err) => self.fail("s3:GetBucketPolicyStatus", &err),
        }

        match c.get_bucket_ownership_controls().bucket(b).send().await {
            Ok(out) => {
                let ownership = out
                    .ownership_controls()
                    .and_then(|o| o.rules().first())
                    .map(|r| r.object_ownership().as_str().to_owned());
                config.insert(
                    "object_ownership".into(),
                    ownership.map_or(Value::Null, Value::String),
                );
            }
            Err(err) if code(&err) == Some("OwnershipControlsNotFoundError") => {
                config.insert("object_ownership".into(), Value::Null);
            }
            Err(err) => self.fail("s3:GetBucketOwnershipControls", &err),
        }

        match c
            .get_bucket_lifecycle_configuration()
            .bucket(b)
            .send()
            .await
        {
            Ok(out) => {
                let rules = out.rules();
                let enabled = rules
                    .iter()
                    .filter(|r| r.status().as_str() == "Enabled")
                    .count();
                config.insert("lifecycle_rule_count".into(), json!(rules.len()));
                config.insert("lifecycle_enabled_rule_count".into(), json!(enabled));
            }
            Err(err) if code(&err) == Some("NoSuchLifecycleConfiguration") => {
                config.insert("lifecycle_rule_count".into(), json!(0));
                config.insert("lifecycle_enabled_rule_count".into(), json!(0));
            }
            Err(err) => self.fail("s3:GetLifecycleConfiguration", &err),
        }

        match c.get_object_lock_configuration().bucket(b).send().await {
            Ok(out) => {
                let value = out.object_lock_configuration().map(|o| {
                    let retention = o.rule().and_then(|r| r.default_retention());
                    json!({
                        "enabled": o.object_lock_enabled().is_some_and(|e| e.as_str() == "Enabled"),
                        "default_retention_mode": retention.and_then(|r| r.mode()).map(|m| m.as_str()),
                        "default_retention_days": retention.and_then(|r| r.days()),
                        "default_retention_years": retention.and_then(|r| r.years()),
                    })
                });
                config.insert("object_lock".into(), value.unwrap_or(Value::Null));
            }
            Err(err) if code(&err) == Some("ObjectLockConfigurationNotFoundError") => {
                config.insert("object_lock".into(), Value::Null);
            }
            Err(err) => self.fail("s3:GetBucketObjectLockConfiguration", &err),
        }

        match c.get_bucket_tagging().bucket(b).send().await {
            Ok(out) => out
                .tag_set()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect(),
            Err(err) if code(&err) == Some("NoSuchTagSet") => BTreeMap::new(),
            Err(err) => {
                self.fail("s3:GetBucketTagging", &err);
                BTreeMap::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::location_region;

    #[test]
    fn location_constraints_name_their_regions() {
        assert_eq!(location_region(None), "us-east-1");
        assert_eq!(location_region(Some("")), "us-east-1");
        assert_eq!(location_region(Some("EU")), "eu-west-1");
        assert_eq!(location_region(Some("ap-south-1")), "ap-south-1");
    }
}
