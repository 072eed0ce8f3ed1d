//! A real posture server for tests: its own data directory, the SQLite
//! store, a clock the test moves, listening on 127.0.0.1:0, driven over
//! HTTP with reqwest. Two tenants: "acme" (an admin and a viewer) and
//! "globex" (an admin), to check isolation.

#![allow(dead_code)]

#[path = "../../../collect-aws/tests/support/moto.rs"]
pub mod moto;

use chrono::TimeZone;
use posture_server::admin::{create_tenant, create_user};
use posture_server::secrets::SecretKey;
use posture_server::serve::{Roles, run};
use posture_server::{AppState, ManualClock, ServerConfig};
use posture_store::Role;
use posture_store::sqlite::SqliteStore;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub struct Tokens {
    pub admin: String,
    pub viewer: String,
    pub other: String,
}

pub struct Server {
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub base: String,
    pub http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Settings for a test server.
#[derive(Clone, Default)]
pub struct Setup {
    pub aws_endpoint: Option<String>,
    /// A fake Azure (token endpoint and Resource Manager at its base,
    /// Graph under `/graph`); `None` is a closed local port.
    pub azure_endpoint: Option<String>,
    /// A fake of Google's APIs; `None` is a closed local port.
    pub gcp_endpoint: Option<String>,
    pub workers: usize,
}

pub fn start_time() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("a valid time")
}

/// The key every test server in one data directory shares.
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

impl Server {
    pub async fn start(dir: &Path, setup: Setup, clock: Arc<ManualClock>) -> Server {
        let store = SqliteStore::open(dir).expect("open the store");
        let catalog = posture_catalog::Catalog::embedded().expect("the catalogue loads");
        let mut config = ServerConfig::new(
            dir.to_path_buf(),
            SecretKey::from_base64(KEY).expect("a valid key"),
        );
        config.aws_endpoint_url = setup.aws_endpoint.clone();
        config.aws_platform_keys = Some(posture_collect_aws::AccessKeys::new("testing", "testing"));
        config.aws_regions = vec!["us-east-1".into()];
        // Azure and GCP connectors reach their fakes, or nothing outside: a
        // closed local port.
        let nowhere = "http://127.0.0.1:9".to_string();
        let azure = setup
            .azure_endpoint
            .clone()
            .unwrap_or_else(|| nowhere.clone());
        config.azure.authority_host = Some(azure.clone());
        config.azure.arm_endpoint = Some(azure.clone());
        config.azure.graph_endpoint = Some(format!("{azure}/graph"));
        config.gcp_api_endpoint = Some(setup.gcp_endpoint.clone().unwrap_or(nowhere));
        config.job_poll = Duration::from_millis(50);
        config.worker_id = format!("test-worker-{}", rand_suffix());
        let state = AppState::new(Arc::new(store), Arc::new(catalog), config, clock.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let roles = Roles {
            http: true,
            workers: setup.workers,
            retention: false,
        };
        let served = state.clone();
        let task = tokio::spawn(async move {
            run(Some(listener), served, roles, async {
                let _ = stopped.await;
            })
            .await
            .expect("the server runs");
        });
        Server {
            state,
            clock,
            base,
            http: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops gracefully and waits.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, Some(token), path, None)
            .await
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, Some(token), path, Some(body))
            .await
    }

    pub async fn delete(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::DELETE, Some(token), path, None)
            .await
    }

    pub async fn get_text(&self, token: &str, path: &str) -> (StatusCode, String) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("the server answers");
        let status = response.status();
        (status, response.text().await.expect("a body"))
    }

    /// Runs every due job now.
    pub async fn drain(&self) -> usize {
        posture_server::jobs::drain(&self.state).await
    }
}

fn rand_suffix() -> String {
    uuid_like()
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Creates the two tenants and their users.
pub fn tenants(state: &AppState) -> Tokens {
    let store = state.store.as_ref();
    let now = state.now();
    create_tenant(store, "acme", now).expect("tenant acme");
    create_tenant(store, "globex", now).expect("tenant globex");
    let admin = create_user(store, "acme", "admin@acme.test", Role::Admin, now).expect("admin");
    let viewer = create_user(store, "acme", "viewer@acme.test", Role::Viewer, now).expect("viewer");
    let other = create_user(store, "globex", "admin@globex.test", Role::Admin, now).expect("other");
    Tokens {
        admin: admin.token,
        viewer: viewer.token,
        other: other.token,
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn sample_inventory() -> Vec<u8> {
    std::fs::read(repo_root().join("examples/aws-sample.jsonl")).expect("the sample inventory")
}

/// An offline AWS connector holding the sample estate; returns its id.
pub async fn offline_sample(server: &Server, token: &str) -> i64 {
    let (status, created) = server
        .post(
            token,
            "/cspm/connector",
            &serde_json::json!({
                "name": "sample", "provider": "AWS", "offline": true, "accountId": "123456789012"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("an id");
    let response = server
        .http
        .post(server.url(&format!("/cspm/connector/{id}/inventory")))
        .bearer_auth(token)
        .body(sample_inventory())
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::OK);
    id
}

/// The mandate number of a catalogue mandate.
pub fn mid(state: &AppState, slug: &str) -> u32 {
    state
        .catalog
        .mandates
        .iter()
        .find(|m| m.id == slug)
        .map(|m| m.mid)
        .expect("the mandate exists")
}

/// A report of `mandate` on `connector`, its first run done; returns its id.
pub async fn report(server: &Server, token: &str, connector: i64, mandate: &str) -> i64 {
    let (status, created) = server
        .post(
            token,
            "/cspm/report/configuration",
            &serde_json::json!({
                "title": format!("{mandate} report"),
                "cloudtype": "AWS",
                "mandateId": mid(&server.state, mandate),
                "connectorIds": [connector],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    server.drain().await;
    created["reportIds"][0].as_i64().expect("a report id")
}
