//! Cloud SQL Admin v1: instances of every engine (MySQL, PostgreSQL, SQL
//! Server), primaries and replicas, with connectivity, backups and flags.

use super::util::{bool_or, encode, int, items, labels, opt_string, opt_timestamp, string};
use crate::context::Ctx;
use serde_json::{Map, Value, json};

pub const INSTANCE: &str = "gcp.sql.instance";
pub const KINDS: &[&str] = &[INSTANCE];
pub const APIS: &[&str] = &["sqladmin.googleapis.com"];
const INSTANCES_LIST: &str = "cloudsql.instances.list";
pub const PERMISSIONS: &[&str] = &[INSTANCES_LIST];
const HOST: &str = "sqladmin.googleapis.com";

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(
        HOST,
        &format!("/v1/projects/{}/instances", encode(&project)),
    );
    let list = match ctx.client().list(&url, "items", INSTANCES_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(INSTANCE, "*", INSTANCES_LIST, None, &e),
    };
    for i in list {
        let name = i["name"].as_str().unwrap_or_default().to_owned();
        let region = i["region"].as_str().unwrap_or("global").to_owned();
        let version = i["databaseVersion"].as_str().unwrap_or_default().to_owned();
        let engine = version.split('_').next().unwrap_or_default().to_owned();
        let settings = &i["settings"];
        let ip = &settings["ipConfiguration"];
        let networks: Vec<Value> = items(&ip["authorizedNetworks"])
            .map(|n| json!({"value": string(&n["value"]), "name": opt_string(&n["name"]), "expiration_time": opt_timestamp(&n["expirationTime"])}))
            .collect();
        let addresses: Vec<Value> = items(&i["ipAddresses"])
            .map(|a| json!({"address_type": string(&a["type"]), "ip_address": string(&a["ipAddress"])}))
            .collect();
        let backup = &settings["backupConfiguration"];
        let pitr = if engine == "MYSQL" {
            bool_or(&backup["binaryLogEnabled"], false)
        } else {
            bool_or(&backup["pointInTimeRecoveryEnabled"], false)
        };
        let retention = &backup["backupRetentionSettings"];
        let retained = if retention["retentionUnit"].as_str().unwrap_or("COUNT") == "COUNT" {
            int(&retention["retainedBackups"])
                .map(Value::from)
                .unwrap_or(Value::Null)
        } else {
            Value::Null
        };
        let mut flags = Map::new();
        for flag in items(&settings["databaseFlags"]) {
            if let Some(flag_name) = flag["name"].as_str() {
                flags.insert(flag_name.to_owned(), string(&flag["value"]));
            }
        }
        let config = json!({
            "database_version": version,
            "engine": engine,
            "instance_type": string(&i["instanceType"]),
            "state": string(&i["state"]),
            "master_instance_name": opt_string(&i["masterInstanceName"]),
            "tier": string(&settings["tier"]),
            "activation_policy": string(&settings["activationPolicy"]),
            "availability_type": settings["availabilityType"].as_str().unwrap_or("ZONAL"),
            "deletion_protection_enabled": bool_or(&settings["deletionProtectionEnabled"], false),
            "ip_configuration": {
                "ipv4_enabled": bool_or(&ip["ipv4Enabled"], false),
                "private_network": opt_string(&ip["privateNetwork"]),
                "require_ssl": bool_or(&ip["requireSsl"], false),
                "ssl_mode": opt_string(&ip["sslMode"]),
                "authorized_networks": networks,
            },
            "ip_addresses": addresses,
            "backup_configuration": {
                "enabled": bool_or(&backup["enabled"], false),
                "point_in_time_recovery_enabled": pitr,
                "retained_backups": retained,
                "transaction_log_retention_days": super::util::opt_int(&backup["transactionLogRetentionDays"]),
            },
            "database_flags": flags,
            "kms_key_name": opt_string(&i["diskEncryptionConfiguration"]["kmsKeyName"]),
            "server_ca_cert_expiration_time": opt_timestamp(&i["serverCaCert"]["expirationTime"]),
            "create_time": opt_timestamp(&i["createTime"]),
        });
        let id = format!("//cloudsql.googleapis.com/projects/{project}/instances/{name}");
        ctx.emit(
            INSTANCE,
            &region,
            id,
            name,
            labels(&settings["userLabels"]),
            config,
        )
        .await;
    }
}
