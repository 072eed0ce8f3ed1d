//! IAM v1: service accounts with their user-managed keys, custom roles;
//! API Keys v2: the project's API keys (never the key strings).

use super::util::{bool_or, encode, items, last_segment, string, strings, timestamp};
use crate::api_error::ApiError;
use crate::client::Client;
use crate::context::{Ctx, GLOBAL};
use posture_collect::for_each_bounded;
use serde_json::{Value, json};

pub const SERVICE_ACCOUNT: &str = "gcp.iam.service_account";
pub const CUSTOM_ROLE: &str = "gcp.iam.custom_role";
pub const API_KEY: &str = "gcp.iam.api_key";
pub const KINDS: &[&str] = &[SERVICE_ACCOUNT, CUSTOM_ROLE, API_KEY];
pub const APIS: &[&str] = &["iam.googleapis.com", "apikeys.googleapis.com"];
const ACCOUNTS_LIST: &str = "iam.serviceAccounts.list";
const KEYS_LIST: &str = "iam.serviceAccountKeys.list";
const ROLES_LIST: &str = "iam.roles.list";
pub const API_KEYS_LIST: &str = "apikeys.keys.list";
pub const PERMISSIONS: &[&str] = &[ACCOUNTS_LIST, KEYS_LIST, ROLES_LIST, API_KEYS_LIST];
const HOST: &str = "iam.googleapis.com";
/// IAM's "never expires" sentinel for validBeforeTime.
const NEVER: &str = "9999-12-31T23:59:59Z";

pub async fn collect(ctx: Ctx) {
    if ctx.wants(SERVICE_ACCOUNT) {
        service_accounts(&ctx).await;
    }
    if ctx.wants(CUSTOM_ROLE) {
        custom_roles(&ctx).await;
    }
    if ctx.wants(API_KEY) {
        api_keys(&ctx).await;
    }
}

async fn service_accounts(ctx: &Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(
        HOST,
        &format!("/v1/projects/{}/serviceAccounts", encode(&project)),
    );
    let accounts = match ctx.client().list(&url, "accounts", ACCOUNTS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(SERVICE_ACCOUNT, GLOBAL, ACCOUNTS_LIST, None, &e),
    };
    let number = ctx.session.project_number.clone().unwrap_or_default();
    for_each_bounded(accounts, ctx.fan_out(), |account| {
        let (project, number) = (&project, &number);
        async move {
            let email = account["email"].as_str().unwrap_or_default().to_owned();
            let id = format!("//iam.googleapis.com/projects/{project}/serviceAccounts/{email}");
            let url = ctx.client().url(
                HOST,
                &format!(
                    "/v1/projects/{}/serviceAccounts/{}/keys?keyTypes=USER_MANAGED",
                    encode(project),
                    encode(&email)
                ),
            );
            let keys = match ctx.client().get(&url, KEYS_LIST).await {
                Ok(body) => body,
                Err(e) => return ctx.fail(SERVICE_ACCOUNT, GLOBAL, KEYS_LIST, Some(&id), &e),
            };
            let keys: Vec<Value> = items(&keys["keys"])
                .filter(|k| k["keyType"].as_str().unwrap_or("USER_MANAGED") == "USER_MANAGED")
                .map(|k| {
                    let before = timestamp(&k["validBeforeTime"]).filter(|t| t != NEVER);
                    json!({
                        "key_id": last_segment(k["name"].as_str().unwrap_or_default()),
                        "valid_after_time": timestamp(&k["validAfterTime"]),
                        "valid_before_time": before,
                        "disabled": bool_or(&k["disabled"], false),
                        "key_origin": string(&k["keyOrigin"]),
                        "key_algorithm": string(&k["keyAlgorithm"]),
                    })
                })
                .collect();
            let config = json!({
                "email": email,
                "unique_id": string(&account["uniqueId"]),
                "display_name": string(&account["displayName"]),
                "disabled": bool_or(&account["disabled"], false),
                "is_user_managed": email.ends_with(&format!("@{project}.iam.gserviceaccount.com")),
                "is_default": email == format!("{number}-compute@developer.gserviceaccount.com")
                    || email == format!("{project}@appspot.gserviceaccount.com"),
                "user_managed_keys": keys,
            });
            ctx.emit(
                SERVICE_ACCOUNT,
                GLOBAL,
                id,
                email,
                Default::default(),
                config,
            )
            .await;
        }
    })
    .await;
}

async fn custom_roles(ctx: &Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(
        HOST,
        &format!("/v1/projects/{}/roles?view=FULL", encode(&project)),
    );
    let roles = match ctx.client().list(&url, "roles", ROLES_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(CUSTOM_ROLE, GLOBAL, ROLES_LIST, None, &e),
    };
    for role in roles {
        let name = role["name"].as_str().unwrap_or_default().to_owned();
        let config = json!({
            "role_name": name,
            "title": string(&role["title"]),
            "stage": role["stage"].as_str().unwrap_or("ALPHA"),
            "included_permissions": strings(&role["includedPermissions"]),
        });
        let id = format!("//iam.googleapis.com/{name}");
        ctx.emit(
            CUSTOM_ROLE,
            GLOBAL,
            id,
            last_segment(&name).to_owned(),
            Default::default(),
            config,
        )
        .await;
    }
}

/// Every API key of the project (never the key strings).
pub async fn list_api_keys(client: &Client, project: &str) -> Result<Vec<Value>, ApiError> {
    let url = client.url(
        "apikeys.googleapis.com",
        &format!("/v2/projects/{}/locations/global/keys", encode(project)),
    );
    client.list(&url, "keys", API_KEYS_LIST).await
}

async fn api_keys(ctx: &Ctx) {
    let keys = match list_api_keys(ctx.client(), ctx.project()).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(API_KEY, GLOBAL, API_KEYS_LIST, None, &e),
    };
    for key in keys {
        let name = key["name"].as_str().unwrap_or_default().to_owned();
        let r = &key["restrictions"];
        let restriction = [
            ("browserKeyRestrictions", "browser"),
            ("serverKeyRestrictions", "server"),
            ("androidKeyRestrictions", "android"),
            ("iosKeyRestrictions", "ios"),
        ]
        .iter()
        .find(|(member, _)| r[*member].is_object())
        .map(|(_, label)| *label);
        let packages: Vec<Value> = items(&r["androidKeyRestrictions"]["allowedApplications"])
            .map(|a| string(&a["packageName"]))
            .collect();
        let targets: Vec<Value> = items(&r["apiTargets"])
            .map(|t| string(&t["service"]))
            .collect();
        let config = json!({
            "uid": string(&key["uid"]),
            "display_name": string(&key["displayName"]),
            "create_time": timestamp(&key["createTime"]),
            "update_time": timestamp(&key["updateTime"]),
            "application_restriction": restriction,
            "allowed_referrers": strings(&r["browserKeyRestrictions"]["allowedReferrers"]),
            "allowed_ips": strings(&r["serverKeyRestrictions"]["allowedIps"]),
            "allowed_android_packages": packages,
            "allowed_ios_bundle_ids": strings(&r["iosKeyRestrictions"]["allowedBundleIds"]),
            "api_targets": targets,
        });
        let id = format!("//apikeys.googleapis.com/{name}");
        ctx.emit(
            API_KEY,
            GLOBAL,
            id,
            last_segment(&name).to_owned(),
            Default::default(),
            config,
        )
        .await;
    }
}
