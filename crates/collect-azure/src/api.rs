//! The REST client for Resource Manager and Microsoft Graph: bearer tokens,
//! per-attempt timeouts, retries (429 and 503 after their `Retry-After`,
//! other 5xx and transport failures with exponential backoff and jitter),
//! paging to the last page, and API errors decoded from Azure's error body.
//! GET only: the collector never changes anything.

use crate::auth::{TokenError, TokenSource, error_chain};
use crate::operation::{ApiCalls, arm_operation};
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// First backoff delay; doubled at each further attempt.
const BACKOFF_BASE: Duration = Duration::from_millis(200);
/// Longest wait between attempts, whatever the server asks.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// Pages followed at most for one list, in case a service loops.
const MAX_PAGES: usize = 10_000;

/// A failed call, decoded from Azure's error body
/// (`{"error": {"code", "message"}}`, the same shape for ARM and Graph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status, or `None` when no response came back.
    pub status: Option<u16>,
    /// Azure's error code (`AuthorizationFailed`, `ResourceNotFound`,
    /// `Authorization_RequestDenied`), or a description of the failure.
    pub code: String,
    pub message: String,
}

impl ApiError {
    fn transport(message: String) -> Self {
        ApiError {
            status: None,
            code: "RequestFailed".into(),
            message,
        }
    }

    fn token(err: TokenError) -> Self {
        ApiError {
            status: None,
            code: "TokenRequestFailed".into(),
            message: err.to_string(),
        }
    }

    /// The caller lacks the role or permission.
    pub fn is_denied(&self) -> bool {
        self.status == Some(403)
            || matches!(
                self.code.as_str(),
                "AuthorizationFailed" | "Authorization_RequestDenied" | "Forbidden"
            )
    }

    /// The resource (or the setting) does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    /// The resource provider is not registered in the subscription.
    pub fn is_unregistered(&self) -> bool {
        self.code == "MissingSubscriptionRegistration"
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(status) => write!(f, "{status} {}: {}", self.code, self.message),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

/// Which API a call goes to: decides the base URL, token scope and the
/// name of the next-page link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Arm,
    Graph,
    /// A Key Vault's data plane, at its vault URI.
    KeyVault,
}

/// The HTTP side of a session.
#[derive(Debug)]
pub struct Api {
    http: reqwest::Client,
    tokens: TokenSource,
    arm: String,
    graph: String,
    arm_scope: String,
    graph_scope: String,
    vault_scope: String,
    vault_suffix: &'static str,
    max_attempts: u32,
    pub calls: Arc<ApiCalls>,
}

impl Api {
    pub fn new(http: reqwest::Client, tokens: TokenSource, options: &crate::AzureOptions) -> Self {
        Api {
            http,
            tokens,
            arm: options.arm(),
            graph: options.graph(),
            arm_scope: options.cloud.arm_scope(),
            graph_scope: options.cloud.graph_scope(),
            vault_scope: options.cloud.key_vault_scope(),
            vault_suffix: options.cloud.key_vault_dns_suffix(),
            max_attempts: options.max_attempts.max(1),
            calls: Arc::default(),
        }
    }

    /// A token for Resource Manager (connector validation asks for it first).
    pub async fn arm_token(&self) -> Result<String, TokenError> {
        self.tokens.token(&self.arm_scope).await
    }

    /// GETs one ARM object: `path` starts at `/subscriptions/...`.
    pub async fn arm_get(&self, path: &str, api_version: &str) -> Result<Value, ApiError> {
        let url = arm_url(&self.arm, path, api_version);
        self.calls.record(&arm_operation(path));
        self.get(Target::Arm, &url).await
    }

    /// GETs every item of an ARM list (`value`), following `nextLink`.
    pub async fn arm_list(&self, path: &str, api_version: &str) -> Result<Vec<Value>, ApiError> {
        let url = arm_url(&self.arm, path, api_version);
        self.list(Target::Arm, url, &arm_operation(path)).await
    }

    /// GETs one Graph object: `path` starts at the version (`/v1.0/...`).
    pub async fn graph_get(&self, path: &str) -> Result<Value, ApiError> {
        let url = format!("{}{}", self.graph, path);
        self.calls.record(&graph_operation(path));
        self.get(Target::Graph, &url).await
    }

    /// GETs every item of a Graph collection, following `@odata.nextLink`.
    pub async fn graph_list(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        let url = format!("{}{}", self.graph, path);
        self.list(Target::Graph, url, &graph_operation(path)).await
    }

    /// GETs every item of a Key Vault data-plane collection (`vault_uri`
    /// as ARM reports it, `path` such as `certificates`), following
    /// `nextLink`. The token only goes to a vault of the cloud (or to the
    /// Resource Manager host itself, for private deployments and tests).
    pub async fn vault_list(
        &self,
        vault_uri: &str,
        path: &str,
        api_version: &str,
        operation: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let base = origin(vault_uri);
        let host = base.split("://").nth(1).unwrap_or_default();
        let trusted = host.ends_with(self.vault_suffix) || base == origin(&self.arm);
        if !trusted {
            return Err(ApiError::transport(format!(
                "the vault URI {vault_uri} is not a Key Vault host of this cloud; not called"
            )));
        }
        let url = format!(
            "{}/{path}?api-version={api_version}",
            vault_uri.trim_end_matches('/')
        );
        self.list(Target::KeyVault, url, operation).await
    }

    async fn list(
        &self,
        target: Target,
        first: String,
        operation: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let vault_base;
        let (base, link) = match target {
            Target::Arm => (&self.arm, "nextLink"),
            Target::Graph => (&self.graph, "@odata.nextLink"),
            Target::KeyVault => {
                vault_base = origin(&first).to_owned();
                (&vault_base, "nextLink")
            }
        };
        let mut items = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(ApiError::transport(format!("more than {MAX_PAGES} pages")));
            }
            self.calls.record(operation);
            let mut page = self.get(target, &url).await?;
            if let Some(Value::Array(values)) = page.get_mut("value").map(Value::take) {
                items.extend(values);
            }
            next = match page.get(link).and_then(Value::as_str) {
                Some(url) if !url.is_empty() => {
                    // The bearer token must only ever go to the API it is for.
                    if !same_origin(url, base) {
                        return Err(ApiError::transport(format!(
                            "the next-page link {url} leaves {base}; not followed"
                        )));
                    }
                    Some(url.to_owned())
                }
                _ => None,
            };
        }
        Ok(items)
    }

    /// One GET with retries.
    async fn get(&self, target: Target, url: &str) -> Result<Value, ApiError> {
        let scope = match target {
            Target::Arm => &self.arm_scope,
            Target::Graph => &self.graph_scope,
            Target::KeyVault => &self.vault_scope,
        };
        let mut attempt = 1;
        let mut renewed_token = false;
        loop {
            let token = self.tokens.token(scope).await.map_err(ApiError::token)?;
            let sent = self
                .http
                .get(url)
                .bearer_auth(token)
                .header("accept", "application/json")
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(err) => {
                    let message = error_chain(&err);
                    if attempt < self.max_attempts {
                        tracing::debug!(url, attempt, %message, "request failed; retrying");
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(ApiError::transport(message));
                }
            };
            let status = response.status();
            if let Some(pause) = read_budget_pause(&response) {
                tracing::debug!(url, ?pause, "subscription read budget low; slowing down");
                tokio::time::sleep(pause).await;
            }
            if status.is_success() {
                return match response.json::<Value>().await {
                    Ok(value) => Ok(value),
                    Err(err) if attempt < self.max_attempts && err.is_timeout() => {
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    Err(err) => Err(ApiError {
                        status: Some(status.as_u16()),
                        code: "InvalidResponse".into(),
                        message: error_chain(&err),
                    }),
                };
            }
            let retry_after = retry_after(&response);
            let error = decode_error(status, response.text().await.unwrap_or_default());
            // A token can be revoked or expire early: get a new one, once.
            if status == StatusCode::UNAUTHORIZED && !renewed_token {
                renewed_token = true;
                self.tokens.forget(scope).await;
                continue;
            }
            if is_retryable(status) && attempt < self.max_attempts {
                let wait = match (status.as_u16(), retry_after) {
                    (429 | 503, Some(seconds)) => Duration::from_secs(seconds).min(MAX_WAIT),
                    _ => backoff(attempt),
                };
                tracing::debug!(
                    url,
                    attempt,
                    status = status.as_u16(),
                    ?wait,
                    "throttled or server error; retrying"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            return Err(error);
        }
    }
}

/// The URL of an ARM GET; `path` may carry its own (encoded) query, such
/// as a `$filter`.
fn arm_url(base: &str, path: &str, api_version: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{base}{path}{separator}api-version={api_version}")
}

fn graph_operation(path: &str) -> String {
    format!("graph:GET {}", path.split('?').next().unwrap_or_default())
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find(['/', '?']) {
        Some(end) => &url[..after_scheme + end],
        None => url,
    }
}

fn same_origin(url: &str, base: &str) -> bool {
    url.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
}

fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Below this many remaining reads, ARM's per-subscription budget is
/// nearly spent: calls slow down instead of running into 429s.
const READ_BUDGET_LOW: u64 = 100;

/// A pause that grows as ARM's `x-ms-ratelimit-remaining-subscription-reads`
/// falls below [`READ_BUDGET_LOW`] (up to five seconds at zero).
fn read_budget_pause(response: &reqwest::Response) -> Option<Duration> {
    let remaining: u64 = response
        .headers()
        .get("x-ms-ratelimit-remaining-subscription-reads")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    pause_for_remaining(remaining)
}

fn pause_for_remaining(remaining: u64) -> Option<Duration> {
    (remaining < READ_BUDGET_LOW).then(|| Duration::from_millis((READ_BUDGET_LOW - remaining) * 50))
}

/// `Retry-After` in seconds (Azure sends seconds, not dates).
fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Exponential backoff with full jitter: a random wait up to
/// `BACKOFF_BASE * 2^(attempt-1)`, so that concurrent callers spread out.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1 << attempt.saturating_sub(1).min(8))
        .min(MAX_WAIT);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(millis / 2..=millis))
}

fn decode_error(status: StatusCode, body: String) -> ApiError {
    let parsed: Option<Value> = serde_json::from_str(&body).ok();
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    let code = error
        .and_then(|e| e.get("code"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("Error")
                .replace(' ', "")
        });
    let message = error
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| body.chars().take(300).collect());
    ApiError {
        status: Some(status.as_u16()),
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_azure_error_bodies() {
        let error = decode_error(
            StatusCode::FORBIDDEN,
            r#"{"error":{"code":"AuthorizationFailed","message":"no access"}}"#.into(),
        );
        assert_eq!(error.code, "AuthorizationFailed");
        assert!(error.is_denied());
        let error = decode_error(StatusCode::BAD_GATEWAY, "<html>".into());
        assert_eq!(
            (error.code.as_str(), error.message.as_str()),
            ("BadGateway", "<html>")
        );
        assert!(!error.is_denied());
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        for attempt in 1..20 {
            let wait = backoff(attempt);
            assert!(wait <= MAX_WAIT);
            assert!(wait >= BACKOFF_BASE / 2);
        }
        assert!(backoff(6) >= BACKOFF_BASE * 16);
    }

    #[test]
    fn a_low_read_budget_slows_calls_down() {
        assert_eq!(pause_for_remaining(11_999), None);
        assert_eq!(pause_for_remaining(100), None);
        assert_eq!(pause_for_remaining(90), Some(Duration::from_millis(500)));
        assert_eq!(pause_for_remaining(0), Some(Duration::from_secs(5)));
    }

    #[test]
    fn next_links_stay_on_the_api_host() {
        let base = "https://management.azure.com";
        assert!(same_origin(
            "https://management.azure.com/subscriptions?x",
            base
        ));
        assert!(!same_origin(
            "https://management.azure.com.evil.example/x",
            base
        ));
        assert!(!same_origin("https://evil.example/", base));
        assert_eq!(
            origin("https://kv.vault.azure.net/certificates?x=1"),
            "https://kv.vault.azure.net"
        );
        assert_eq!(origin("http://127.0.0.1:80"), "http://127.0.0.1:80");
    }
}
