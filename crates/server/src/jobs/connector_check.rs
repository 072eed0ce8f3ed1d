//! Connector validation and refresh: can posture reach the cloud scope with
//! the connector's credentials? Online when it can; Offline with a short
//! `error` code and a message a person can act on when it cannot.

use super::connect::connect;
use super::{JobError, JobResult};
use crate::state::AppState;
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
    match connect(state, connector).await {
        Ok(_) => Ok(()),
        Err(failure) => Err((failure.code, failure.message)),
    }
}
