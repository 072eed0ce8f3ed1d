//! The read side of the API over the sample estate: policies and
//! remediation, report details, resources with filters, search, sorting,
//! paging and summary figures, resource details and evaluations, CSV
//! exports, summary, the OpenAPI document, health and metrics, the demo.

mod support;

use posture_server::ManualClock;
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use support::{Server, Setup, start_time};

async fn sample() -> (Server, support::Tokens, i64, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let server = Server::start(dir.path(), Setup::default(), clock).await;
    let tokens = support::tenants(&server.state);
    let connector = support::offline_sample(&server, &tokens.admin).await;
    let report = support::report(&server, &tokens.admin, connector, "pci-dss-4.0.1").await;
    (server, tokens, report, dir)
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().expect("a list")
}

#[tokio::test]
async fn policies_controls_and_remediation() {
    let (server, tokens, _, _dir) = sample().await;
    let t = tokens.viewer.as_str();
    let (_, policies) = server.get(t, "/cspm/policies?provider=AWS").await;
    let first = &array(&policies)[0];
    assert!(
        first["id"].is_u64()
            && first["name"].is_string()
            && first["controlsCount"].as_u64() > Some(0)
    );
    assert_eq!(first["provider"], "AWS");
    let (_, gcp) = server.get(t, "/cspm/policies?provider=GCP").await;
    let gcp = array(&gcp);
    assert!(!gcp.is_empty(), "the GCP catalogue has policies");
    assert!(gcp.iter().all(|p| p["provider"] == "GCP"), "{gcp:?}");
    let (_, controls) = server
        .get(t, &format!("/cspm/policy/{}/controls", first["id"]))
        .await;
    let control = &array(&controls)[0];
    for field in [
        "controlId",
        "controlName",
        "description",
        "severity",
        "remediationAvailable",
    ] {
        assert!(control.get(field).is_some(), "{field} in {control}");
    }
    let (status, remediation) = server
        .get(
            t,
            &format!("/cspm/control/{}/remediation", control["controlId"]),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        remediation["remediation"]
            .as_str()
            .expect("text")
            .starts_with("Console:")
    );
    let (_, mandates) = server.get(t, "/cspm/mandates").await;
    assert!(
        array(&mandates)
            .iter()
            .any(|m| m["slug"] == "pci-dss-4.0.1")
    );
    server.stop().await;
}

#[tokio::test]
async fn resources_filter_search_sort_page_and_sum_up() {
    let (server, tokens, report, _dir) = sample().await;
    let t = tokens.viewer.as_str();
    let (_, all) = server.get(t, "/cspm/resources?top=100").await;
    let total = all["total"].as_u64().expect("total");
    assert!(total > 50, "the sample's evaluated resources: {total}");
    let row = &array(&all["data"])[0];
    for field in [
        "id",
        "accountId",
        "resourceName",
        "resourceType",
        "cloudAccountId",
        "region",
        "provider",
        "dateDiscovered",
        "dateLastFound",
        "resourceEvaluation",
    ] {
        assert!(row.get(field).is_some(), "{field} in {row}");
    }
    assert_eq!(row["provider"], "AWS");
    let evaluation = &array(&row["resourceEvaluation"])[0];
    assert!(
        evaluation["controlId"].is_u64()
            && evaluation["status"].is_string()
            && evaluation["evaluatedOn"].is_string()
    );

    // Paging: two pages of ten are disjoint and ordered by name.
    let (_, p1) = server.get(t, "/cspm/resources?top=10&skip=0").await;
    let (_, p2) = server.get(t, "/cspm/resources?top=10&skip=10").await;
    let names = |p: &Value| {
        array(&p["data"])
            .iter()
            .map(|r| r["resourceName"].as_str().expect("a name").to_lowercase())
            .collect::<Vec<_>>()
    };
    let (n1, n2) = (names(&p1), names(&p2));
    assert!(n1.windows(2).all(|w| w[0] <= w[1]), "{n1:?}");
    assert!(n1.last() <= n2.first(), "{n1:?} then {n2:?}");
    assert_eq!(p1["total"], total);

    // Filter by type; search; sort by failures, descending.
    let (_, buckets) = server
        .get(t, "/cspm/resources?resourceType=aws.s3.bucket&top=100")
        .await;
    assert!(buckets["total"].as_u64() > Some(0));
    assert!(
        array(&buckets["data"])
            .iter()
            .all(|r| r["resourceType"] == "aws.s3.bucket")
    );
    let some_name = array(&buckets["data"])[0]["resourceName"]
        .as_str()
        .expect("a name")
        .to_string();
    let needle = &some_name[..some_name.len().min(6)].to_uppercase();
    let (_, found) = server
        .get(t, &format!("/cspm/resources?search={needle}&top=100"))
        .await;
    assert!(
        array(&found["data"])
            .iter()
            .any(|r| r["resourceName"] == some_name.as_str()),
        "case-insensitive search for {needle}"
    );
    let (_, worst) = server
        .get(t, "/cspm/resources?sort=failed&order=desc&top=20")
        .await;
    let failed: Vec<i64> = array(&worst["data"])
        .iter()
        .map(|r| r["failed"].as_i64().expect("failed"))
        .collect();
    assert!(
        failed.windows(2).all(|w| w[0] >= w[1]) && failed[0] > 0,
        "{failed:?}"
    );
    let (_, none) = server
        .get(t, "/cspm/resources?cloudAccountId=999999999999")
        .await;
    assert_eq!(none["total"], 0);

    // Summary figures follow the filter.
    let (_, everything) = server.get(t, "/cspm/resources/summary").await;
    assert_eq!(everything["totalResources"], total);
    assert_eq!(everything["accountsMonitored"], 1);
    let (_, only_buckets) = server
        .get(t, "/cspm/resources/summary?resourceType=aws.s3.bucket")
        .await;
    assert_eq!(only_buckets["totalResources"], buckets["total"]);
    assert!(only_buckets["controlsFailed"].as_i64() < everything["controlsFailed"].as_i64());

    // One resource: details and its evaluations, filtered and searched.
    let worst_id = array(&worst["data"])[0]["id"].as_i64().expect("an id");
    let (_, details) = server.get(t, &format!("/cspm/resources/{worst_id}")).await;
    assert_eq!(details[0]["id"], worst_id);
    assert!(details[0]["details"].is_object(), "{details}");
    let (_, evaluations) = server
        .get(
            t,
            &format!("/cspm/resources/{worst_id}/evaluations?result=FAIL&top=100"),
        )
        .await;
    let failing = array(&evaluations["data"]);
    assert_eq!(failing.len() as i64, failed[0]);
    assert!(
        failing
            .iter()
            .all(|e| e["result"] == "FAIL" && e["reportId"] == report)
    );
    let cid = failing[0]["controlId"].to_string();
    let (_, searched) = server
        .get(
            t,
            &format!("/cspm/resources/{worst_id}/evaluations?search={cid}"),
        )
        .await;
    assert!(
        array(&searched["data"])
            .iter()
            .all(|e| e["controlId"].to_string().contains(&cid))
    );
    let (_, other_report) = server
        .get(
            t,
            &format!("/cspm/resources/{worst_id}/evaluations?reportId=999"),
        )
        .await;
    assert_eq!(other_report["total"], 0);
    server.stop().await;
}

#[tokio::test]
async fn csv_exports_stream_every_row_and_neutralize_formulas() {
    let (server, tokens, report, _dir) = sample().await;
    let t = tokens.viewer.as_str();
    let (_, all) = server.get(t, "/cspm/resources?top=1").await;
    let total = all["total"].as_u64().expect("total") as usize;
    let (status, csv) = server.get_text(t, "/cspm/resources/export").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.records().count(),
        total,
        "every resource, not a page"
    );
    assert!(csv.contains("\r\n"), "RFC 4180 line ends");
    let (_, filtered) = server
        .get_text(t, "/cspm/resources/export?resourceType=aws.s3.bucket")
        .await;
    assert!(
        filtered
            .lines()
            .skip(1)
            .all(|l| l.contains("aws.s3.bucket"))
    );
    let (_, reports) = server.get_text(t, "/cspm/report/list/export").await;
    let header = reports.lines().next().expect("a header");
    for column in ["Name", "Mandate", "Pass", "Fail", "Last Run On"] {
        assert!(header.contains(column), "{header}");
    }
    assert_eq!(reports.lines().count(), 2);
    let (_, results) = server
        .get_text(t, &format!("/cspm/report/{report}/export"))
        .await;
    assert!(results.lines().count() > 100);
    // A report titled like a formula comes out inert.
    let (_, connectors) = server.get(t, "/cspm/connector").await;
    let connector = connectors["connectors"][0]["id"]
        .as_i64()
        .expect("a connector");
    let (status, _) = server
        .post(
            &tokens.admin,
            "/cspm/report/configuration",
            &serde_json::json!({"title": "=HYPERLINK(\"http://x\")", "cloudtype": "AWS",
                "mandateId": support::mid(&server.state, "hipaa-security-rule"),
                "connectorIds": [connector]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, reports) = server.get_text(t, "/cspm/report/list/export").await;
    assert!(reports.contains("'=HYPERLINK"), "{reports}");
    server.stop().await;
}

#[tokio::test]
async fn summary_openapi_health_and_metrics() {
    let (server, tokens, _, _dir) = sample().await;
    let (_, summary) = server.get(&tokens.viewer, "/cspm/summary").await;
    assert_eq!(summary["totalConnectors"], 1);
    assert_eq!(summary["activeConnectors"], 1);
    assert!(summary["totalAssets"].as_i64() > Some(50));
    assert_eq!(summary["byProvider"]["AWS"]["totalConnectors"], 1);
    let (status, doc) = server
        .call(reqwest::Method::GET, None, "/openapi.json", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/cspm/connector/create-details",
        "/cspm/connector",
        "/cspm/connector/{id}",
        "/cspm/policies",
        "/cspm/policy/{id}/controls",
        "/cspm/control/{controlId}/remediation",
        "/cspm/report/configuration",
        "/cspm/report/list",
        "/cspm/report/run",
        "/cspm/report/{id}",
        "/cspm/report/{id}/control/{controlId}/resources",
        "/cspm/resources",
        "/cspm/resources/{id}",
        "/cspm/summary",
        "/cspm/usage",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let (status, _) = server
        .call(reqwest::Method::GET, None, "/readyz", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let metrics = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("answer");
    let text = metrics.text().await.expect("text");
    assert!(text.contains("posture_http_requests_total{"), "{text}");
    assert!(text.contains("route=\"/cspm/summary\""), "{text}");
    assert!(
        text.contains("route=\"/cspm/connector/{id}/inventory\""),
        "labelled by route pattern, not raw path: {text}"
    );
    assert!(text.contains("posture_jobs_total{"), "{text}");
    server.stop().await;
}

#[tokio::test]
async fn the_demo_tenant_has_populated_reports() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let server = Server::start(dir.path(), Setup::default(), clock).await;
    let demo = posture_server::demo::load(&server.state)
        .expect("the demo loads")
        .expect("a new demo tenant");
    assert!(
        posture_server::demo::load(&server.state)
            .expect("idempotent")
            .is_none()
    );
    server.drain().await;
    let (_, reports) = server.get(&demo.token, "/cspm/report/list").await;
    let reports = array(&reports);
    assert_eq!(reports.len(), 3, "one per AWS mandate");
    assert!(
        reports
            .iter()
            .all(|r| r["state"] == "complete" && r["failCount"].as_u64() > Some(0)),
        "{reports:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn run_history_next_run_time_and_role_template() {
    let (server, tokens, report, _dir) = sample().await;
    let token = tokens.admin.as_str();

    // The first run is done and the hour since its request has not passed.
    let (_, list) = server.get(token, "/cspm/report/list").await;
    let next = start_time() + chrono::Duration::hours(1);
    assert_eq!(list[0]["nextRunAt"], serde_json::json!(next), "{list}");

    server.clock.advance(chrono::Duration::minutes(61));
    let (_, list) = server.get(token, "/cspm/report/list").await;
    assert!(list[0]["nextRunAt"].is_null(), "a run is allowed: {list}");
    let path = format!("/cspm/report/run?reportConfigId={report}");
    let (status, _) = server.post(token, &path, &Value::Null).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    server.drain().await;

    let (status, history) = server
        .get(token, &format!("/cspm/report/{report}/runs"))
        .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let runs = array(&history["runs"]);
    assert_eq!(runs.len(), 2, "{history}");
    assert!(runs[0]["requestedAt"].as_str() < runs[1]["requestedAt"].as_str());
    let (_, details) = server.get(token, &format!("/cspm/report/{report}")).await;
    for run in runs {
        assert_eq!(run["state"], "succeeded");
        assert_eq!(run["passPercent"], details["passPercent"]);
        assert_eq!(run["failCount"], details["failCount"]);
    }
    let (status, _) = server
        .get(&tokens.other, &format!("/cspm/report/{report}/runs"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another tenant's report");

    let (_, created) = server
        .get(token, "/cspm/connector/create-details?provider=aws")
        .await;
    let trust = &created["roleTemplate"]["Resources"]["PostureRole"]["Properties"]["AssumeRolePolicyDocument"]
        ["Statement"][0];
    assert_eq!(
        trust["Condition"]["StringEquals"]["sts:ExternalId"],
        created["externalId"]
    );
    let principal = format!(
        "arn:aws:iam::{}:root",
        created["baseAccountId"].as_str().unwrap_or("")
    );
    assert_eq!(trust["Principal"]["AWS"], principal.as_str());
}

#[tokio::test]
async fn facets_rationale_and_mandate_policies() {
    let (server, tokens, _, _dir) = sample().await;
    let token = tokens.admin.as_str();
    let (status, facets) = server.get(token, "/cspm/resources/facets").await;
    assert_eq!(status, StatusCode::OK, "{facets}");
    assert_eq!(facets["providers"], serde_json::json!(["AWS"]));
    assert_eq!(
        facets["cloudAccountIds"],
        serde_json::json!(["123456789012"])
    );
    let types = array(&facets["resourceTypes"]);
    let (_, all) = server.get(token, "/cspm/resources?top=1").await;
    let mut sum = 0;
    for kind in types.iter().filter_map(Value::as_str) {
        let (_, some) = server
            .get(token, &format!("/cspm/resources?top=1&resourceType={kind}"))
            .await;
        let total = some["total"].as_u64().expect("a total");
        assert!(total > 0, "{kind} is listed");
        sum += total;
    }
    assert_eq!(
        sum, all["total"],
        "every listed resource has one of the types"
    );
    let mut sorted: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        types.iter().filter_map(Value::as_str).collect::<Vec<_>>()
    );
    let (_, none) = server.get(&tokens.other, "/cspm/resources/facets").await;
    assert_eq!(none["cloudAccountIds"], serde_json::json!([]), "per tenant");

    let (_, mandates) = server.get(token, "/cspm/mandates?provider=aws").await;
    let pci = array(&mandates)
        .iter()
        .find(|m| m["slug"] == "pci-dss-4.0.1")
        .expect("PCI DSS is listed");
    let policies = array(&pci["policyIds"]);
    assert!(!policies.is_empty(), "{pci}");
    let policy = policies[0].as_u64().expect("a policy id");
    let (_, controls) = server
        .get(token, &format!("/cspm/policy/{policy}/controls"))
        .await;
    let cid = array(&controls)[0]["controlId"].as_u64().expect("a CID");
    let (_, remediation) = server
        .get(token, &format!("/cspm/control/{cid}/remediation"))
        .await;
    assert_eq!(remediation["rationale"], array(&controls)[0]["description"]);
    assert!(!remediation["rationale"].as_str().unwrap_or("").is_empty());
}
