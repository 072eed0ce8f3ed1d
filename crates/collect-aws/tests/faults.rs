//! Partial failure against a proxy in front of moto: throttling errors and
//! 500s on a share of calls change nothing in what is collected (the SDK's
//! retries absorb them), and a denied service becomes collection errors
//! that name the missing permission while every other kind is collected
//! as in a clean run.

mod support;

use posture_model::{CollectionError, Resource};
use serde_json::json;
use support::Moto;
use support::proxy::{Proxy, Rules};

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

const KINDS: [&str; 12] = [
    "aws.s3.bucket",
    "aws.s3.account_public_access_block",
    "aws.iam.user",
    "aws.iam.role",
    "aws.iam.password_policy",
    "aws.iam.account_summary",
    "aws.kms.key",
    "aws.ec2.security_group",
    "aws.ec2.vpc",
    "aws.ec2.subnet",
    "aws.cloudtrail.trail",
    "aws.config.recorder",
];

async fn seed(moto: &Moto) {
    for region in REGIONS {
        let config = support::sdk_config(moto, region).await;
        let kms = aws_sdk_kms::Client::new(&config);
        for n in 0..3 {
            kms.create_key()
                .description(format!("key {n}"))
                .key_usage(aws_sdk_kms::types::KeyUsageType::EncryptDecrypt)
                .multi_region(false)
                .send()
                .await
                .expect("create key");
        }
        let ec2 = aws_sdk_ec2::Client::new(&config);
        for n in 0..3 {
            ec2.create_security_group()
                .group_name(format!("group-{n}"))
                .description("test")
                .send()
                .await
                .expect("security group");
        }
    }
    let config = support::sdk_config(moto, "us-east-1").await;
    let s3 = support::s3_client(&config);
    for n in 0..4 {
        s3.create_bucket()
            .bucket(format!("faults-{n}"))
            .send()
            .await
            .expect("bucket");
    }
    let iam = aws_sdk_iam::Client::new(&config);
    for n in 0..5 {
        iam.create_user()
            .user_name(format!("user-{n}"))
            .send()
            .await
            .expect("user");
    }
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    iam.create_role()
        .role_name("worker")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .expect("role");
}

/// A record without its collection time, to compare runs.
fn comparable(resources: &[Resource]) -> Vec<serde_json::Value> {
    resources
        .iter()
        .map(|r| {
            json!({
                "kind": r.kind.as_str(), "id": r.id, "name": r.name,
                "region": r.region, "tags": r.tags, "config": r.config,
            })
        })
        .collect()
}

fn sorted(mut errors: Vec<CollectionError>) -> Vec<CollectionError> {
    errors.sort_by(|a, b| {
        (&a.kind, &a.region, &a.action, &a.resource_id).cmp(&(
            &b.kind,
            &b.region,
            &b.action,
            &b.resource_id,
        ))
    });
    errors
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_server_errors_are_retried_and_change_nothing() {
    let moto = Moto::start();
    seed(&moto).await;
    let (clean, clean_errors, _) = support::run(&moto, &KINDS, &REGIONS).await;
    assert!(clean.len() > 20, "{} records", clean.len());

    let proxy = Proxy::start(
        &moto.endpoint,
        Rules {
            fault_one_in: 3,
            ..Rules::default()
        },
    );
    let (faulted, faulted_errors, _) = support::run_at(&proxy.endpoint, &KINDS, &REGIONS).await;

    // The proxy really did fault calls of every kind: throttling and 500s.
    let throttled = proxy.count("throttled");
    let failed = proxy.count("failed");
    assert!(
        throttled >= 10 && failed >= 10,
        "{throttled} throttled, {failed} failed"
    );
    let services: std::collections::BTreeSet<String> = proxy
        .calls()
        .into_iter()
        .filter(|c| c.outcome != "forwarded")
        .map(|c| c.service)
        .collect();
    // (CloudTrail, with no trail, makes too few calls to be sure of one.)
    for service in ["s3", "iam", "kms", "ec2"] {
        assert!(
            services.contains(service),
            "{service} never faulted: {services:?}"
        );
    }

    assert_eq!(comparable(&faulted), comparable(&clean));
    assert_eq!(sorted(faulted_errors), sorted(clean_errors));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_services_become_errors_naming_the_permission() {
    let moto = Moto::start();
    seed(&moto).await;
    let (clean, _, _) = support::run(&moto, &KINDS, &REGIONS).await;

    let proxy = Proxy::start(
        &moto.endpoint,
        Rules {
            deny: vec!["kms".into(), "iam".into()],
            ..Rules::default()
        },
    );
    let (resources, errors, attempt) = support::run_at(&proxy.endpoint, &KINDS, &REGIONS).await;
    assert!(proxy.count("denied") > 0);
    // Denied kinds are still attempted: their controls must show ERROR.
    assert_eq!(attempt.kinds.len(), KINDS.len());

    let denied_kind = |kind: &str| kind.starts_with("aws.kms.") || kind.starts_with("aws.iam.");
    // Every other kind is collected exactly as in the clean run.
    let others = |list: &[Resource]| {
        let kept: Vec<Resource> = list
            .iter()
            .filter(|r| !denied_kind(r.kind.as_str()))
            .cloned()
            .collect();
        comparable(&kept)
    };
    assert_eq!(others(&resources), others(&clean));
    assert!(
        resources.iter().all(|r| !denied_kind(r.kind.as_str())),
        "records of denied kinds: {:#?}",
        resources.iter().map(|r| &r.id).collect::<Vec<_>>()
    );

    // Each denied kind failed where it is listed, naming the permission.
    let failures: Vec<[String; 4]> = sorted(errors.clone())
        .into_iter()
        .filter(|e| e.resource_id.is_none())
        .map(|e| {
            let permission = e.permission.unwrap_or_default();
            [e.kind.as_str().to_owned(), e.region, e.action, permission]
        })
        .collect();
    let expected: Vec<[String; 4]> = [
        ("aws.iam.account_summary", "global", "iam:GetAccountSummary"),
        (
            "aws.iam.password_policy",
            "global",
            "iam:GetAccountPasswordPolicy",
        ),
        (
            "aws.iam.role",
            "global",
            "iam:GetAccountAuthorizationDetails",
        ),
        ("aws.iam.role", "global", "iam:ListRoles"),
        ("aws.iam.user", "global", "iam:GenerateCredentialReport"),
        (
            "aws.iam.user",
            "global",
            "iam:GetAccountAuthorizationDetails",
        ),
        ("aws.iam.user", "global", "iam:ListUsers"),
        ("aws.kms.key", "eu-west-1", "kms:ListKeys"),
        ("aws.kms.key", "us-east-1", "kms:ListKeys"),
    ]
    .iter()
    .map(|(k, r, a)| [k, r, a, a].map(|s| (*s).to_owned()))
    .collect();
    assert_eq!(failures, expected, "{errors:#?}");
    assert!(
        errors
            .iter()
            .filter(|e| denied_kind(e.kind.as_str()))
            .all(|e| e.permission.as_deref() == Some(e.action.as_str())
                && e.message.contains("AccessDenied")),
        "{errors:#?}"
    );
}
