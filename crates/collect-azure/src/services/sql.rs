//! Azure SQL Database (Microsoft.Sql): logical servers joined with their
//! Entra administrator, auditing, TDE protector, firewall rules, Defender
//! for SQL and vulnerability assessment settings; databases joined with
//! their TDE state and auditing policies.

use super::join::{Joiner, firewall_rules};
use super::json::{self, at, boolean_or, integer_or, non_empty, string, string_or, strings, text};
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};

pub const SERVER: &str = "azure.sql.server";
pub const DATABASE: &str = "azure.sql.database";
pub const KINDS: &[&str] = &[SERVER, DATABASE];

pub const OPERATIONS: &[&str] = &[
    "Microsoft.Sql/servers/read",
    "Microsoft.Sql/servers/administrators/read",
    "Microsoft.Sql/servers/azureADOnlyAuthentications/read",
    "Microsoft.Sql/servers/auditingSettings/read",
    "Microsoft.Sql/servers/encryptionProtector/read",
    "Microsoft.Sql/servers/firewallRules/read",
    "Microsoft.Sql/servers/advancedThreatProtectionSettings/read",
    "Microsoft.Sql/servers/vulnerabilityAssessments/read",
    "Microsoft.Sql/servers/sqlVulnerabilityAssessments/read",
    "Microsoft.Sql/servers/databases/read",
    "Microsoft.Sql/servers/databases/transparentDataEncryption/read",
    "Microsoft.Sql/servers/databases/auditingSettings/read",
];

/// `Microsoft.Sql/servers` and every sub-resource read here except the
/// express vulnerability assessment.
pub const SQL_API: &str = "2021-11-01";
/// `Microsoft.Sql/servers/sqlVulnerabilityAssessments` (express configuration).
pub const SQL_VA_API: &str = "2022-11-01-preview";

pub async fn collect(ctx: Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Sql/servers");
    let Some(servers) = ctx.list(KINDS, &path, SQL_API).await else {
        return;
    };
    for_each_bounded(servers, ctx.fan_out(), |server| {
        let ctx = &ctx;
        async move { one_server(ctx, server).await }
    })
    .await;
}

async fn one_server(ctx: &Ctx, server: Value) {
    let (id, name) = json::id_and_name(&server);
    let region = json::region(&server);
    let tls = match text(&server, "properties.minimalTlsVersion") {
        "" | "None" => Value::Null,
        version => json!(version),
    };
    let mut base = Map::new();
    base.insert(
        "version".into(),
        string_or(&server, "properties.version", ""),
    );
    base.insert("minimal_tls_version".into(), tls);
    base.insert(
        "public_network_access".into(),
        string(&server, "properties.publicNetworkAccess"),
    );
    base.insert(
        "restrict_outbound_network_access".into(),
        json!(text(&server, "properties.restrictOutboundNetworkAccess") == "Enabled"),
    );
    let mut server_audit_state = None;
    if ctx.wants(SERVER) {
        let mut j = Joiner {
            ctx,
            kind: SERVER,
            region: &region,
            id: &id,
            config: base,
        };
        j.list("entra_admin", format!("{id}/administrators"), SQL_API, |items| {
            items.first().map_or(Value::Null, |a| {
                json!({
                    "login": text(a, "properties.login"),
                    "sid": text(a, "properties.sid"),
                    "administrator_type": string_or(a, "properties.administratorType", "ActiveDirectory"),
                })
            })
        })
        .await;
        j.get(
            "entra_only_authentication",
            format!("{id}/azureADOnlyAuthentications/Default"),
            SQL_API,
            |v| {
                json!(v.is_some_and(
                    |v| at(v, "properties.azureADOnlyAuthentication") == Some(&json!(true))
                ))
            },
        )
        .await;
        let audit = j
            .get("auditing", format!("{id}/auditingSettings/default"), SQL_API, |v| {
                let v = v.unwrap_or(&Value::Null);
                json!({
                    "state": string_or(v, "properties.state", "Disabled"),
                    "retention_days": integer_or(v, "properties.retentionDays", 0),
                    "storage_endpoint": non_empty(v, "properties.storageEndpoint"),
                    "azure_monitor_target_enabled": boolean_or(v, "properties.isAzureMonitorTargetEnabled", false),
                    "actions_and_groups": strings(v, "properties.auditActionsAndGroups"),
                })
            })
            .await;
        server_audit_state = audit.map(|a| text(&a, "properties.state").to_owned());
        j.get(
            "tde_protector",
            format!("{id}/encryptionProtector/current"),
            SQL_API,
            |v| {
                let v = v.unwrap_or(&Value::Null);
                json!({
                    "server_key_type": string_or(v, "properties.serverKeyType", "ServiceManaged"),
                    "key_uri": non_empty(v, "properties.uri"),
                    "auto_rotation_enabled": boolean_or(v, "properties.autoRotationEnabled", false),
                })
            },
        )
        .await;
        j.list(
            "firewall_rules",
            format!("{id}/firewallRules"),
            SQL_API,
            firewall_rules,
        )
        .await;
        j.get(
            "advanced_threat_protection_state",
            format!("{id}/advancedThreatProtectionSettings/Default"),
            SQL_API,
            |v| json!(v.map_or("New", |v| text(v, "properties.state"))),
        )
        .await;
        j.get("vulnerability_assessment", format!("{id}/vulnerabilityAssessments/default"), SQL_API, |v| {
            match v {
                Some(v) if !text(v, "properties.storageContainerPath").is_empty() => json!({
                    "storage_container_path": text(v, "properties.storageContainerPath"),
                    "recurring_scans_enabled": boolean_or(v, "properties.recurringScans.isEnabled", false),
                    "email_subscription_admins": boolean_or(v, "properties.recurringScans.emailSubscriptionAdmins", false),
                    "emails": strings(v, "properties.recurringScans.emails"),
                }),
                _ => Value::Null,
            }
        })
        .await;
        j.get(
            "express_vulnerability_assessment_state",
            format!("{id}/sqlVulnerabilityAssessments/default"),
            SQL_VA_API,
            |v| v.map_or(Value::Null, |v| string(v, "properties.state")),
        )
        .await;
        let config = Value::Object(j.config);
        ctx.emit(SERVER, &region, &id, &name, json::tags(&server), config)
            .await;
    }
    if ctx.wants(DATABASE) {
        if server_audit_state.is_none() {
            let path = format!("{id}/auditingSettings/default");
            match ctx.get_optional(&path, SQL_API).await {
                Ok(v) => {
                    server_audit_state = Some(
                        v.as_ref()
                            .map_or("Disabled", |v| text(v, "properties.state"))
                            .to_owned(),
                    );
                }
                Err(err) => ctx.fail(DATABASE, &region, None, &path, &err),
            }
        }
        databases(ctx, &id, &name, &region, server_audit_state).await;
    }
}

async fn databases(
    ctx: &Ctx,
    server_id: &str,
    server_name: &str,
    region: &str,
    server_audit: Option<String>,
) {
    let path = format!("{server_id}/databases");
    let databases = match ctx.list_under(&path, SQL_API).await {
        Ok(items) => items,
        Err(err) => {
            ctx.fail(DATABASE, region, None, &path, &err);
            return;
        }
    };
    for_each_bounded(databases, ctx.fan_out(), |database| {
        let server_audit = server_audit.clone();
        async move {
            let (id, name) = json::id_and_name(&database);
            let db_region = match json::region(&database) {
                r if r.is_empty() => region.to_owned(),
                r => r,
            };
            let mut config = Map::new();
            config.insert("server_name".into(), json!(server_name));
            config.insert("database_kind".into(), string_or(&database, "kind", ""));
            config.insert("sku_name".into(), string(&database, "sku.name"));
            config.insert(
                "status".into(),
                string_or(&database, "properties.status", ""),
            );
            if let Some(state) = server_audit {
                config.insert("server_auditing_state".into(), json!(state));
            }
            let mut j = Joiner {
                ctx,
                kind: DATABASE,
                region: &db_region,
                id: &id,
                config,
            };
            j.get(
                "tde_state",
                format!("{id}/transparentDataEncryption/current"),
                SQL_API,
                |v| json!(v.map_or("Disabled", |v| text(v, "properties.state"))),
            )
            .await;
            j.get(
                "auditing",
                format!("{id}/auditingSettings/default"),
                SQL_API,
                |v| {
                    let v = v.unwrap_or(&Value::Null);
                    json!({
                        "state": string_or(v, "properties.state", "Disabled"),
                        "retention_days": integer_or(v, "properties.retentionDays", 0),
                    })
                },
            )
            .await;
            let config = Value::Object(j.config);
            ctx.emit(
                DATABASE,
                &db_region,
                &id,
                &name,
                json::tags(&database),
                config,
            )
            .await;
        }
    })
    .await;
}
