//! IAM policies and who holds them: customer managed policies with the
//! document of their default version (`aws.iam.policy`), groups with their
//! members and attached and inline policies (`aws.iam.group`, from the
//! account's authorization details), and the
//! holders of the AWS managed AWSSupportAccess policy
//! (`aws.iam.support_access`).

use super::iam_details::{Details, attached, inline};
use super::iam_principals::{ErrorLike, tags};
use super::util::{put, rfc3339, text};
use crate::context::RegionCtx;
use aws_sdk_iam::Client;
use aws_sdk_iam::types::{Policy, PolicyScopeType};
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub(super) const POLICY: &str = "aws.iam.policy";
pub(super) const GROUP: &str = "aws.iam.group";
pub(super) const SUPPORT_ACCESS: &str = "aws.iam.support_access";

/// Customer managed policies (ListPolicies Scope=Local), each with its
/// description and tags (GetPolicy) and its default version's document
/// (from the authorization details).
pub async fn policies(ctx: &RegionCtx, client: &Client, details: Option<&Details>) {
    let listed = client
        .list_policies()
        .scope(PolicyScopeType::Local)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let policies = match listed {
        Ok(policies) => policies,
        Err(err) => return ctx.fail(POLICY, "global", "iam:ListPolicies", None, &err),
    };
    for_each_bounded(policies, ctx.fan_out(), |policy| async move {
        policy_record(ctx, client, details, &policy).await;
    })
    .await;
}

async fn policy_record(
    ctx: &RegionCtx,
    client: &Client,
    details: Option<&Details>,
    policy: &Policy,
) {
    let Some(arn) = policy.arn() else { return };
    let fail = |action: &str, err: &dyn ErrorLike| err.record(ctx, POLICY, action, arn);
    let mut config = Map::new();
    put(&mut config, "policy_id", policy.policy_id());
    put(&mut config, "path", policy.path());
    put(
        &mut config,
        "default_version_id",
        policy.default_version_id(),
    );
    put(&mut config, "attachment_count", policy.attachment_count());
    put(
        &mut config,
        "permissions_boundary_usage_count",
        policy.permissions_boundary_usage_count(),
    );
    config.insert("is_attachable".into(), Value::Bool(policy.is_attachable()));
    put(
        &mut config,
        "create_date",
        policy.create_date().and_then(rfc3339),
    );
    put(
        &mut config,
        "update_date",
        policy.update_date().and_then(rfc3339),
    );

    let mut policy_tags = BTreeMap::new();
    match client.get_policy().policy_arn(arn).send().await {
        Ok(out) => {
            let full = out.policy();
            config.insert(
                "description".into(),
                text(full.and_then(|p| p.description())),
            );
            policy_tags = full.map(|p| tags(p.tags())).unwrap_or_default();
        }
        Err(err) => fail("iam:GetPolicy", &err),
    }

    if let Some(details) = details {
        let document = details.default_document(arn);
        config.insert("document".into(), document.unwrap_or(Value::Null));
    }

    let name = policy.policy_name().unwrap_or(arn).to_owned();
    ctx.emit(
        POLICY,
        "global",
        arn.to_owned(),
        name,
        policy_tags,
        Value::Object(config),
    )
    .await;
}

/// Groups, each with its members, attached policies and inline policies
/// with their documents: all from the authorization details (members from
/// the users' group lists), no call per group.
pub async fn groups(ctx: &RegionCtx, details: &Details) {
    let members = details.members();
    let mut groups: Vec<_> = details.groups.values().collect();
    groups.sort_by_key(|g| g.group_name());
    for group in groups {
        let name = group.group_name().unwrap_or_default().to_owned();
        let Some(id) = group.arn().map(str::to_owned) else {
            continue;
        };
        let mut config = Map::new();
        put(&mut config, "group_id", group.group_id());
        put(&mut config, "path", group.path());
        put(
            &mut config,
            "create_date",
            group.create_date().and_then(rfc3339),
        );
        let users = members.get(name.as_str()).cloned().unwrap_or_default();
        config.insert("users".into(), json!(users));
        config.insert(
            "attached_policies".into(),
            attached(group.attached_managed_policies()),
        );
        config.insert("inline_policies".into(), inline(group.group_policy_list()));
        ctx.emit(
            GROUP,
            "global",
            id,
            name,
            BTreeMap::new(),
            Value::Object(config),
        )
        .await;
    }
}

/// The roles, users and groups holding the AWS managed AWSSupportAccess
/// policy (ListEntitiesForPolicy): one record per account.
pub async fn support_access(ctx: &RegionCtx, client: &Client) {
    let policy_arn = format!("arn:{}:iam::aws:policy/AWSSupportAccess", ctx.partition());
    let (mut roles, mut users, mut groups) = (Vec::<String>::new(), Vec::new(), Vec::new());
    let mut pages = client
        .list_entities_for_policy()
        .policy_arn(&policy_arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                let owned = |name: Option<&str>| name.map(str::to_owned);
                roles.extend(
                    page.policy_roles()
                        .iter()
                        .filter_map(|r| owned(r.role_name())),
                );
                users.extend(
                    page.policy_users()
                        .iter()
                        .filter_map(|u| owned(u.user_name())),
                );
                groups.extend(
                    page.policy_groups()
                        .iter()
                        .filter_map(|g| owned(g.group_name())),
                );
            }
            Err(err) => {
                ctx.fail(
                    SUPPORT_ACCESS,
                    "global",
                    "iam:ListEntitiesForPolicy",
                    None,
                    &err,
                );
                return;
            }
        }
    }
    let config = json!({"roles": roles, "users": users, "groups": groups});
    let id = format!(
        "arn:{}:iam::{}:support-access",
        ctx.partition(),
        ctx.account()
    );
    ctx.emit(
        SUPPORT_ACCESS,
        "global",
        id,
        "support-access".into(),
        BTreeMap::new(),
        config,
    )
    .await;
}
