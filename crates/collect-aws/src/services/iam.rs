//! IAM: users (`aws.iam.user`), roles (`aws.iam.role`), the root user from
//! the credential report (`aws.iam.root_user`), the account password policy
//! (`aws.iam.password_policy`), the account summary
//! (`aws.iam.account_summary`), customer managed policies (`aws.iam.policy`),
//! groups (`aws.iam.group`), server certificates
//! (`aws.iam.server_certificate`) and the holders of AWSSupportAccess
//! (`aws.iam.support_access`).

use super::iam_certificates::SERVER_CERTIFICATE;
use super::iam_details::Details;
use super::iam_policies::{GROUP, POLICY, SUPPORT_ACCESS};
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_iam::Client;
use aws_sdk_iam::types::EntityType;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[
    "aws.iam.password_policy",
    "aws.iam.account_summary",
    "aws.iam.user",
    "aws.iam.role",
    "aws.iam.root_user",
    POLICY,
    GROUP,
    SERVER_CERTIFICATE,
    SUPPORT_ACCESS,
];

pub const ACTIONS: &[&str] = &[
    "iam:GetAccountPasswordPolicy",
    "iam:GetAccountSummary",
    "iam:GenerateCredentialReport",
    "iam:GetCredentialReport",
    "iam:GetAccountAuthorizationDetails",
    "iam:ListUsers",
    "iam:GetLoginProfile",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ListAccessKeys",
    "iam:GetAccessKeyLastUsed",
    "iam:ListRoles",
    "iam:ListPolicies",
    "iam:GetPolicy",
    "iam:ListServerCertificates",
    "iam:ListEntitiesForPolicy",
];

const USER: &str = "aws.iam.user";
const ROLE: &str = "aws.iam.role";
const ROOT: &str = "aws.iam.root_user";

const PASSWORD_POLICY: &str = "aws.iam.password_policy";
const SUMMARY: &str = "aws.iam.account_summary";

pub async fn collect(ctx: RegionCtx) {
    let client = client!(aws_sdk_iam, ctx);
    if ctx.wants(PASSWORD_POLICY) {
        password_policy(&ctx, &client).await;
    }
    if ctx.wants(SUMMARY) {
        account_summary(&ctx, &client).await;
    }
    let report = if ctx.wants(USER) || ctx.wants(ROOT) {
        super::credential_report::fetch(&ctx, &client, if ctx.wants(ROOT) { ROOT } else { USER })
            .await
    } else {
        None
    };
    if ctx.wants(ROOT) {
        super::iam_principals::root_user(&ctx, &client, report.as_ref()).await;
    }
    let details = authorization_details(&ctx, &client).await;
    let details = details.as_ref();
    if ctx.wants(USER) {
        super::iam_principals::users(&ctx, &client, report.as_ref(), details).await;
    }
    if ctx.wants(ROLE) {
        super::iam_principals::roles(&ctx, &client, details).await;
    }
    if ctx.wants(POLICY) {
        super::iam_policies::policies(&ctx, &client, details).await;
    }
    if let (true, Some(details)) = (ctx.wants(GROUP), details) {
        super::iam_policies::groups(&ctx, details).await;
    }
    if ctx.wants(SERVER_CERTIFICATE) {
        super::iam_certificates::server_certificates(&ctx, &client).await;
    }
    if ctx.wants(SUPPORT_ACCESS) {
        super::iam_policies::support_access(&ctx, &client).await;
    }
}

/// The authorization details the wanted kinds need: users for users and
/// for group members, roles, groups, and customer managed policies.
async fn authorization_details(ctx: &RegionCtx, client: &Client) -> Option<Details> {
    let mut filter = Vec::new();
    let mut kinds = Vec::new();
    if ctx.wants(USER) || ctx.wants(GROUP) {
        filter.push(EntityType::User);
    }
    for (kind, entity) in [
        (USER, None),
        (ROLE, Some(EntityType::Role)),
        (GROUP, Some(EntityType::Group)),
        (POLICY, Some(EntityType::LocalManagedPolicy)),
    ] {
        if ctx.wants(kind) {
            kinds.push(kind);
            filter.extend(entity);
        }
    }
    if filter.is_empty() {
        return None;
    }
    super::iam_details::fetch(ctx, client, &filter, &kinds).await
}

async fn password_policy(ctx: &RegionCtx, client: &Client) {
    let config = match client.get_account_password_policy().send().await {
        Ok(out) => match out.password_policy() {
            Some(p) => json!({
                "exists": true,
                "minimum_password_length": p.minimum_password_length(),
                "require_symbols": p.require_symbols(),
                "require_numbers": p.require_numbers(),
                "require_uppercase_characters": p.require_uppercase_characters(),
                "require_lowercase_characters": p.require_lowercase_characters(),
                "allow_users_to_change_password": p.allow_users_to_change_password(),
                "expire_passwords": p.expire_passwords(),
                "max_password_age": p.max_password_age(),
                "password_reuse_prevention": p.password_reuse_prevention(),
                "hard_expiry": p.hard_expiry().unwrap_or(false),
            }),
            None => absent_policy(),
        },
        Err(err) if code(&err) == Some("NoSuchEntity") => absent_policy(),
        Err(err) => {
            ctx.fail(
                PASSWORD_POLICY,
                "global",
                "iam:GetAccountPasswordPolicy",
                None,
                &err,
            );
            return;
        }
    };
    let id = format!(
        "arn:{}:iam::{}:account-password-policy",
        ctx.partition(),
        ctx.account()
    );
    ctx.emit(
        PASSWORD_POLICY,
        "global",
        id,
        "password-policy".into(),
        BTreeMap::new(),
        config,
    )
    .await;
}

fn absent_policy() -> Value {
    json!({
        "exists": false, "minimum_password_length": null, "require_symbols": null, "require_numbers": null,
        "require_uppercase_characters": null, "require_lowercase_characters": null,
        "allow_users_to_change_password": null, "expire_passwords": null, "max_password_age": null,
        "password_reuse_prevention": null, "hard_expiry": null,
    })
}

async fn account_summary(ctx: &RegionCtx, client: &Client) {
    let summary = match client.get_account_summary().send().await {
        Ok(out) => out
            .summary_map()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.as_str().to_owned(), *v))
                    .collect::<BTreeMap<String, i32>>()
            })
            .unwrap_or_default(),
        Err(err) => {
            ctx.fail(SUMMARY, "global", "iam:GetAccountSummary", None, &err);
            return;
        }
    };
    let get = |key: &str| summary.get(key).copied().unwrap_or(0);
    let config = json!({
        "account_mfa_enabled": get("AccountMFAEnabled") == 1,
        "account_access_keys_present": get("AccountAccessKeysPresent") == 1,
        "account_signing_certificates_present": get("AccountSigningCertificatesPresent") == 1,
        "users": get("Users"),
        "groups": get("Groups"),
        "roles": get("Roles"),
        "policies": get("Policies"),
        "mfa_devices": get("MFADevices"),
        "mfa_devices_in_use": get("MFADevicesInUse"),
        "server_certificates": get("ServerCertificates"),
        "providers": get("Providers"),
    });
    let id = format!(
        "arn:{}:iam::{}:account-summary",
        ctx.partition(),
        ctx.account()
    );
    ctx.emit(
        SUMMARY,
        "global",
        id,
        "account-summary".into(),
        BTreeMap::new(),
        config,
    )
    .await;
}
