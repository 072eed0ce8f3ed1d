//! Connects to an account: resolves credentials (the default chain, a
//! profile, or an assumed role with external ID), asks STS who we are, and
//! keeps the SDK configuration every service client is built from. This is
//! also connector validation: an error here says precisely what is wrong.

use crate::calls::{ApiCalls, SessionInterceptor};
use crate::options::{AwsOptions, validate_role_arn};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::sdk_config::SharedCredentialsProvider;
use std::sync::Arc;

/// A connected account.
#[derive(Debug, Clone)]
pub struct Session {
    /// Configuration in the partition's home region.
    pub config: SdkConfig,
    pub account_id: String,
    /// The identity we act as (`GetCallerIdentity` Arn).
    pub caller_arn: String,
    pub options: AwsOptions,
    /// The API calls made through this session's collector clients.
    pub calls: Arc<ApiCalls>,
}

/// Why an account could not be reached, for a person to act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error("invalid role ARN: {0}")]
    BadRoleArn(String),
    #[error(
        "no AWS credentials found: set a profile (--profile or AWS_PROFILE), environment variables, SSO or an instance role ({0})"
    )]
    NoCredentials(String),
    #[error(
        "the role could not be assumed: its trust policy does not allow this caller or this external ID ({0})"
    )]
    AssumeRoleDenied(String),
    #[error("the AWS credentials have expired; refresh them (e.g. aws sso login) ({0})")]
    ExpiredCredentials(String),
    #[error("the AWS credentials are not valid ({0})")]
    InvalidCredentials(String),
    #[error("cannot reach AWS: {0}")]
    Network(String),
    #[error("AWS STS GetCallerIdentity failed: {0}")]
    Other(String),
}

impl Session {
    /// Resolves credentials and identifies the account.
    pub async fn connect(options: &AwsOptions) -> Result<Session, ConnectError> {
        if let Some(role) = &options.assume_role {
            validate_role_arn(&role.role_arn).map_err(ConnectError::BadRoleArn)?;
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(options.partition.home_region()))
            .retry_config(RetryConfig::adaptive().with_max_attempts(options.max_attempts.max(1)))
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(options.call_timeout)
                    .build(),
            );
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(keys) = &options.access_keys {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                keys.access_key_id.clone(),
                keys.secret_access_key.clone(),
                None,
                None,
                "posture-options",
            ));
        }
        if let Some(endpoint) = &options.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        let mut config = loader.load().await;
        if let Some(role) = &options.assume_role {
            let mut builder = aws_config::sts::AssumeRoleProvider::builder(&role.role_arn)
                .session_name(&role.session_name)
                .configure(&config);
            if let Some(external_id) = &role.external_id {
                builder = builder.external_id(external_id);
            }
            let provider = builder.build().await;
            config = config
                .to_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }
        let identity = aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| {
                classify(
                    &DisplayErrorContext(&e).to_string(),
                    options.assume_role.is_some(),
                )
            })?;
        Ok(Session {
            account_id: identity.account().unwrap_or_default().to_owned(),
            caller_arn: identity.arn().unwrap_or_default().to_owned(),
            config,
            options: options.clone(),
            calls: Arc::default(),
        })
    }

    /// The configuration for calls in `region`.
    pub fn regional(&self, region: &str) -> SdkConfig {
        self.config
            .to_builder()
            .region(Region::new(region.to_owned()))
            .build()
    }

    /// The interceptor every collector client carries: call accounting and
    /// the literal endpoint override.
    pub fn interceptor(&self) -> SessionInterceptor {
        SessionInterceptor::new(
            Arc::clone(&self.calls),
            self.options.endpoint_url.as_deref(),
        )
    }

    pub fn partition(&self) -> &'static str {
        self.options.partition.id()
    }
}

/// Maps the SDK's error text to what a person can act on.
fn classify(text: &str, assuming: bool) -> ConnectError {
    let has = |needle: &str| text.contains(needle);
    let detail = text.to_owned();
    if has("ExpiredToken") || has("expired") {
        ConnectError::ExpiredCredentials(detail)
    } else if assuming && (has("AccessDenied") || has("not authorized to perform: sts:AssumeRole"))
    {
        ConnectError::AssumeRoleDenied(detail)
    } else if has("InvalidClientTokenId")
        || has("SignatureDoesNotMatch")
        || has("UnrecognizedClient")
    {
        ConnectError::InvalidCredentials(detail)
    } else if has("no credentials")
        || has("CredentialsNotLoaded")
        || has("credentials provider was not enabled")
        || has("failed to load credentials")
    {
        ConnectError::NoCredentials(detail)
    } else if has("dispatch failure")
        || has("io error")
        || has("timeout")
        || has("error trying to connect")
        || has("Connection refused")
    {
        ConnectError::Network(detail)
    } else {
        ConnectError::Other(detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified_for_people() {
        assert!(matches!(
            classify(
                "ExpiredToken: The security token included in the request is expired",
                false
            ),
            ConnectError::ExpiredCredentials(_)
        ));
        assert!(matches!(
            classify(
                "AccessDenied: User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole",
                true
            ),
            ConnectError::AssumeRoleDenied(_)
        ));
        assert!(matches!(
            classify(
                "InvalidClientTokenId: The security token included in the request is invalid",
                false
            ),
            ConnectError::InvalidCredentials(_)
        ));
        assert!(matches!(
            classify(
                "dispatch failure: io error: Connection refused (os error 111)",
                false
            ),
            ConnectError::Network(_)
        ));
        assert!(matches!(
            classify(
                "dispatch failure: other: no credentials in the property bag",
                false
            ),
            ConnectError::NoCredentials(_)
        ));
    }
}
