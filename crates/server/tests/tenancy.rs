//! Access: no token is 401; another tenant's objects answer 404 on every
//! endpoint, exactly as missing ones; a viewer reads and exports but every
//! write is 403.

mod support;

use posture_server::ManualClock;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::Arc;
use support::{Server, Setup, start_time};

struct Fixture {
    server: Server,
    tokens: support::Tokens,
    connector: i64,
    report: i64,
    resource: i64,
    cid: u64,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let server = Server::start(dir.path(), Setup::default(), clock).await;
    let tokens = support::tenants(&server.state);
    let connector = support::offline_sample(&server, &tokens.admin).await;
    let report = support::report(&server, &tokens.admin, connector, "pci-dss-4.0.1").await;
    let (_, resources) = server.get(&tokens.admin, "/cspm/resources?top=1").await;
    let resource = resources["data"][0]["id"].as_i64().expect("a resource");
    let (_, details) = server
        .get(&tokens.admin, &format!("/cspm/report/{report}"))
        .await;
    let cid = details["controls"][0]["controlId"]
        .as_u64()
        .expect("a control");
    Fixture {
        server,
        tokens,
        connector,
        report,
        resource,
        cid,
        _dir: dir,
    }
}

fn tenant_paths(f: &Fixture) -> Vec<(Method, String)> {
    let (c, r, res, cid) = (f.connector, f.report, f.resource, f.cid);
    vec![
        (Method::GET, format!("/cspm/connector/{c}")),
        (Method::GET, format!("/cspm/connector?id={c}")),
        (Method::DELETE, format!("/cspm/connector/{c}")),
        (Method::POST, format!("/cspm/connector/{c}/refresh")),
        (Method::POST, format!("/cspm/connector/{c}/inventory")),
        (Method::GET, format!("/cspm/report/{r}")),
        (Method::DELETE, format!("/cspm/report/{r}")),
        (Method::POST, format!("/cspm/report/run?reportConfigId={r}")),
        (
            Method::GET,
            format!("/cspm/report/{r}/control/{cid}/resources"),
        ),
        (Method::GET, format!("/cspm/report/{r}/export")),
        (Method::GET, format!("/cspm/resources/{res}")),
        (Method::GET, format!("/cspm/resources/{res}/evaluations")),
        (
            Method::GET,
            format!("/cspm/resources/{res}/evaluations/export"),
        ),
    ]
}

#[tokio::test]
async fn another_tenants_objects_are_not_found_on_every_endpoint() {
    let f = fixture().await;
    for (method, path) in tenant_paths(&f) {
        let body = (method == Method::POST).then(|| json!({}));
        let (status, answer) = f
            .server
            .call(method.clone(), Some(&f.tokens.other), &path, body.as_ref())
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {answer}");
        assert_eq!(answer["code"], "not_found", "{method} {path}");
    }
    // Lists show nothing of the other tenant.
    for path in [
        "/cspm/connector",
        "/cspm/report/list",
        "/cspm/resources",
        "/cspm/report/configuration",
    ] {
        let (status, answer) = f.server.get(&f.tokens.other, path).await;
        assert_eq!(status, StatusCode::OK);
        let text = answer.to_string();
        assert!(!text.contains("123456789012"), "{path} leaks: {text}");
    }
    // And the owner still has everything.
    let (status, _) = f
        .server
        .get(&f.tokens.admin, &format!("/cspm/report/{}", f.report))
        .await;
    assert_eq!(status, StatusCode::OK);
    f.server.stop().await;
}

#[tokio::test]
async fn a_viewer_reads_and_exports_but_cannot_write() {
    let f = fixture().await;
    let viewer = f.tokens.viewer.as_str();
    for path in [
        "/cspm/connector".to_string(),
        format!("/cspm/report/{}", f.report),
        "/cspm/resources".to_string(),
        "/cspm/report/list/export".to_string(),
        format!("/cspm/report/{}/export", f.report),
        "/cspm/resources/export".to_string(),
        "/cspm/summary".to_string(),
    ] {
        let (status, _) = f.server.get_text(viewer, &path).await;
        assert_eq!(status, StatusCode::OK, "viewer GET {path}");
    }
    let writes = [
        (
            Method::POST,
            "/cspm/connector".to_string(),
            json!({"name": "x", "provider": "AWS", "offline": true, "accountId": "210987654321"}),
        ),
        (
            Method::DELETE,
            format!("/cspm/connector/{}", f.connector),
            json!(null),
        ),
        (
            Method::POST,
            format!("/cspm/connector/{}/refresh", f.connector),
            json!({}),
        ),
        (
            Method::POST,
            format!("/cspm/connector/{}/inventory", f.connector),
            json!({}),
        ),
        (
            Method::POST,
            "/cspm/report/configuration".to_string(),
            json!({"title": "x"}),
        ),
        (
            Method::POST,
            format!("/cspm/report/run?reportConfigId={}", f.report),
            json!({}),
        ),
        (
            Method::DELETE,
            format!("/cspm/report/{}", f.report),
            json!(null),
        ),
        (
            Method::GET,
            "/cspm/connector?refresh=true".to_string(),
            json!(null),
        ),
    ];
    for (method, path, body) in writes {
        let body = (!body.is_null()).then_some(body);
        let (status, answer) = f
            .server
            .call(method.clone(), Some(viewer), &path, body.as_ref())
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "viewer {method} {path}: {answer}"
        );
        assert_eq!(answer["code"], "forbidden");
    }
    f.server.stop().await;
}

#[tokio::test]
async fn no_token_or_a_bad_one_is_unauthorized() {
    let f = fixture().await;
    for token in [None, Some("pst_not-a-token")] {
        let (status, answer) = f
            .server
            .call(Method::GET, token, "/cspm/connector", None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer["code"], "unauthorized");
    }
    // Health needs no token.
    let (status, _) = f.server.call(Method::GET, None, "/healthz", None).await;
    assert_eq!(status, StatusCode::OK);
    f.server.stop().await;
}

#[tokio::test]
async fn portal_login_sets_a_session_that_logout_ends() {
    let f = fixture().await;
    let (status, answer) = f
        .server
        .call(
            Method::POST,
            None,
            "/auth/login",
            Some(&json!({"email": "admin@acme.test", "password": "wrong"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    // Generated passwords are printed once; make a user with a known one.
    let hash = posture_server::passwords::hash_password("correct horse battery").expect("hash");
    let store = f.server.state.store.as_ref();
    let tenant = store.tenant_by_name("acme").expect("acme");
    store
        .create_user(&posture_store::NewUser {
            tenant: tenant.id,
            email: "reader@acme.test".into(),
            password_hash: hash,
            role: posture_store::Role::Viewer,
            created_at: start_time(),
        })
        .expect("a user");
    let response = f
        .server
        .http
        .post(f.server.url("/auth/login"))
        .json(&json!({"email": "Reader@acme.test", "password": "correct horse battery"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("text")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().expect("name=value").to_string();
    let me = f
        .server
        .http
        .get(f.server.url("/auth/me"))
        .header("cookie", &session)
        .send()
        .await
        .expect("answer");
    assert_eq!(me.status(), StatusCode::OK);
    let me: serde_json::Value = me.json().await.expect("json");
    assert_eq!(me["role"], "viewer");
    assert_eq!(me["tenant"], "acme");
    let out = f
        .server
        .http
        .post(f.server.url("/auth/logout"))
        .header("cookie", &session)
        .send()
        .await
        .expect("answer");
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = f
        .server
        .http
        .get(f.server.url("/auth/me"))
        .header("cookie", &session)
        .send()
        .await
        .expect("answer");
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    f.server.stop().await;
}
