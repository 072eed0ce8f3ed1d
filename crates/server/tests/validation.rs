//! Bad input of every kind answers 400 naming the field (never 500),
//! duplicates answer 409, oversized bodies 413, and credentials never come
//! back: not in a response, not in the database file in clear.

mod support;

use posture_server::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use support::{Server, Setup, start_time};

async fn server() -> (Server, support::Tokens, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let server = Server::start(dir.path(), Setup::default(), clock).await;
    let tokens = support::tenants(&server.state);
    (server, tokens, dir)
}

fn aws(external_id: &str) -> Value {
    json!({
        "name": "prod", "provider": "AWS",
        "arn": "arn:aws:iam::123456789012:role/posture-audit",
        "externalId": external_id
    })
}

const AZURE_SECRET: &str = "azure-client-secret-Zq8~never-shown";
const GCP_KEY_MARK: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";

fn azure() -> Value {
    json!({
        "name": "subscription", "provider": "Azure",
        "applicationId": "8a6d3c1e-4f7b-4a2c-9d1e-2b3c4d5e6f70",
        "directoryId": "11111111-2222-3333-4444-555555555555",
        "subscriptionId": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "authenticationKey": AZURE_SECRET
    })
}

fn gcp_key() -> String {
    json!({
        "type": "service_account",
        "project_id": "acme-prod-123",
        "private_key_id": "0123456789abcdef",
        "private_key": format!("-----BEGIN PRIVATE KEY-----\n{GCP_KEY_MARK}\n-----END PRIVATE KEY-----\n"),
        "client_email": "posture@acme-prod-123.iam.gserviceaccount.com",
        "client_id": "123456789012345678901",
        "token_uri": "https://oauth2.googleapis.com/token"
    })
    .to_string()
}

fn gcp() -> Value {
    json!({"name": "project", "provider": "GCP", "projectId": "acme-prod-123", "gcpConfigJson": gcp_key()})
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

fn without(mut body: Value, key: &str) -> Value {
    body.as_object_mut().expect("an object").remove(key);
    body
}

#[tokio::test]
async fn bad_connector_bodies_name_the_field() {
    let (server, tokens, _dir) = server().await;
    let (_, details) = server
        .get(&tokens.admin, "/cspm/connector/create-details?provider=aws")
        .await;
    let external = details["externalId"]
        .as_str()
        .expect("an external ID")
        .to_string();
    let good = aws(&external);
    let mut gcp_missing_email: Value = serde_json::from_str(&gcp_key()).expect("json");
    gcp_missing_email
        .as_object_mut()
        .expect("object")
        .remove("client_email");
    let cases: Vec<(Value, &str)> = vec![
        (without(good.clone(), "name"), "name"),
        (with(good.clone(), "name", json!("   ")), "name"),
        (with(good.clone(), "name", json!(42)), "name"),
        (without(good.clone(), "provider"), "provider"),
        (with(good.clone(), "provider", json!("oracle")), "provider"),
        (without(good.clone(), "arn"), "arn"),
        (
            with(good.clone(), "arn", json!("arn:aws:iam::12345:role/x")),
            "arn",
        ),
        (
            with(
                good.clone(),
                "arn",
                json!("arn:aws:iam::123456789012:user/bob"),
            ),
            "arn",
        ),
        (with(good.clone(), "arn", json!("not an arn")), "arn"),
        (without(good.clone(), "externalId"), "externalId"),
        (with(good.clone(), "externalId", json!("x")), "externalId"),
        (
            with(good.clone(), "externalId", json!("another-tenants-id")),
            "externalId",
        ),
        (with(good.clone(), "isGovCloud", json!("yes")), "isGovCloud"),
        (with(good.clone(), "isGovCloud", json!(true)), "arn"),
        (
            with(
                with(good.clone(), "isGovCloud", json!(true)),
                "isChinaRegion",
                json!(true),
            ),
            "isGovCloud",
        ),
        (
            with(azure(), "applicationId", json!("not-a-guid")),
            "applicationId",
        ),
        (
            with(
                azure(),
                "directoryId",
                json!("11111111222233334444555555555555"),
            ),
            "directoryId",
        ),
        (without(azure(), "subscriptionId"), "subscriptionId"),
        (without(azure(), "authenticationKey"), "authenticationKey"),
        (with(gcp(), "projectId", json!("Bad_Project")), "projectId"),
        (
            with(gcp(), "gcpConfigJson", json!("{not json")),
            "gcpConfigJson",
        ),
        (
            with(gcp(), "gcpConfigJson", json!(gcp_missing_email.to_string())),
            "gcpConfigJson",
        ),
        (without(gcp(), "gcpConfigJson"), "gcpConfigJson"),
        (
            json!({"name": "off", "provider": "AWS", "offline": true}),
            "accountId",
        ),
        (
            json!({"name": "off", "provider": "AWS", "offline": true, "accountId": "12"}),
            "accountId",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = server.post(&tokens.admin, "/cspm/connector", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["code"], "bad_request", "{body}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
        assert!(
            !answer.to_string().contains(GCP_KEY_MARK),
            "the key leaks: {answer}"
        );
    }
    // Not JSON at all, and an empty body.
    for raw in ["{", "", "[1,2]"] {
        let response = server
            .http
            .post(server.url("/cspm/connector"))
            .bearer_auth(&tokens.admin)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{raw:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn duplicates_conflict_and_credentials_never_show() {
    let (server, tokens, dir) = server().await;
    for body in [azure(), gcp()] {
        let (status, answer) = server.post(&tokens.admin, "/cspm/connector", &body).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let (status, answer) = server.post(&tokens.admin, "/cspm/connector", &body).await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "the same scope twice: {answer}"
        );
        assert_eq!(answer["code"], "conflict");
        // Another tenant may connect the same scope.
        let (status, _) = server.post(&tokens.other, "/cspm/connector", &body).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    server.drain().await;
    let (_, list) = server.get(&tokens.admin, "/cspm/connector").await;
    let text = list.to_string();
    assert!(
        !text.contains(AZURE_SECRET) && !text.contains(GCP_KEY_MARK),
        "{text}"
    );
    assert!(!text.contains("authenticationKey") && !text.contains("gcpConfigJson"));
    let connectors = list["connectors"].as_array().expect("a list");
    assert_eq!(connectors.len(), 2);
    // Checked with the real collectors: Azure's token endpoint is a closed
    // port here, and this GCP key's private key is no key at all.
    assert_eq!(connectors[0]["state"], "Offline", "{list}");
    assert_eq!(connectors[0]["error"], "network", "{list}");
    assert_eq!(connectors[1]["state"], "Offline", "{list}");
    assert_eq!(connectors[1]["error"], "malformed_key", "{list}");
    assert_eq!(
        connectors[1]["clientEmail"],
        "posture@acme-prod-123.iam.gserviceaccount.com"
    );
    // At rest, sealed: the database holds neither secret in clear.
    for entry in std::fs::read_dir(dir.path()).expect("the data dir") {
        let path = entry.expect("an entry").path();
        if path.is_file() {
            let bytes = std::fs::read(&path).expect("readable");
            let haystack = String::from_utf8_lossy(&bytes);
            assert!(
                !haystack.contains(AZURE_SECRET),
                "{} holds the secret",
                path.display()
            );
            assert!(
                !haystack.contains(GCP_KEY_MARK),
                "{} holds the key",
                path.display()
            );
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_report_configurations_name_the_field() {
    let (server, tokens, _dir) = server().await;
    let connector = support::offline_sample(&server, &tokens.admin).await;
    let (_, azure_created) = server
        .post(&tokens.admin, "/cspm/connector", &azure())
        .await;
    let azure_connector = azure_created["id"].as_i64().expect("an id");
    let pci = support::mid(&server.state, "pci-dss-4.0.1");
    let good =
        json!({"title": "PCI", "cloudtype": "AWS", "mandateId": pci, "connectorIds": [connector]});
    let cases: Vec<(Value, &str)> = vec![
        (without(good.clone(), "title"), "title"),
        (without(good.clone(), "cloudtype"), "cloudtype"),
        (with(good.clone(), "cloudtype", json!("IBM")), "cloudtype"),
        (without(good.clone(), "mandateId"), "mandateId"),
        (with(good.clone(), "mandateId", json!(999)), "mandateId"),
        (with(good.clone(), "mandateId", json!("pci")), "mandateId"),
        (
            with(good.clone(), "connectorIds", json!([])),
            "connectorIds",
        ),
        (
            with(good.clone(), "connectorIds", json!([connector, connector])),
            "connectorIds",
        ),
        (
            with(good.clone(), "connectorIds", json!([987654])),
            "connectorIds[0]",
        ),
        (
            with(
                good.clone(),
                "connectorIds",
                json!([connector, azure_connector]),
            ),
            "connectorIds[1]",
        ),
        (
            with(good.clone(), "connectorIds", json!("1")),
            "connectorIds",
        ),
        (
            with(good.clone(), "policies", json!(["no-such-policy"])),
            "policies[0]",
        ),
        (
            with(good.clone(), "format", json!("x".repeat(100))),
            "format",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = server
            .post(&tokens.admin, "/cspm/report/configuration", &body)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
    }
    let (status, _) = server
        .post(&tokens.admin, "/cspm/report/configuration", &good)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, answer) = server
        .post(&tokens.admin, "/cspm/report/configuration", &good)
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the same mandate and connector twice: {answer}"
    );
    let (_, list) = server.get(&tokens.admin, "/cspm/report/list").await;
    assert_eq!(
        list.as_array().expect("a list").len(),
        1,
        "nothing half-made"
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_queries_paths_and_sizes() {
    let (server, tokens, _dir) = server().await;
    let cases = [
        ("/cspm/resources?top=0", "top"),
        ("/cspm/resources?top=101", "top"),
        ("/cspm/resources?top=ten", "top"),
        ("/cspm/resources?sort=colour", "sort"),
        ("/cspm/resources?order=up", "order"),
        ("/cspm/resources?provider=ibm", "provider"),
        ("/cspm/policies?provider=ibm", "provider"),
        ("/cspm/usage?startDate=2026-13-01", "startDate"),
        (
            "/cspm/usage?startDate=2026-03-10&endDate=2026-03-01",
            "endDate",
        ),
        ("/cspm/resources/1/evaluations?result=MAYBE", "result"),
    ];
    for (path, field) in cases {
        let (status, answer) = server.get(&tokens.admin, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
        assert_eq!(answer["field"], field, "{path}: {answer}");
    }
    for path in ["/cspm/report/abc", "/cspm/resources/x1"] {
        let (status, answer) = server.get(&tokens.admin, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
    }
    for path in [
        "/cspm/report/424242",
        "/cspm/resources/424242",
        "/cspm/connector/424242",
        "/cspm/control/1/remediation",
        "/cspm/policy/999/controls",
        "/no/such/endpoint",
    ] {
        let (status, answer) = server.get(&tokens.admin, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
        assert_eq!(answer["code"], "not_found");
    }
    let (status, _) = server.delete(&tokens.admin, "/cspm/summary").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, answer) = server
        .post(
            &tokens.admin,
            "/cspm/connector",
            &json!({"name": "x".repeat(2 * 1024 * 1024)}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_eq!(answer["code"], "payload_too_large");
    // A bad inventory upload changes nothing.
    let connector = support::offline_sample(&server, &tokens.admin).await;
    let response = server
        .http
        .post(server.url(&format!("/cspm/connector/{connector}/inventory")))
        .bearer_auth(&tokens.admin)
        .body("{\"format\":\"posture-inventory\"}\nnot json\n")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer: Value = response.json().await.expect("json");
    assert_eq!(answer["field"], "inventory");
    let (_, one) = server
        .get(&tokens.admin, &format!("/cspm/connector/{connector}"))
        .await;
    assert!(
        one["totalAssets"].as_i64().expect("assets") > 50,
        "the sample stays: {one}"
    );
    server.stop().await;
}
