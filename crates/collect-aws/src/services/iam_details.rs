//! The account's IAM authorization details (GetAccountAuthorizationDetails):
//! every user, group and role with its attached and inline policies, tags
//! and boundary, and every customer managed policy with its versions, in a
//! few paged calls instead of half a dozen calls per principal. Large
//! accounts have thousands of principals: this is what keeps IAM within
//! its API rate limits.

use super::iam_principals::policy_document;
use crate::context::RegionCtx;
use aws_sdk_iam::Client;
use aws_sdk_iam::types::{
    AttachedPolicy, EntityType, GroupDetail, ManagedPolicyDetail, PolicyDetail, RoleDetail,
    UserDetail,
};
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) const ACTION: &str = "iam:GetAccountAuthorizationDetails";

/// What one GetAccountAuthorizationDetails read returned, by name or ARN.
#[derive(Debug, Default)]
pub(super) struct Details {
    pub users: HashMap<String, UserDetail>,
    pub roles: HashMap<String, RoleDetail>,
    pub groups: HashMap<String, GroupDetail>,
    /// Customer managed policies, by ARN.
    pub policies: HashMap<String, ManagedPolicyDetail>,
}

impl Details {
    /// The names of the users in each group, from the users' group lists.
    pub fn members(&self) -> HashMap<&str, Vec<&str>> {
        let mut members: HashMap<&str, Vec<&str>> = HashMap::new();
        for user in self.users.values() {
            for group in user.group_list() {
                members
                    .entry(group.as_str())
                    .or_default()
                    .push(user.user_name().unwrap_or_default());
            }
        }
        for names in members.values_mut() {
            names.sort_unstable();
        }
        members
    }

    /// The document of a managed policy's default version.
    pub fn default_document(&self, arn: &str) -> Option<Value> {
        let policy = self.policies.get(arn)?;
        let version = policy
            .policy_version_list()
            .iter()
            .find(|v| v.is_default_version())?;
        version.document().and_then(policy_document)
    }
}

/// Reads the details of the entity types given. On failure the error is
/// recorded once for each kind in `kinds`, and `None` returned: the fields
/// that come from these details then stay out of every record (ERROR).
pub(super) async fn fetch(
    ctx: &RegionCtx,
    client: &Client,
    filter: &[EntityType],
    kinds: &[&str],
) -> Option<Details> {
    let mut pages = client
        .get_account_authorization_details()
        .set_filter(Some(filter.to_vec()))
        .into_paginator()
        .send();
    let mut details = Details::default();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(err) => {
                for kind in kinds {
                    ctx.fail(kind, "global", ACTION, None, &err);
                }
                return None;
            }
        };
        for user in page.user_detail_list() {
            let name = user.user_name().unwrap_or_default().to_owned();
            details.users.insert(name, user.clone());
        }
        for role in page.role_detail_list() {
            let name = role.role_name().unwrap_or_default().to_owned();
            details.roles.insert(name, role.clone());
        }
        for group in page.group_detail_list() {
            let name = group.group_name().unwrap_or_default().to_owned();
            details.groups.insert(name, group.clone());
        }
        for policy in page.policies() {
            if let Some(arn) = policy.arn() {
                details.policies.insert(arn.to_owned(), policy.clone());
            }
        }
    }
    Some(details)
}

/// `attached_policies` as the kinds declare them: `{arn, name}`.
pub(super) fn attached(policies: &[AttachedPolicy]) -> Value {
    policies
        .iter()
        .map(|p| json!({"arn": p.policy_arn(), "name": p.policy_name()}))
        .collect()
}

/// `inline_policies` as the kinds declare them: `{name, document}`, the
/// document URL-decoded and parsed (null when it does not parse).
pub(super) fn inline(policies: &[PolicyDetail]) -> Value {
    policies
        .iter()
        .map(|p| {
            let document = p.policy_document().and_then(policy_document);
            json!({"name": p.policy_name(), "document": document})
        })
        .collect()
}
