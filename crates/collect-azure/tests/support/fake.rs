//! A local fake of the Microsoft identity platform's token endpoint, Azure
//! Resource Manager, Microsoft Graph and the Key Vault data plane, on
//! 127.0.0.1 and a free port. It serves the recorded fixture files under
//! `tests/fixtures/<family>/` (response bodies shaped as the Azure REST API
//! reference documents them), checks bearer tokens and api-versions, and
//! plays scripted faults: throttling with Retry-After, a server error once,
//! 403 for denied resource types, token errors with AADSTS codes.
//!
//! Fixture paths mirror request paths: `GET /subscriptions/{sub}/x/y`
//! serves `<family>/x/y.json` (the subscription itself is
//! `subscription.json`), Graph's `/graph/v1.0/users` serves
//! `graph/v1.0/users.json`, and a `$skiptoken=N` query serves `<path>.N.json`
//! (the next page). `{base}` inside a fixture is replaced by the fake's URL.

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub const TENANT: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
pub const CLIENT: &str = "11111111-2222-4333-8444-555555555555";
pub const SECRET: &str = "good-secret";
/// A secret the fake says has expired (AADSTS7000222).
pub const EXPIRED_SECRET: &str = "expired-secret";
pub const SUBSCRIPTION: &str = "6f1d4a2b-3c5e-4f70-8a91-b2c3d4e5f607";

const ARM_TOKEN: &str = "arm-token";
const GRAPH_TOKEN: &str = "graph-token";
const VAULT_TOKEN: &str = "vault-token";

/// The api-version each resource type is served with: the first entry
/// whose fragment the path contains decides (specific entries first).
const API_VERSIONS: &[(&str, &str)] = &[
    (
        "/providers/Microsoft.Insights/diagnosticSettings",
        "2021-05-01-preview",
    ),
    ("/sqlVulnerabilityAssessments", "2022-11-01-preview"),
    ("Microsoft.Security/pricings", "2024-01-01"),
    ("Microsoft.Security/securityContacts", "2023-12-01-preview"),
    (
        "Microsoft.Security/autoProvisioningSettings",
        "2017-08-01-preview",
    ),
    ("Microsoft.Security/settings", "2022-05-01"),
    ("Microsoft.Storage/storageAccounts", "2023-05-01"),
    ("Microsoft.Sql/servers", "2021-11-01"),
    ("Microsoft.DBforMySQL/flexibleServers", "2023-12-30"),
    ("Microsoft.DBforPostgreSQL/flexibleServers", "2024-08-01"),
    ("Microsoft.Insights/activityLogAlerts", "2020-10-01"),
    ("Microsoft.Insights/components", "2020-02-02"),
    ("Microsoft.KeyVault/vaults", "2023-07-01"),
    ("Microsoft.Network/", "2023-11-01"),
    ("Microsoft.Compute/disks", "2023-10-02"),
    ("Microsoft.Compute/", "2024-03-01"),
    ("Microsoft.Web/", "2023-12-01"),
    ("Microsoft.ContainerService/", "2024-05-01"),
    ("Microsoft.Authorization/roleDefinitions", "2022-04-01"),
    ("/resources", "2021-04-01"),
];

/// Faults to play, set by a test before (or between) runs.
#[derive(Debug, Default)]
pub struct Script {
    /// Paths answered 429 with `Retry-After` the given number of times.
    pub throttle: HashMap<String, (u32, u64)>,
    /// Paths answered 500 once.
    pub fail_once: Vec<String>,
    /// Path fragments (resource types) answered 403 AuthorizationFailed.
    pub deny: Vec<String>,
    /// Resource provider namespaces answered 409 MissingSubscriptionRegistration.
    pub unregistered: Vec<String>,
    /// Every Graph call answered 403 Authorization_RequestDenied.
    pub graph_denied: bool,
    /// The subscription's `state` (Enabled when unset).
    pub subscription_state: Option<String>,
    /// The next ARM call is refused with 401, as for a revoked token.
    pub revoke_token_once: bool,
    /// Paths answered only after this many milliseconds, once.
    pub delay_once: HashMap<String, u64>,
}

/// One request the fake answered.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: String,
    pub path: String,
    pub query: String,
    /// The HTTP status; 0 for a request delayed past the client's timeout.
    pub status: u16,
}

#[derive(Debug)]
struct State {
    base: String,
    fixtures: PathBuf,
    script: Mutex<Script>,
    hits: Mutex<Vec<Hit>>,
    tokens_issued: Mutex<BTreeMap<String, u32>>,
}

/// A running fake; stops when dropped.
#[derive(Debug)]
pub struct Fake {
    pub base: String,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Fake {
    pub async fn start() -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port on 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let state = Arc::new(State {
            base: base.clone(),
            // From this crate or any other that includes this file by path.
            fixtures: PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../collect-azure/tests/fixtures"),
            script: Mutex::default(),
            hits: Mutex::default(),
            tokens_issued: Mutex::default(),
        });
        let shared = Arc::clone(&state);
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = Arc::clone(&shared);
                async move {
                    let delay = state
                        .script
                        .lock()
                        .expect("script lock")
                        .delay_once
                        .remove(uri.path());
                    if let Some(millis) = delay {
                        // Recorded now: the client gives up before the answer,
                        // and the server may drop this future with the connection.
                        state.hits.lock().expect("hits lock").push(Hit {
                            method: method.to_string(),
                            path: uri.path().to_owned(),
                            query: uri.query().unwrap_or_default().to_owned(),
                            status: 0,
                        });
                        tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
                        let query = uri.query().unwrap_or_default();
                        return answer(&state, &method, uri.path(), query, &headers, &body);
                    }
                    handle(&state, method, uri, headers, body)
                }
            },
        );
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake server");
        });
        Fake { base, state, task }
    }

    /// Changes the faults to play.
    pub fn script(&self, edit: impl FnOnce(&mut Script)) {
        edit(&mut self.state.script.lock().expect("script lock"));
    }

    /// Every request answered so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().expect("hits lock").clone()
    }

    /// How many times `path` was requested (all attempts).
    pub fn attempts(&self, path: &str) -> usize {
        self.hits().iter().filter(|h| h.path == path).count()
    }

    /// Tokens issued per scope.
    pub fn tokens_issued(&self) -> BTreeMap<String, u32> {
        self.state
            .tokens_issued
            .lock()
            .expect("tokens lock")
            .clone()
    }

    /// Options that reach this fake with the good credentials.
    pub fn options(&self) -> posture_collect_azure::AzureOptions {
        let mut options =
            posture_collect_azure::AzureOptions::new(TENANT, CLIENT, SECRET, SUBSCRIPTION);
        options.authority_host = Some(self.base.clone());
        options.arm_endpoint = Some(self.base.clone());
        options.graph_endpoint = Some(format!("{}/graph", self.base));
        options.max_attempts = 4;
        options.timeout = std::time::Duration::from_secs(10);
        options
    }
}

fn handle(state: &State, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().unwrap_or_default().to_owned();
    let response = answer(state, &method, &path, &query, &headers, &body);
    state.hits.lock().expect("hits lock").push(Hit {
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
    });
    response
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

fn answer(
    state: &State,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    if path.ends_with("/oauth2/v2.0/token") {
        return token(state, method, path, body);
    }
    if method != Method::GET {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "the collector must only read",
        );
    }
    let params: HashMap<String, String> = form_urlencoded(query);
    let (expected_token, file) = if let Some(rest) = path.strip_prefix("/graph/") {
        (GRAPH_TOKEN, format!("graph/{rest}"))
    } else if path.starts_with("/vaults/") {
        (VAULT_TOKEN, path.trim_start_matches('/').to_owned())
    } else {
        let prefix = format!("/subscriptions/{SUBSCRIPTION}");
        let Some(rest) = path.strip_prefix(&prefix) else {
            return error(
                StatusCode::NOT_FOUND,
                "SubscriptionNotFound",
                &format!("The subscription '{path}' could not be found."),
            );
        };
        let rest = rest.trim_start_matches('/');
        (
            ARM_TOKEN,
            if rest.is_empty() {
                "subscription".to_owned()
            } else {
                rest.to_owned()
            },
        )
    };
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(expected_token) {
        return error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
        );
    }
    if expected_token == ARM_TOKEN {
        let expected = API_VERSIONS
            .iter()
            .find(|(fragment, _)| path.contains(fragment))
            .map_or("2022-12-01", |(_, version)| version);
        if params.get("api-version").map(String::as_str) != Some(expected) {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidApiVersionParameter",
                &format!(
                    "The api-version '{:?}' is invalid here; this fake serves {expected}.",
                    params.get("api-version")
                ),
            );
        }
    }
    if expected_token == VAULT_TOKEN && params.get("api-version").map(String::as_str) != Some("7.4")
    {
        return error(
            StatusCode::BAD_REQUEST,
            "BadParameter",
            "api-version must be 7.4",
        );
    }
    let mut script = state.script.lock().expect("script lock");
    if expected_token == ARM_TOKEN && script.revoke_token_once {
        script.revoke_token_once = false;
        return error(
            StatusCode::UNAUTHORIZED,
            "ExpiredAuthenticationToken",
            "The access token expiry UTC time is earlier than current UTC time.",
        );
    }
    if let Some((remaining, seconds)) = script.throttle.get_mut(path)
        && *remaining > 0
    {
        *remaining -= 1;
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "The request is being throttled.",
        );
        response.headers_mut().insert(
            "retry-after",
            seconds.to_string().parse().expect("header value"),
        );
        return response;
    }
    if let Some(index) = script.fail_once.iter().position(|p| p == path) {
        script.fail_once.remove(index);
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "Encountered internal server error.",
        );
    }
    if expected_token == GRAPH_TOKEN && script.graph_denied {
        return error(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    if let Some(fragment) = script.deny.iter().find(|f| path.contains(f.as_str())) {
        return error(
            StatusCode::FORBIDDEN,
            "AuthorizationFailed",
            &format!(
                "The client '{CLIENT}' does not have authorization to perform action over scope '{path}' ({fragment})."
            ),
        );
    }
    if let Some(namespace) = script
        .unregistered
        .iter()
        .find(|n| path.contains(&format!("/providers/{n}/")))
    {
        return error(
            StatusCode::CONFLICT,
            "MissingSubscriptionRegistration",
            &format!("The subscription is not registered to use namespace '{namespace}'."),
        );
    }
    let subscription_state = script.subscription_state.clone();
    drop(script);
    let page = params
        .get("$skiptoken")
        .map(|t| format!(".{t}"))
        .unwrap_or_default();
    match fixture(state, &format!("{file}{page}.json")) {
        Some(mut body) => {
            if file == "subscription"
                && let Some(s) = subscription_state
            {
                body["state"] = json!(s);
            }
            axum::Json(body).into_response()
        }
        None if expected_token == GRAPH_TOKEN => error(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            "Resource does not exist.",
        ),
        None => error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            &format!("The Resource '{path}' was not found."),
        ),
    }
}

/// The fixture file `relative` in any family folder, with `{base}` filled in.
fn fixture(state: &State, relative: &str) -> Option<Value> {
    let families = std::fs::read_dir(&state.fixtures).ok()?;
    for family in families.flatten() {
        let candidate = family.path().join(relative);
        if let Ok(text) = std::fs::read_to_string(&candidate) {
            let text = text.replace("{base}", &state.base);
            return Some(
                serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", candidate.display())),
            );
        }
    }
    None
}

fn form_urlencoded(text: &str) -> HashMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let text = text.replace('+', " ");
    percent_encoding::percent_decode_str(&text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The token endpoint: the client credentials grant, with Microsoft's
/// error answers (AADSTS codes) for a wrong tenant, client or secret.
fn token(state: &State, method: &Method, path: &str, body: &Bytes) -> Response {
    let aad_error = |status: StatusCode, error: &str, code: u32, text: &str| {
        (
            status,
            axum::Json(json!({
                "error": error,
                "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: 00000000-0000-0000-0000-000000000000\r\nCorrelation ID: 00000000-0000-0000-0000-000000000000\r\nTimestamp: 2026-11-22 10:00:00Z"),
                "error_codes": [code],
                "timestamp": "2026-11-22 10:00:00Z",
                "trace_id": "00000000-0000-0000-0000-000000000000",
                "correlation_id": "00000000-0000-0000-0000-000000000000",
                "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
            })),
        )
            .into_response()
    };
    if method != Method::POST {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "POST only",
        );
    }
    let form = form_urlencoded(&String::from_utf8_lossy(body));
    let tenant = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if tenant != TENANT {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        );
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type.",
        );
    }
    if form.get("client_id").map(String::as_str) != Some(CLIENT) {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            "Application with identifier was not found in the directory.",
        );
    }
    match form.get("client_secret").map(String::as_str) {
        Some(SECRET) => {}
        Some(EXPIRED_SECRET) => {
            return aad_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7000222,
                "The provided client secret keys for app are expired.",
            );
        }
        _ => {
            return aad_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
            );
        }
    }
    let scope = form.get("scope").cloned().unwrap_or_default();
    let token = match scope.as_str() {
        "https://management.azure.com/.default" => ARM_TOKEN,
        "https://graph.microsoft.com/.default" => GRAPH_TOKEN,
        "https://vault.azure.net/.default" => VAULT_TOKEN,
        _ => {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                1002012,
                "The provided value for scope is not valid.",
            );
        }
    };
    *state
        .tokens_issued
        .lock()
        .expect("tokens lock")
        .entry(scope)
        .or_default() += 1;
    axum::Json(json!({
        "token_type": "Bearer",
        "expires_in": 3599,
        "ext_expires_in": 3599,
        "access_token": token,
    }))
    .into_response()
}
