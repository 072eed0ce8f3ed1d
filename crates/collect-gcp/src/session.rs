//! Connects to a project: checks the options, gets an access token with the
//! service-account key and reads the project from Cloud Resource Manager.
//! This is also connector validation: an error here says precisely what is
//! wrong and what to fix.

use crate::api_error::{ApiError, StatusError};
use crate::auth::{TokenError, TokenSource};
use crate::client::{ApiCalls, Client};
use crate::options::{GcpOptions, OptionsError};
use crate::services::util::encode;
use serde_json::Value;

/// The permission and API the project read needs.
pub(crate) const PROJECT_GET: &str = "resourcemanager.projects.get";
pub(crate) const CRM_HOST: &str = "cloudresourcemanager.googleapis.com";

/// A connected project.
#[derive(Debug)]
pub struct Session {
    pub project_id: String,
    /// The project number (`projects/123` in Google's messages).
    pub project_number: Option<String>,
    /// The service account posture acts as.
    pub client_email: String,
    pub options: GcpOptions,
    /// The project as Cloud Resource Manager returned it.
    pub(crate) project: Value,
    pub(crate) client: Client,
}

/// Why a project could not be reached, for a person to act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// The project id, endpoint or key file is malformed.
    #[error("{0}")]
    InvalidOptions(#[from] OptionsError),
    /// The key's private key cannot be used to sign.
    #[error("malformed service-account key: {0}; download a new JSON key")]
    MalformedKey(String),
    /// Google refused the key's signature: the key was deleted or disabled.
    #[error(
        "the service-account key was refused ({0}): it has been deleted or disabled; create a new key for the service account"
    )]
    KeyDisabled(String),
    /// The service account does not exist (deleted) or is disabled.
    #[error(
        "the service account was not found ({0}): it has been deleted or disabled; re-enable it or use a key of an existing service account"
    )]
    AccountNotFound(String),
    /// The token endpoint refused the grant for another reason.
    #[error("the token endpoint refused the service-account key: {0}")]
    TokenRejected(String),
    /// An API the connection needs is not enabled in the project.
    #[error(
        "the {api} API is not enabled in project {project}: enable it (gcloud services enable {api} --project {project}) and retry ({message})"
    )]
    ApiNotEnabled {
        api: String,
        project: String,
        message: String,
    },
    /// The service account lacks a permission.
    #[error(
        "the service account lacks permission {permission} on project {project}: grant it roles/viewer and roles/iam.securityReviewer ({message})"
    )]
    PermissionDenied {
        permission: String,
        project: String,
        message: String,
    },
    /// The project does not exist or is being deleted.
    #[error(
        "project {project} was not found or is being deleted: check the project id ({message})"
    )]
    ProjectNotFound { project: String, message: String },
    #[error("cannot reach Google: {0}")]
    Network(String),
    #[error("reading the project failed: {0}")]
    Other(String),
}

impl Session {
    /// Checks the options, gets a token and reads the project.
    pub async fn connect(options: &GcpOptions) -> Result<Session, ConnectError> {
        let key = options.validate()?;
        let tokens = TokenSource::new(&key, options.timeout)
            .await
            .map_err(token_error)?;
        let client = Client::new(
            tokens,
            options.api_endpoint.clone(),
            options.max_attempts,
            options.timeout,
            options.retry_base_delay,
        )
        .map_err(ConnectError::Other)?;
        let project_id = options.project_id.clone();
        let url = client.url(CRM_HOST, &format!("/v3/projects/{}", encode(&project_id)));
        let project = client
            .get(&url, PROJECT_GET)
            .await
            .map_err(|e| api_error(e, &project_id))?;
        if project["state"].as_str() == Some("DELETE_REQUESTED") {
            return Err(ConnectError::ProjectNotFound {
                project: project_id,
                message: "the project's state is DELETE_REQUESTED".into(),
            });
        }
        let project_number = project["name"]
            .as_str()
            .and_then(|n| n.strip_prefix("projects/"))
            .map(str::to_owned);
        Ok(Session {
            project_id,
            project_number,
            client_email: key.client_email.clone(),
            options: options.clone(),
            project,
            client,
        })
    }

    /// The API calls made through this session.
    pub fn calls(&self) -> &ApiCalls {
        &self.client.calls
    }
}

fn token_error(e: TokenError) -> ConnectError {
    match e {
        TokenError::BadKey(m) => ConnectError::MalformedKey(m),
        TokenError::Network(m) => ConnectError::Network(m),
        TokenError::Other(m) => ConnectError::Other(m),
        TokenError::Rejected { error, description } => {
            let text = format!("{error}: {description}");
            let lower = description.to_ascii_lowercase();
            if error == "invalid_grant" && lower.contains("account not found") {
                ConnectError::AccountNotFound(text)
            } else if error == "invalid_grant"
                && (lower.contains("invalid jwt signature") || lower.contains("signature"))
            {
                ConnectError::KeyDisabled(text)
            } else {
                ConnectError::TokenRejected(text)
            }
        }
    }
}

fn api_error(e: ApiError, project: &str) -> ConnectError {
    let project = project.to_owned();
    match e {
        ApiError::Token(t) => token_error(t),
        ApiError::Network(m) => ConnectError::Network(m),
        ApiError::Decode(m) => ConnectError::Other(m),
        ApiError::Status(s) => status_error(*s, project),
    }
}

fn status_error(s: StatusError, project: String) -> ConnectError {
    if s.is_service_disabled() {
        return ConnectError::ApiNotEnabled {
            api: s
                .disabled_service
                .clone()
                .unwrap_or_else(|| CRM_HOST.into()),
            project,
            message: s.message,
        };
    }
    if s.http == 404 || s.status.as_deref() == Some("NOT_FOUND") {
        return ConnectError::ProjectNotFound {
            project,
            message: s.message,
        };
    }
    if s.is_denied() || s.http == 401 {
        return ConnectError::PermissionDenied {
            permission: s.permission.clone().unwrap_or_else(|| PROJECT_GET.into()),
            project,
            message: format!(
                "{} (Google answers the same when the project does not exist)",
                s.message
            ),
        };
    }
    ConnectError::Other(ApiError::Status(Box::new(s)).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(error: &str, description: &str) -> ConnectError {
        token_error(TokenError::Rejected {
            error: error.into(),
            description: description.into(),
        })
    }

    #[test]
    fn token_refusals_are_told_apart() {
        assert!(matches!(
            rejected("invalid_grant", "Invalid JWT Signature."),
            ConnectError::KeyDisabled(_)
        ));
        assert!(matches!(
            rejected("invalid_grant", "Invalid grant: account not found"),
            ConnectError::AccountNotFound(_)
        ));
        assert!(matches!(
            rejected("invalid_client", "The OAuth client was not found."),
            ConnectError::TokenRejected(_)
        ));
    }
}
