//! Azure RBAC (Microsoft.Authorization): the custom role definitions that
//! can be assigned in the subscription (CIS asks that none grants owner
//! rights, `*` at subscription scope).

use super::json::{self, GLOBAL, array, non_empty, string, strings, text};
use crate::context::Ctx;
use serde_json::{Value, json};

pub const CUSTOM_ROLE: &str = "azure.authorization.custom_role";
pub const KINDS: &[&str] = &[CUSTOM_ROLE];

pub const OPERATIONS: &[&str] = &["Microsoft.Authorization/roleDefinitions/read"];

/// `Microsoft.Authorization/roleDefinitions`.
const ROLES_API: &str = "2022-04-01";

pub async fn collect(ctx: Ctx) {
    let path = ctx.subscription_path(
        "/providers/Microsoft.Authorization/roleDefinitions?$filter=type%20eq%20%27CustomRole%27",
    );
    let Some(roles) = ctx.list(KINDS, &path, ROLES_API).await else {
        return;
    };
    for role in roles {
        // The filter is the service's; keep built-in roles out regardless.
        if text(&role, "properties.type") == "BuiltInRole" {
            continue;
        }
        let (id, _) = json::id_and_name(&role);
        let role_name = text(&role, "properties.roleName").to_owned();
        let permissions: Vec<Value> = array(&role, "properties.permissions")
            .iter()
            .map(|p| {
                json!({
                    "actions": strings(p, "actions"),
                    "not_actions": strings(p, "notActions"),
                    "data_actions": strings(p, "dataActions"),
                    "not_data_actions": strings(p, "notDataActions"),
                })
            })
            .collect();
        let config = json!({
            "role_name": role_name,
            "description": non_empty(&role, "properties.description"),
            "assignable_scopes": strings(&role, "properties.assignableScopes"),
            "permissions": permissions,
            "created_on": string(&role, "properties.createdOn"),
            "updated_on": string(&role, "properties.updatedOn"),
        });
        ctx.emit(
            CUSTOM_ROLE,
            GLOBAL,
            &id,
            &role_name,
            Default::default(),
            config,
        )
        .await;
    }
}
