//! Azure and GCP connectors through the service: created with their
//! credentials, validated Online by the real collectors against their local
//! fakes (Azure's token endpoint, Resource Manager and Graph; Google's token
//! endpoint and APIs), refused with a precise code when the credentials are
//! wrong, and a CIS report run collects, evaluates and publishes results.

#[allow(dead_code)]
#[path = "../../collect-azure/tests/support/fake.rs"]
mod azure_fake;
#[allow(dead_code)]
#[path = "../../collect-gcp/tests/support/fake.rs"]
mod gcp_fake;
mod support;

use posture_server::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Server, Setup, start_time};

async fn wait_for(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(180);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until connector `id` leaves Pending; returns it.
async fn checked(server: &Server, token: &str, id: i64) -> Value {
    let path = format!("/cspm/connector/{id}");
    wait_for("the connector check", async || {
        let (_, one) = server.get(token, &path).await;
        one["state"] == "Online" || one["state"] == "Offline"
    })
    .await;
    server.get(token, &path).await.1
}

/// Creates a CIS report on `connector`, waits for its run; returns the details.
async fn cis_report(
    server: &Server,
    token: &str,
    connector: i64,
    mandate: &str,
    cloud: &str,
) -> Value {
    let (status, configured) = server
        .post(
            token,
            "/cspm/report/configuration",
            &json!({
                "title": format!("{mandate} report"),
                "cloudtype": cloud,
                "mandateId": support::mid(&server.state, mandate),
                "connectorIds": [connector],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{configured}");
    let report = configured["reportIds"][0].as_i64().expect("a report id");
    wait_for("the run to finish", async || {
        let (_, list) = server.get(token, "/cspm/report/list").await;
        list.as_array()
            .and_then(|l| l.iter().find(|r| r["reportId"] == report))
            .is_some_and(|r| r["state"] == "complete" || r["lastRunState"] == "failed")
    })
    .await;
    let (status, details) = server.get(token, &format!("/cspm/report/{report}")).await;
    assert_eq!(status, StatusCode::OK, "{details}");
    details
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_and_gcp_connectors_validate_and_run_cis_reports() {
    let azure = azure_fake::Fake::start().await;
    let gcp = gcp_fake::Fake::start().await;
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let setup = Setup {
        azure_endpoint: Some(azure.base.clone()),
        gcp_endpoint: Some(gcp.url.clone()),
        workers: 1,
        ..Setup::default()
    };
    let server = Server::start(dir.path(), setup, clock).await;
    let tokens = support::tenants(&server.state);
    let token = tokens.admin.as_str();

    // A wrong secret: Offline, saying so.
    let (status, created) = server
        .post(
            token,
            "/cspm/connector",
            &json!({
                "name": "wrong secret", "provider": "Azure",
                "applicationId": azure_fake::CLIENT, "directoryId": azure_fake::TENANT,
                "subscriptionId": azure_fake::SUBSCRIPTION, "authenticationKey": "not-the-secret"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let wrong = created["id"].as_i64().expect("an id");
    let one = checked(&server, token, wrong).await;
    assert_eq!(one["state"], "Offline", "{one}");
    assert_eq!(one["error"], "invalid_secret", "{one}");
    let (status, _) = server
        .delete(token, &format!("/cspm/connector/{wrong}"))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The right one: Online, and a CIS Azure run with real results.
    let (status, created) = server
        .post(
            token,
            "/cspm/connector",
            &json!({
                "name": "subscription", "provider": "Azure",
                "applicationId": azure_fake::CLIENT, "directoryId": azure_fake::TENANT,
                "subscriptionId": azure_fake::SUBSCRIPTION, "authenticationKey": azure_fake::SECRET
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let connector = created["id"].as_i64().expect("an id");
    let one = checked(&server, token, connector).await;
    assert_eq!(one["state"], "Online", "{one}");
    let details = cis_report(
        &server,
        token,
        connector,
        "cis-azure-foundations-3.0.0",
        "Azure",
    )
    .await;
    assert_eq!(details["cloudType"], "Azure", "{details}");
    assert_eq!(details["accountId"], azure_fake::SUBSCRIPTION);
    let pass = details["passCount"].as_u64().expect("passCount");
    let fail = details["failCount"].as_u64().expect("failCount");
    assert!(
        pass > 0 && fail > 0,
        "good and bad fixtures: {pass} / {fail}"
    );

    // GCP: the key the fake trusts, then a CIS GCP run.
    let key = gcp.key_json(gcp_fake::CLIENT_EMAIL);
    let (status, created) = server
        .post(
            token,
            "/cspm/connector",
            &json!({"name": "project", "provider": "GCP", "projectId": gcp_fake::PROJECT, "gcpConfigJson": key}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let connector = created["id"].as_i64().expect("an id");
    let one = checked(&server, token, connector).await;
    assert_eq!(one["state"], "Online", "{one}");
    let details = cis_report(
        &server,
        token,
        connector,
        "cis-gcp-foundations-3.0.0",
        "GCP",
    )
    .await;
    assert_eq!(details["cloudType"], "GCP", "{details}");
    assert_eq!(details["accountId"], gcp_fake::PROJECT);
    let pass = details["passCount"].as_u64().expect("passCount");
    let fail = details["failCount"].as_u64().expect("failCount");
    assert!(
        pass > 0 && fail > 0,
        "good and bad fixtures: {pass} / {fail}"
    );
    server.stop().await;
}
