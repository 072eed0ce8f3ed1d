//! IAM principals: users, roles and the root user, each with the credentials
//! and policies the identity controls check. Policies, groups, tags and
//! boundaries come from the account's authorization details (see
//! `iam_details`); only credentials need calls per user.

use super::credential_report::{Row, flag, timestamp};
use super::iam_details::{Details, attached, inline};
use crate::context::RegionCtx;
use crate::errors::code;
use aws_sdk_iam::Client;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use posture_collect::for_each_bounded;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

const USER: &str = "aws.iam.user";
const ROLE: &str = "aws.iam.role";
const ROOT: &str = "aws.iam.root_user";

fn rfc3339(t: &DateTime) -> Option<String> {
    t.fmt(Format::DateTime).ok()
}

/// IAM returns policy documents URL-encoded; `None` when it does not parse.
pub(crate) fn policy_document(encoded: &str) -> Option<Value> {
    let decoded = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()?;
    serde_json::from_str(&decoded).ok()
}

pub(super) fn tags(tags: &[aws_sdk_iam::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}

/// The type of an MFA device, from its serial number (see the kind's schema).
fn mfa_type(serial: &str) -> &'static str {
    if serial.starts_with("arn:") && serial.contains(":mfa/") {
        "virtual"
    } else if serial.starts_with("arn:") && serial.contains(":u2f/") {
        "security_key"
    } else {
        "hardware"
    }
}

pub async fn users(
    ctx: &RegionCtx,
    client: &Client,
    report: Option<&HashMap<String, Row>>,
    details: Option<&Details>,
) {
    let listed = client
        .list_users()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let users = match listed {
        Ok(users) => users,
        Err(err) => return ctx.fail(USER, "global", "iam:ListUsers", None, &err),
    };
    for_each_bounded(users, ctx.fan_out(), |u| {
        user(ctx, client, report, details, u)
    })
    .await;
}

/// One user's record: the authorization details' policies, groups, tags
/// and boundary, and the user's own credential calls, in parallel with
/// other users'.
async fn user(
    ctx: &RegionCtx,
    client: &Client,
    report: Option<&HashMap<String, Row>>,
    details: Option<&Details>,
    user: aws_sdk_iam::types::User,
) {
    let name = user.user_name().to_owned();
    let id = user.arn().to_owned();
    let fail = |action: &str, err: &dyn ErrorLike| err.record(ctx, USER, action, &id);
    let mut config = serde_json::Map::new();
    config.insert("user_id".into(), json!(user.user_id()));
    config.insert("path".into(), json!(user.path()));
    config.insert("create_date".into(), json!(rfc3339(user.create_date())));
    config.insert(
        "password_last_used".into(),
        json!(user.password_last_used().and_then(rfc3339)),
    );
    // Without the report the field stays out: not collected, not "never".
    if let Some(rows) = report {
        config.insert(
            "password_last_changed".into(),
            json!(timestamp(rows.get(&name), "password_last_changed")),
        );
    }
    let mut user_tags = BTreeMap::new();
    if let Some(detail) = details.and_then(|d| d.users.get(&name)) {
        let boundary = detail
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn());
        config.insert("permissions_boundary_arn".into(), json!(boundary));
        config.insert("groups".into(), json!(detail.group_list()));
        config.insert(
            "attached_policies".into(),
            attached(detail.attached_managed_policies()),
        );
        config.insert("inline_policies".into(), inline(detail.user_policy_list()));
        user_tags = tags(detail.tags());
    }
    match client.get_login_profile().user_name(&name).send().await {
        Ok(out) => {
            let profile = out.login_profile();
            config.insert("password_enabled".into(), json!(profile.is_some()));
            config.insert(
                "login_profile".into(),
                profile.map_or(Value::Null, |p| {
                    json!({"create_date": rfc3339(p.create_date()), "password_reset_required": p.password_reset_required()})
                }),
            );
        }
        Err(err) if code(&err) == Some("NoSuchEntity") => {
            config.insert("password_enabled".into(), json!(false));
            config.insert("login_profile".into(), Value::Null);
        }
        Err(err) => fail("iam:GetLoginProfile", &err),
    }
    match client
        .list_mfa_devices()
        .user_name(&name)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
    {
        Ok(devices) => {
            let devices: Vec<Value> = devices
                .iter()
                .map(|d| json!({"serial_number": d.serial_number(), "type": mfa_type(d.serial_number()), "enable_date": rfc3339(d.enable_date())}))
                .collect();
            config.insert("mfa_devices".into(), Value::Array(devices));
        }
        Err(err) => fail("iam:ListMFADevices", &err),
    }
    match client
        .list_access_keys()
        .user_name(&name)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
    {
        Ok(keys) => {
            let mut list = Vec::new();
            for key in keys {
                let key_id = key.access_key_id().unwrap_or_default().to_owned();
                let mut entry = json!({
                    "access_key_id": key_id,
                    "status": key.status().map(|s| s.as_str()).unwrap_or_default(),
                    "create_date": key.create_date().and_then(rfc3339),
                });
                match client
                    .get_access_key_last_used()
                    .access_key_id(&key_id)
                    .send()
                    .await
                {
                    Ok(out) => {
                        let used = out.access_key_last_used();
                        let known = |v: &str| (v != "N/A").then(|| v.to_owned());
                        entry["last_used_date"] =
                            json!(used.and_then(|u| u.last_used_date()).and_then(rfc3339));
                        entry["last_used_service"] =
                            json!(used.and_then(|u| known(u.service_name())));
                        entry["last_used_region"] = json!(used.and_then(|u| known(u.region())));
                    }
                    Err(err) => {
                        fail("iam:GetAccessKeyLastUsed", &err);
                        continue;
                    }
                }
                list.push(entry);
            }
            config.insert("access_keys".into(), Value::Array(list));
        }
        Err(err) => fail("iam:ListAccessKeys", &err),
    }
    ctx.emit(USER, "global", id, name, user_tags, Value::Object(config))
        .await;
}

/// Roles: ListRoles for the description and session length, the
/// authorization details for everything else. No call per role.
pub async fn roles(ctx: &RegionCtx, client: &Client, details: Option<&Details>) {
    let listed = client
        .list_roles()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let roles = match listed {
        Ok(roles) => roles,
        Err(err) => return ctx.fail(ROLE, "global", "iam:ListRoles", None, &err),
    };
    for role in roles {
        let name = role.role_name().to_owned();
        let id = role.arn().to_owned();
        let mut config = serde_json::Map::new();
        config.insert("role_id".into(), json!(role.role_id()));
        config.insert("path".into(), json!(role.path()));
        config.insert("create_date".into(), json!(rfc3339(role.create_date())));
        config.insert("description".into(), json!(role.description()));
        config.insert(
            "max_session_duration".into(),
            json!(role.max_session_duration().unwrap_or(3600)),
        );
        let mut role_tags = tags(role.tags());
        if let Some(detail) = details.and_then(|d| d.roles.get(&name)) {
            let trust = detail
                .assume_role_policy_document()
                .and_then(policy_document);
            config.insert("assume_role_policy".into(), trust.unwrap_or(Value::Null));
            config.insert(
                "permissions_boundary_arn".into(),
                json!(
                    detail
                        .permissions_boundary()
                        .and_then(|b| b.permissions_boundary_arn())
                ),
            );
            let used = detail.role_last_used();
            config.insert(
                "last_used_date".into(),
                json!(used.and_then(|u| u.last_used_date()).and_then(rfc3339)),
            );
            config.insert(
                "last_used_region".into(),
                json!(used.and_then(|u| u.region())),
            );
            config.insert(
                "attached_policies".into(),
                attached(detail.attached_managed_policies()),
            );
            config.insert("inline_policies".into(), inline(detail.role_policy_list()));
            role_tags.extend(tags(detail.tags()));
        }
        ctx.emit(ROLE, "global", id, name, role_tags, Value::Object(config))
            .await;
    }
}

pub async fn root_user(ctx: &RegionCtx, client: &Client, report: Option<&HashMap<String, Row>>) {
    let Some(rows) = report else { return };
    let row = rows.get("<root_account>");
    let id = format!("arn:{}:iam::{}:root", ctx.partition(), ctx.account());
    let mut config = serde_json::Map::new();
    const FLAGS: [&str; 5] = [
        "access_key_1_active",
        "access_key_2_active",
        "cert_1_active",
        "cert_2_active",
        "mfa_active",
    ];
    const TIMES: [&str; 5] = [
        "access_key_1_last_rotated",
        "access_key_1_last_used_date",
        "access_key_2_last_rotated",
        "access_key_2_last_used_date",
        "password_last_used",
    ];
    if row.is_some() {
        for column in FLAGS {
            config.insert(column.into(), json!(flag(row, column)));
        }
        for column in TIMES {
            config.insert(column.into(), json!(timestamp(row, column)));
        }
        if let Some(created) = timestamp(row, "user_creation_time") {
            config.insert("create_date".into(), json!(created));
        }
    } else if let Ok(kind) = posture_model::ResourceKind::parse(ROOT) {
        // Without the row, the report's fields stay out: their controls show
        // ERROR rather than judging the root user on nothing.
        ctx.output.error(posture_model::CollectionError {
            kind,
            region: "global".into(),
            resource_id: Some(id.clone()),
            action: "iam:GetCredentialReport".into(),
            permission: None,
            message: "the credential report has no <root_account> row".into(),
        });
    }
    match client.get_account_summary().send().await {
        Ok(out) => {
            let present = out.summary_map().and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.as_str() == "AccountAccessKeysPresent")
                    .map(|(_, v)| *v)
            });
            config.insert("access_keys_present".into(), json!(present == Some(1)));
        }
        Err(err) => ctx.fail(ROOT, "global", "iam:GetAccountSummary", Some(&id), &err),
    }
    let assigned = client
        .list_virtual_mfa_devices()
        .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Assigned)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    match assigned {
        Ok(devices) => {
            let root = devices.iter().any(|d| {
                d.user().is_some_and(|u| u.arn() == id)
                    || d.serial_number().ends_with(":mfa/root-account-mfa-device")
            });
            config.insert("virtual_mfa_assigned".into(), json!(root));
        }
        Err(err) => ctx.fail(ROOT, "global", "iam:ListVirtualMFADevices", Some(&id), &err),
    }
    ctx.emit(
        ROOT,
        "global",
        id,
        "<root_account>".into(),
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}

/// Lets one closure record errors of any SDK operation's type.
pub(super) trait ErrorLike {
    fn record(&self, ctx: &RegionCtx, kind: &str, action: &str, resource_id: &str);
}

impl<E> ErrorLike for E
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error,
{
    fn record(&self, ctx: &RegionCtx, kind: &str, action: &str, resource_id: &str) {
        ctx.fail(kind, "global", action, Some(resource_id), self);
    }
}
