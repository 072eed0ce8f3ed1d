//! Azure Database for MySQL and for PostgreSQL flexible servers
//! (Microsoft.DBforMySQL, Microsoft.DBforPostgreSQL): the two share a shape
//! (server list, firewall rules, server parameters read one by one), so one
//! module reads both, each with its own api-version and parameters.

use super::join::{Joiner, firewall_rules};
use super::json::{self, integer, on_off, string, string_or, text};
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};

pub const MYSQL: &str = "azure.mysql.flexible_server";
pub const POSTGRESQL: &str = "azure.postgresql.flexible_server";
pub const MYSQL_KINDS: &[&str] = &[MYSQL];
pub const POSTGRESQL_KINDS: &[&str] = &[POSTGRESQL];

pub const MYSQL_OPERATIONS: &[&str] = &[
    "Microsoft.DBforMySQL/flexibleServers/read",
    "Microsoft.DBforMySQL/flexibleServers/firewallRules/read",
    "Microsoft.DBforMySQL/flexibleServers/configurations/read",
];
pub const POSTGRESQL_OPERATIONS: &[&str] = &[
    "Microsoft.DBforPostgreSQL/flexibleServers/read",
    "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read",
    "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read",
];

/// `Microsoft.DBforMySQL/flexibleServers` and its sub-resources.
pub const MYSQL_API: &str = "2023-12-30";
/// `Microsoft.DBforPostgreSQL/flexibleServers` and its sub-resources.
pub const POSTGRESQL_API: &str = "2024-08-01";

/// How a server parameter's text becomes a field.
#[derive(Debug, Clone, Copy)]
enum Shape {
    OnOff,
    /// Comma list, trimmed.
    List,
    /// Comma list, trimmed and upper-cased.
    UpperList,
    Text,
    Int,
}

struct Engine {
    kind: &'static str,
    namespace: &'static str,
    api: &'static str,
    /// (parameter name, field name, shape)
    parameters: &'static [(&'static str, &'static str, Shape)],
    extra: fn(&Value, &mut Map<String, Value>),
}

const MYSQL_ENGINE: Engine = Engine {
    kind: MYSQL,
    namespace: "Microsoft.DBforMySQL",
    api: MYSQL_API,
    parameters: &[
        (
            "require_secure_transport",
            "require_secure_transport",
            Shape::OnOff,
        ),
        ("tls_version", "tls_version", Shape::List),
        ("audit_log_enabled", "audit_log_enabled", Shape::OnOff),
        ("audit_log_events", "audit_log_events", Shape::UpperList),
        (
            "error_server_log_file",
            "error_server_log_file",
            Shape::OnOff,
        ),
    ],
    extra: |_, _| {},
};

const POSTGRESQL_ENGINE: Engine = Engine {
    kind: POSTGRESQL,
    namespace: "Microsoft.DBforPostgreSQL",
    api: POSTGRESQL_API,
    parameters: &[
        (
            "require_secure_transport",
            "require_secure_transport",
            Shape::OnOff,
        ),
        (
            "ssl_min_protocol_version",
            "ssl_min_protocol_version",
            Shape::Text,
        ),
        ("log_checkpoints", "log_checkpoints", Shape::OnOff),
        ("log_connections", "log_connections", Shape::OnOff),
        ("log_disconnections", "log_disconnections", Shape::OnOff),
        (
            "connection_throttle.enable",
            "connection_throttle_enabled",
            Shape::OnOff,
        ),
        (
            "logfiles.retention_days",
            "logfiles_retention_days",
            Shape::Int,
        ),
    ],
    extra: |server, config| {
        config.insert(
            "active_directory_auth".into(),
            string(server, "properties.authConfig.activeDirectoryAuth"),
        );
        config.insert(
            "password_auth".into(),
            string(server, "properties.authConfig.passwordAuth"),
        );
    },
};

pub async fn collect_mysql(ctx: Ctx) {
    collect(ctx, &MYSQL_ENGINE).await;
}

pub async fn collect_postgresql(ctx: Ctx) {
    collect(ctx, &POSTGRESQL_ENGINE).await;
}

async fn collect(ctx: Ctx, engine: &Engine) {
    let path = ctx.subscription_path(&format!("/providers/{}/flexibleServers", engine.namespace));
    let Some(servers) = ctx.list(&[engine.kind], &path, engine.api).await else {
        return;
    };
    for_each_bounded(servers, ctx.fan_out(), |server| {
        let ctx = &ctx;
        async move { one_server(ctx, engine, server).await }
    })
    .await;
}

async fn one_server(ctx: &Ctx, engine: &Engine, server: Value) {
    let (id, name) = json::id_and_name(&server);
    let region = json::region(&server);
    let mut config = Map::new();
    config.insert(
        "version".into(),
        string_or(&server, "properties.version", ""),
    );
    config.insert("state".into(), string_or(&server, "properties.state", ""));
    config.insert(
        "public_network_access".into(),
        string(&server, "properties.network.publicNetworkAccess"),
    );
    config.insert(
        "delegated_subnet_id".into(),
        json::non_empty(&server, "properties.network.delegatedSubnetResourceId"),
    );
    config.insert(
        "backup_retention_days".into(),
        json::integer_or(&server, "properties.backup.backupRetentionDays", 7),
    );
    config.insert(
        "geo_redundant_backup".into(),
        string_or(&server, "properties.backup.geoRedundantBackup", "Disabled"),
    );
    config.insert(
        "high_availability_mode".into(),
        string(&server, "properties.highAvailability.mode"),
    );
    config.insert(
        "data_encryption_type".into(),
        string(&server, "properties.dataEncryption.type"),
    );
    (engine.extra)(&server, &mut config);

    let mut j = Joiner {
        ctx,
        kind: engine.kind,
        region: &region,
        id: &id,
        config,
    };
    j.list(
        "firewall_rules",
        format!("{id}/firewallRules"),
        engine.api,
        firewall_rules,
    )
    .await;
    let mut parameters = Map::new();
    let mut complete = true;
    for (parameter, field, shape) in engine.parameters {
        let path = format!("{id}/configurations/{parameter}");
        match ctx.get_optional(&path, engine.api).await {
            Ok(value) => {
                let text = value.as_ref().map(|v| text(v, "properties.value"));
                parameters.insert((*field).into(), shaped(text, *shape, value.as_ref()));
            }
            Err(err) => {
                complete = false;
                j.fail(&path, &err);
            }
        }
    }
    if complete {
        j.config
            .insert("parameters".into(), Value::Object(parameters));
    }
    let config = Value::Object(j.config);
    ctx.emit(
        engine.kind,
        &region,
        &id,
        &name,
        json::tags(&server),
        config,
    )
    .await;
}

fn shaped(text: Option<&str>, shape: Shape, value: Option<&Value>) -> Value {
    let Some(text) = text else {
        return Value::Null;
    };
    match shape {
        Shape::OnOff => on_off(Some(text)),
        Shape::List => json!(json::split(text, &[','])),
        Shape::UpperList => json!(
            json::split(text, &[','])
                .into_iter()
                .map(|s| s.to_ascii_uppercase())
                .collect::<Vec<_>>()
        ),
        Shape::Text => json!(text),
        Shape::Int => value.map_or(Value::Null, |v| integer(v, "properties.value")),
    }
}
