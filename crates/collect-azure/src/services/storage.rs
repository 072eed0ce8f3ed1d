//! Azure Storage (Microsoft.Storage): storage accounts with their
//! transport, access, network and encryption settings, joined with the blob
//! service's data protection settings and the resource logs of the blob,
//! queue and table services.

use super::diagnostics;
use super::json::{
    self, array, boolean, boolean_or, integer, non_empty, string, string_or, strings_of, text,
};
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};

pub const ACCOUNT: &str = "azure.storage.account";
pub const KINDS: &[&str] = &[ACCOUNT];

pub const OPERATIONS: &[&str] = &[
    "Microsoft.Storage/storageAccounts/read",
    "Microsoft.Storage/storageAccounts/blobServices/read",
    diagnostics::OPERATION,
];

/// `Microsoft.Storage/storageAccounts` and its blob services.
pub const STORAGE_API: &str = "2023-05-01";

pub async fn collect(ctx: Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Storage/storageAccounts");
    let Some(accounts) = ctx.list(KINDS, &path, STORAGE_API).await else {
        return;
    };
    for_each_bounded(accounts, ctx.fan_out(), |account| {
        let ctx = &ctx;
        async move { one_account(ctx, account).await }
    })
    .await;
}

async fn one_account(ctx: &Ctx, account: Value) {
    let (id, name) = json::id_and_name(&account);
    let region = json::region(&account);
    let kind = text(&account, "kind");
    let mut config = account_settings(&account);
    let has_blob = kind != "FileStorage";
    let has_queue_and_table = !matches!(kind, "BlockBlobStorage" | "FileStorage" | "BlobStorage");

    if has_blob {
        let path = format!("{id}/blobServices/default");
        match ctx.get_optional(&path, STORAGE_API).await {
            Ok(Some(service)) => {
                config.insert("blob_service".into(), blob_service(&service));
            }
            Ok(None) => {
                config.insert("blob_service".into(), Value::Null);
            }
            Err(err) => ctx.fail(ACCOUNT, &region, Some(&id), &path, &err),
        }
    } else {
        config.insert("blob_service".into(), Value::Null);
    }

    let mut logs = Map::new();
    let mut complete = true;
    for (service, present) in [
        ("blob", has_blob),
        ("queue", has_queue_and_table),
        ("table", has_queue_and_table),
    ] {
        if !present {
            logs.insert(service.into(), Value::Null);
            continue;
        }
        let service_id = format!("{id}/{service}Services/default");
        match diagnostics::list(ctx, &service_id).await {
            Ok(settings) => {
                let categories = diagnostics::union_of_categories(&settings, storage_group);
                logs.insert(service.into(), json!(categories));
            }
            Err(err) => {
                complete = false;
                ctx.fail(
                    ACCOUNT,
                    &region,
                    Some(&id),
                    &diagnostics::path(&service_id),
                    &err,
                );
            }
        }
    }
    if complete {
        config.insert("resource_logs".into(), Value::Object(logs));
    }
    ctx.emit(
        ACCOUNT,
        &region,
        &id,
        &name,
        json::tags(&account),
        Value::Object(config),
    )
    .await;
}

/// The storage services' log category groups.
fn storage_group(group: &str) -> Vec<&'static str> {
    match group {
        "allLogs" | "audit" => vec!["StorageDelete", "StorageRead", "StorageWrite"],
        _ => Vec::new(),
    }
}

fn account_settings(a: &Value) -> Map<String, Value> {
    let acls = json::at(a, "properties.networkAcls");
    let network_rule_set = match acls {
        Some(acls) => json!({
            "default_action": string_or(acls, "defaultAction", "Allow"),
            "bypass": json::split(text(acls, "bypass"), &[','])
                .into_iter()
                .filter(|b| b != "None")
                .collect::<Vec<_>>(),
            "ip_rules": strings_of(acls, "ipRules", "value"),
            "virtual_network_subnet_ids": strings_of(acls, "virtualNetworkRules", "id"),
        }),
        None => {
            json!({"default_action": "Allow", "bypass": [], "ip_rules": [], "virtual_network_subnet_ids": []})
        }
    };
    let key_vault = |field: &str| {
        non_empty(
            a,
            &format!("properties.encryption.keyvaultproperties.{field}"),
        )
    };
    let config = json!({
        "account_kind": text(a, "kind"),
        "sku_name": text(a, "sku.name"),
        "creation_time": string(a, "properties.creationTime"),
        "https_traffic_only": boolean_or(a, "properties.supportsHttpsTrafficOnly", true),
        "minimum_tls_version": string(a, "properties.minimumTlsVersion"),
        "allow_blob_public_access": boolean(a, "properties.allowBlobPublicAccess"),
        "allow_shared_key_access": boolean(a, "properties.allowSharedKeyAccess"),
        "allow_cross_tenant_replication": boolean(a, "properties.allowCrossTenantReplication"),
        "public_network_access": string(a, "properties.publicNetworkAccess"),
        "network_rule_set": network_rule_set,
        "encryption": {
            "key_source": string_or(a, "properties.encryption.keySource", "Microsoft.Storage"),
            "require_infrastructure_encryption": boolean_or(a, "properties.encryption.requireInfrastructureEncryption", false),
            "key_vault_uri": key_vault("keyvaulturi"),
            "key_name": key_vault("keyname"),
            "key_version": key_vault("keyversion"),
            "last_key_rotation": key_vault("lastKeyRotationTimestamp"),
        },
        "key_expiration_period_days": integer(a, "properties.keyPolicy.keyExpirationPeriodInDays"),
        "key_creation_time": {
            "key1": string(a, "properties.keyCreationTime.key1"),
            "key2": string(a, "properties.keyCreationTime.key2"),
        },
        "sas_expiration_period": string(a, "properties.sasPolicy.sasExpirationPeriod"),
        "private_endpoint_connections": private_endpoints(a),
    });
    match config {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `properties.privateEndpointConnections` as the kinds list them.
pub fn private_endpoints(resource: &Value) -> Vec<Value> {
    array(resource, "properties.privateEndpointConnections")
        .iter()
        .map(|c| {
            json!({
                "private_endpoint_id": string(c, "properties.privateEndpoint.id"),
                "status": string_or(c, "properties.privateLinkServiceConnectionState.status", "Pending"),
            })
        })
        .collect()
}

fn blob_service(s: &Value) -> Value {
    let enabled = |path: &str| boolean_or(s, path, false);
    let days = |enabled_path: &str, days_path: &str| {
        if boolean(s, enabled_path) == json!(true) {
            integer(s, days_path)
        } else {
            Value::Null
        }
    };
    json!({
        "delete_retention_enabled": enabled("properties.deleteRetentionPolicy.enabled"),
        "delete_retention_days": days("properties.deleteRetentionPolicy.enabled", "properties.deleteRetentionPolicy.days"),
        "container_delete_retention_enabled": enabled("properties.containerDeleteRetentionPolicy.enabled"),
        "container_delete_retention_days": days("properties.containerDeleteRetentionPolicy.enabled", "properties.containerDeleteRetentionPolicy.days"),
        "versioning_enabled": enabled("properties.isVersioningEnabled"),
        "change_feed_enabled": enabled("properties.changeFeed.enabled"),
    })
}
