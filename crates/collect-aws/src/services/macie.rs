//! Amazon Macie: whether it is enabled in each region, who administers it
//! and whether automated sensitive data discovery runs
//! (`aws.macie.session_status`), one record per region also when it is off.

use super::util::{put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_macie2::Client;
use aws_sdk_macie2::operation::get_macie_session::GetMacieSessionOutput;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[SESSION];

pub const ACTIONS: &[&str] = &[
    "macie2:GetMacieSession",
    "macie2:GetAdministratorAccount",
    "macie2:GetAutomatedDiscoveryConfiguration",
];

const SESSION: &str = "aws.macie.session_status";

/// The fields that are null when Macie is not enabled.
const SESSION_FIELDS: [&str; 7] = [
    "status",
    "created_at",
    "updated_at",
    "finding_publishing_frequency",
    "administrator_account_id",
    "automated_discovery_status",
    "automated_discovery_first_enabled_at",
];

/// Whether GetMacieSession failed because Macie is not enabled: AWS answers
/// AccessDeniedException "Macie is not enabled." (a missing permission is
/// also AccessDeniedException, with another message); a session that does
/// not exist is ResourceNotFoundException.
fn not_enabled<E: ProvideErrorMetadata>(err: &E) -> bool {
    match code(err) {
        Some("ResourceNotFoundException") => true,
        Some("AccessDeniedException") => err
            .message()
            .is_some_and(|m| m.to_ascii_lowercase().contains("not enabled")),
        _ => false,
    }
}

fn timestamp(t: Option<&aws_smithy_types::DateTime>) -> Value {
    t.and_then(rfc3339).map_or(Value::Null, Value::String)
}

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(SESSION) {
        return;
    }
    let client = client!(aws_sdk_macie2, ctx);
    let region = ctx.region.as_str();
    let session = match client.get_macie_session().send().await {
        Ok(out) => Some(out),
        Err(err) if not_enabled(&err) => None,
        Err(err) => {
            ctx.fail(SESSION, region, "macie2:GetMacieSession", None, &err);
            return;
        }
    };
    let id = format!(
        "arn:{}:macie2:{region}:{}:session-status",
        ctx.partition(),
        ctx.account()
    );
    let mut config = Map::new();
    config.insert("enabled".into(), Value::Bool(session.is_some()));
    match &session {
        None => {
            for key in SESSION_FIELDS {
                config.insert(key.into(), Value::Null);
            }
        }
        Some(session) => {
            config.extend(session_settings(session));
            administration(&ctx, &client, &id, &mut config).await;
        }
    }
    ctx.emit(
        SESSION,
        region,
        id,
        ctx.account().to_owned(),
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}

/// The fields GetMacieSession gives of an enabled Macie.
fn session_settings(session: &GetMacieSessionOutput) -> Map<String, Value> {
    let mut config = Map::new();
    put(&mut config, "status", session.status().map(|s| s.as_str()));
    put(
        &mut config,
        "created_at",
        session.created_at().and_then(rfc3339),
    );
    config.insert("updated_at".into(), timestamp(session.updated_at()));
    put(
        &mut config,
        "finding_publishing_frequency",
        session.finding_publishing_frequency().map(|f| f.as_str()),
    );
    config
}

/// The administrator account and, for a standalone or administrator
/// account, the automated discovery setting (a member's is managed by its
/// administrator: null).
async fn administration(
    ctx: &RegionCtx,
    client: &Client,
    id: &str,
    config: &mut Map<String, Value>,
) {
    let region = ctx.region.as_str();
    let administrator = match client.get_administrator_account().send().await {
        Ok(out) => out
            .administrator()
            .and_then(|a| a.account_id())
            .map(str::to_owned),
        Err(err) => {
            // Without it, whether automated discovery is this account's
            // setting is unknown too: both are left out.
            let action = "macie2:GetAdministratorAccount";
            ctx.fail(SESSION, region, action, Some(id), &err);
            return;
        }
    };
    config.insert(
        "administrator_account_id".into(),
        text(administrator.as_deref()),
    );
    if administrator.is_some() {
        config.insert("automated_discovery_status".into(), Value::Null);
        config.insert("automated_discovery_first_enabled_at".into(), Value::Null);
        return;
    }
    match client.get_automated_discovery_configuration().send().await {
        Ok(out) => {
            let status = out.status().map(|s| s.as_str());
            config.insert("automated_discovery_status".into(), text(status));
            config.insert(
                "automated_discovery_first_enabled_at".into(),
                timestamp(out.first_enabled_at().filter(|_| status.is_some())),
            );
        }
        Err(err) => ctx.fail(
            SESSION,
            region,
            "macie2:GetAutomatedDiscoveryConfiguration",
            Some(id),
            &err,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::error::ErrorMetadata;

    fn error(code: &str, message: &str) -> ErrorMetadata {
        ErrorMetadata::builder().code(code).message(message).build()
    }

    #[test]
    fn macie_off_is_told_apart_from_a_missing_permission() {
        assert!(not_enabled(&error(
            "AccessDeniedException",
            "Macie is not enabled."
        )));
        assert!(not_enabled(&error(
            "ResourceNotFoundException",
            "The request failed because the specified resource doesn't exist."
        )));
        assert!(!not_enabled(&error(
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/audit is not authorized to perform: macie2:GetMacieSession"
        )));
        assert!(!not_enabled(&error("ThrottlingException", "Rate exceeded")));
    }
}
