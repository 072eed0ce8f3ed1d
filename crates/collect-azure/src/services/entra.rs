//! Microsoft Entra ID through Microsoft Graph: the tenant's identity
//! settings (security defaults, authorization policy, conditional access,
//! access reviews, group creation, Global Administrators) and its users
//! with their MFA registration. Entra objects are not regional (`global`);
//! their ids are `/tenants/{tenant}` and `/tenants/{tenant}/users/{id}`.
//! A Graph call refused (permission or licence) leaves its fields out and
//! is reported naming the application permission it needs.

use super::GraphCall;
use super::json::{self, GLOBAL, array, at, boolean_or, string, string_or, strings, text};
use crate::api::ApiError;
use crate::context::{Ctx, GraphNeed};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

pub const TENANT: &str = "azure.entra.tenant";
pub const USER: &str = "azure.entra.user";
pub const KINDS: &[&str] = &[TENANT, USER];

const ORGANIZATION: GraphCall = GraphCall {
    path: "/v1.0/organization",
    permission: "Organization.Read.All",
};
const SECURITY_DEFAULTS: GraphCall = GraphCall {
    path: "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
    permission: "Policy.Read.All",
};
const AUTHORIZATION_POLICY: GraphCall = GraphCall {
    path: "/v1.0/policies/authorizationPolicy",
    permission: "Policy.Read.All",
};
const CONDITIONAL_ACCESS: GraphCall = GraphCall {
    path: "/v1.0/identity/conditionalAccess/policies",
    permission: "Policy.Read.All",
};
const NAMED_LOCATIONS: GraphCall = GraphCall {
    path: "/v1.0/identity/conditionalAccess/namedLocations",
    permission: "Policy.Read.All",
};
const ACCESS_REVIEWS: GraphCall = GraphCall {
    path: "/v1.0/identityGovernance/accessReviews/definitions",
    permission: "AccessReview.Read.All",
};
const GROUP_SETTINGS: GraphCall = GraphCall {
    path: "/v1.0/groupSettings",
    permission: "Directory.Read.All",
};
const ROLE_ASSIGNMENTS: GraphCall = GraphCall {
    path: "/v1.0/roleManagement/directory/roleAssignments",
    permission: "RoleManagement.Read.Directory",
};
const USERS: GraphCall = GraphCall {
    path: "/v1.0/users",
    permission: "User.Read.All",
};
/// Sign-in activity needs this besides User.Read.All.
const SIGN_IN_ACTIVITY: &str = "AuditLog.Read.All";
const REGISTRATION_DETAILS: GraphCall = GraphCall {
    path: "/v1.0/reports/authenticationMethods/userRegistrationDetails",
    permission: "AuditLog.Read.All",
};

pub const GRAPH: &[GraphCall] = &[
    ORGANIZATION,
    SECURITY_DEFAULTS,
    AUTHORIZATION_POLICY,
    CONDITIONAL_ACCESS,
    NAMED_LOCATIONS,
    ACCESS_REVIEWS,
    GROUP_SETTINGS,
    ROLE_ASSIGNMENTS,
    USERS,
    REGISTRATION_DETAILS,
];

/// The Global Administrator role template id.
const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
const USER_FIELDS: &str =
    "id,userPrincipalName,userType,accountEnabled,createdDateTime,externalUserState";

pub async fn collect(ctx: Ctx) {
    if ctx.wants(TENANT) {
        tenant(&ctx).await;
    }
    if ctx.wants(USER) {
        users(&ctx).await;
    }
}

fn need(call: GraphCall) -> GraphNeed {
    GraphNeed {
        permission: call.permission,
    }
}

/// Runs one Graph read for the tenant record, recording a refusal.
async fn read(ctx: &Ctx, kind: &str, call: GraphCall, query: &str, list: bool) -> Option<Value> {
    let path = format!("{}{query}", call.path);
    let result: Result<Value, ApiError> = if list {
        ctx.graph_list(&path).await.map(Value::Array)
    } else {
        ctx.graph_get(&path).await
    };
    match result {
        Ok(value) => Some(value),
        Err(err) => {
            ctx.fail_graph(kind, &path, need(call), &err);
            None
        }
    }
}

async fn tenant(ctx: &Ctx) {
    let tenant_id = ctx.session.tenant_id.clone();
    let id = format!("/tenants/{tenant_id}");
    let mut config = Map::new();
    config.insert("tenant_id".into(), json!(tenant_id));
    let mut name = tenant_id.clone();
    if let Some(organizations) = read(ctx, TENANT, ORGANIZATION, "", true).await {
        let organization = organizations.get(0).cloned().unwrap_or(Value::Null);
        name = text(&organization, "displayName").to_owned();
        config.insert("display_name".into(), json!(name));
    }
    if let Some(defaults) = read(ctx, TENANT, SECURITY_DEFAULTS, "", false).await {
        config.insert(
            "security_defaults_enabled".into(),
            boolean_or(&defaults, "isEnabled", false),
        );
    }
    if let Some(policy) = read(ctx, TENANT, AUTHORIZATION_POLICY, "", false).await {
        config.insert("authorization_policy".into(), authorization_policy(&policy));
    }
    if let Some(Value::Array(policies)) = read(ctx, TENANT, CONDITIONAL_ACCESS, "", true).await {
        config.insert(
            "conditional_access_policies".into(),
            json!(
                policies
                    .iter()
                    .map(conditional_access_policy)
                    .collect::<Vec<_>>()
            ),
        );
    }
    if let Some(Value::Array(locations)) = read(ctx, TENANT, NAMED_LOCATIONS, "", true).await {
        let locations: Vec<Value> = locations
            .iter()
            .map(|l| {
                // The key has a dot of its own, so it is not a dotted path.
                let ip = l
                    .get("@odata.type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .ends_with("ipNamedLocation");
                json!({
                    "id": text(l, "id"),
                    "display_name": text(l, "displayName"),
                    "location_type": if ip { "ip" } else { "country" },
                    "is_trusted": ip && at(l, "isTrusted") == Some(&json!(true)),
                })
            })
            .collect();
        config.insert("named_locations".into(), json!(locations));
    }
    if let Some(Value::Array(reviews)) = read(ctx, TENANT, ACCESS_REVIEWS, "", true).await {
        config.insert(
            "access_review_definitions".into(),
            json!(reviews.iter().map(access_review).collect::<Vec<_>>()),
        );
    }
    if let Some(Value::Array(settings)) = read(ctx, TENANT, GROUP_SETTINGS, "", true).await {
        let unified = settings
            .iter()
            .find(|s| text(s, "displayName") == "Group.Unified");
        let allowed = unified
            .and_then(|s| {
                array(s, "values")
                    .iter()
                    .find(|v| text(v, "name") == "EnableGroupCreation")
            })
            .is_none_or(|v| !text(v, "value").eq_ignore_ascii_case("false"));
        config.insert("unified_group_creation_allowed".into(), json!(allowed));
    }
    let filter = format!("?$filter=roleDefinitionId%20eq%20%27{GLOBAL_ADMINISTRATOR}%27");
    if let Some(Value::Array(assignments)) =
        read(ctx, TENANT, ROLE_ASSIGNMENTS, &filter, true).await
    {
        let ids: Vec<&str> = assignments
            .iter()
            .filter(|a| matches!(text(a, "directoryScopeId"), "/" | ""))
            .map(|a| text(a, "principalId"))
            .collect();
        config.insert("global_administrator_ids".into(), json!(ids));
    }
    ctx.emit(
        TENANT,
        GLOBAL,
        &id,
        &name,
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}

fn authorization_policy(p: &Value) -> Value {
    let user = |field: &str| format!("defaultUserRolePermissions.{field}");
    json!({
        "allowed_to_create_apps": boolean_or(p, &user("allowedToCreateApps"), true),
        "allowed_to_create_tenants": boolean_or(p, &user("allowedToCreateTenants"), true),
        "allowed_to_create_security_groups": boolean_or(p, &user("allowedToCreateSecurityGroups"), true),
        "allowed_to_read_other_users": boolean_or(p, &user("allowedToReadOtherUsers"), true),
        "permission_grant_policies_assigned": strings(p, &user("permissionGrantPoliciesAssigned")),
        "guest_user_role_id": string_or(p, "guestUserRoleId", "10dae51f-b6af-4016-8d66-8c2a99b929b3"),
        "allow_invites_from": string_or(p, "allowInvitesFrom", "everyone"),
        "allow_email_verified_users_to_join_organization": boolean_or(p, "allowEmailVerifiedUsersToJoinOrganization", false),
        "allowed_to_sign_up_email_based_subscriptions": boolean_or(p, "allowedToSignUpEmailBasedSubscriptions", true),
        "allow_user_consent_for_risky_apps": boolean_or(p, "allowUserConsentForRiskyApps", false),
        "block_msol_powershell": boolean_or(p, "blockMsolPowerShell", false),
    })
}

fn conditional_access_policy(p: &Value) -> Value {
    let flows = json::split(
        text(p, "conditions.authenticationFlows.transferMethods"),
        &[','],
    );
    json!({
        "id": text(p, "id"),
        "display_name": text(p, "displayName"),
        "state": text(p, "state"),
        "include_users": strings(p, "conditions.users.includeUsers"),
        "exclude_users": strings(p, "conditions.users.excludeUsers"),
        "include_groups": strings(p, "conditions.users.includeGroups"),
        "include_roles": strings(p, "conditions.users.includeRoles"),
        "include_applications": strings(p, "conditions.applications.includeApplications"),
        "client_app_types": strings(p, "conditions.clientAppTypes"),
        "sign_in_risk_levels": strings(p, "conditions.signInRiskLevels"),
        "user_risk_levels": strings(p, "conditions.userRiskLevels"),
        "include_locations": strings(p, "conditions.locations.includeLocations"),
        "exclude_locations": strings(p, "conditions.locations.excludeLocations"),
        "authentication_flows": flows,
        "grant_operator": string(p, "grantControls.operator"),
        "built_in_controls": strings(p, "grantControls.builtInControls"),
        "authentication_strength_id": string(p, "grantControls.authenticationStrength.id"),
    })
}

fn access_review(r: &Value) -> Value {
    let query = |path: &str| text(r, path).replace(' ', "").to_ascii_lowercase();
    let guests = |q: String| q.contains("usertypeeq'guest'");
    json!({
        "id": text(r, "id"),
        "display_name": text(r, "displayName"),
        "status": text(r, "status"),
        "reviews_guests": guests(query("scope.query")) || guests(query("instanceEnumerationScope.query")),
        "recurrence_type": string(r, "settings.recurrence.pattern.type"),
    })
}

async fn users(ctx: &Ctx) {
    let tenant_id = ctx.session.tenant_id.clone();
    let with_activity = format!("{}?$select={USER_FIELDS},signInActivity", USERS.path);
    let (users, activity) = match ctx.graph_list(&with_activity).await {
        Ok(users) => (users, true),
        Err(err) if err.is_denied() => {
            // Sign-in activity needs AuditLog.Read.All and Entra ID P1: read
            // the users without it and say what is missing.
            ctx.fail_graph(
                USER,
                &with_activity,
                GraphNeed {
                    permission: SIGN_IN_ACTIVITY,
                },
                &err,
            );
            let plain = format!("{}?$select={USER_FIELDS}", USERS.path);
            match ctx.graph_list(&plain).await {
                Ok(users) => (users, false),
                Err(err) => {
                    ctx.fail_graph(USER, &plain, need(USERS), &err);
                    return;
                }
            }
        }
        Err(err) => {
            ctx.fail_graph(USER, &with_activity, need(USERS), &err);
            return;
        }
    };
    let registrations: Option<HashMap<String, Value>> =
        match ctx.graph_list(REGISTRATION_DETAILS.path).await {
            Ok(details) => Some(
                details
                    .into_iter()
                    .map(|d| (text(&d, "id").to_owned(), d))
                    .collect(),
            ),
            Err(err) => {
                ctx.fail_graph(
                    USER,
                    REGISTRATION_DETAILS.path,
                    need(REGISTRATION_DETAILS),
                    &err,
                );
                None
            }
        };
    for user in users {
        let user_id = text(&user, "id");
        let upn = text(&user, "userPrincipalName").to_owned();
        let mut config = json!({
            "user_principal_name": upn,
            "user_type": string_or(&user, "userType", "Member"),
            "account_enabled": boolean_or(&user, "accountEnabled", true),
            "created_date_time": string(&user, "createdDateTime"),
            "external_user_state": string(&user, "externalUserState"),
        });
        if activity {
            config["last_sign_in_date_time"] = string(&user, "signInActivity.lastSignInDateTime");
        }
        if let Some(registrations) = &registrations {
            let entry = registrations.get(user_id).cloned().unwrap_or(Value::Null);
            config["is_admin"] = boolean_or(&entry, "isAdmin", false);
            config["is_mfa_registered"] = boolean_or(&entry, "isMfaRegistered", false);
            config["is_mfa_capable"] = boolean_or(&entry, "isMfaCapable", false);
            config["methods_registered"] = json!(strings(&entry, "methodsRegistered"));
        }
        let id = format!("/tenants/{tenant_id}/users/{user_id}");
        ctx.emit(USER, GLOBAL, &id, &upn, BTreeMap::new(), config)
            .await;
    }
}
