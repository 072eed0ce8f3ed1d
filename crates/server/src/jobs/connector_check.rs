//! Connector validation and refresh: can posture reach the cloud scope with
//! the connector's credentials? Online when it can; Offline with a short
//! `error` code and a message a person can act on when it cannot.

use super::{JobError, JobResult};
use crate::state::AppState;
use posture_collect_aws::{AssumeRole, AwsOptions, ConnectError, Partition, Session};
use posture_model::Provider;
use posture_store::{Connector, ConnectorState, Job, StateChange};

pub async fn run(state: &AppState, job: &Job) -> JobResult {
    let Some(tenant) = job.tenant else {
        return Err(JobError("a connector job without a tenant".into()));
    };
    let id = job.subject;
    let connector = match state.db(move |s| s.connector(tenant, id)).await {
        Ok(c) => c,
        // Deleted since: nothing to check.
        Err(crate::error::ApiError::NotFound(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let (new_state, error, message) = match check(state, &connector).await {
        Ok(()) => (ConnectorState::Online, None, None),
        Err((code, message)) => (ConnectorState::Offline, Some(code), Some(message)),
    };
    let change = StateChange {
        state: new_state,
        error,
        error_message: message,
        at: state.now(),
        synced: new_state == ConnectorState::Online,
        total_assets: None,
    };
    match state
        .db(move |s| s.set_connector_state(tenant, id, &change))
        .await
    {
        Ok(_) | Err(crate::error::ApiError::NotFound(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// `Err((code, message))` says why the scope cannot be reached.
async fn check(state: &AppState, connector: &Connector) -> Result<(), (String, String)> {
    match connector.provider {
        Provider::Aws => {
            let options = aws_options(state, connector).ok_or_else(|| {
                (
                    "invalid_settings".to_string(),
                    "the connector has no role ARN".to_string(),
                )
            })?;
            let session = Session::connect(&options)
                .await
                .map_err(|e| (connect_error_code(&e).to_string(), e.to_string()))?;
            if session.account_id != connector.scope {
                return Err((
                    "account_mismatch".into(),
                    format!(
                        "the role answered for account {}, not {}",
                        session.account_id, connector.scope
                    ),
                ));
            }
            Ok(())
        }
        Provider::Azure | Provider::Gcp => Err((
            "unsupported".into(),
            format!(
                "this server cannot collect from {} yet; use an offline connector and upload inventories",
                connector.provider.api_name()
            ),
        )),
    }
}

/// The AWS options of a role connector.
pub fn aws_options(state: &AppState, connector: &Connector) -> Option<AwsOptions> {
    let arn = connector.settings.get("arn")?.as_str()?.to_string();
    let external_id = connector
        .settings
        .get("externalId")
        .and_then(|v| v.as_str())
        .map(str::to_string);
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

fn connect_error_code(e: &ConnectError) -> &'static str {
    match e {
        ConnectError::BadRoleArn(_) => "invalid_role_arn",
        ConnectError::NoCredentials(_) => "platform_credentials_missing",
        ConnectError::AssumeRoleDenied(_) => "assume_role_denied",
        ConnectError::ExpiredCredentials(_) => "credentials_expired",
        ConnectError::InvalidCredentials(_) => "credentials_invalid",
        ConnectError::Network(_) => "network",
        ConnectError::Other(_) => "connect_failed",
    }
}
