//! `posture scan azure`, `collect azure` and `azure permissions` as a user
//! runs them, against the fake Azure (token endpoint, Resource Manager,
//! Graph) on 127.0.0.1 that the collector's own tests use.

#[allow(dead_code)]
#[path = "../../collect-azure/tests/support/fake.rs"]
mod fake;

use fake::{CLIENT, Fake, SECRET, SUBSCRIPTION, TENANT};
use std::process::{Command, Output};

/// Runs posture against a fake at `base`, the secret in the environment.
struct Stub {
    base: String,
}

impl Stub {
    fn run(&self, args: &[&str], secret: &str) -> Output {
        let graph = format!("{}/graph", self.base);
        Command::new(env!("CARGO_BIN_EXE_posture"))
            .args(args)
            .args([
                "--tenant-id",
                TENANT,
                "--client-id",
                CLIENT,
                "--subscription-id",
                SUBSCRIPTION,
                "--authority-host",
                &self.base,
                "--arm-endpoint",
                &self.base,
                "--graph-endpoint",
                &graph,
                "--max-attempts",
                "2",
            ])
            .env("AZURE_CLIENT_SECRET", secret)
            .env_remove("AZURE_CLOUD")
            .output()
            .expect("run posture")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_azure_gives_a_cis_report_with_passes_and_failures() {
    let fake = Fake::start().await;
    let stub = Stub {
        base: fake.base.clone(),
    };
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "scan",
            "azure",
            "--mandate",
            "cis-azure-foundations-3.0.0",
            "--format",
            "json",
        ];
        stub.run(&args, SECRET)
    })
    .await
    .expect("scan");
    let stderr = text(&out.stderr);
    // Failing controls exit 0 without --fail-on.
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "collecting from Azure subscription {SUBSCRIPTION}"
        )),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let controls = report["controls"].as_array().expect("controls");
    let status = |id: &str| {
        controls
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|| panic!("control {id} is not in the report"))
    };
    // The fixtures hold a compliant and a non-compliant storage account.
    assert_eq!(
        status("azure_storage_account_secure_transfer_required"),
        "FAIL"
    );
    let count = |s: &str| controls.iter().filter(|c| c["status"] == s).count();
    assert!(count("PASS") > 10, "{} passed", count("PASS"));
    assert!(count("FAIL") > 10, "{} failed", count("FAIL"));
    assert_eq!(count("ERROR"), 0, "nothing was denied, nothing may ERROR");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_azure_writes_an_inventory_and_a_wrong_secret_is_named() {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out_path = dir.path().join("azure.jsonl");
    let out_arg = out_path.to_string_lossy().into_owned();
    let stub = Stub {
        base: fake.base.clone(),
    };
    let (good, bad) = tokio::task::spawn_blocking(move || {
        let only = [
            "collect",
            "azure",
            "--out",
            &out_arg,
            "--kinds",
            "azure.storage.account",
        ];
        let good = stub.run(&only, SECRET);
        let bad = stub.run(&["collect", "azure", "--out", &out_arg], "not-the-secret");
        (good, bad)
    })
    .await
    .expect("collect");
    assert_eq!(good.status.code(), Some(0), "{}", text(&good.stderr));
    let inventory = std::fs::read_to_string(&out_path).expect("inventory");
    let mut lines = inventory.lines();
    let header: serde_json::Value =
        serde_json::from_str(lines.next().expect("header")).expect("header json");
    assert_eq!(header["provider"], "azure");
    assert_eq!(header["account_id"], SUBSCRIPTION);
    let kinds: Vec<String> = lines
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("record"))
        .map(|r| r["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(!kinds.is_empty());
    assert!(
        kinds.iter().all(|k| k == "azure.storage.account"),
        "{kinds:?}"
    );

    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert!(
        text(&bad.stderr).contains("the client secret is wrong"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn azure_permissions_names_the_role_and_graph_permissions() {
    let out = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(["azure", "permissions"])
        .output()
        .expect("run posture");
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Reader"), "{stdout}");
    assert!(stdout.contains("Policy.Read.All"), "{stdout}");
}

#[test]
fn a_missing_secret_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args([
            "collect",
            "azure",
            "--out",
            "/nonexistent/x.jsonl",
            "--tenant-id",
            TENANT,
            "--client-id",
            CLIENT,
            "--subscription-id",
            SUBSCRIPTION,
        ])
        .env_remove("AZURE_CLIENT_SECRET")
        .output()
        .expect("run posture");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no client secret"),
        "{}",
        text(&out.stderr)
    );
}
