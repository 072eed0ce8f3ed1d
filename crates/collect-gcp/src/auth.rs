//! Service-account key → OAuth2 access token, through `yup-oauth2`'s
//! service-account flow (a JWT assertion signed with the key, exchanged at
//! the key's own `token_uri`). The library caches the token in memory and
//! fetches a new one a minute before it expires.
//!
//! Why this crate: the official `google-cloud-auth` signs self-signed JWTs
//! (AIP-4111) for service accounts and never calls the key's `token_uri`,
//! so a disabled key is only noticed API by API and a test cannot stand in
//! for Google's token endpoint; `gcp_auth` honours `token_uri` but reduces
//! every refusal to "token request failed", losing `invalid_grant`'s
//! description that tells a deleted key from a deleted account.
//! `yup-oauth2` honours `token_uri` (http or https), keeps the error body,
//! and rides on hyper 1, rustls 0.23 and ring, already in the build.

use crate::options::ServiceAccountKey;

/// The scope every call uses; the service account's roles limit what it may do.
const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";

/// Why no token could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// The private key could not be read (bad PEM).
    BadKey(String),
    /// The token endpoint refused the grant: `error` and `error_description`.
    Rejected {
        error: String,
        description: String,
    },
    /// The token endpoint could not be reached.
    Network(String),
    Other(String),
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::BadKey(m) => write!(f, "the private key cannot be used: {m}"),
            TokenError::Rejected { error, description } => {
                write!(
                    f,
                    "the token endpoint refused the key: {error}: {description}"
                )
            }
            TokenError::Network(m) => write!(f, "cannot reach the token endpoint: {m}"),
            TokenError::Other(m) => write!(f, "getting an access token failed: {m}"),
        }
    }
}

/// Issues access tokens for one service account.
pub struct TokenSource {
    authenticator: yup_oauth2::authenticator::DefaultAuthenticator,
    /// Time allowed for one token request (the library sets none).
    timeout: std::time::Duration,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource").finish_non_exhaustive()
    }
}

impl TokenSource {
    pub async fn new(
        key: &ServiceAccountKey,
        timeout: std::time::Duration,
    ) -> Result<TokenSource, TokenError> {
        let parsed = yup_oauth2::parse_service_account_key(key.raw_json())
            .map_err(|e| TokenError::BadKey(e.to_string()))?;
        let authenticator = yup_oauth2::ServiceAccountAuthenticator::builder(parsed)
            .build()
            .await
            .map_err(|e| {
                let text = e.to_string();
                if text.contains("PEM") || text.contains("signer") || text.contains("signing") {
                    TokenError::BadKey(text)
                } else {
                    TokenError::Other(text)
                }
            })?;
        Ok(TokenSource {
            authenticator,
            timeout,
        })
    }

    /// A valid access token (cached until shortly before it expires).
    pub async fn token(&self) -> Result<String, TokenError> {
        let token = tokio::time::timeout(self.timeout, self.authenticator.token(&[SCOPE]))
            .await
            .map_err(|_| TokenError::Network(format!("no answer within {:?}", self.timeout)))?
            .map_err(classify)?;
        token
            .token()
            .map(str::to_owned)
            .ok_or_else(|| TokenError::Other("the token endpoint returned no access token".into()))
    }
}

fn classify(err: yup_oauth2::Error) -> TokenError {
    match err {
        yup_oauth2::Error::AuthError(auth) => TokenError::Rejected {
            error: auth.error.as_str().to_owned(),
            description: auth.error_description.unwrap_or_default(),
        },
        yup_oauth2::Error::HttpError(e) => TokenError::Network(e.to_string()),
        yup_oauth2::Error::HttpClientError(e) => TokenError::Network(e.to_string()),
        other => TokenError::Other(other.to_string()),
    }
}
