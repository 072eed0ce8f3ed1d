//! The HTTP client every service uses: the bearer token, the endpoint
//! override, a timeout per call, retries with exponential backoff and
//! jitter for throttling, quota and server errors, paging through
//! `nextPageToken`, and a record of every call under the IAM permission it
//! needs (the permissions test checks them against the declarations).

use crate::api_error::{ApiError, StatusError};
use crate::auth::TokenSource;
use serde_json::Value;
use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::Duration;

/// Longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// One API call as made: its IAM permission, HTTP method and URL path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    pub permission: String,
    pub method: String,
    pub path: String,
}

/// Every call a session made, for the permissions test and diagnostics.
#[derive(Debug, Default)]
pub struct ApiCalls {
    calls: Mutex<BTreeSet<Call>>,
}

impl ApiCalls {
    fn record(&self, call: Call) {
        if let Ok(mut calls) = self.calls.lock() {
            calls.insert(call);
        }
    }

    /// The calls made so far, sorted.
    pub fn list(&self) -> Vec<Call> {
        self.calls
            .lock()
            .map(|c| c.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// A Google REST API client for one session.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    tokens: TokenSource,
    endpoint: Option<String>,
    max_attempts: u32,
    retry_base_delay: Duration,
    pub(crate) calls: ApiCalls,
}

impl Client {
    pub fn new(
        tokens: TokenSource,
        endpoint: Option<String>,
        max_attempts: u32,
        timeout: Duration,
        retry_base_delay: Duration,
    ) -> Result<Client, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("posture/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        Ok(Client {
            http,
            tokens,
            endpoint: endpoint.map(|e| e.trim_end_matches('/').to_owned()),
            max_attempts: max_attempts.max(1),
            retry_base_delay,
            calls: ApiCalls::default(),
        })
    }

    /// The URL of `path` on API `host` (`compute.googleapis.com`), or on the
    /// endpoint override.
    pub fn url(&self, host: &str, path: &str) -> String {
        match &self.endpoint {
            Some(base) => format!("{base}{path}"),
            None => format!("https://{host}{path}"),
        }
    }

    /// GET one JSON document.
    pub async fn get(&self, url: &str, permission: &str) -> Result<Value, ApiError> {
        self.send(reqwest::Method::GET, url, None, permission).await
    }

    /// A read-only POST method (`:getIamPolicy`) with a JSON body.
    pub async fn post(&self, url: &str, body: Value, permission: &str) -> Result<Value, ApiError> {
        self.send(reqwest::Method::POST, url, Some(body), permission)
            .await
    }

    /// Every page of a list, handed to `page` in order.
    pub async fn pages(
        &self,
        url: &str,
        permission: &str,
        mut page: impl FnMut(Value),
    ) -> Result<(), ApiError> {
        let mut token: Option<String> = None;
        loop {
            let page_url = match &token {
                None => url.to_owned(),
                Some(t) => {
                    let sep = if url.contains('?') { '&' } else { '?' };
                    format!("{url}{sep}pageToken={}", crate::services::util::encode(t))
                }
            };
            let body = self.get(&page_url, permission).await?;
            let next = body["nextPageToken"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            page(body);
            match next {
                Some(next) if Some(&next) != token.as_ref() => token = Some(next),
                Some(_) => {
                    return Err(ApiError::Decode(
                        "the API returned the same page token twice".into(),
                    ));
                }
                None => return Ok(()),
            }
        }
    }

    /// Every item of a list (the array under `field` of each page).
    pub async fn list(
        &self,
        url: &str,
        field: &str,
        permission: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let mut items = Vec::new();
        self.pages(url, permission, |mut page| {
            if let Value::Array(list) = page[field].take() {
                items.extend(list);
            }
        })
        .await?;
        Ok(items)
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<Value>,
        permission: &str,
    ) -> Result<Value, ApiError> {
        self.calls.record(Call {
            permission: permission.to_owned(),
            method: method.to_string(),
            path: path_of(url),
        });
        let mut attempt = 1;
        loop {
            let token = self.tokens.token().await.map_err(ApiError::Token)?;
            let mut request = self.http.request(method.clone(), url).bearer_auth(token);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let outcome = match request.send().await {
                Err(e) => Err((ApiError::Network(network_text(&e)), true, None)),
                Ok(response) => {
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    match response.text().await {
                        Err(e) => Err((ApiError::Network(network_text(&e)), true, None)),
                        Ok(text) if status.is_success() => Ok(text),
                        Ok(text) => {
                            let error = StatusError::parse(status.as_u16(), &text);
                            let retry = error.is_retryable();
                            Err((ApiError::Status(Box::new(error)), retry, retry_after))
                        }
                    }
                }
            };
            let (error, retryable, retry_after) = match outcome {
                Ok(text) => return decode(url, &text),
                Err(failure) => failure,
            };
            if !retryable || attempt >= self.max_attempts {
                return Err(error);
            }
            let pause = retry_after
                .unwrap_or_else(|| backoff(self.retry_base_delay, attempt))
                .min(MAX_BACKOFF);
            tracing::debug!(url, attempt, ?pause, error = %error, "retrying");
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }
}

/// A 2xx body as JSON; an empty body is an empty object.
fn decode(url: &str, text: &str) -> Result<Value, ApiError> {
    if text.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_str(text)
        .map_err(|e| ApiError::Decode(format!("{}: invalid JSON: {e}", path_of(url))))
}

/// Exponential backoff with jitter: between half and all of `base · 2^(attempt-1)`.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let full = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let half = full / 2;
    let spread = half.as_millis().max(1) as u64;
    half + Duration::from_millis(random % spread)
}

fn path_of(url: &str) -> String {
    let without_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = without_scheme
        .find('/')
        .map(|i| &without_scheme[i..])
        .unwrap_or("/");
    path.split('?').next().unwrap_or(path).to_owned()
}

fn network_text(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    if e.is_timeout() {
        text.push_str(" (timed out)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_jitters_within_bounds() {
        let base = Duration::from_millis(100);
        for attempt in 1..6 {
            let full = base * (1 << (attempt - 1));
            let pause = backoff(base, attempt);
            assert!(pause >= full / 2 && pause <= full, "{attempt}: {pause:?}");
        }
    }

    #[test]
    fn paths_drop_host_and_query() {
        assert_eq!(
            path_of(
                "https://compute.googleapis.com/compute/v1/projects/p/global/firewalls?pageToken=x"
            ),
            "/compute/v1/projects/p/global/firewalls"
        );
        assert_eq!(
            path_of("http://127.0.0.1:9/v3/projects/p:getIamPolicy"),
            "/v3/projects/p:getIamPolicy"
        );
    }
}
