//! The engine's result semantics (DESIGN §6) on a small catalogue written
//! here, so each rule is visible next to the case that proves it.

use chrono::{DateTime, Utc};
use posture_catalog::Catalog;
use posture_catalog::source::SourceFile;
use posture_engine::{Options, Report, Selection, evaluate};
use posture_inventory::InventoryReader;
use posture_model::{Provider, Status};

const KINDS: &str = r#"
[[kind]]
kind = "aws.s3.bucket"
title = "S3 bucket"
id_format = "arn:{partition}:s3:::{bucket}"
scope = "regional"
[kind.fields]
versioning = { type = "string?", doc = "Versioning status." }
public = { type = "bool", doc = "Public." }

[[kind]]
kind = "aws.s3.account_public_access_block"
title = "Account public access block"
id_format = "arn:{partition}:s3::{account}:account-public-access-block"
scope = "global"
[kind.fields]
block_public_acls = { type = "bool", doc = "Block." }
"#;

fn control(
    cid: u32,
    id: &str,
    kind: &str,
    applies: &str,
    check: &str,
    pass: &str,
    fail: &str,
) -> String {
    format!(
        r#"cid = {cid}
id = "{id}"
title = "{id}"
provider = "aws"
service = "s3"
kind = "{kind}"
severity = "high"
applies = '{applies}'
check = '{check}'
rationale = "Because."
[remediation]
console = "Fix it."
[[fixture]]
name = "good"
expect = "pass"
resource = {pass}
[[fixture]]
name = "bad"
expect = "fail"
resource = {fail}
"#
    )
}

const MANDATE: &str = r#"
id = "test-mandate"
mid = 99
name = "Test"
version = "1"
providers = ["aws"]
[[requirement]]
id = "1"
title = "Storage"
[[requirement]]
id = "1.1"
parent = "1"
title = "Versioned"
controls = ["versioned"]
[[requirement]]
id = "1.2"
parent = "1"
title = "Private"
controls = ["private"]
[[requirement]]
id = "2"
title = "Paperwork"
manual = true
[[requirement]]
id = "3"
title = "Account"
controls = ["account_block"]
"#;

fn file(relative: &str, text: String) -> SourceFile {
    SourceFile {
        path: relative.to_owned(),
        relative: relative.to_owned(),
        text,
        custom: false,
    }
}

fn catalog() -> Catalog {
    let files = vec![
        file("aws/s3/kinds.toml", KINDS.to_owned()),
        file(
            "aws/s3/versioned.toml",
            control(1, "versioned", "aws.s3.bucket", "", r#"resource.versioning == "Enabled""#, r#"{ versioning = "Enabled" }"#, r#"{ versioning = "__NULL__" }"#),
        ),
        file(
            "aws/s3/private.toml",
            control(2, "private", "aws.s3.bucket", "!(\"scope\" in tags && tags.scope == \"public-site\")", "!resource.public", "{ public = false }", "{ public = true }"),
        ),
        file(
            "aws/s3/account_block.toml",
            control(3, "account_block", "aws.s3.account_public_access_block", "", "resource.block_public_acls", "{ block_public_acls = true }", "{ block_public_acls = false }"),
        ),
        file("policies.toml", "[[policy]]\nid = 1\nslug = \"s3\"\nname = \"S3\"\ndescription = \"S3\"\nprovider = \"aws\"\nservices = [\"s3\"]\n".to_owned()),
        file("mandates/test.toml", MANDATE.to_owned()),
    ];
    match Catalog::load(files) {
        Ok(catalog) => catalog,
        Err(findings) => panic!("test catalogue is invalid: {findings:#?}"),
    }
}

fn header(errors: &str, kinds: &str) -> String {
    format!(
        r#"{{"format":"posture-inventory","version":1,"provider":"aws","account_id":"111122223333","collected_at":"2026-01-01T00:00:00Z"{kinds},"errors":[{errors}]}}"#
    )
}

fn bucket(name: &str, config: &str, tags: &str) -> String {
    format!(
        r#"{{"provider":"aws","account_id":"111122223333","region":"eu-west-1","kind":"aws.s3.bucket","id":"arn:aws:s3:::{name}","name":"{name}","tags":{tags},"config":{config},"collected_at":"2026-01-01T00:00:00Z"}}"#
    )
}

fn scan(lines: &[String], mandate: bool, batch_size: usize) -> Result<Report, String> {
    let catalog = catalog();
    let text = lines.join("\n");
    let reader = InventoryReader::open(text.as_bytes()).map_err(|e| e.to_string())?;
    let selection = match mandate {
        true => Selection::mandate(
            &catalog,
            catalog.mandate("test-mandate").expect("mandate"),
            Provider::Aws,
        ),
        false => Selection::provider(&catalog, Provider::Aws),
    };
    let now: DateTime<Utc> = DateTime::UNIX_EPOCH;
    let options = Options { now, batch_size };
    evaluate(reader, &selection, &options).map_err(|e| e.to_string())
}

fn control_status(report: &Report, catalog_index: usize) -> (Status, [usize; 3]) {
    let c = report
        .controls
        .iter()
        .find(|c| c.control == catalog_index)
        .expect("control evaluated");
    (c.status, [c.counts.pass, c.counts.fail, c.counts.error])
}

#[test]
fn pass_fail_error_and_not_applicable_per_resource_and_control() {
    let lines = vec![
        header("", ""),
        bucket("a", r#"{"versioning":"Enabled","public":false}"#, "{}"),
        bucket("b", r#"{"versioning":null,"public":false}"#, "{}"),
        // `public` was not collected: the private check cannot be decided.
        bucket("c", r#"{"versioning":"Enabled"}"#, "{}"),
        // Out of scope for the private check.
        bucket(
            "site",
            r#"{"versioning":"Enabled","public":true}"#,
            r#"{"scope":"public-site"}"#,
        ),
    ];
    let report = scan(&lines, false, 2).expect("scan");
    assert_eq!(control_status(&report, 0), (Status::Fail, [3, 1, 0]));
    assert_eq!(control_status(&report, 1), (Status::Error, [2, 0, 1]));
    let private = report
        .controls
        .iter()
        .find(|c| c.control == 1)
        .expect("private");
    assert_eq!(private.counts.not_applicable, 1);
    // No account-level record at all: nothing applies.
    assert_eq!(
        control_status(&report, 2),
        (Status::NotApplicable, [0, 0, 0])
    );
    assert_eq!(report.summary.resources, 4);
    assert_eq!(report.summary.controls.fail, 1);
    assert_eq!(report.summary.pass_percent, Some(0.0));
}

#[test]
fn uncollected_kinds_are_errors_never_passes() {
    let denied = r#"{"kind":"aws.s3.bucket","region":"us-east-1","action":"s3:ListBuckets","permission":"s3:ListAllMyBuckets","message":"AccessDenied"}"#;
    let lines = vec![
        header(denied, ""),
        bucket("a", r#"{"versioning":"Enabled","public":false}"#, "{}"),
    ];
    let report = scan(&lines, false, 16).expect("scan");
    assert_eq!(control_status(&report, 0), (Status::Error, [1, 0, 1]));
    let err = report.controls[0]
        .evaluations
        .iter()
        .find(|e| e.status == Status::Error)
        .expect("error evaluation");
    assert!(
        report
            .message(err)
            .is_some_and(|m| m.contains("missing permission s3:ListAllMyBuckets"))
    );

    // A header listing the kinds it attempted: the account-level kind was not.
    let lines = vec![
        header("", r#","kinds":["aws.s3.bucket"]"#),
        bucket("a", r#"{"versioning":"Enabled","public":false}"#, "{}"),
    ];
    let report = scan(&lines, false, 16).expect("scan");
    assert_eq!(control_status(&report, 2), (Status::Error, [0, 0, 1]));
    assert_eq!(control_status(&report, 0), (Status::Pass, [1, 0, 0]));
}

#[test]
fn requirements_roll_up_through_the_tree_and_manual_is_separate() {
    let lines = vec![
        header("", ""),
        bucket("a", r#"{"versioning":"Enabled","public":true}"#, "{}"),
    ];
    let report = scan(&lines, true, 16).expect("scan");
    let status = |id: &str| {
        report
            .requirements
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.status)
    };
    assert_eq!(status("1.1"), Some(Status::Pass));
    assert_eq!(status("1.2"), Some(Status::Fail));
    assert_eq!(status("1"), Some(Status::Fail));
    assert_eq!(status("2"), Some(Status::Manual));
    assert_eq!(status("3"), Some(Status::NotApplicable));
    assert_eq!(report.summary.requirements.manual, 1);
    assert_eq!(report.policies.len(), 1);
    assert_eq!(report.policies[0].status, Status::Fail);
}

#[test]
fn results_do_not_depend_on_batching() {
    let mut lines = vec![header("", "")];
    for i in 0..50 {
        let versioning = if i % 3 == 0 { "null" } else { "\"Enabled\"" };
        lines.push(bucket(
            &format!("b{i}"),
            &format!(r#"{{"versioning":{versioning},"public":{}}}"#, i % 7 == 0),
            "{}",
        ));
    }
    let one = scan(&lines, false, 1).expect("scan");
    let many = scan(&lines, false, 64).expect("scan");
    for (a, b) in one.controls.iter().zip(&many.controls) {
        assert_eq!(a.evaluations, b.evaluations);
        assert_eq!(a.counts, b.counts);
    }
}

#[test]
fn bad_records_name_their_line() {
    let unknown = bucket("a", "{}", "{}").replace("aws.s3.bucket", "aws.s3.bukket");
    let err = scan(&[header("", ""), unknown], false, 16).expect_err("unknown kind");
    assert_eq!(
        err,
        "line 2: unknown resource kind aws.s3.bukket (see `posture catalog kinds`)"
    );
    let err = scan(
        &[header("", ""), bucket("a", r#"{"public":"yes"}"#, "{}")],
        false,
        16,
    )
    .expect_err("bad type");
    assert_eq!(
        err,
        "line 2: resource arn:aws:s3:::a: field public: expected bool, found a string"
    );
    let gcp = header("", "").replace("\"aws\"", "\"gcp\"");
    let err = scan(&[gcp], false, 16).expect_err("provider");
    assert!(err.contains("inventory is for gcp"), "{err}");
}
