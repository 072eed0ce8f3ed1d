//! Data Firehose: every delivery stream of a region
//! (`aws.firehose.delivery_stream`) from ListDeliveryStreams and
//! DescribeDeliveryStream: server-side encryption, source, and a summary of
//! each destination (type, S3 bucket and its KMS key, HTTP endpoint, error
//! logging), with the stream's tags (ListTagsForDeliveryStream).

use super::util::{put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_firehose::Client;
use aws_sdk_firehose::types::{
    CloudWatchLoggingOptions, DeliveryStreamDescription, DeliveryStreamEncryptionConfiguration,
    DestinationDescription, EncryptionConfiguration, S3DestinationDescription,
};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[STREAM];

pub const ACTIONS: &[&str] = &[
    "firehose:ListDeliveryStreams",
    "firehose:DescribeDeliveryStream",
    "firehose:ListTagsForDeliveryStream",
];

const STREAM: &str = "aws.firehose.delivery_stream";

/// ListDeliveryStreams page size: the API's documented default, stated so
/// that every endpoint pages the same way.
const LIST_PAGE: i32 = 10;

pub async fn collect(ctx: RegionCtx) {
    let client = client!(aws_sdk_firehose, ctx);
    let Some(names) = stream_names(&ctx, &client).await else {
        return;
    };
    for_each_bounded(&names, ctx.fan_out(), |name| stream(&ctx, &client, name)).await;
}

/// Every stream name, page after page; `None` (recorded) when a page failed.
async fn stream_names(ctx: &RegionCtx, client: &Client) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    loop {
        let out = match client
            .list_delivery_streams()
            .limit(LIST_PAGE)
            .set_exclusive_start_delivery_stream_name(names.last().cloned())
            .send()
            .await
        {
            Ok(out) => out,
            Err(err) => {
                ctx.fail(
                    STREAM,
                    &ctx.region,
                    "firehose:ListDeliveryStreams",
                    None,
                    &err,
                );
                return None;
            }
        };
        let page = out.delivery_stream_names();
        names.extend(page.iter().cloned());
        if !out.has_more_delivery_streams() || page.is_empty() {
            return Some(names);
        }
    }
}

async fn stream(ctx: &RegionCtx, client: &Client, name: &str) {
    let id = format!(
        "arn:{}:firehose:{}:{}:deliverystream/{name}",
        ctx.partition(),
        ctx.region,
        ctx.account()
    );
    let mut config = Map::new();
    config.insert("delivery_stream_name".into(), json!(name));
    let mut destinations = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let described = client
            .describe_delivery_stream()
            .delivery_stream_name(name)
            .set_exclusive_start_destination_id(start.clone())
            .send()
            .await;
        let description = match described {
            Ok(out) => match out.delivery_stream_description() {
                Some(d) => d.clone(),
                None => break,
            },
            // Deleted since it was listed.
            Err(err) if code(&err) == Some("ResourceNotFoundException") => return,
            Err(err) => {
                ctx.fail(
                    STREAM,
                    &ctx.region,
                    "firehose:DescribeDeliveryStream",
                    Some(&id),
                    &err,
                );
                break;
            }
        };
        if start.is_none() {
            stream_config(&description, &mut config);
        }
        destinations.extend(description.destinations().iter().map(destination));
        let last = description
            .destinations()
            .last()
            .map(|d| d.destination_id());
        match last {
            Some(last) if description.has_more_destinations() => start = Some(last.to_owned()),
            _ => {
                config.insert("destinations".into(), Value::Array(destinations));
                break;
            }
        }
    }
    let tags = tags(ctx, client, name, &id).await;
    ctx.emit(
        STREAM,
        &ctx.region,
        id,
        name.to_owned(),
        tags,
        Value::Object(config),
    )
    .await;
}

fn stream_config(d: &DeliveryStreamDescription, config: &mut Map<String, Value>) {
    config.insert(
        "delivery_stream_name".into(),
        json!(d.delivery_stream_name()),
    );
    config.insert("status".into(), json!(d.delivery_stream_status().as_str()));
    config.insert(
        "delivery_stream_type".into(),
        json!(d.delivery_stream_type().as_str()),
    );
    config.insert(
        "create_timestamp".into(),
        json!(d.create_timestamp().and_then(rfc3339)),
    );
    config.insert(
        "encryption".into(),
        d.delivery_stream_encryption_configuration()
            .map_or(Value::Null, encryption),
    );
    let source = d.source();
    config.insert(
        "source_kinesis_stream_arn".into(),
        text(
            source
                .and_then(|s| s.kinesis_stream_source_description())
                .and_then(|k| k.kinesis_stream_arn()),
        ),
    );
    config.insert(
        "source_msk_cluster_arn".into(),
        text(
            source
                .and_then(|s| s.msk_source_description())
                .and_then(|m| m.msk_cluster_arn()),
        ),
    );
}

fn encryption(e: &DeliveryStreamEncryptionConfiguration) -> Value {
    let mut config = Map::new();
    put(&mut config, "status", e.status().map(|s| s.as_str()));
    config.insert("key_type".into(), text(e.key_type().map(|k| k.as_str())));
    config.insert("key_arn".into(), text(e.key_arn()));
    Value::Object(config)
}

/// What one destination description says, whatever its type.
struct Summary<'a> {
    kind: &'static str,
    /// The S3 bucket and its encryption: the destination itself, or the
    /// S3 (backup) configuration of another type.
    s3: Option<(&'a str, Option<&'a EncryptionConfiguration>)>,
    logging: Option<&'a CloudWatchLoggingOptions>,
    url: Option<&'a str>,
}

fn s3(d: Option<&S3DestinationDescription>) -> Option<(&str, Option<&EncryptionConfiguration>)> {
    d.map(|d| (d.bucket_arn(), d.encryption_configuration()))
}

/// The destination's type and settings. ExtendedS3 destinations also carry
/// an S3DestinationDescription, so plain S3 is tried last.
fn summary(d: &DestinationDescription) -> Option<Summary<'_>> {
    let other = |kind, backup, logging| Summary {
        kind,
        s3: s3(backup),
        logging,
        url: None,
    };
    if let Some(x) = d.extended_s3_destination_description() {
        return Some(Summary {
            kind: "extended_s3",
            s3: Some((x.bucket_arn(), x.encryption_configuration())),
            logging: x.cloud_watch_logging_options(),
            url: None,
        });
    }
    if let Some(x) = d.http_endpoint_destination_description() {
        return Some(Summary {
            url: x.endpoint_configuration().and_then(|e| e.url()),
            ..other(
                "http_endpoint",
                x.s3_destination_description(),
                x.cloud_watch_logging_options(),
            )
        });
    }
    let found = if let Some(x) = d.redshift_destination_description() {
        other(
            "redshift",
            x.s3_destination_description(),
            x.cloud_watch_logging_options(),
        )
    } else if let Some(x) = d.elasticsearch_destination_description() {
        other(
            "elasticsearch",
            x.s3_destination_description(),
            x.cloud_watch_logging_options(),
        )
    } else if let Some(x) = d.amazonopensearchservice_destination_description() {
        other(
            "opensearch",
            x.s3_destination_description(),
            x.cloud_watch_logging_options(),
        )
    } else if let Some(x) = d.amazon_open_search_serverless_destination_description() {
        other(
            "opensearch_serverless",
            x.s3_destination_description(),
            x.cloud_watch_logging_options(),
        )
    } else if let Some(x) = d.splunk_destination_description() {
        other(
            "splunk",
            x.s3_destination_description(),
            x.cloud_watch_logging_options(),
        )
    } else if let Some(x) = d.snowflake_destination_description() {
        other(
            "snowflake",
            x.s3_destination_description(),
            x.cloud_watch_logging_options(),
        )
    } else if let Some(x) = d.iceberg_destination_description() {
        other(
            "iceberg",
            x.s3_destination_description(),
            x.cloud_watch_logging_options(),
        )
    } else if let Some(x) = d.s3_destination_description() {
        other("s3", Some(x), x.cloud_watch_logging_options())
    } else {
        return None;
    };
    Some(found)
}

fn destination(d: &DestinationDescription) -> Value {
    let mut config = Map::new();
    config.insert("destination_id".into(), json!(d.destination_id()));
    // A destination type newer than this collector: only its id is known.
    let Some(summary) = summary(d) else {
        return Value::Object(config);
    };
    config.insert("type".into(), json!(summary.kind));
    let bucket = summary
        .s3
        .map(|(bucket, _)| bucket)
        .filter(|b| !b.is_empty());
    config.insert("s3_bucket_arn".into(), text(bucket));
    match summary.s3 {
        None => {
            config.insert("s3_kms_key_arn".into(), Value::Null);
        }
        Some((_, encryption)) => {
            let kms = encryption.and_then(|e| e.kms_encryption_config());
            let none = encryption.and_then(|e| e.no_encryption_config());
            match (kms, none) {
                (Some(kms), _) => {
                    config.insert("s3_kms_key_arn".into(), json!(kms.awskms_key_arn()));
                }
                (None, Some(_)) => {
                    config.insert("s3_kms_key_arn".into(), Value::Null);
                }
                // No EncryptionConfiguration reported: not collected.
                (None, None) => {}
            }
        }
    }
    config.insert("http_endpoint_url".into(), text(summary.url));
    config.insert(
        "cloudwatch_logging_enabled".into(),
        json!(summary.logging.and_then(|l| l.enabled()).unwrap_or(false)),
    );
    config.insert(
        "cloudwatch_log_group_name".into(),
        text(summary.logging.and_then(|l| l.log_group_name())),
    );
    Value::Object(config)
}

async fn tags(ctx: &RegionCtx, client: &Client, name: &str, id: &str) -> BTreeMap<String, String> {
    let mut tags = BTreeMap::new();
    let mut start: Option<String> = None;
    loop {
        let out = match client
            .list_tags_for_delivery_stream()
            .delivery_stream_name(name)
            .set_exclusive_start_tag_key(start.clone())
            .send()
            .await
        {
            Ok(out) => out,
            Err(err) => {
                ctx.fail(
                    STREAM,
                    &ctx.region,
                    "firehose:ListTagsForDeliveryStream",
                    Some(id),
                    &err,
                );
                return tags;
            }
        };
        for tag in out.tags() {
            tags.insert(
                tag.key().to_owned(),
                tag.value().unwrap_or_default().to_owned(),
            );
        }
        match out.tags().last() {
            Some(last) if out.has_more_tags() => start = Some(last.key().to_owned()),
            _ => return tags,
        }
    }
}
