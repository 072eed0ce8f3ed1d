//! IAM policies and who holds them: customer managed policies with the
//! document of their default version (`aws.iam.policy`), groups with their
//! members and attached and inline policies (`aws.iam.group`), and the
//! holders of the AWS managed AWSSupportAccess policy
//! (`aws.iam.support_access`).

use super::iam_principals::{ErrorLike, PolicyCalls, policy_document, principal_policies, tags};
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
/// description and tags (GetPolicy) and its default version's document.
pub async fn policies(ctx: &RegionCtx, client: &Client) {
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
        policy_record(ctx, client, &policy).await;
    })
    .await;
}

async fn policy_record(ctx: &RegionCtx, client: &Client, policy: &Policy) {
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

    if let Some(version) = policy.default_version_id() {
        match client
            .get_policy_version()
            .policy_arn(arn)
            .version_id(version)
            .send()
            .await
        {
            Ok(out) => {
                let document = out
                    .policy_version()
                    .and_then(|v| v.document())
                    .and_then(policy_document);
                config.insert("document".into(), document.unwrap_or(Value::Null));
            }
            Err(err) => fail("iam:GetPolicyVersion", &err),
        }
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

/// Groups (ListGroups), each with its members (GetGroup), attached policies
/// and inline policies with their documents.
pub async fn groups(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .list_groups()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let groups = match listed {
        Ok(groups) => groups,
        Err(err) => return ctx.fail(GROUP, "global", "iam:ListGroups", None, &err),
    };
    for_each_bounded(groups, ctx.fan_out(), |g| group_record(ctx, client, g)).await;
}

/// One group's record: members, attached and inline policies.
async fn group_record(ctx: &RegionCtx, client: &Client, group: aws_sdk_iam::types::Group) {
    let name = group.group_name().to_owned();
    let id = group.arn().to_owned();
    let fail = |action: &str, err: &dyn ErrorLike| err.record(ctx, GROUP, action, &id);
    let mut config = Map::new();
    config.insert("group_id".into(), json!(group.group_id()));
    config.insert("path".into(), json!(group.path()));
    put(&mut config, "create_date", rfc3339(group.create_date()));
    match client
        .get_group()
        .group_name(&name)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
    {
        Ok(users) => {
            let names: Vec<&str> = users.iter().map(|u| u.user_name()).collect();
            config.insert("users".into(), json!(names));
        }
        Err(err) => fail("iam:GetGroup", &err),
    }
    let listed_attached = client
        .list_attached_group_policies()
        .group_name(&name)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>();
    let listed_inline = client
        .list_group_policies()
        .group_name(&name)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>();
    let get = |policy: String| {
        let request = client
            .get_group_policy()
            .group_name(&name)
            .policy_name(policy);
        async move {
            request
                .send()
                .await
                .map(|out| out.policy_document().to_owned())
        }
    };
    let calls = PolicyCalls {
        actions: [
            "iam:ListAttachedGroupPolicies",
            "iam:ListGroupPolicies",
            "iam:GetGroupPolicy",
        ],
        listed_attached,
        listed_inline,
        get,
    };
    principal_policies(&mut config, calls, &fail).await;
    ctx.emit(
        GROUP,
        "global",
        id.clone(),
        name,
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
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
