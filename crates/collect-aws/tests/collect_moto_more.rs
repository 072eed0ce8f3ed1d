//! KMS, CloudTrail and AWS Config against moto: keys with and without
//! rotation, trails with and without log file validation, and a Config
//! recorder in one region only, collected into records that match their
//! kinds' schemas exactly.

mod support;

use posture_model::Resource;
use support::Moto;

const KINDS: [&str; 5] = [
    "aws.kms.key",
    "aws.kms.custom_key_store",
    "aws.cloudtrail.trail",
    "aws.cloudtrail.account_trails",
    "aws.config.recorder",
];

/// What the seed created, to compare the records with.
struct Planted {
    rotated_key: String,
    unrotated_key: String,
}

async fn seed(moto: &Moto) -> Planted {
    let config = support::sdk_config(moto, "us-east-1").await;

    let kms = aws_sdk_kms::Client::new(&config);
    let mut keys = Vec::new();
    for description in ["rotated", "unrotated"] {
        let out = kms
            .create_key()
            .description(description)
            // moto leaves KeyUsage and MultiRegion out unless they are given.
            .key_usage(aws_sdk_kms::types::KeyUsageType::EncryptDecrypt)
            .multi_region(false)
            .tags(
                aws_sdk_kms::types::Tag::builder()
                    .tag_key("team")
                    .tag_value("security")
                    .build()
                    .expect("tag"),
            )
            .send()
            .await
            .expect("create key");
        keys.push(
            out.key_metadata()
                .map(|m| m.key_id().to_owned())
                .expect("key id"),
        );
    }
    kms.enable_key_rotation()
        .key_id(&keys[0])
        .send()
        .await
        .expect("enable rotation");

    let s3 = support::s3_client(&config);
    s3.create_bucket()
        .bucket("acme-trail-logs")
        .send()
        .await
        .expect("bucket");
    let trail = aws_sdk_cloudtrail::Client::new(&config);
    trail
        .create_trail()
        .name("audit")
        .s3_bucket_name("acme-trail-logs")
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .send()
        .await
        .expect("trail audit");
    trail
        .start_logging()
        .name("audit")
        .send()
        .await
        .expect("start logging");
    trail
        .create_trail()
        .name("unvalidated")
        .s3_bucket_name("acme-trail-logs")
        .send()
        .await
        .expect("trail unvalidated");
    // moto gives new trails no event selectors (AWS gives them all
    // management events): "audit" records management and S3 data events
    // (basic selectors), "unvalidated" read-only management events only
    // (advanced selectors).
    use aws_sdk_cloudtrail::types::{
        AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType,
    };
    trail
        .put_event_selectors()
        .trail_name("audit")
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .data_resources(
                    DataResource::builder()
                        .r#type("AWS::S3::Object")
                        .values("arn:aws:s3")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("basic selectors");
    let field = |name: &str, value: &str| {
        AdvancedFieldSelector::builder()
            .field(name)
            .equals(value)
            .build()
            .expect("field selector")
    };
    trail
        .put_event_selectors()
        .trail_name("unvalidated")
        .advanced_event_selectors(
            AdvancedEventSelector::builder()
                .name("read-only management")
                .field_selectors(field("eventCategory", "Management"))
                .field_selectors(field("readOnly", "true"))
                .build()
                .expect("advanced selector"),
        )
        .send()
        .await
        .expect("advanced selectors");
    s3.put_public_access_block()
        .bucket("acme-trail-logs")
        .public_access_block_configuration(
            aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("bucket public access block");

    let cfg = aws_sdk_config::Client::new(&config);
    cfg.put_configuration_recorder()
        .configuration_recorder(
            aws_sdk_config::types::ConfigurationRecorder::builder()
                .name("default")
                .role_arn("arn:aws:iam::123456789012:role/config")
                .recording_group(
                    aws_sdk_config::types::RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("recorder");
    cfg.put_delivery_channel()
        .delivery_channel(
            aws_sdk_config::types::DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name("acme-trail-logs")
                .build(),
        )
        .send()
        .await
        .expect("delivery channel");
    cfg.start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("start recorder");

    Planted {
        rotated_key: keys[0].clone(),
        unrotated_key: keys[1].clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_kms_cloudtrail_and_config_records_that_match_their_schemas() {
    let moto = Moto::start();
    let planted = seed(&moto).await;
    let (resources, errors, _) = support::run(&moto, &KINDS, &["us-east-1", "eu-west-1"]).await;

    let failed: Vec<(&str, &str, &str)> = errors
        .iter()
        .map(|e| (e.kind.as_str(), e.region.as_str(), e.action.as_str()))
        .collect();
    // moto does not implement DescribeCustomKeyStores (it answers with an
    // HTML page): a collection error per region, and no store records.
    let store = "aws.kms.custom_key_store";
    assert_eq!(
        failed,
        [
            (store, "eu-west-1", "kms:DescribeCustomKeyStores"),
            (store, "us-east-1", "kms:DescribeCustomKeyStores"),
        ],
        "{errors:#?}"
    );

    support::assert_only_kinds(&resources, &KINDS);
    support::assert_schemas(&resources, |_| vec![]);
    let collected: Vec<&str> = KINDS.into_iter().filter(|k| *k != store).collect();
    support::assert_collected(&resources, &collected);

    // KMS: one key with rotation on, one with it off, tags in the tags map.
    let rotated = support::find(&resources, "aws.kms.key", &planted.rotated_key);
    assert_eq!(
        rotated.id,
        format!(
            "arn:aws:kms:us-east-1:123456789012:key/{}",
            planted.rotated_key
        )
    );
    assert_eq!(rotated.config["rotation_enabled"], true);
    assert_eq!(rotated.config["description"], "rotated");
    assert_eq!(rotated.config["key_manager"], "CUSTOMER");
    assert_eq!(rotated.config["key_state"], "Enabled");
    assert_eq!(rotated.config["policy"]["Version"], "2012-10-17");
    assert_eq!(
        rotated.tags.get("team").map(String::as_str),
        Some("security")
    );
    let unrotated = support::find(&resources, "aws.kms.key", &planted.unrotated_key);
    assert_eq!(unrotated.config["rotation_enabled"], false);
    assert!(unrotated.config["rotation_period_in_days"].is_null());

    // CloudTrail: each trail in its home region, with its bucket's settings.
    let audit = support::find(&resources, "aws.cloudtrail.trail", "audit");
    assert_eq!(
        audit.id,
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"
    );
    assert_eq!(audit.region, "us-east-1");
    assert_eq!(audit.config["is_multi_region"], true);
    assert_eq!(audit.config["is_logging"], true);
    assert_eq!(audit.config["log_file_validation_enabled"], true);
    assert_eq!(audit.config["logs_management_events"], true);
    assert_eq!(audit.config["s3_data_events_read"], true);
    assert_eq!(audit.config["s3_data_events_write"], true);
    assert_eq!(audit.config["s3_bucket_name"], "acme-trail-logs");
    assert_eq!(
        audit.config["s3_bucket"],
        serde_json::json!({
            "acl_grantee_uris": [], "policy": null,
            "block_public_access": true, "logging_enabled": false,
        })
    );
    let unvalidated = support::find(&resources, "aws.cloudtrail.trail", "unvalidated");
    assert_eq!(unvalidated.config["log_file_validation_enabled"], false);
    assert_eq!(unvalidated.config["is_multi_region"], false);
    assert_eq!(unvalidated.config["is_logging"], false);
    assert_eq!(unvalidated.config["logs_management_events"], false);
    assert_eq!(unvalidated.config["s3_data_events_read"], false);

    let account = support::find(&resources, "aws.cloudtrail.account_trails", "123456789012");
    assert_eq!(account.id, "arn:aws:cloudtrail::123456789012:trails");
    assert_eq!(account.region, "global");
    let listed: Vec<(&str, bool, bool, bool)> = account.config["trails"]
        .as_array()
        .expect("trails")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default(),
                t["is_multi_region"] == true,
                t["is_logging"] == true,
                t["logs_management_events"] == true,
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("audit", true, true, true),
            ("unvalidated", false, false, false)
        ]
    );

    // AWS Config: a recorder in us-east-1, a record saying "none" in eu-west-1.
    let recorders: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.kind.as_str() == "aws.config.recorder")
        .collect();
    assert_eq!(recorders.len(), 2);
    let east = support::find(&resources, "aws.config.recorder", "default");
    assert_eq!(
        east.id,
        "arn:aws:config:us-east-1:123456789012:configuration-recorder"
    );
    assert_eq!(east.config["recorder_exists"], true);
    assert_eq!(east.config["recording"], true);
    assert_eq!(east.config["all_supported"], true);
    assert_eq!(east.config["include_global_resource_types"], true);
    assert_eq!(east.config["delivery_channel_exists"], true);
    let west = support::find(&resources, "aws.config.recorder", "none");
    assert_eq!(west.region, "eu-west-1");
    assert_eq!(west.config["recorder_exists"], false);
    assert_eq!(west.config["recording"], false);
    assert!(west.config["recorder_name"].is_null());
    assert_eq!(west.config["delivery_channel_exists"], false);
}
