//! The `posture` binary as a user runs it: reports, exit codes, and clear
//! messages for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn posture(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(args)
        .env_remove("POSTURE_CONTROLS_DIR")
        .output()
        .expect("run posture")
}

fn sample() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aws-sample.jsonl");
    path.to_string_lossy().into_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const HEADER: &str = r#"{"format":"posture-inventory","version":1,"provider":"aws","account_id":"123456789012","collected_at":"2026-11-20T09:00:00Z","errors":[]}"#;

fn write_inventory(dir: &Path, lines: &[&str]) -> PathBuf {
    let path = dir.join("inventory.jsonl");
    std::fs::write(&path, lines.join("\n")).expect("write inventory");
    path
}

#[test]
fn json_report_of_the_sample_against_pci() {
    let out = posture(&[
        "scan",
        "--inventory",
        &sample(),
        "--mandate",
        "pci-dss-4.0.1",
        "--format",
        "json",
        "--at",
        "2026-11-21T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(report["mandate"]["id"], "pci-dss-4.0.1");
    let controls = report["controls"].as_array().expect("controls");
    assert!(controls.len() > 30, "PCI maps many AWS controls");
    let statuses: Vec<&str> = controls
        .iter()
        .filter_map(|c| c["status"].as_str())
        .collect();
    assert!(
        statuses.contains(&"PASS") && statuses.contains(&"FAIL"),
        "the sample has good and bad resources"
    );
    for control in controls {
        for key in ["cid", "id", "title", "severity", "status"] {
            assert!(!control[key].is_null(), "control lacks {key}: {control}");
        }
        for resource in control["resources"].as_array().expect("resources") {
            assert!(
                resource["resourceId"].is_string() && resource["status"].is_string(),
                "{resource}"
            );
        }
    }
    assert!(
        report["requirements"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["status"] == "MANUAL"))
    );
}

#[test]
fn table_report_and_fail_on() {
    let out = posture(&[
        "scan",
        "--inventory",
        &sample(),
        "--mandate",
        "cis-aws-foundations-3.0.0",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for expected in [
        "posture scan: CIS Amazon Web Services Foundations Benchmark v3.0.0",
        "Controls (counts are resources)",
        "Requirements checked automatically",
        "manual requirements and groups not shown",
        "Failing resources",
        "Remediation:",
    ] {
        assert!(
            table.contains(expected),
            "missing {expected:?} in:\n{table}"
        );
    }
    let out = posture(&[
        "scan",
        "--inventory",
        &sample(),
        "--fail-on",
        "low",
        "--format",
        "csv",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failing control meets --fail-on low"
    );
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with("cid,controlId,title,severity,controlStatus,resourceId"),
        "{csv}"
    );
}

#[test]
fn fail_on_is_not_met_by_passing_controls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bucket = r#"{"provider":"aws","account_id":"123456789012","region":"us-east-1","kind":"aws.s3.account_public_access_block","id":"arn:aws:s3::123456789012:account-public-access-block","name":"account","tags":{},"config":{"block_public_acls":true,"ignore_public_acls":true,"block_public_policy":true,"restrict_public_buckets":true},"collected_at":"2026-11-20T09:00:00Z"}"#;
    let path = write_inventory(dir.path(), &[HEADER, bucket]);
    let out = posture(&[
        "scan",
        "--inventory",
        path.to_str().expect("utf-8"),
        "--fail-on",
        "info",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn bad_input_exits_2_with_a_message_naming_the_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let check = |lines: &[&str], expected: &str| {
        let path = write_inventory(dir.path(), lines);
        let out = posture(&["scan", "--inventory", path.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(expected),
            "{stderr:?} should contain {expected:?}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    check(&[HEADER, "{not json"], "line 2: malformed resource");
    check(
        &[&HEADER.replace("\"version\":1", "\"version\":7")],
        "line 1: unsupported inventory version 7",
    );
    check(
        &[
            HEADER,
            r#"{"provider":"aws","account_id":"1","region":"x","kind":"aws.nope.thing","id":"i","name":"n","config":{},"collected_at":"2026-11-20T09:00:00Z"}"#,
        ],
        "line 2: unknown resource kind aws.nope.thing",
    );
    check(
        &[HEADER, r#"{"provider":"aws","account_id":"1","reg"#],
        "line 2: the file ends in the middle of a record",
    );
    check(&[], "inventory is empty");

    let out = posture(&["scan", "--inventory", "/nonexistent/inventory.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("opening inventory /nonexistent/inventory.jsonl"));
    let out = posture(&["scan", "--inventory", &sample(), "--mandate", "sox-2002"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown mandate \"sox-2002\"; known mandates: "));
}

#[test]
fn catalog_commands() {
    let out = posture(&["catalog", "list", "--provider", "aws", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    assert!(list.len() >= 100);
    for key in [
        "cid",
        "id",
        "title",
        "provider",
        "service",
        "resourceKind",
        "severity",
    ] {
        assert!(list.iter().all(|c| !c[key].is_null()), "{key}");
    }
    let cid = list[0]["cid"].to_string();
    let out = posture(&["catalog", "show", &cid]);
    assert!(
        text(&out.stdout).contains("Remediation"),
        "{}",
        text(&out.stdout)
    );
    let out = posture(&["catalog", "show", "no_such_control"]);
    assert_eq!(out.status.code(), Some(2));
    let out = posture(&["catalog", "mandates"]);
    assert!(text(&out.stdout).contains("pci-dss-4.0.1"));
    let out = posture(&["catalog", "lint"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("catalogue ok"));
}

#[test]
fn lint_reports_a_broken_custom_control_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let control_dir = dir.path().join("aws/s3");
    std::fs::create_dir_all(&control_dir).expect("mkdir");
    std::fs::write(
        control_dir.join("acme_broken.toml"),
        "cid = 990001\nid = \"acme_broken\"\n",
    )
    .expect("write");
    let out = posture(&[
        "catalog",
        "lint",
        "--dir",
        dir.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("acme_broken.toml"),
        "{}",
        text(&out.stdout)
    );
}
