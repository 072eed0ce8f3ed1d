//! The catalogue linter: posture's own catalogue is clean, and each rule
//! catches the mistake it exists for, naming the file and field.

use posture_catalog::source::{self, SourceFile};
use posture_catalog::{Catalog, Level};

#[test]
fn the_embedded_catalogue_lints_clean_and_every_control_has_fixtures() {
    let catalog = match Catalog::embedded() {
        Ok(catalog) => catalog,
        Err(findings) => {
            let errors: Vec<String> = findings
                .iter()
                .filter(|f| f.level == Level::Error)
                .map(ToString::to_string)
                .collect();
            panic!("catalogue errors:\n{}", errors.join("\n"));
        }
    };
    assert!(
        catalog.controls.len() >= 100,
        "at least 100 AWS controls, found {}",
        catalog.controls.len()
    );
    for control in &catalog.controls {
        let expects = |s| control.fixtures.iter().any(|f| f.expect == s);
        assert!(
            expects(posture_model::Status::Pass) && expects(posture_model::Status::Fail),
            "{}",
            control.id
        );
    }
    for mandate in [
        "pci-dss-4.0.1",
        "hipaa-security-rule",
        "cis-aws-foundations-3.0.0",
    ] {
        assert!(
            catalog.mandate(mandate).is_some(),
            "mandate {mandate} is missing"
        );
    }
}

const KINDS: &str = r#"
[[kind]]
kind = "aws.s3.bucket"
title = "S3 bucket"
id_format = "arn:{partition}:s3:::{bucket}"
scope = "regional"
[kind.fields]
versioning = { type = "string?", doc = "Versioning status." }
"#;

const CONTROL: &str = r#"cid = 7
id = "versioned"
title = "Buckets are versioned"
provider = "aws"
service = "s3"
kind = "aws.s3.bucket"
severity = "medium"
check = 'resource.versioning == "Enabled"'
rationale = "Recover from deletes."
[remediation]
console = "Turn versioning on."
[[fixture]]
name = "on"
expect = "pass"
resource = { versioning = "Enabled" }
[[fixture]]
name = "off"
expect = "fail"
resource = { versioning = "__NULL__" }
"#;

const POLICIES: &str = "[[policy]]\nid = 1\nslug = \"s3\"\nname = \"S3\"\ndescription = \"S3\"\nprovider = \"aws\"\nservices = [\"s3\"]\n";

fn file(relative: &str, text: &str) -> SourceFile {
    SourceFile {
        path: format!("custom/{relative}"),
        relative: relative.to_owned(),
        text: text.to_owned(),
        custom: true,
    }
}

/// Loads a catalogue of the base files with `changes` applied to the
/// control, plus any extra files; returns the error messages.
fn errors(control: &str, extra: &[SourceFile]) -> Vec<String> {
    let mut files = vec![
        file("aws/s3/kinds.toml", KINDS),
        file("aws/s3/versioned.toml", control),
        file("policies.toml", POLICIES),
    ];
    files.extend(extra.iter().cloned());
    match Catalog::load(files) {
        Ok(_) => Vec::new(),
        Err(findings) => findings
            .into_iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| f.to_string())
            .collect(),
    }
}

fn check(control: &str, extra: &[SourceFile], expected: &str) {
    let found = errors(control, extra);
    assert!(
        found.iter().any(|e| e.contains(expected)),
        "expected an error containing {expected:?}, got {found:#?}"
    );
}

#[test]
fn a_valid_custom_control_loads() {
    assert_eq!(errors(CONTROL, &[]), Vec::<String>::new());
}

#[test]
fn each_rule_catches_its_mistake() {
    check(
        &CONTROL.replace("== \"Enabled\"'", "=='"),
        &[],
        "custom/aws/s3/versioned.toml: field `check`: ERROR: <input>:1:",
    );
    check(
        &CONTROL.replace("resource.versioning ==", "resource.versioned =="),
        &[],
        "field `check`: resource.versioned is not in the schema of aws.s3.bucket",
    );
    check(
        &CONTROL.replace("expect = \"fail\"", "expect = \"pass\""),
        &[],
        "needs at least one `pass` and one `fail` fixture",
    );
    check(
        &CONTROL.replace(
            "{ versioning = \"__NULL__\" }",
            "{ versioning = \"Enabled\" }",
        ),
        &[],
        "fixture \"off\": expected FAIL, got PASS",
    );
    check(
        &CONTROL.replace("{ versioning = \"Enabled\" }", "{ versioning = 3 }"),
        &[],
        "fixture \"on\": field versioning: expected string?, found an int",
    );
    check(
        &CONTROL.replace("severity = \"medium\"", "severity = \"urgent\""),
        &[],
        "field `severity`: invalid severity \"urgent\"",
    );
    check(
        &CONTROL.replace("kind = \"aws.s3.bucket\"", "kind = \"aws.s3.object\""),
        &[],
        "kind aws.s3.object has no schema",
    );
    check(
        &CONTROL.replace("rationale = \"Recover from deletes.\"", "rationale = \"\""),
        &[],
        "field `rationale` is empty",
    );
    check(
        &CONTROL.replace("cid = 7\n", ""),
        &[],
        "missing field `cid`",
    );
    check(
        &CONTROL.replace("id = \"versioned\"", "id = \"other\""),
        &[],
        "must be snake_case and equal the file name",
    );
    check(
        CONTROL,
        &[file(
            "aws/s3/twin.toml",
            &CONTROL.replace("id = \"versioned\"", "id = \"twin\""),
        )],
        "cid 7 is also used by",
    );
    check(
        &CONTROL.replace("resource.versioning", "resourse.versioning"),
        &[],
        "unknown variable \"resourse\"",
    );
}

#[test]
fn mandates_must_point_at_existing_controls_of_their_providers() {
    let mandate = "id = \"m\"\nmid = 5\nname = \"M\"\nversion = \"1\"\nproviders = [\"aws\"]\n[[requirement]]\nid = \"1\"\ntitle = \"One\"\ncontrols = [\"nope\"]\n[[requirement]]\nid = \"2\"\nparent = \"9\"\ntitle = \"Two\"\nmanual = true\n";
    check(
        CONTROL,
        &[file("mandates/m.toml", mandate)],
        "requirement 1: control nope does not exist",
    );
    check(
        CONTROL,
        &[file("mandates/m.toml", mandate)],
        "requirement 2: parent 9 is not declared before it",
    );
}

#[test]
fn mapping_files_add_a_providers_controls_to_a_mandate() {
    let mandate = "id = \"m\"\nmid = 5\nname = \"M\"\nversion = \"1\"\nproviders = []\n[[requirement]]\nid = \"1\"\ntitle = \"One\"\n[[requirement]]\nid = \"2\"\ntitle = \"Two\"\nmanual = true\n";
    let mapping = "mandate = \"m\"\nprovider = \"aws\"\n[[map]]\nrequirement = \"1\"\ncontrols = [\"versioned\"]\n";
    let mut files = vec![
        file("aws/s3/kinds.toml", KINDS),
        file("aws/s3/versioned.toml", CONTROL),
        file("aws/policies-storage.toml", POLICIES),
        file("mandates/m.toml", mandate),
        file("mandates/m/aws-storage.toml", mapping),
    ];
    let catalog = Catalog::load(files.clone()).expect("loads");
    let m = catalog.mandate("m").expect("mandate");
    assert_eq!(m.providers, vec![posture_model::Provider::Aws]);
    assert_eq!(m.requirements[0].controls, vec!["versioned".to_owned()]);
    assert_eq!(
        catalog.policies.len(),
        1,
        "aws/policies-storage.toml is read"
    );

    files.push(file(
        "mandates/m/gcp.toml",
        "mandate = \"m\"\nprovider = \"gcp\"\n[[map]]\nrequirement = \"2\"\ncontrols = [\"versioned\"]\n[[map]]\nrequirement = \"7\"\ncontrols = []\n",
    ));
    files.push(file(
        "mandates/m/azure.toml",
        "mandate = \"nope\"\nprovider = \"azure\"\n",
    ));
    let found: Vec<String> = match Catalog::load(files) {
        Ok(_) => panic!("bad mappings must not load"),
        Err(findings) => findings.into_iter().map(|f| f.to_string()).collect(),
    };
    for expected in [
        "requirement 2: manual requirements map no controls",
        "requirement 7 is not in mandate m",
        "a mapping of nope for azure belongs in mandates/nope/azure.toml (or mandates/nope/azure-<part>.toml)",
        "mandate \"nope\" does not exist",
    ] {
        assert!(
            found.iter().any(|e| e.contains(expected)),
            "expected {expected:?} in {found:#?}"
        );
    }
}

#[test]
fn kinds_must_declare_parents_and_types() {
    let kinds = KINDS.replace(
        "versioning = { type = \"string?\"",
        "\"logging.target\" = { type = \"strin\", doc = \"x\" }\nversioning = { type = \"string?\"",
    );
    let found = match Catalog::load(vec![file("aws/s3/kinds.toml", &kinds)]) {
        Ok(_) => Vec::new(),
        Err(findings) => findings.into_iter().map(|f| f.to_string()).collect(),
    };
    assert!(
        found
            .iter()
            .any(|e| e.contains("field logging.target: invalid field type \"strin\"")),
        "{found:#?}"
    );
}

#[test]
fn custom_controls_load_from_a_directory_beside_the_builtin_catalogue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let control_dir = dir.path().join("aws/s3");
    std::fs::create_dir_all(&control_dir).expect("mkdir");
    let custom = CONTROL
        .replace("cid = 7", "cid = 900001")
        .replace("id = \"versioned\"", "id = \"acme_versioned\"")
        .replace(
            "resource.versioning == \"Enabled\"",
            "resource.versioning.status == \"Enabled\"",
        );
    let custom = custom
        .replace(
            "{ versioning = \"Enabled\" }",
            "{ versioning = { status = \"Enabled\", mfa_delete = false } }",
        )
        .replace(
            "{ versioning = \"__NULL__\" }",
            "{ versioning = { status = \"Suspended\", mfa_delete = false } }",
        );
    std::fs::write(control_dir.join("acme_versioned.toml"), custom).expect("write");
    let files = source::directory(dir.path()).expect("read dir");
    let catalog = Catalog::load_with_custom(files).unwrap_or_else(|f| panic!("{f:#?}"));
    let control = catalog.control("900001").expect("custom control loaded");
    assert!(control.custom);
    assert_eq!(control.id, "acme_versioned");
}

#[test]
fn the_generated_reference_in_docs_is_up_to_date() {
    let catalog = Catalog::embedded().unwrap_or_else(|f| panic!("{f:#?}"));
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/reference");
    for (name, expected) in posture_catalog::reference::pages(&catalog) {
        let committed = std::fs::read_to_string(docs.join(name)).unwrap_or_default();
        assert!(
            committed == expected,
            "docs/reference/{name} is stale: run `cargo run -p posture -- catalog reference --out docs/reference`"
        );
    }
}
