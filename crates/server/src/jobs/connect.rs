//! Reaching a connector's cloud scope with its credentials: the AWS role
//! (assumed with the tenant's external ID), the Azure app registration's
//! client secret, the GCP service account's key. The secrets are opened
//! from the store only here, for one connection. Shared by connector
//! validation and report runs; a failure has a short code and a message a
//! person can act on.

use crate::api::connectors::sealing_context;
use crate::state::AppState;
use posture_collect_aws::{AssumeRole, AwsOptions, Partition};
use posture_collect_azure::AzureOptions;
use posture_collect_gcp::{GcpOptions, KeySource};
use posture_model::Provider;
use posture_store::Connector;

/// A connected scope, ready to collect from.
#[derive(Debug)]
pub enum CloudSession {
    Aws(posture_collect_aws::Session),
    Azure(posture_collect_azure::Session),
    Gcp(posture_collect_gcp::Session),
}

/// Why a connector's scope cannot be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectFailure {
    /// Short and machine-readable (`assume_role_denied`, `no_reader_role`).
    pub code: String,
    pub message: String,
}

impl ConnectFailure {
    fn new(code: &str, message: impl Into<String>) -> Self {
        ConnectFailure {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// Connects to the connector's account, subscription or project, and
/// checks that the credentials answer for that scope and no other.
pub async fn connect(
    state: &AppState,
    connector: &Connector,
) -> Result<CloudSession, ConnectFailure> {
    match connector.provider {
        Provider::Aws => {
            let options = aws_options(state, connector).ok_or_else(|| {
                ConnectFailure::new("invalid_settings", "the connector has no role ARN")
            })?;
            let session = posture_collect_aws::Session::connect(&options)
                .await
                .map_err(|e| ConnectFailure::new(aws_code(&e), e.to_string()))?;
            if session.account_id != connector.scope {
                return Err(ConnectFailure::new(
                    "account_mismatch",
                    format!(
                        "the role answered for account {}, not {}",
                        session.account_id, connector.scope
                    ),
                ));
            }
            Ok(CloudSession::Aws(session))
        }
        Provider::Azure => {
            let options = azure_options(state, connector)?;
            let session = posture_collect_azure::Session::connect(&options)
                .await
                .map_err(|e| ConnectFailure::new(azure_code(&e), e.to_string()))?;
            if !session
                .subscription_id
                .eq_ignore_ascii_case(&connector.scope)
            {
                return Err(ConnectFailure::new(
                    "subscription_mismatch",
                    format!(
                        "Azure answered for subscription {}, not {}",
                        session.subscription_id, connector.scope
                    ),
                ));
            }
            Ok(CloudSession::Azure(session))
        }
        Provider::Gcp => {
            let options = gcp_options(state, connector)?;
            let session = posture_collect_gcp::Session::connect(&options)
                .await
                .map_err(|e| ConnectFailure::new(gcp_code(&e), e.to_string()))?;
            Ok(CloudSession::Gcp(session))
        }
    }
}

/// The AWS options of a role connector.
pub fn aws_options(state: &AppState, connector: &Connector) -> Option<AwsOptions> {
    let arn = setting(connector, "arn")?.to_string();
    let external_id = setting(connector, "externalId").map(str::to_string);
    Some(AwsOptions {
        partition: Partition::of_arn(&arn).unwrap_or_default(),
        assume_role: Some(AssumeRole {
            role_arn: arn,
            external_id,
            session_name: "posture".into(),
        }),
        endpoint_url: state.config.aws_endpoint_url.clone(),
        access_keys: state.config.aws_platform_keys.clone(),
        ..AwsOptions::default()
    })
}

fn azure_options(state: &AppState, connector: &Connector) -> Result<AzureOptions, ConnectFailure> {
    let field = |name: &str| {
        setting(connector, name).ok_or_else(|| {
            ConnectFailure::new("invalid_settings", format!("the connector has no {name}"))
        })
    };
    let secret = open_secret(state, connector)?;
    let mut options = AzureOptions::new(
        field("directoryId")?,
        field("applicationId")?,
        secret,
        field("subscriptionId")?,
    );
    let endpoints = &state.config.azure;
    options.cloud = endpoints.cloud;
    options.authority_host = endpoints.authority_host.clone();
    options.arm_endpoint = endpoints.arm_endpoint.clone();
    options.graph_endpoint = endpoints.graph_endpoint.clone();
    Ok(options)
}

fn gcp_options(state: &AppState, connector: &Connector) -> Result<GcpOptions, ConnectFailure> {
    let project = setting(connector, "projectId")
        .ok_or_else(|| ConnectFailure::new("invalid_settings", "the connector has no projectId"))?;
    let key = open_secret(state, connector)?;
    let mut options = GcpOptions::new(project, KeySource::Json(key));
    options.api_endpoint = state.config.gcp_api_endpoint.clone();
    Ok(options)
}

fn setting<'c>(connector: &'c Connector, name: &str) -> Option<&'c str> {
    connector.settings.get(name)?.as_str()
}

/// The connector's sealed credential, opened for one connection.
fn open_secret(state: &AppState, connector: &Connector) -> Result<String, ConnectFailure> {
    let sealed = connector.secret.as_deref().ok_or_else(|| {
        ConnectFailure::new("invalid_settings", "the connector has no stored credential")
    })?;
    let aad = sealing_context(connector.tenant, &connector.uuid);
    let plain = state.config.secret_key.open(sealed, &aad).map_err(|_| {
        ConnectFailure::new(
            "credential_unreadable",
            "the stored credential cannot be opened with this server's key: enter it again",
        )
    })?;
    String::from_utf8(plain).map_err(|_| {
        ConnectFailure::new("credential_unreadable", "the stored credential is not text")
    })
}

fn aws_code(e: &posture_collect_aws::ConnectError) -> &'static str {
    use posture_collect_aws::ConnectError as E;
    match e {
        E::BadRoleArn(_) => "invalid_role_arn",
        E::NoCredentials(_) => "platform_credentials_missing",
        E::AssumeRoleDenied(_) => "assume_role_denied",
        E::ExpiredCredentials(_) => "credentials_expired",
        E::InvalidCredentials(_) => "credentials_invalid",
        E::Network(_) => "network",
        E::Other(_) => "connect_failed",
    }
}

fn azure_code(e: &posture_collect_azure::ConnectError) -> &'static str {
    use posture_collect_azure::ConnectError as E;
    match e {
        E::InvalidOptions(_) => "invalid_settings",
        E::TenantNotFound(_) => "tenant_not_found",
        E::UnknownClient(_) => "unknown_client",
        E::InvalidSecret(_) => "invalid_secret",
        E::ExpiredSecret(_) => "secret_expired",
        E::TokenRefused(_) => "token_refused",
        E::NoReaderRole(_) => "no_reader_role",
        E::SubscriptionNotFound(_) => "subscription_not_found",
        E::SubscriptionInOtherTenant(_) => "subscription_in_other_tenant",
        E::SubscriptionDisabled(_) => "subscription_disabled",
        E::Network(_) => "network",
        E::Other(_) => "connect_failed",
    }
}

fn gcp_code(e: &posture_collect_gcp::ConnectError) -> &'static str {
    use posture_collect_gcp::ConnectError as E;
    match e {
        E::InvalidOptions(_) => "invalid_settings",
        E::MalformedKey(_) => "malformed_key",
        E::KeyDisabled(_) => "key_disabled",
        E::AccountNotFound(_) => "service_account_not_found",
        E::TokenRejected(_) => "token_refused",
        E::ApiNotEnabled { .. } => "api_not_enabled",
        E::PermissionDenied { .. } => "permission_denied",
        E::ProjectNotFound { .. } => "project_not_found",
        E::Network(_) => "network",
        E::Other(_) => "connect_failed",
    }
}
