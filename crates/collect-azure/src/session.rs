//! Connects to a subscription: checks the options, gets a Resource Manager
//! token with the app registration's secret, and reads the subscription.
//! This is also connector validation: an error here says precisely what is
//! wrong and what to fix.

use crate::api::{Api, ApiError};
use crate::auth::{TokenError, TokenSource, error_chain};
use crate::operation::ApiCalls;
use crate::options::AzureOptions;
use serde_json::Value;
use std::sync::Arc;

/// `Microsoft.Resources/subscriptions` (Subscriptions - Get).
pub const SUBSCRIPTIONS_API_VERSION: &str = "2022-12-01";

/// The operation reading the subscription needs.
pub const SUBSCRIPTION_READ: &str = "Microsoft.Resources/subscriptions/read";

/// A connected subscription.
#[derive(Debug)]
pub struct Session {
    pub options: AzureOptions,
    /// The subscription id as Azure spells it.
    pub subscription_id: String,
    /// The directory the subscription belongs to.
    pub tenant_id: String,
    display_name: String,
    /// `Enabled` (or `PastDue`) once connected.
    pub state: String,
    pub(crate) api: Api,
}

/// Why a subscription could not be reached, for a person to act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error("invalid Azure connector settings: {0}")]
    InvalidOptions(String),
    #[error(
        "the directory (tenant) ID was not found by Microsoft Entra ID: check the app registration's Directory (tenant) ID and the cloud ({0})"
    )]
    TenantNotFound(String),
    #[error(
        "the application (client) ID is not known in this directory: check the app registration's Application (client) ID and that it belongs to this tenant ({0})"
    )]
    UnknownClient(String),
    #[error(
        "the client secret is wrong: give the secret's Value (not its Secret ID), or create a new secret ({0})"
    )]
    InvalidSecret(String),
    #[error(
        "the client secret has expired: create a new secret for the app registration (az ad app credential reset) and update the connector ({0})"
    )]
    ExpiredSecret(String),
    #[error("Microsoft Entra ID refused the token request: {0}")]
    TokenRefused(String),
    #[error(
        "the app registration has no access to the subscription: assign it the Reader role on the subscription (az role assignment create --role Reader --scope /subscriptions/<id>) ({0})"
    )]
    NoReaderRole(String),
    #[error(
        "the subscription was not found: check the subscription ID, and that the subscription belongs to this directory ({0})"
    )]
    SubscriptionNotFound(String),
    #[error(
        "the subscription belongs to another directory: use that directory's tenant ID and an app registration in it ({0})"
    )]
    SubscriptionInOtherTenant(String),
    #[error("the subscription is {0}: re-enable it (billing) before posture can read it")]
    SubscriptionDisabled(String),
    #[error("cannot reach Azure: {0}")]
    Network(String),
    #[error("reading the subscription failed: {0}")]
    Other(String),
}

impl Session {
    /// Checks the options, gets a token and reads the subscription.
    pub async fn connect(options: &AzureOptions) -> Result<Session, ConnectError> {
        options.validate().map_err(ConnectError::InvalidOptions)?;
        let http = http_client(options)?;
        let tokens = TokenSource::new(options, http.clone());
        let api = Api::new(http, tokens, options);
        api.arm_token().await.map_err(token_error)?;
        let path = format!("/subscriptions/{}", options.subscription_id);
        let subscription = api
            .arm_get(&path, SUBSCRIPTIONS_API_VERSION)
            .await
            .map_err(subscription_error)?;
        let text = |field: &str| {
            subscription
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let state = text("state");
        if matches!(state.as_str(), "Disabled" | "Deleted" | "Warned") {
            return Err(ConnectError::SubscriptionDisabled(state));
        }
        let subscription_id = match text("subscriptionId") {
            id if id.is_empty() => options.subscription_id.clone(),
            id => id,
        };
        let tenant_id = match text("tenantId") {
            id if id.is_empty() => options.tenant_id.clone(),
            id => id,
        };
        Ok(Session {
            options: options.clone(),
            subscription_id,
            tenant_id,
            display_name: text("displayName"),
            state,
            api,
        })
    }

    /// The subscription's display name (`Pay-As-You-Go`, `Production`).
    pub fn subscription_display_name(&self) -> &str {
        &self.display_name
    }

    /// The calls made through this session so far, per operation.
    pub fn calls(&self) -> Arc<ApiCalls> {
        Arc::clone(&self.api.calls)
    }
}

fn http_client(options: &AzureOptions) -> Result<reqwest::Client, ConnectError> {
    // reqwest is built without a bundled TLS provider so that the binary
    // uses the same rustls provider (aws-lc-rs) as its other clients.
    // Installing fails harmlessly when a provider is already installed.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(options.timeout.min(std::time::Duration::from_secs(15)))
        // A redirected token request could carry the secret elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("posture/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConnectError::Other(format!("building the HTTP client: {}", error_chain(&e))))
}

fn token_error(err: TokenError) -> ConnectError {
    match err {
        TokenError::Refused {
            aadsts,
            ref description,
            ..
        } => {
            let detail = description.clone();
            match aadsts {
                Some(90002 | 900023 | 90072) => ConnectError::TenantNotFound(detail),
                Some(700016) => ConnectError::UnknownClient(detail),
                Some(7000215) => ConnectError::InvalidSecret(detail),
                Some(7000222) => ConnectError::ExpiredSecret(detail),
                _ => ConnectError::TokenRefused(err.to_string()),
            }
        }
        TokenError::Network(message) => ConnectError::Network(message),
        TokenError::Malformed(message) => ConnectError::TokenRefused(message),
    }
}

fn subscription_error(err: ApiError) -> ConnectError {
    let detail = format!("{}: {}", err.code, err.message);
    match (err.status, err.code.as_str()) {
        (None, _) => ConnectError::Network(err.message),
        (_, "InvalidAuthenticationTokenTenant") => ConnectError::SubscriptionInOtherTenant(detail),
        (_, "SubscriptionNotFound") | (Some(404), _) => ConnectError::SubscriptionNotFound(detail),
        _ if err.is_denied() => ConnectError::NoReaderRole(detail),
        _ => ConnectError::Other(detail),
    }
}
