//! Monitoring and threat detection against moto: CloudTrail delivering to
//! CloudWatch Logs with metric filters for CIS patterns, log groups with and
//! without retention and KMS keys, and GuardDuty, Security Hub, Inspector
//! and Macie on in one region and off in another, collected into records
//! that match their kinds' schemas exactly and that the catalogue's
//! controls judge as planted.

mod support;

use posture_model::{Resource, Status};
use support::Moto;

const KINDS: [&str; 6] = [
    "aws.cloudwatch.trail_monitoring",
    "aws.logs.log_group",
    "aws.guardduty.detector_status",
    "aws.securityhub.hub_status",
    "aws.inspector2.account_status",
    "aws.macie.session_status",
];

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

const ACCOUNT: &str = "123456789012";

/// moto pages DescribeLogGroups 50 at a time: more than a page. The other
/// list calls are not paged by moto or not reachable through it:
/// DescribeMetricFilters returns every filter at once (and echoes the
/// nextToken it was sent), ListDetectors returns every detector at once,
/// GetEnabledStandards is not implemented, DescribeAlarms cannot be called
/// (CBOR, below), and ListSubscriptionsByTopic (100 a page in moto) is only
/// reached through alarms.
const BULK_LOG_GROUPS: usize = 55;

const ROOT_PATTERN: &str = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
const UNAUTHORIZED_PATTERN: &str = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#;
/// Misses ScheduleKeyDeletion: not the CIS pattern.
const KMS_PATTERN: &str =
    r#"{ ($.eventSource = "kms.amazonaws.com") && ($.eventName = "DisableKey") }"#;
const NO_MFA_PATTERN: &str =
    r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#;

fn log_group_arn(region: &str, name: &str) -> String {
    format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}:*")
}

async fn put_filter(
    logs: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    name: &str,
    pattern: &str,
    metric: &str,
) {
    logs.put_metric_filter()
        .log_group_name(group)
        .filter_name(name)
        .filter_pattern(pattern)
        .metric_transformations(
            aws_sdk_cloudwatchlogs::types::MetricTransformation::builder()
                .metric_name(metric)
                .metric_namespace("CISBenchmark")
                .metric_value("1")
                .build()
                .expect("transformation"),
        )
        .send()
        .await
        .expect("metric filter");
}

/// Trails, their log groups and metric filters, SNS topics, and the other
/// log groups.
async fn seed_logs_and_trails(moto: &Moto) -> String {
    let east = support::sdk_config(moto, "us-east-1").await;
    let west = support::sdk_config(moto, "eu-west-1").await;

    let kms = aws_sdk_kms::Client::new(&east);
    let key = kms.create_key().send().await.expect("key");
    let key_arn = key
        .key_metadata()
        .and_then(|m| m.arn())
        .expect("key arn")
        .to_owned();

    let logs = aws_sdk_cloudwatchlogs::Client::new(&east);
    logs.create_log_group()
        .log_group_name("CloudTrail/main")
        .kms_key_id(&key_arn)
        .tags("team", "security")
        .send()
        .await
        .expect("main log group");
    for (name, retention) in [
        ("CloudTrail/main", Some(365)),
        ("/aws/lambda/short", Some(90)),
    ]
    .into_iter()
    .chain([("/aws/lambda/forever", None)])
    {
        if name != "CloudTrail/main" {
            logs.create_log_group()
                .log_group_name(name)
                .send()
                .await
                .expect("log group");
        }
        if let Some(days) = retention {
            logs.put_retention_policy()
                .log_group_name(name)
                .retention_in_days(days)
                .send()
                .await
                .expect("retention");
        }
    }
    put_filter(
        &logs,
        "CloudTrail/main",
        "root-usage",
        ROOT_PATTERN,
        "RootAccountUsage",
    )
    .await;
    put_filter(
        &logs,
        "CloudTrail/main",
        "unauthorized-calls",
        UNAUTHORIZED_PATTERN,
        "UnauthorizedAPICalls",
    )
    .await;
    put_filter(
        &logs,
        "CloudTrail/main",
        "kms-disable",
        KMS_PATTERN,
        "KmsKeyDisabled",
    )
    .await;

    let logs_west = aws_sdk_cloudwatchlogs::Client::new(&west);
    logs_west
        .create_log_group()
        .log_group_name("CloudTrail/regional")
        .send()
        .await
        .expect("regional log group");
    put_filter(
        &logs_west,
        "CloudTrail/regional",
        "no-mfa",
        NO_MFA_PATTERN,
        "ConsoleSigninWithoutMFA",
    )
    .await;
    for i in 0..BULK_LOG_GROUPS {
        logs_west
            .create_log_group()
            .log_group_name(format!("bulk/{i:03}"))
            .send()
            .await
            .expect("bulk log group");
    }

    let s3 = support::s3_client(&east);
    s3.create_bucket()
        .bucket("acme-trail-logs")
        .send()
        .await
        .expect("bucket");
    let role = format!("arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs");
    use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
    // "main" is multi-region and logs all management events; "copy" also
    // delivers to CloudTrail/main but is single-region and not logging;
    // "regional" (eu-west-1) delivers to CloudTrail/regional, single-region.
    for (config, name, multi_region, group) in [
        (
            &east,
            "main",
            true,
            log_group_arn("us-east-1", "CloudTrail/main"),
        ),
        (
            &east,
            "copy",
            false,
            log_group_arn("us-east-1", "CloudTrail/main"),
        ),
        (
            &west,
            "regional",
            false,
            log_group_arn("eu-west-1", "CloudTrail/regional"),
        ),
    ] {
        let trail = aws_sdk_cloudtrail::Client::new(config);
        trail
            .create_trail()
            .name(name)
            .s3_bucket_name("acme-trail-logs")
            .is_multi_region_trail(multi_region)
            .cloud_watch_logs_log_group_arn(group)
            .cloud_watch_logs_role_arn(&role)
            .send()
            .await
            .expect("trail");
        // moto gives new trails no event selectors (AWS gives them all
        // management events).
        trail
            .put_event_selectors()
            .trail_name(name)
            .event_selectors(
                EventSelector::builder()
                    .read_write_type(ReadWriteType::All)
                    .include_management_events(true)
                    .build(),
            )
            .send()
            .await
            .expect("event selectors");
        if name != "copy" {
            trail
                .start_logging()
                .name(name)
                .send()
                .await
                .expect("start logging");
        }
    }

    // A topic with a confirmed subscription (moto confirms every
    // subscription at once) and one without any.
    let sns = aws_sdk_sns::Client::new(&east);
    let alerts = sns
        .create_topic()
        .name("security-alerts")
        .send()
        .await
        .expect("topic")
        .topic_arn()
        .expect("topic arn")
        .to_owned();
    sns.subscribe()
        .topic_arn(&alerts)
        .protocol("email")
        .endpoint("secops@example.com")
        .send()
        .await
        .expect("subscription");
    sns.create_topic()
        .name("nobody-listens")
        .send()
        .await
        .expect("topic");
    alerts
}

/// GuardDuty, Security Hub, Inspector and Macie: on in us-east-1, off in
/// eu-west-1.
async fn seed_detection(moto: &Moto) {
    let east = support::sdk_config(moto, "us-east-1").await;
    let west = support::sdk_config(moto, "eu-west-1").await;

    use aws_sdk_guardduty::types::{DetectorFeature, DetectorFeatureConfiguration, FeatureStatus};
    let feature = |name, status| {
        DetectorFeatureConfiguration::builder()
            .name(name)
            .status(status)
            .build()
    };
    aws_sdk_guardduty::Client::new(&east)
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(
            aws_sdk_guardduty::types::FindingPublishingFrequency::FifteenMinutes,
        )
        .features(feature(
            DetectorFeature::S3DataEvents,
            FeatureStatus::Enabled,
        ))
        .features(feature(
            DetectorFeature::EbsMalwareProtection,
            FeatureStatus::Disabled,
        ))
        .send()
        .await
        .expect("detector");

    aws_sdk_securityhub::Client::new(&east)
        .enable_security_hub()
        .send()
        .await
        .expect("security hub");

    use aws_sdk_inspector2::types::ResourceScanType;
    aws_sdk_inspector2::Client::new(&east)
        .enable()
        .account_ids(ACCOUNT)
        .resource_types(ResourceScanType::Ec2)
        .resource_types(ResourceScanType::Ecr)
        .send()
        .await
        .expect("inspector on");
    let inspector_west = aws_sdk_inspector2::Client::new(&west);
    inspector_west
        .enable()
        .account_ids(ACCOUNT)
        .resource_types(ResourceScanType::Lambda)
        .send()
        .await
        .expect("inspector on");
    inspector_west
        .disable()
        .account_ids(ACCOUNT)
        .resource_types(ResourceScanType::Lambda)
        .send()
        .await
        .expect("inspector off");

    // moto enables Macie in every region from the start.
    aws_sdk_macie2::Client::new(&west)
        .disable_macie()
        .send()
        .await
        .expect("macie off");
}

/// The record of `kind` in `region`.
fn in_region<'a>(resources: &'a [Resource], kind: &str, region: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.kind.as_str() == kind && r.region == region)
        .unwrap_or_else(|| panic!("no {kind} in {region}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_monitoring_and_detection_records_that_match_their_schemas() {
    let moto = Moto::start();
    let alerts = seed_logs_and_trails(&moto).await;
    seed_detection(&moto).await;

    // moto does not speak the Smithy RPC v2 CBOR protocol the SDK uses for
    // CloudWatch: no alarm can be created through the SDK, nor read.
    let east = support::sdk_config(&moto, "us-east-1").await;
    let alarm = aws_sdk_cloudwatch::Client::new(&east)
        .put_metric_alarm()
        .alarm_name("cis-RootAccountUsage")
        .metric_name("RootAccountUsage")
        .namespace("CISBenchmark")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(300)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(
            aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold,
        )
        .alarm_actions(&alerts)
        .send()
        .await;
    assert!(
        alarm.is_err(),
        "moto now accepts CloudWatch calls: {alarm:?}"
    );

    let (resources, errors, _) = support::run(&moto, &KINDS, &REGIONS).await;

    let monitoring_id = format!("arn:aws:cloudwatch::{ACCOUNT}:trail-monitoring");
    let hub_east = format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:hub-status");
    let mut failed: Vec<(&str, &str, &str, Option<&str>)> = errors
        .iter()
        .map(|e| {
            (
                e.kind.as_str(),
                e.region.as_str(),
                e.action.as_str(),
                e.resource_id.as_deref(),
            )
        })
        .collect();
    failed.sort();
    let mut expected = vec![
        // CBOR again: DescribeAlarms fails in both regions that have a
        // CloudTrail log group with filters.
        (
            "aws.cloudwatch.trail_monitoring",
            "eu-west-1",
            "cloudwatch:DescribeAlarms",
            Some(monitoring_id.as_str()),
        ),
        (
            "aws.cloudwatch.trail_monitoring",
            "us-east-1",
            "cloudwatch:DescribeAlarms",
            Some(monitoring_id.as_str()),
        ),
        // moto's GetMacieSession returns createdAt without a UTC offset,
        // which the SDK refuses: no record where Macie is on.
        (
            "aws.macie.session_status",
            "us-east-1",
            "macie2:GetMacieSession",
            None,
        ),
        // moto answers DescribeHub's InvalidAccessException ("not
        // subscribed") with an XML body the SDK cannot read the code from:
        // no record where Security Hub is off.
        (
            "aws.securityhub.hub_status",
            "eu-west-1",
            "securityhub:DescribeHub",
            None,
        ),
        // moto does not implement GetEnabledStandards.
        (
            "aws.securityhub.hub_status",
            "us-east-1",
            "securityhub:GetEnabledStandards",
            Some(hub_east.as_str()),
        ),
    ];
    expected.sort();
    assert_eq!(failed, expected, "{errors:#?}");

    support::assert_only_kinds(&resources, &KINDS);
    // What the failed calls above would have given.
    support::assert_schemas(&resources, |resource| match resource.id.as_str() {
        id if id == monitoring_id => vec![
            "metric_filters[].alarm_has_subscribed_actions",
            "metric_filters[].alarm_names",
        ],
        id if id == hub_east => vec![
            "standards",
            "standards[].standards_arn",
            "standards[].standards_status",
            "standards[].standards_subscription_arn",
        ],
        _ => vec![],
    });

    check_log_groups(&resources);
    check_trail_monitoring(&resources);
    check_detection(&resources);
}

fn check_log_groups(resources: &[Resource]) {
    let kind = "aws.logs.log_group";
    // DescribeLogGroups read past moto's first page of 50.
    let west: Vec<&str> = resources
        .iter()
        .filter(|r| r.kind.as_str() == kind && r.region == "eu-west-1")
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(west.len(), BULK_LOG_GROUPS + 1, "{west:?}");
    assert!(west.contains(&"bulk/054") && west.contains(&"CloudTrail/regional"));

    let main = support::find(resources, kind, "CloudTrail/main");
    assert_eq!(
        main.id,
        format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:CloudTrail/main")
    );
    assert_eq!(main.region, "us-east-1");
    assert_eq!(main.config["retention_in_days"], 365);
    let key = main.config["kms_key_id"].as_str().expect("kms key");
    assert!(
        key.starts_with(&format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/")),
        "{key}"
    );
    assert_eq!(main.tags.get("team").map(String::as_str), Some("security"));
    let created = main.config["creation_time"]
        .as_str()
        .expect("creation time");
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );
    assert_eq!(main.config["stored_bytes"], 0);
    // moto always says 0 filters, even for a group with three.
    assert_eq!(main.config["metric_filter_count"], 0);
    // moto returns no class, data protection or deletion protection.
    assert!(main.config["log_group_class"].is_null());
    assert!(main.config["data_protection_status"].is_null());
    assert_eq!(main.config["deletion_protection_enabled"], false);

    let short = support::find(resources, kind, "/aws/lambda/short");
    assert_eq!(short.config["retention_in_days"], 90);
    assert!(short.config["kms_key_id"].is_null());
    assert!(short.tags.is_empty());
    let forever = support::find(resources, kind, "/aws/lambda/forever");
    assert!(forever.config["retention_in_days"].is_null());

    let judged = [
        ("aws_logs_log_group_retention_365_days", main, Status::Pass),
        ("aws_logs_log_group_retention_365_days", short, Status::Fail),
        (
            "aws_logs_log_group_retention_365_days",
            forever,
            Status::Pass,
        ),
        ("aws_logs_log_group_encrypted_with_kms", main, Status::Pass),
        ("aws_logs_log_group_encrypted_with_kms", short, Status::Fail),
    ];
    support::assert_verdicts(&judged);
}

fn check_trail_monitoring(resources: &[Resource]) {
    let kind = "aws.cloudwatch.trail_monitoring";
    let monitoring: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.kind.as_str() == kind)
        .collect();
    assert_eq!(monitoring.len(), 1, "one record per account");
    let record = monitoring[0];
    assert_eq!(
        record.id,
        format!("arn:aws:cloudwatch::{ACCOUNT}:trail-monitoring")
    );
    assert_eq!(record.region, "global");
    assert_eq!(record.name, ACCOUNT);

    let trail =
        |region: &str, name: &str| format!("arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}");
    let filters = record.config["metric_filters"].as_array().expect("filters");
    let summary: Vec<(&str, &str, &str, &str, &str, bool)> = filters
        .iter()
        .map(|f| {
            (
                f["log_group_region"].as_str().unwrap_or_default(),
                f["log_group_name"].as_str().unwrap_or_default(),
                f["filter_name"].as_str().unwrap_or_default(),
                f["metric_name"].as_str().unwrap_or_default(),
                f["metric_namespace"].as_str().unwrap_or_default(),
                f["trail_is_multi_region_logging"] == true,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "eu-west-1",
                "CloudTrail/regional",
                "no-mfa",
                "ConsoleSigninWithoutMFA",
                "CISBenchmark",
                false
            ),
            (
                "us-east-1",
                "CloudTrail/main",
                "root-usage",
                "RootAccountUsage",
                "CISBenchmark",
                true
            ),
            (
                "us-east-1",
                "CloudTrail/main",
                "unauthorized-calls",
                "UnauthorizedAPICalls",
                "CISBenchmark",
                true
            ),
            (
                "us-east-1",
                "CloudTrail/main",
                "kms-disable",
                "KmsKeyDisabled",
                "CISBenchmark",
                true
            ),
        ]
    );
    let root = &filters[1];
    assert_eq!(root["filter_pattern"], ROOT_PATTERN);
    // Both trails of CloudTrail/main; "main" alone is multi-region logging.
    assert_eq!(
        root["trail_arns"],
        serde_json::json!([trail("us-east-1", "copy"), trail("us-east-1", "main")])
    );
    assert_eq!(
        filters[0]["trail_arns"],
        serde_json::json!([trail("eu-west-1", "regional")])
    );

    // Without alarms (unreadable in moto), a filter matching the pattern
    // leaves the verdict unknown: ERROR, never PASS. A pattern with no
    // matching filter on a multi-region logging trail FAILs.
    let mut judged = vec![
        ("aws_cloudwatch_alarm_root_account_usage", Status::Error),
        ("aws_cloudwatch_alarm_unauthorized_api_calls", Status::Error),
        // The filter misses ScheduleKeyDeletion.
        (
            "aws_cloudwatch_alarm_kms_key_disabled_or_scheduled_deletion",
            Status::Fail,
        ),
        // The filter is on a single-region trail's log group.
        (
            "aws_cloudwatch_alarm_console_signin_without_mfa",
            Status::Fail,
        ),
    ];
    for control in [
        "aws_cloudwatch_alarm_cloudtrail_configuration_changes",
        "aws_cloudwatch_alarm_config_configuration_changes",
        "aws_cloudwatch_alarm_console_authentication_failures",
        "aws_cloudwatch_alarm_iam_policy_changes",
        "aws_cloudwatch_alarm_nacl_changes",
        "aws_cloudwatch_alarm_network_gateway_changes",
        "aws_cloudwatch_alarm_organizations_changes",
        "aws_cloudwatch_alarm_route_table_changes",
        "aws_cloudwatch_alarm_s3_bucket_policy_changes",
        "aws_cloudwatch_alarm_security_group_changes",
        "aws_cloudwatch_alarm_vpc_changes",
    ] {
        judged.push((control, Status::Fail));
    }
    let judged: Vec<_> = judged
        .into_iter()
        .map(|(control, expected)| (control, record, expected))
        .collect();
    support::assert_verdicts(&judged);
}

fn check_detection(resources: &[Resource]) {
    // GuardDuty: a detector in us-east-1, none in eu-west-1.
    let kind = "aws.guardduty.detector_status";
    let on = in_region(resources, kind, "us-east-1");
    let off = in_region(resources, kind, "eu-west-1");
    assert_eq!(
        on.id,
        format!("arn:aws:guardduty:us-east-1:{ACCOUNT}:detector-status")
    );
    let detector_id = on.config["detector_id"].as_str().expect("detector id");
    assert_eq!(on.name, detector_id);
    assert_eq!(on.config["detector_exists"], true);
    assert_eq!(on.config["status"], "ENABLED");
    assert_eq!(on.config["finding_publishing_frequency"], "FIFTEEN_MINUTES");
    assert!(
        on.config["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(
        on.config["features"],
        serde_json::json!([
            {"name": "S3_DATA_EVENTS", "status": "ENABLED", "updated_at": null},
            {"name": "EBS_MALWARE_PROTECTION", "status": "DISABLED", "updated_at": null},
        ])
    );
    assert_eq!(
        off.id,
        format!("arn:aws:guardduty:eu-west-1:{ACCOUNT}:detector-status")
    );
    assert_eq!(off.name, "none");
    assert_eq!(off.config["detector_exists"], false);
    assert!(off.config["detector_id"].is_null() && off.config["status"].is_null());
    assert_eq!(off.config["features"], serde_json::json!([]));

    // Security Hub: enabled in us-east-1; the eu-west-1 record is lost to
    // moto's XML error (asserted with the errors).
    let kind = "aws.securityhub.hub_status";
    let hub = in_region(resources, kind, "us-east-1");
    assert!(
        resources
            .iter()
            .all(|r| r.kind.as_str() != kind || r.region == "us-east-1")
    );
    assert_eq!(
        hub.id,
        format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:hub-status")
    );
    assert_eq!(hub.name, "default");
    assert_eq!(hub.config["enabled"], true);
    assert_eq!(
        hub.config["hub_arn"],
        format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default")
    );
    assert!(
        hub.config["subscribed_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(hub.config["auto_enable_controls"], true);
    assert_eq!(hub.config["control_finding_generator"], "SECURITY_CONTROL");

    // Inspector: EC2 and ECR scanning in us-east-1; Lambda scanning turned
    // on and off again in eu-west-1.
    let kind = "aws.inspector2.account_status";
    let scanning = in_region(resources, kind, "us-east-1");
    let stopped = in_region(resources, kind, "eu-west-1");
    assert_eq!(
        scanning.id,
        format!("arn:aws:inspector2:us-east-1:{ACCOUNT}:account-status")
    );
    assert_eq!(scanning.name, ACCOUNT);
    assert_eq!(
        scanning.config,
        *serde_json::json!({
            "status": "ENABLED", "ec2_status": "ENABLED", "ecr_status": "ENABLED",
            "lambda_status": "DISABLED", "lambda_code_status": "DISABLED",
        })
        .as_object()
        .expect("object")
    );
    assert_eq!(stopped.config["status"], "DISABLED");
    assert_eq!(stopped.config["lambda_status"], "DISABLED");

    // Macie: disabled in eu-west-1; the us-east-1 record (on, moto's
    // default) is lost to moto's timestamps (asserted with the errors).
    let kind = "aws.macie.session_status";
    let no_macie = in_region(resources, kind, "eu-west-1");
    assert!(
        resources
            .iter()
            .all(|r| r.kind.as_str() != kind || r.region == "eu-west-1")
    );
    assert_eq!(
        no_macie.id,
        format!("arn:aws:macie2:eu-west-1:{ACCOUNT}:session-status")
    );
    assert_eq!(no_macie.name, ACCOUNT);
    assert_eq!(no_macie.config["enabled"], false);
    for field in [
        "status",
        "created_at",
        "updated_at",
        "finding_publishing_frequency",
        "administrator_account_id",
        "automated_discovery_status",
        "automated_discovery_first_enabled_at",
    ] {
        assert!(no_macie.config[field].is_null(), "{field}");
    }

    let judged = [
        ("aws_guardduty_detector_enabled", on, Status::Pass),
        ("aws_guardduty_detector_enabled", off, Status::Fail),
        ("aws_guardduty_s3_protection_enabled", on, Status::Pass),
        ("aws_guardduty_s3_protection_enabled", off, Status::Fail),
        (
            "aws_guardduty_malware_protection_ec2_enabled",
            on,
            Status::Fail,
        ),
        ("aws_securityhub_hub_enabled", hub, Status::Pass),
        // GetEnabledStandards failed (moto): unknown, not PASS.
        ("aws_securityhub_standard_enabled", hub, Status::Error),
        (
            "aws_inspector2_ec2_scanning_enabled",
            scanning,
            Status::Pass,
        ),
        ("aws_inspector2_ec2_scanning_enabled", stopped, Status::Fail),
        (
            "aws_inspector2_ecr_scanning_enabled",
            scanning,
            Status::Pass,
        ),
        ("aws_inspector2_ecr_scanning_enabled", stopped, Status::Fail),
        (
            "aws_inspector2_lambda_scanning_enabled",
            scanning,
            Status::Fail,
        ),
        (
            "aws_inspector2_lambda_scanning_enabled",
            stopped,
            Status::Fail,
        ),
        ("aws_macie_enabled", no_macie, Status::Fail),
        (
            "aws_macie_automated_sensitive_data_discovery_enabled",
            no_macie,
            Status::Fail,
        ),
    ];
    support::assert_verdicts(&judged);
}

/// Without a trail delivering to CloudWatch Logs the account still has its
/// monitoring record, with no filters, so every CIS monitoring control
/// FAILs rather than having nothing to judge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitoring_record_without_cloudwatch_logs_trails_fails_every_control() {
    let moto = Moto::start();
    let (resources, errors, _) =
        support::run(&moto, &["aws.cloudwatch.trail_monitoring"], &REGIONS).await;
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(resources.len(), 1, "{resources:#?}");
    let record = &resources[0];
    assert_eq!(record.config["metric_filters"], serde_json::json!([]));
    let judged: Vec<_> = support::catalog()
        .controls
        .iter()
        .filter(|c| c.kind.as_str() == "aws.cloudwatch.trail_monitoring")
        .map(|c| (c.id.as_str(), record, Status::Fail))
        .collect();
    assert_eq!(judged.len(), 15);
    support::assert_verdicts(&judged);
}

/// moto answers BatchGetAccountStatus with no entry at all for an account
/// that never touched Inspector in a region (AWS answers DISABLED states):
/// a collection error, no guessed record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector_without_a_status_entry_is_a_collection_error() {
    let moto = Moto::start();
    let (resources, errors, _) = support::run(
        &moto,
        &["aws.inspector2.account_status"],
        &["ap-southeast-2"],
    )
    .await;
    assert!(resources.is_empty(), "{resources:#?}");
    let failed: Vec<(&str, &str, Option<&str>)> = errors
        .iter()
        .map(|e| {
            (
                e.region.as_str(),
                e.action.as_str(),
                e.resource_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [("ap-southeast-2", "inspector2:BatchGetAccountStatus", None)]
    );
    assert!(
        errors[0].message.starts_with("NoAccountStatus: "),
        "{}",
        errors[0].message
    );
}
