//! The AWS collector against moto: resources created through the SDK, good
//! and deliberately bad, collected into normalized records that match their
//! kinds' schemas exactly.

mod support;

use posture_catalog::Catalog;
use posture_collect_aws::{Session, supported_kinds};
use serde_json::json;
use support::{Moto, find};

async fn seed(moto: &Moto) {
    let config = support::sdk_config(moto, "us-east-1").await;
    let s3 = support::s3_client(&config);
    use aws_sdk_s3::types::*;
    for name in ["acme-good", "acme-bad"] {
        s3.create_bucket()
            .bucket(name)
            .send()
            .await
            .expect("create bucket");
    }
    s3.put_bucket_versioning()
        .bucket("acme-good")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    s3.put_public_access_block()
        .bucket("acme-good")
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("public access block");
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::acme-good", "arn:aws:s3:::acme-good/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
    s3.put_bucket_policy()
        .bucket("acme-good")
        .policy(policy.to_string())
        .send()
        .await
        .expect("policy");
    s3.put_bucket_tagging()
        .bucket("acme-good")
        .tagging(
            Tagging::builder()
                .tag_set(
                    Tag::builder()
                        .key("env")
                        .value("prod")
                        .build()
                        .expect("tag"),
                )
                .build()
                .expect("tagging"),
        )
        .send()
        .await
        .expect("tags");
    s3.put_bucket_acl()
        .bucket("acme-bad")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .expect("acl");

    let ec2 = aws_sdk_ec2::Client::new(&config);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .expect("vpc");
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_owned();
    let open = ec2
        .create_security_group()
        .group_name("ssh-open")
        .description("ssh from anywhere")
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("sg");
    use aws_sdk_ec2::types::{IpPermission, IpRange};
    ec2.authorize_security_group_ingress()
        .group_id(open.group_id().expect("group id"))
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .expect("ingress");

    let iam = aws_sdk_iam::Client::new(&config);
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .require_numbers(true)
        .send()
        .await
        .expect("password policy");
    iam.create_user()
        .user_name("alice")
        .send()
        .await
        .expect("user");
    iam.create_login_profile()
        .user_name("alice")
        .password("Correct-Horse-9")
        .send()
        .await
        .expect("login profile");
    iam.create_access_key()
        .user_name("alice")
        .send()
        .await
        .expect("access key");
    let admin = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("everything")
        .policy_document(admin.to_string())
        .send()
        .await
        .expect("inline policy");
    iam.create_user()
        .user_name("bot")
        .send()
        .await
        .expect("user");
    let trust_anyone = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]});
    iam.create_role()
        .role_name("vendor")
        .assume_role_policy_document(trust_anyone.to_string())
        .send()
        .await
        .expect("role");
}

/// IAM kinds that `collect_moto_iam` covers.
const LATER_IAM_KINDS: [&str; 5] = [
    "aws.iam.group",
    "aws.iam.policy",
    "aws.iam.server_certificate",
    "aws.iam.access_analyzer",
    "aws.iam.support_access",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_normalized_records_that_match_their_schemas() {
    let moto = Moto::start();
    seed(&moto).await;
    // The services this test seeds; each later service has its own test.
    let services = ["s3", "iam", "ec2", "kms", "cloudtrail", "config"];
    let kinds: Vec<&str> = supported_kinds()
        .into_iter()
        .filter(|k| services.iter().any(|s| k.split('.').nth(1) == Some(s)))
        .filter(|k| !LATER_IAM_KINDS.contains(k))
        .collect();
    let (resources, errors, attempt) = support::run(&moto, &kinds, &["us-east-1"]).await;
    // moto does not implement GetEbsDefaultKmsKeyId nor GetBucketPolicyStatus,
    // and its credential report has no root row:
    // each failed call is data, and the record is still written, without the
    // field it could not read (so controls reading that field show ERROR).
    let failed: Vec<(&str, Option<&str>)> = errors
        .iter()
        .map(|e| (e.action.as_str(), e.resource_id.as_deref()))
        .collect();
    assert_eq!(
        failed,
        [
            ("ec2:GetEbsDefaultKmsKeyId", None),
            (
                "iam:GetCredentialReport",
                Some("arn:aws:iam::123456789012:root")
            ),
            ("kms:DescribeCustomKeyStores", None),
            ("s3:GetBucketPolicyStatus", Some("arn:aws:s3:::acme-bad")),
            ("s3:GetBucketPolicyStatus", Some("arn:aws:s3:::acme-good")),
        ],
        "{errors:#?}"
    );
    assert_eq!(attempt.kinds.len(), kinds.len());

    // Every record matches its kind's schema in the catalogue, completely.
    support::assert_schemas(&resources, |resource| match resource.kind.as_str() {
        "aws.ec2.ebs_encryption_by_default" => vec!["kms_key_id"],
        "aws.s3.bucket" => vec!["policy_is_public"],
        "aws.iam.root_user" => vec![
            "access_key_1_active",
            "access_key_1_last_rotated",
            "access_key_1_last_used_date",
            "access_key_2_active",
            "access_key_2_last_rotated",
            "access_key_2_last_used_date",
            "cert_1_active",
            "cert_2_active",
            "create_date",
            "mfa_active",
            "password_last_used",
        ],
        _ => vec![],
    });

    let good = support::find(&resources, "aws.s3.bucket", "acme-good");
    assert_eq!(good.id, "arn:aws:s3:::acme-good");
    assert_eq!(good.region, "us-east-1");
    assert_eq!(good.tags.get("env").map(String::as_str), Some("prod"));
    assert_eq!(good.config["versioning"]["status"], "Enabled");
    assert_eq!(
        good.config["public_access_block"]["restrict_public_buckets"],
        true
    );
    assert_eq!(good.config["policy"]["Statement"][0]["Effect"], "Deny");
    let bad = support::find(&resources, "aws.s3.bucket", "acme-bad");
    assert!(bad.config["versioning"]["status"].is_null());
    assert!(bad.config["public_access_block"].is_null());
    assert!(bad.config["policy"].is_null());
    let all_users = bad.config["grants"]
        .as_array()
        .expect("grants")
        .iter()
        .any(|g| {
            g["grantee_uri"] == "http://acs.amazonaws.com/groups/global/AllUsers"
                && g["permission"] == "READ"
        });
    assert!(
        all_users,
        "public-read ACL grant collected: {}",
        bad.config["grants"]
    );

    let open = support::find(&resources, "aws.ec2.security_group", "ssh-open");
    let rule = &open.config["ingress_rules"][0];
    assert_eq!(
        (
            rule["ip_protocol"].as_str(),
            rule["from_port"].as_i64(),
            rule["cidr_ipv4"].as_str()
        ),
        (Some("tcp"), Some(22), Some("0.0.0.0/0"))
    );
    assert!(
        open.id
            .starts_with("arn:aws:ec2:us-east-1:123456789012:security-group/sg-")
    );

    let alice = support::find(&resources, "aws.iam.user", "alice");
    assert_eq!(alice.id, "arn:aws:iam::123456789012:user/alice");
    assert_eq!(alice.config["password_enabled"], true);
    assert_eq!(alice.config["access_keys"][0]["status"], "Active");
    assert!(alice.config["access_keys"][0]["last_used_date"].is_null());
    assert_eq!(
        alice.config["inline_policies"][0]["document"]["Statement"][0]["Action"],
        "*"
    );
    let bot = support::find(&resources, "aws.iam.user", "bot");
    assert!(bot.config["login_profile"].is_null());
    let vendor = support::find(&resources, "aws.iam.role", "vendor");
    assert_eq!(
        vendor.config["assume_role_policy"]["Statement"][0]["Principal"]["AWS"],
        "*"
    );
    support::find(&resources, "aws.iam.root_user", "<root_account>");

    let policy = support::find(&resources, "aws.iam.password_policy", "password-policy");
    assert_eq!(policy.region, "global");
    assert_eq!(
        (
            policy.config["exists"].as_bool(),
            policy.config["minimum_password_length"].as_i64()
        ),
        (Some(true), Some(8))
    );
    support::find(&resources, "aws.iam.account_summary", "account-summary");
    find(
        &resources,
        "aws.ec2.ebs_encryption_by_default",
        "ebs-encryption-by-default/us-east-1",
    );
    find(
        &resources,
        "aws.s3.account_public_access_block",
        "123456789012",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_only_the_services_the_requested_kinds_need() {
    let moto = Moto::start();
    seed(&moto).await;
    let proxy = support::proxy::Proxy::start(&moto.endpoint, support::proxy::Rules::default());
    let (resources, errors, attempt) = support::run_at(
        &proxy.endpoint,
        &["aws.iam.password_policy", "aws.efs.file_system"],
        &["us-east-1"],
    )
    .await;
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(
        resources
            .iter()
            .all(|r| r.kind.as_str() == "aws.iam.password_policy"),
        "{resources:#?}"
    );
    assert_eq!(
        attempt.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        ["aws.efs.file_system", "aws.iam.password_policy"]
    );
    // STS to identify the account, then only IAM and EFS.
    let services: std::collections::BTreeSet<String> =
        proxy.calls().into_iter().map(|c| c.service).collect();
    assert_eq!(
        services.into_iter().collect::<Vec<_>>(),
        ["elasticfilesystem", "iam", "sts"]
    );
}

#[test]
fn every_aws_kind_of_the_catalogue_is_collected() {
    let catalog = Catalog::embedded().unwrap_or_else(|f| panic!("{f:#?}"));
    let checked: std::collections::BTreeSet<&str> = catalog
        .controls
        .iter()
        .map(|c| c.kind.as_str())
        .filter(|k| k.starts_with("aws."))
        .collect();
    let collected = supported_kinds();
    let missing: Vec<&&str> = checked.iter().filter(|k| !collected.contains(*k)).collect();
    assert!(missing.is_empty(), "kinds no collector reads: {missing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_errors_say_what_is_wrong() {
    let options = posture_collect_aws::AwsOptions {
        endpoint_url: Some("http://127.0.0.1:9".into()),
        max_attempts: 1,
        access_keys: Some(posture_collect_aws::AccessKeys::new("k", "s")),
        ..Default::default()
    };
    let err = Session::connect(&options)
        .await
        .expect_err("nothing listens on port 9");
    assert!(
        matches!(err, posture_collect_aws::ConnectError::Network(_)),
        "{err}"
    );
    let bad_role = posture_collect_aws::AwsOptions {
        assume_role: Some(posture_collect_aws::AssumeRole {
            role_arn: "arn:aws:iam::12:role/x".into(),
            external_id: None,
            session_name: "posture".into(),
        }),
        ..options
    };
    let err = Session::connect(&bad_role).await.expect_err("bad ARN");
    assert!(err.to_string().starts_with("invalid role ARN"), "{err}");
}
