//! `posture scan gcp`, `collect gcp` and `gcp permissions` as a user runs
//! them, against the fake of Google's APIs (its token endpoint included,
//! trusting a key generated in the test) on 127.0.0.1 that the collector's
//! own tests use.

#[allow(dead_code)]
#[path = "../../collect-gcp/tests/support/fake.rs"]
mod fake;

use fake::{CLIENT_EMAIL, Fake, PROJECT};
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str], key_file: &Path, api: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(args)
        .args([
            "--project-id",
            PROJECT,
            "--api-endpoint",
            api,
            "--max-attempts",
            "3",
        ])
        .env("GOOGLE_APPLICATION_CREDENTIALS", key_file)
        .output()
        .expect("run posture")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_gcp_gives_a_cis_report_and_collect_writes_an_inventory() {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("key.json");
    std::fs::write(&key, fake.key_json(CLIENT_EMAIL)).expect("key file");
    let inventory = dir.path().join("gcp.jsonl");
    let api = fake.url.clone();
    let (scan, collect) = tokio::task::spawn_blocking({
        let (key, inventory) = (key.clone(), inventory.clone());
        move || {
            let scan = run(
                &[
                    "scan",
                    "gcp",
                    "--mandate",
                    "cis-gcp-foundations-3.0.0",
                    "--format",
                    "json",
                ],
                &key,
                &api,
            );
            let out = inventory.to_string_lossy().into_owned();
            let collect = run(
                &[
                    "collect",
                    "gcp",
                    "--out",
                    &out,
                    "--kinds",
                    "gcp.compute.firewall",
                ],
                &key,
                &api,
            );
            (scan, collect)
        }
    })
    .await
    .expect("posture");

    let stderr = text(&scan.stderr);
    assert_eq!(scan.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "collecting from GCP project {PROJECT} as {CLIENT_EMAIL}"
        )),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("json report");
    let controls = report["controls"].as_array().expect("controls");
    let status = |id: &str| {
        controls
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|| panic!("control {id} is not in the report"))
    };
    // The fixtures hold a firewall rule open to the internet on SSH.
    assert_eq!(
        status("gcp_compute_firewall_no_ingress_ssh_from_internet"),
        "FAIL"
    );
    let count = |s: &str| controls.iter().filter(|c| c["status"] == s).count();
    assert!(count("PASS") > 10, "{} passed", count("PASS"));
    assert!(count("FAIL") > 10, "{} failed", count("FAIL"));
    assert_eq!(count("ERROR"), 0, "nothing was denied, nothing may ERROR");

    assert_eq!(collect.status.code(), Some(0), "{}", text(&collect.stderr));
    let written = std::fs::read_to_string(&inventory).expect("inventory");
    let mut lines = written.lines();
    let header: serde_json::Value =
        serde_json::from_str(lines.next().expect("header")).expect("header json");
    assert_eq!(header["provider"], "gcp");
    assert_eq!(header["account_id"], PROJECT);
    let kinds: Vec<String> = lines
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("record"))
        .map(|r| r["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(!kinds.is_empty());
    assert!(
        kinds.iter().all(|k| k == "gcp.compute.firewall"),
        "{kinds:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_the_token_endpoint_refuses_is_named() {
    let fake = Fake::start_trusting(fake::other_key()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("key.json");
    std::fs::write(&key, fake.key_json(CLIENT_EMAIL)).expect("key file");
    let api = fake.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        run(
            &["collect", "gcp", "--out", "/tmp/unused.jsonl"],
            &key,
            &api,
        )
    })
    .await
    .expect("posture");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("service-account key was refused"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn gcp_permissions_lists_roles_and_apis() {
    let out = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(["gcp", "permissions"])
        .output()
        .expect("run posture");
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("roles/iam.securityReviewer"), "{stdout}");
    assert!(stdout.contains("compute.googleapis.com"), "{stdout}");
}
