//! A local fake of Google's APIs on 127.0.0.1:0: an OAuth2 token endpoint
//! that checks the JWT assertion's RS256 signature against the test key's
//! public half and issues bearer tokens, and the REST APIs, which check the
//! token and answer from recorded fixture files
//! (`tests/fixtures/<service>/<path>.json`, `<path>.page-<token>.json` for
//! later pages). Faults are scripted per path: throttling, API not enabled,
//! permission denied; token refusals per test. Other crates' tests may
//! include this file with `#[path]` (it needs axum, rsa, base64,
//! percent-encoding, chrono, serde_json and tokio as dev-dependencies).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::sha2::Sha256;
use rsa::signature::Verifier;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

pub const PROJECT: &str = "posture-fake-project";
pub const PROJECT_NUMBER: &str = "415104041262";
pub const CLIENT_EMAIL: &str = "posture-reader@posture-fake-project.iam.gserviceaccount.com";

/// A test RSA key, generated once per test binary (never committed).
pub struct TestKey {
    pub private_pem: String,
    pub public: RsaPublicKey,
}

pub fn test_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(generate_key)
}

/// A second key, for "the key Google knows is not this one".
pub fn other_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(generate_key)
}

fn generate_key() -> TestKey {
    let mut rng = rsa::rand_core::OsRng;
    let private = RsaPrivateKey::new(&mut rng, 2048).expect("generate a test RSA key");
    let private_pem = private
        .to_pkcs8_pem(LineEnding::LF)
        .expect("encode the test key")
        .to_string();
    TestKey {
        public: private.to_public_key(),
        private_pem,
    }
}

/// `tests/fixtures` beside this file, also when another crate's tests
/// include it with `#[path]` (the CLI's end-to-end tests): `file!()` is
/// relative to the workspace root, two levels above any crate.
fn fixtures_dir() -> PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let here = root.join(file!());
    here.parent()
        .and_then(std::path::Path::parent)
        .map(|tests| tests.join("fixtures"))
        .expect("fake.rs lies in tests/support")
}

/// A scripted answer for requests whose path contains `path_contains`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub path_contains: String,
    pub status: u16,
    pub body: Value,
    /// How many requests it answers; then the path behaves normally.
    pub times: usize,
}

#[derive(Default)]
struct Script {
    faults: Vec<Fault>,
    token_error: Option<Value>,
}

struct Shared {
    fixtures: PathBuf,
    public: RsaPublicKey,
    token_uri: String,
    tokens: Mutex<HashSet<String>>,
    script: Mutex<Script>,
    /// Every API request: (method, path, page token).
    requests: Mutex<Vec<(String, String, Option<String>)>>,
    token_requests: Mutex<usize>,
}

/// The running fake.
pub struct Fake {
    pub url: String,
    shared: Arc<Shared>,
}

impl Fake {
    /// Starts the fake; its token endpoint trusts `trusted`'s public key.
    pub async fn start_trusting(trusted: &TestKey) -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let shared = Arc::new(Shared {
            fixtures: fixtures_dir(),
            public: trusted.public.clone(),
            token_uri: format!("{url}/token"),
            tokens: Mutex::default(),
            script: Mutex::default(),
            requests: Mutex::default(),
            token_requests: Mutex::default(),
        });
        let app = Router::new()
            .route("/token", post(token))
            .fallback(api)
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake server");
        });
        Fake { url, shared }
    }

    pub async fn start() -> Fake {
        Fake::start_trusting(test_key()).await
    }

    pub fn token_uri(&self) -> String {
        self.shared.token_uri.clone()
    }

    /// A service-account key file's JSON for the test key, pointing at this fake.
    pub fn key_json(&self, email: &str) -> String {
        json!({
            "type": "service_account",
            "project_id": PROJECT,
            "private_key_id": "0123456789abcdef",
            "private_key": test_key().private_pem,
            "client_email": email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri(),
        })
        .to_string()
    }

    pub fn fault(&self, path_contains: &str, status: u16, body: Value, times: usize) {
        self.shared
            .script
            .lock()
            .expect("script")
            .faults
            .push(Fault {
                path_contains: path_contains.to_owned(),
                status,
                body,
                times,
            });
    }

    /// Every request to `path_contains` answers 403 SERVICE_DISABLED for `service`.
    pub fn disable_api(&self, path_contains: &str, service: &str) {
        self.fault(path_contains, 403, service_disabled(service), usize::MAX);
    }

    /// Every request to `path_contains` answers 403 PERMISSION_DENIED naming `permission`.
    pub fn deny(&self, path_contains: &str, permission: &str) {
        self.fault(
            path_contains,
            403,
            permission_denied(permission),
            usize::MAX,
        );
    }

    /// The token endpoint answers 400 with this body.
    pub fn refuse_tokens(&self, body: Value) {
        self.shared.script.lock().expect("script").token_error = Some(body);
    }

    /// How many API requests had a path containing `path_contains`.
    pub fn hits(&self, path_contains: &str) -> usize {
        self.requests()
            .iter()
            .filter(|(_, p, _)| p.contains(path_contains))
            .count()
    }

    /// Every API request made: (method, path, page token).
    pub fn requests(&self) -> Vec<(String, String, Option<String>)> {
        self.shared.requests.lock().expect("requests").clone()
    }

    pub fn token_requests(&self) -> usize {
        *self.shared.token_requests.lock().expect("count")
    }
}

pub fn service_disabled(service: &str) -> Value {
    json!({"error": {
        "code": 403,
        "message": format!("{service} has not been used in project {PROJECT_NUMBER} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/{service}/overview?project={PROJECT_NUMBER} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry."),
        "status": "PERMISSION_DENIED",
        "details": [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com",
             "metadata": {"service": service, "consumer": format!("projects/{PROJECT_NUMBER}")}},
            {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "Google developers console API activation",
             "url": format!("https://console.developers.google.com/apis/api/{service}/overview?project={PROJECT_NUMBER}")}]}
        ]
    }})
}

pub fn permission_denied(permission: &str) -> Value {
    json!({"error": {
        "code": 403,
        "message": format!("Permission '{permission}' denied on resource '//cloudresourcemanager.googleapis.com/projects/{PROJECT}' (or it may not exist)."),
        "status": "PERMISSION_DENIED",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IAM_PERMISSION_DENIED", "domain": "iam.googleapis.com",
                     "metadata": {"permission": permission, "resource": format!("projects/{PROJECT}")}}]
    }})
}

pub fn rate_limited() -> Value {
    json!({"error": {"code": 403, "message": "Rate Limit Exceeded",
        "errors": [{"message": "Rate Limit Exceeded", "domain": "usageLimits", "reason": "rateLimitExceeded"}]}})
}

pub fn quota_exhausted() -> Value {
    json!({"error": {"code": 429, "message": "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute'.",
        "status": "RESOURCE_EXHAUSTED"}})
}

fn google_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": status.as_u16(), "message": message, "status": code}});
    (status, axum::Json(body)).into_response()
}

async fn token(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    *shared.token_requests.lock().expect("count") += 1;
    let refuse = |description: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant", "error_description": description})),
        )
            .into_response()
    };
    if let Some(body) = shared.script.lock().expect("script").token_error.clone() {
        return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    }
    let form: BTreeMap<String, String> = url_form(&body);
    if form.get("grant_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        return refuse("unsupported grant type");
    }
    let Some(assertion) = form.get("assertion") else {
        return refuse("missing assertion");
    };
    let parts: Vec<&str> = assertion.split('.').collect();
    if parts.len() != 3 {
        return refuse("Invalid JWT: malformed");
    }
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s.trim_end_matches('='));
    let (Ok(header), Ok(claims), Ok(signature)) =
        (decode(parts[0]), decode(parts[1]), decode(parts[2]))
    else {
        return refuse("Invalid JWT: not base64url");
    };
    let header: Value = serde_json::from_slice(&header).unwrap_or_default();
    if header["alg"] != "RS256" {
        return refuse("Invalid JWT: alg must be RS256");
    }
    let verifier = VerifyingKey::<Sha256>::new(shared.public.clone());
    let signed = format!("{}.{}", parts[0], parts[1]);
    let valid = Signature::try_from(signature.as_slice())
        .map(|s| verifier.verify(signed.as_bytes(), &s).is_ok())
        .unwrap_or(false);
    if !valid {
        return refuse("Invalid JWT Signature.");
    }
    let claims: Value = serde_json::from_slice(&claims).unwrap_or_default();
    if claims["iss"] != CLIENT_EMAIL {
        return refuse("Invalid grant: account not found");
    }
    if claims["aud"] != shared.token_uri.as_str() {
        return refuse("Invalid JWT: audience is not the token endpoint");
    }
    let now = chrono::Utc::now().timestamp();
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap_or(0),
        claims["exp"].as_i64().unwrap_or(0),
    );
    if exp <= now || exp - iat > 3600 {
        return refuse(
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.",
        );
    }
    if !claims["scope"]
        .as_str()
        .unwrap_or_default()
        .contains("https://www.googleapis.com/auth/cloud-platform")
    {
        return refuse("Invalid JWT: no scope");
    }
    let mut tokens = shared.tokens.lock().expect("tokens");
    let token = format!("ya29.fake-{}", tokens.len() + 1);
    tokens.insert(token.clone());
    axum::Json(json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}))
        .into_response()
}

fn url_form(body: &[u8]) -> BTreeMap<String, String> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode_component(k), decode_component(v)))
        .collect()
}

fn decode_component(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// The Google API a path belongs to, for the fixture folder.
fn service_of(path: &str) -> &'static str {
    // "/v3/projects/P/alertPolicies" → "alertPolicies".
    let after_project = path.splitn(5, '/').nth(4).unwrap_or("");
    match path.split('/').nth(1).unwrap_or_default() {
        "compute" => "compute",
        "storage" => "storage",
        "bigquery" => "bigquery",
        "dns" => "dns",
        "v3" if after_project.starts_with("alertPolicies")
            || after_project.starts_with("notificationChannels") =>
        {
            "monitoring"
        }
        "v3" => "cloudresourcemanager",
        "v2" if after_project.starts_with("sinks") || after_project.starts_with("metrics") => {
            "logging"
        }
        "v2" if after_project.starts_with("locations/global/keys") => "apikeys",
        "v2" if path.contains("/services/") => "run",
        "v2" => "cloudfunctions",
        "v1" if after_project.starts_with("instances") => "sqladmin",
        "v1" if after_project.starts_with("locations") => "cloudkms",
        "v1" if after_project.starts_with("contacts") => "essentialcontacts",
        "v1" if after_project.starts_with("services") => "serviceusage",
        "v1" if after_project.starts_with("accessApprovalSettings") => "accessapproval",
        "v1" => "iam",
        _ => "unknown",
    }
}

async fn api(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = decode_component(uri.path());
    let query: BTreeMap<String, String> = url_form(uri.query().unwrap_or_default().as_bytes());
    let page = query.get("pageToken").cloned();
    shared.requests.lock().expect("requests").push((
        method.to_string(),
        path.clone(),
        page.clone(),
    ));
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    if !shared.tokens.lock().expect("tokens").contains(&bearer) {
        return google_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
        );
    }
    {
        let mut script = shared.script.lock().expect("script");
        if let Some(fault) = script
            .faults
            .iter_mut()
            .find(|f| f.times > 0 && path.contains(&f.path_contains))
        {
            if fault.times != usize::MAX {
                fault.times -= 1;
            }
            let status =
                StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, axum::Json(fault.body.clone())).into_response();
        }
    }
    let mut file = shared.fixtures.join(service_of(&path));
    let mut relative = path.trim_start_matches('/').replace(':', "_");
    if let Some(token) = &page {
        relative.push_str(&format!(".page-{token}"));
    }
    relative.push_str(".json");
    file.push(relative);
    match std::fs::read_to_string(&file) {
        Ok(text) => (
            StatusCode::OK,
            [("content-type", "application/json; charset=UTF-8")],
            text,
        )
            .into_response(),
        Err(_) => google_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!(
                "The requested resource was not found (no fixture {})",
                file.display()
            ),
        ),
    }
}
