//! The documented PCI DSS workflow on AWS, end to end over HTTP against a
//! server whose workers collect from moto through the real AWS SDK:
//! create-details → connector → Online → report → run → details → control
//! resources → CSV, then the hourly limit.

mod support;

use posture_server::ManualClock;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Server, Setup, moto::Moto, start_time};

async fn wait_for(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(180);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pci_dss_workflow_on_aws() {
    let moto = Moto::start();
    moto.seed_estate("us-east-1");
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let setup = Setup {
        aws_endpoint: Some(moto.endpoint.clone()),
        workers: 1,
        ..Setup::default()
    };
    let server = Server::start(dir.path(), setup, clock.clone()).await;
    let tokens = support::tenants(&server.state);
    let token = tokens.admin.as_str();

    // 1. What the role needs.
    let (status, details) = server
        .get(token, "/cspm/connector/create-details?provider=aws")
        .await;
    assert_eq!(status, StatusCode::OK, "{details}");
    let external_id = details["externalId"]
        .as_str()
        .expect("an external ID")
        .to_string();
    assert_eq!(details["baseAccountId"], "000000000000");
    let (_, again) = server
        .get(token, "/cspm/connector/create-details?provider=aws")
        .await;
    assert_eq!(
        again["externalId"],
        external_id.as_str(),
        "stable per tenant"
    );
    let (_, other) = server
        .get(&tokens.other, "/cspm/connector/create-details?provider=aws")
        .await;
    assert_ne!(
        other["externalId"],
        external_id.as_str(),
        "distinct per tenant"
    );

    // 2. The connector.
    let (status, created) = server
        .post(
            token,
            "/cspm/connector",
            &json!({
                "name": "production",
                "description": "the main account",
                "provider": "aws",
                "arn": "arn:aws:iam::123456789012:role/posture-audit",
                "externalId": external_id,
                "isChinaRegion": false,
                "isGovCloud": false
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let connector = created["id"].as_i64().expect("an id");
    assert!(created["message"].is_string());

    // 3. Listed, and Online once checked.
    wait_for("the connector to be Online", async || {
        let (_, list) = server.get(token, "/cspm/connector").await;
        list["connectors"][0]["state"] == "Online"
    })
    .await;
    let (_, one) = server
        .get(token, &format!("/cspm/connector/{connector}"))
        .await;
    assert_eq!(one["awsAccountId"], "123456789012");
    assert_eq!(one["arn"], "arn:aws:iam::123456789012:role/posture-audit");
    assert!(one["lastSyncedOn"].is_string(), "{one}");
    assert!(one.get("authenticationKey").is_none());

    // 4. The report; its first run is queued at once.
    let mandate = support::mid(&server.state, "pci-dss-4.0.1");
    let (status, configured) = server
        .post(
            token,
            "/cspm/report/configuration",
            &json!({
                "title": "PCI production",
                "description": "quarterly",
                "cloudtype": "AWS",
                "mandateId": mandate,
                "connectorIds": [connector],
                "policies": [],
                "format": "pdf",
                "type": "compliance"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{configured}");
    let report = configured["reportIds"][0].as_i64().expect("a report id");
    let (_, listed) = server.get(token, "/cspm/report/list").await;
    assert_eq!(listed[0]["reportId"], report);

    wait_for("the run to finish", async || {
        let (_, list) = server.get(token, "/cspm/report/list").await;
        list[0]["state"] == "complete" || list[0]["lastRunState"] == "failed"
    })
    .await;
    let (_, list) = server.get(token, "/cspm/report/list").await;
    assert_eq!(list[0]["state"], "complete", "{list}");
    assert_eq!(list[0]["mandateId"], mandate);

    // 5. Details: the requirement tree and per-control results.
    let (status, details) = server.get(token, &format!("/cspm/report/{report}")).await;
    assert_eq!(status, StatusCode::OK, "{details}");
    assert_eq!(details["accountId"], "123456789012");
    assert_eq!(details["cloudType"], "AWS");
    let pass = details["passCount"].as_u64().expect("passCount");
    let fail = details["failCount"].as_u64().expect("failCount");
    assert!(
        pass > 0 && fail > 0,
        "a seeded estate has both: {pass} / {fail}"
    );
    let requirements = details["requirements"].as_array().expect("requirements");
    assert!(requirements.len() > 100, "PCI DSS has its full tree");
    assert!(requirements.iter().all(|r| r["requirementId"].is_string()
        && r["requirementName"].is_string()
        && r["passCount"].is_u64()
        && r["failCount"].is_u64()));
    let controls = details["controls"].as_array().expect("controls");
    let failed = controls
        .iter()
        .find(|c| c["status"] == "FAIL")
        .expect("a failed control");

    // 6. The resources of a failed control.
    let cid = failed["controlId"].as_u64().expect("a CID");
    let (status, resources) = server
        .get(
            token,
            &format!("/cspm/report/{report}/control/{cid}/resources"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let resources = resources.as_array().expect("a list");
    assert!(
        resources.iter().any(|r| r["status"] == "FAIL"),
        "{resources:?}"
    );
    assert!(
        resources
            .iter()
            .all(|r| r["resourceId"].is_string() && r["region"].is_string())
    );

    // 7. The report's results as CSV.
    let (status, csv) = server
        .get_text(token, &format!("/cspm/report/{report}/export"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.split("\r\n");
    assert!(lines.next().expect("a header").starts_with("CID,Control,"));
    assert!(csv.lines().count() > 10, "rows for every evaluation");

    // The resources the run found.
    let (_, found) = server
        .get(token, "/cspm/resources?provider=AWS&top=5")
        .await;
    assert!(found["total"].as_u64().expect("total") > 5);
    assert_eq!(found["data"].as_array().expect("data").len(), 5);

    // 8. At most one run an hour.
    let (status, body) = server
        .post(
            token,
            &format!("/cspm/report/run?reportConfigId={report}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "too_many_requests");
    let response = server
        .http
        .post(server.url(&format!("/cspm/report/run?reportConfigId={report}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("answer");
    let retry: i64 = response.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=3600).contains(&retry), "Retry-After {retry}");
    clock.advance(chrono::Duration::minutes(61));
    let (status, queued) = server
        .post(
            token,
            &format!("/cspm/report/run?reportConfigId={report}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    server.stop().await;
}
