//! Azure Key Vault (Microsoft.KeyVault): vaults with their recovery,
//! permission model, network and logging settings; keys and secrets from
//! the management plane (attributes only, never a value); certificates
//! from the vault's data plane, which needs a data-plane role (Key Vault
//! Reader) besides Reader.

use super::diagnostics;
use super::json::{
    self, array, at, boolean, boolean_or, integer, string, string_or, strings_of, text, unix_time,
};
use super::storage::private_endpoints;
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const VAULT: &str = "azure.keyvault.vault";
pub const KEY: &str = "azure.keyvault.key";
pub const SECRET: &str = "azure.keyvault.secret";
pub const CERTIFICATE: &str = "azure.keyvault.certificate";
pub const KINDS: &[&str] = &[VAULT, KEY, SECRET, CERTIFICATE];

pub const OPERATIONS: &[&str] = &[
    "Microsoft.KeyVault/vaults/read",
    "Microsoft.KeyVault/vaults/keys/read",
    "Microsoft.KeyVault/vaults/secrets/read",
    diagnostics::OPERATION,
];

/// The data action listing certificates needs (in the Key Vault Reader
/// role; Reader alone does not grant data actions).
pub const CERTIFICATES_DATA_ACTION: &str = "Microsoft.KeyVault/vaults/certificates/read";
pub const DATA_ACTIONS: &[&str] = &[CERTIFICATES_DATA_ACTION];

/// `Microsoft.KeyVault/vaults`, `/keys` and `/secrets`.
const KEYVAULT_API: &str = "2023-07-01";
/// The Key Vault data-plane API (Get Certificates).
const DATA_PLANE_API: &str = "7.4";

pub async fn collect(ctx: Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.KeyVault/vaults");
    let Some(vaults) = ctx.list(KINDS, &path, KEYVAULT_API).await else {
        return;
    };
    for_each_bounded(vaults, ctx.fan_out(), |vault| {
        let ctx = &ctx;
        async move { one_vault(ctx, vault).await }
    })
    .await;
}

async fn one_vault(ctx: &Ctx, vault: Value) {
    let (id, name) = json::id_and_name(&vault);
    let region = json::region(&vault);
    let rbac = boolean_or(&vault, "properties.enableRbacAuthorization", false);
    if ctx.wants(VAULT) {
        let mut config = vault_settings(&vault);
        match diagnostics::list(ctx, &id).await {
            Ok(settings) => {
                let settings: Vec<Value> = settings.iter().map(diagnostic_setting).collect();
                config.insert("diagnostic_settings".into(), json!(settings));
            }
            Err(err) => ctx.fail(VAULT, &region, Some(&id), &diagnostics::path(&id), &err),
        }
        ctx.emit(
            VAULT,
            &region,
            &id,
            &name,
            json::tags(&vault),
            Value::Object(config),
        )
        .await;
    }
    if ctx.wants(KEY) {
        keys(ctx, &id, &name, &region, &rbac).await;
    }
    if ctx.wants(SECRET) {
        secrets(ctx, &id, &name, &region, &rbac).await;
    }
    if ctx.wants(CERTIFICATE) {
        certificates(ctx, &vault, &name, &region).await;
    }
}

fn vault_settings(v: &Value) -> Map<String, Value> {
    let network_acls = json::at(v, "properties.networkAcls").map_or(Value::Null, |acls| {
        json!({
            "default_action": string_or(acls, "defaultAction", "Allow"),
            "bypass": string_or(acls, "bypass", "AzureServices"),
            "ip_rules": strings_of(acls, "ipRules", "value"),
            "virtual_network_subnet_ids": strings_of(acls, "virtualNetworkRules", "id"),
        })
    });
    let config = json!({
        "sku_name": text(v, "properties.sku.name"),
        "vault_uri": text(v, "properties.vaultUri"),
        "soft_delete_enabled": boolean(v, "properties.enableSoftDelete"),
        "soft_delete_retention_days": integer(v, "properties.softDeleteRetentionInDays"),
        "purge_protection_enabled": boolean_or(v, "properties.enablePurgeProtection", false),
        "rbac_authorization_enabled": boolean_or(v, "properties.enableRbacAuthorization", false),
        "access_policy_count": array(v, "properties.accessPolicies").len(),
        "public_network_access": string(v, "properties.publicNetworkAccess"),
        "network_acls": network_acls,
        "private_endpoint_connections": private_endpoints(v),
    });
    match config {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A vault diagnostic setting; the `audit` and `allLogs` category groups
/// stand for the categories they include.
fn diagnostic_setting(setting: &Value) -> Value {
    let categories = diagnostics::enabled_categories(setting, |group| match group {
        "audit" => vec!["AuditEvent"],
        "allLogs" => vec!["AuditEvent", "AzurePolicyEvaluationDetails"],
        _ => Vec::new(),
    });
    let (workspace, storage, event_hub) = diagnostics::destinations(setting);
    json!({
        "name": text(setting, "name"),
        "enabled_categories": categories,
        "workspace_id": workspace,
        "storage_account_id": storage,
        "event_hub_authorization_rule_id": event_hub,
    })
}

/// Attributes shared by keys and secrets (`properties.attributes`).
fn attributes(item: &Value, prefix: &str, config: &mut Map<String, Value>) {
    let attr = |name: &str| format!("{prefix}attributes.{name}");
    config.insert("enabled".into(), boolean_or(item, &attr("enabled"), true));
    config.insert("expires".into(), unix_time(item, &attr("exp")));
    config.insert("not_before".into(), unix_time(item, &attr("nbf")));
    config.insert("created".into(), unix_time(item, &attr("created")));
}

async fn keys(ctx: &Ctx, vault_id: &str, vault_name: &str, region: &str, rbac: &Value) {
    let path = format!("{vault_id}/keys");
    let keys = match ctx.list_under(&path, KEYVAULT_API).await {
        Ok(keys) => keys,
        Err(err) => {
            ctx.fail(KEY, region, None, &path, &err);
            return;
        }
    };
    for_each_bounded(keys, ctx.fan_out(), |key| async move {
        let (id, name) = json::id_and_name(&key);
        let mut config = Map::new();
        config.insert("vault_name".into(), json!(vault_name));
        config.insert("vault_rbac_authorization_enabled".into(), rbac.clone());
        attributes(&key, "properties.", &mut config);
        config.insert("key_type".into(), string_or(&key, "properties.kty", ""));
        // Keys - Get adds the size and the rotation policy.
        let key_path = format!("{vault_id}/keys/{name}");
        match ctx.get(&key_path, KEYVAULT_API).await {
            Ok(detail) => {
                config.insert("key_size".into(), integer(&detail, "properties.keySize"));
                config.insert("rotation_policy".into(), rotation_policy(&detail));
            }
            Err(err) => ctx.fail(KEY, region, Some(&id), &key_path, &err),
        }
        ctx.emit(
            KEY,
            region,
            &id,
            &name,
            json::tags(&key),
            Value::Object(config),
        )
        .await;
    })
    .await;
}

fn rotation_policy(key: &Value) -> Value {
    let Some(policy) = at(key, "properties.rotationPolicy") else {
        return Value::Null;
    };
    let actions = array(policy, "lifetimeActions");
    let expiry = string(policy, "attributes.expiryTime");
    if actions.is_empty() && expiry.is_null() {
        return Value::Null;
    }
    let action = |kind: &str| {
        actions
            .iter()
            .find(|a| text(a, "action.type").eq_ignore_ascii_case(kind))
    };
    let rotate = action("rotate");
    json!({
        "expiry_time": expiry,
        "auto_rotate": rotate.is_some(),
        "rotate_after": rotate.map_or(Value::Null, |a| string(a, "trigger.timeAfterCreate")),
        "notify_before_expiry": action("notify").map_or(Value::Null, |a| string(a, "trigger.timeBeforeExpiry")),
    })
}

async fn secrets(ctx: &Ctx, vault_id: &str, vault_name: &str, region: &str, rbac: &Value) {
    let path = format!("{vault_id}/secrets");
    let secrets = match ctx.list_under(&path, KEYVAULT_API).await {
        Ok(secrets) => secrets,
        Err(err) => {
            ctx.fail(SECRET, region, None, &path, &err);
            return;
        }
    };
    for secret in secrets {
        let (id, name) = json::id_and_name(&secret);
        let mut config = Map::new();
        config.insert("vault_name".into(), json!(vault_name));
        config.insert("vault_rbac_authorization_enabled".into(), rbac.clone());
        attributes(&secret, "properties.", &mut config);
        config.insert(
            "content_type".into(),
            json::non_empty(&secret, "properties.contentType"),
        );
        ctx.emit(
            SECRET,
            region,
            &id,
            &name,
            json::tags(&secret),
            Value::Object(config),
        )
        .await;
    }
}

/// The vault's name is also the first label of its URI's host name.
async fn certificates(ctx: &Ctx, vault: &Value, vault_name: &str, region: &str) {
    let vault_uri = text(vault, "properties.vaultUri");
    let vault_id = text(vault, "id");
    let listed = ctx
        .session
        .api
        .vault_list(
            vault_uri,
            "certificates",
            DATA_PLANE_API,
            CERTIFICATES_DATA_ACTION,
        )
        .await;
    let certificates = match listed {
        Ok(list) => list,
        Err(err) => {
            ctx.fail_data_action(
                CERTIFICATE,
                region,
                vault_id,
                CERTIFICATES_DATA_ACTION,
                &err,
            );
            return;
        }
    };
    for certificate in certificates {
        let id = text(&certificate, "id").to_owned();
        let name = id.rsplit('/').next().unwrap_or_default().to_owned();
        let mut config = Map::new();
        config.insert("vault_name".into(), json!(vault_name));
        attributes(&certificate, "", &mut config);
        let tags: BTreeMap<String, String> = json::tags(&certificate);
        ctx.emit(CERTIFICATE, region, &id, &name, tags, Value::Object(config))
            .await;
    }
}
