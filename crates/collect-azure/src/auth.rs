//! Access tokens from the Microsoft identity platform: the OAuth2 client
//! credentials grant (app registration + client secret) through the
//! `oauth2` crate, one token per scope (Resource Manager, Microsoft Graph),
//! cached until shortly before it expires.

use crate::options::AzureOptions;
use oauth2::basic::{BasicClient, BasicErrorResponse};
use oauth2::{AuthType, ClientId, ClientSecret, RequestTokenError, Scope, TokenResponse, TokenUrl};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A token is renewed this long before it expires, so that no call starts
/// with a token about to lapse.
const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// Lifetime assumed when the token response gives none.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Why no token could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// The identity platform refused: its `error` code, the AADSTS number
    /// when its description has one, and the description.
    Refused {
        status_code: String,
        aadsts: Option<u32>,
        description: String,
    },
    /// The identity platform could not be reached.
    Network(String),
    /// Its answer was not a token response.
    Malformed(String),
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::Refused {
                status_code,
                description,
                ..
            } => write!(f, "{status_code}: {description}"),
            TokenError::Network(message) => write!(f, "{message}"),
            TokenError::Malformed(message) => write!(f, "unexpected token response: {message}"),
        }
    }
}

#[derive(Clone)]
struct Cached {
    secret: String,
    renew_at: Instant,
}

/// Gets and caches tokens for the app registration in `options`.
pub struct TokenSource {
    token_url: String,
    client_id: String,
    client_secret: String,
    http: reqwest::Client,
    cache: Mutex<HashMap<String, Cached>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the secret nor a cached token may reach a log line.
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    pub fn new(options: &AzureOptions, http: reqwest::Client) -> Self {
        TokenSource {
            token_url: options.token_url(),
            client_id: options.client_id.clone(),
            client_secret: options.client_secret.clone(),
            http,
            cache: Mutex::default(),
        }
    }

    /// A bearer token for `scope`, from the cache while it is fresh. The
    /// cache lock is held while fetching so that concurrent callers wait
    /// for one request instead of each making their own.
    pub async fn token(&self, scope: &str) -> Result<String, TokenError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.get(scope)
            && Instant::now() < cached.renew_at
        {
            return Ok(cached.secret.clone());
        }
        let (secret, lifetime) = self.fetch(scope).await?;
        let renew_at = Instant::now() + lifetime.saturating_sub(RENEW_BEFORE_EXPIRY);
        cache.insert(
            scope.to_owned(),
            Cached {
                secret: secret.clone(),
                renew_at,
            },
        );
        Ok(secret)
    }

    /// Forgets the token of `scope` (the API said it is no longer valid).
    pub async fn forget(&self, scope: &str) {
        self.cache.lock().await.remove(scope);
    }

    async fn fetch(&self, scope: &str) -> Result<(String, Duration), TokenError> {
        let token_url = TokenUrl::new(self.token_url.clone())
            .map_err(|e| TokenError::Malformed(format!("token URL {}: {e}", self.token_url)))?;
        // Microsoft's documentation sends the secret in the form body.
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.clone()))
            .set_token_uri(token_url)
            .set_auth_type(AuthType::RequestBody);
        let response = client
            .exchange_client_credentials()
            .add_scope(Scope::new(scope.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(classify)?;
        let lifetime = response.expires_in().unwrap_or(DEFAULT_LIFETIME);
        Ok((response.access_token().secret().clone(), lifetime))
    }
}

fn classify<E: std::error::Error>(err: RequestTokenError<E, BasicErrorResponse>) -> TokenError {
    match err {
        RequestTokenError::ServerResponse(response) => {
            let description = response.error_description().cloned().unwrap_or_default();
            TokenError::Refused {
                status_code: response.error().to_string(),
                aadsts: aadsts_code(&description),
                description: first_line(&description),
            }
        }
        RequestTokenError::Request(e) => TokenError::Network(error_chain(&e)),
        RequestTokenError::Parse(e, body) => TokenError::Malformed(format!(
            "{e} in {}",
            String::from_utf8_lossy(&body)
                .chars()
                .take(200)
                .collect::<String>()
        )),
        RequestTokenError::Other(message) => TokenError::Malformed(message),
    }
}

/// The number of the first `AADSTSnnnn` in an error description.
pub fn aadsts_code(description: &str) -> Option<u32> {
    let start = description.find("AADSTS")? + "AADSTS".len();
    let digits: String = description[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Microsoft's descriptions end with trace and correlation ids on further
/// lines; the first line says what is wrong.
fn first_line(description: &str) -> String {
    description
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// An error and its sources, joined: reqwest's own message alone rarely
/// says why a connection failed.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = inner.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_aadsts_number() {
        assert_eq!(
            aadsts_code("AADSTS7000215: Invalid client secret provided."),
            Some(7000215)
        );
        assert_eq!(
            aadsts_code("x AADSTS90002: Tenant 'x' not found"),
            Some(90002)
        );
        assert_eq!(aadsts_code("no code here"), None);
        assert_eq!(first_line("AADSTS1: a\r\nTrace ID: b"), "AADSTS1: a");
    }
}
