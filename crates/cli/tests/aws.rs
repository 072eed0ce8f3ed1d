//! `posture scan aws`, `collect aws`, `aws permissions` and `aws
//! role-template` as a user runs them, against moto on 127.0.0.1.

#[path = "../../collect-aws/tests/support/moto.rs"]
mod moto;
#[path = "../../collect-aws/tests/support/proxy.rs"]
mod proxy;

use std::process::{Command, Output};

fn posture(args: &[&str], endpoint: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_posture"));
    command
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL");
    if let Some(endpoint) = endpoint {
        // moto accepts any keys; nothing leaves 127.0.0.1.
        command
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_ENDPOINT_URL", endpoint);
    }
    command.output().expect("run posture")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn scan_aws_collects_the_needed_kinds_and_reports() {
    let moto = moto::Moto::start();
    let out = posture(
        &[
            "scan",
            "aws",
            "--regions",
            "us-east-1",
            "--max-attempts",
            "2",
            "--mandate",
            "cis-aws-foundations-3.0.0",
            "--format",
            "json",
        ],
        Some(&moto.endpoint),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("collecting from AWS account 123456789012"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let status = |id: &str| {
        report["controls"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["id"] == id))
            .map(|c| c["status"].as_str().unwrap_or_default().to_owned())
    };
    // A fresh account: no password policy, no account-level Block Public Access.
    assert_eq!(
        status("aws_iam_password_policy_minimum_length_14").as_deref(),
        Some("FAIL")
    );
    assert_eq!(
        status("aws_s3_account_public_access_block_enabled").as_deref(),
        Some("FAIL")
    );
    // No IAM users in a fresh account: nothing to judge.
    assert_eq!(
        status("aws_iam_user_console_password_mfa_enabled").as_deref(),
        Some("NOT_APPLICABLE")
    );
    // No trail at all: the account-level trail control fails.
    assert_eq!(
        status("aws_cloudtrail_multi_region_trail_logging").as_deref(),
        Some("FAIL")
    );
    // No trail delivers to CloudWatch Logs: no metric filter, no alarm.
    assert_eq!(
        status("aws_cloudwatch_alarm_unauthorized_api_calls").as_deref(),
        Some("FAIL")
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("inventory.jsonl");
    let out = posture(
        &[
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "--max-attempts",
            "2",
            "--out",
            file.to_str().expect("utf-8"),
        ],
        Some(&moto.endpoint),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let inventory = std::fs::read_to_string(&file).expect("inventory written");
    let header: serde_json::Value =
        serde_json::from_str(inventory.lines().next().expect("header")).expect("header json");
    assert_eq!(header["account_id"], "123456789012");
    assert!(
        header["kinds"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "aws.s3.bucket"))
    );
    assert!(
        text(&out.stderr).contains("aws.iam.password_policy"),
        "closing summary lists kinds"
    );
}

#[test]
fn scan_aws_reports_pci_dss_on_a_populated_account() {
    let moto = moto::Moto::start();
    moto.seed_estate("us-east-1");
    let scan = |format: &str| {
        posture(
            &[
                "scan",
                "aws",
                "--regions",
                "us-east-1",
                "--max-attempts",
                "2",
                "--mandate",
                "pci-dss-4.0.1",
                "--format",
                format,
            ],
            Some(&moto.endpoint),
        )
    };
    let out = scan("json");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["mandate"]["id"], "pci-dss-4.0.1");
    let control = |id: &str| {
        report["controls"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["id"] == id))
            .cloned()
            .unwrap_or_else(|| panic!("{id} is not in the PCI DSS report"))
    };
    // The estate has a good and a bad resource of each: the control fails,
    // with both verdicts counted.
    for id in [
        "aws_ec2_security_group_no_ingress_ssh_from_internet",
        "aws_ec2_volume_encrypted",
        "aws_ec2_instance_imdsv2_required",
        "aws_kms_key_rotation_enabled",
        "aws_s3_bucket_public_access_block_enabled",
    ] {
        let c = control(id);
        assert_eq!(c["status"], "FAIL", "{c:#}");
        assert!(c["failCount"].as_u64() >= Some(1), "{c:#}");
        assert!(c["passCount"].as_u64() >= Some(1), "{c:#}");
    }

    // The default table: the mandate and the failed controls.
    let out = scan("table");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("PCI DSS"), "{table}");
    assert!(table.contains("FAIL"), "{table}");
}

#[test]
fn denied_calls_are_printed_and_their_controls_are_error() {
    let moto = moto::Moto::start();
    let denying = proxy::Proxy::start(
        &moto.endpoint,
        proxy::Rules {
            deny: vec!["kms".into()],
            ..proxy::Rules::default()
        },
    );
    let out = posture(
        &[
            "scan",
            "aws",
            "--regions",
            "us-east-1",
            "--max-attempts",
            "2",
            "--mandate",
            "cis-aws-foundations-3.0.0",
            "--format",
            "json",
        ],
        Some(&denying.endpoint),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "aws.kms.key us-east-1: kms:ListKeys AccessDeniedException: injected by the test proxy (missing permission kms:ListKeys)"
        ),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let control = report["controls"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "aws_kms_key_rotation_enabled"))
        .expect("the KMS rotation control is in the CIS report")
        .clone();
    assert_eq!(control["status"], "ERROR", "{control:#}");
    let errors = report["inventory"]["collectionErrors"]
        .as_array()
        .expect("errors listed");
    assert!(
        errors
            .iter()
            .any(|e| e["kind"] == "aws.kms.key" && e["permission"] == "kms:ListKeys"),
        "{errors:#?}"
    );
    // The other services were read: S3's account-level control is judged.
    let s3 = report["controls"]
        .as_array()
        .and_then(|c| {
            c.iter()
                .find(|c| c["id"] == "aws_s3_account_public_access_block_enabled")
        })
        .map(|c| c["status"].clone());
    assert_eq!(s3, Some(serde_json::json!("FAIL")));
}

#[test]
fn unreachable_endpoints_and_bad_flags_are_clear_errors() {
    let out = posture(
        &[
            "scan",
            "aws",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--max-attempts",
            "1",
        ],
        Some("http://127.0.0.1:9"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot reach AWS"),
        "{}",
        text(&out.stderr)
    );
    let out = posture(
        &["scan", "aws", "--role-arn", "arn:aws:iam::1:role/x"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("invalid role ARN"),
        "{}",
        text(&out.stderr)
    );
    let out = posture(
        &[
            "collect",
            "aws",
            "--out",
            "/tmp/x.jsonl",
            "--kinds",
            "aws.s3.bukket",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("does not read aws.s3.bukket"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn permissions_and_role_template() {
    let out = posture(&["aws", "permissions"], None);
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).expect("policy json");
    let actions = policy["Statement"][0]["Action"]
        .as_array()
        .expect("actions");
    assert!(
        actions.iter().any(|a| a == "s3:GetBucketPolicy")
            && actions.iter().any(|a| a == "ec2:DescribeRegions")
    );
    let out = posture(
        &[
            "aws",
            "role-template",
            "--external-id",
            "ext-42",
            "--trusted-account",
            "111122223333",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let template: serde_json::Value = serde_json::from_slice(&out.stdout).expect("template json");
    let trust = &template["Resources"]["PostureRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        [0];
    assert_eq!(trust["Principal"]["AWS"], "arn:aws:iam::111122223333:root");
    let out = posture(
        &[
            "aws",
            "role-template",
            "--external-id",
            "x",
            "--trusted-account",
            "12",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
}
