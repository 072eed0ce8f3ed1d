//! Collection against the fake Azure: every kind's normalized fields, the
//! schemas of the embedded catalogue, paging, retries, denied kinds and the
//! permission declarations.

mod support;

use posture_collect_azure::permissions;
use serde_json::json;
use support::fake::{Fake, SUBSCRIPTION};
use support::{find, run};

/// The kinds of the families on the first catalogue branch.
const DATA_KINDS: &[&str] = &[
    "azure.defender.plan",
    "azure.defender.security_contacts",
    "azure.defender.auto_provisioning",
    "azure.defender.integrations",
    "azure.storage.account",
    "azure.sql.server",
    "azure.sql.database",
    "azure.mysql.flexible_server",
    "azure.postgresql.flexible_server",
    "azure.monitor.subscription_diagnostic_settings",
    "azure.monitor.activity_log_alert",
    "azure.monitor.activity_log_alerts",
    "azure.monitor.application_insights",
    "azure.keyvault.vault",
    "azure.keyvault.key",
    "azure.keyvault.secret",
    "azure.keyvault.certificate",
];

/// kind, region, resource, action, permission
type ErrorSummary<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, Option<&'a str>);

fn sub(rest: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}{rest}")
}

#[tokio::test]
async fn every_kind_is_collected_with_its_schema_and_exact_fields() {
    let fake = Fake::start().await;
    let run = run(support::connect(&fake).await, DATA_KINDS).await;
    assert!(run.errors.is_empty(), "{:#?}", run.errors);
    assert_eq!(run.attempt.kinds.len(), DATA_KINDS.len());
    support::assert_schemas(&run.resources);
    let r = &run.resources;

    let good = find(r, "azure.storage.account", "stgood");
    assert_eq!(good.region, "eastus");
    assert_eq!(good.account_id, SUBSCRIPTION);
    assert_eq!(
        good.id,
        sub("/resourceGroups/rg-good/providers/Microsoft.Storage/storageAccounts/stgood")
    );
    assert_eq!(good.tags.get("env").map(String::as_str), Some("prod"));
    assert_eq!(
        good.config["network_rule_set"],
        json!({
            "default_action": "Deny",
            "bypass": ["AzureServices", "Logging"],
            "ip_rules": ["203.0.113.0/24"],
            "virtual_network_subnet_ids": [sub("/resourceGroups/rg-good/providers/Microsoft.Network/virtualNetworks/vnet-good/subnets/app")],
        })
    );
    assert_eq!(
        good.config["encryption"],
        json!({
            "key_source": "Microsoft.Keyvault",
            "require_infrastructure_encryption": true,
            "key_vault_uri": "https://kv-good.vault.azure.net",
            "key_name": "storage-cmk",
            "key_version": null,
            "last_key_rotation": "2024-06-01T00:00:00.0000000Z",
        })
    );
    assert_eq!(
        good.config["blob_service"],
        json!({
            "delete_retention_enabled": true, "delete_retention_days": 14,
            "container_delete_retention_enabled": true, "container_delete_retention_days": 7,
            "versioning_enabled": true, "change_feed_enabled": true,
        })
    );
    let all = json!(["StorageDelete", "StorageRead", "StorageWrite"]);
    assert_eq!(
        good.config["resource_logs"],
        json!({"blob": all, "queue": all, "table": all})
    );
    let bad = find(r, "azure.storage.account", "stbad");
    assert_eq!(
        bad.region, "westeurope",
        "West Europe is lowercased without spaces"
    );
    for (field, value) in [
        ("https_traffic_only", json!(false)),
        ("minimum_tls_version", json!("TLS1_0")),
        ("allow_blob_public_access", json!(true)),
        ("allow_shared_key_access", json!(null)),
        ("public_network_access", json!(null)),
        ("key_expiration_period_days", json!(null)),
        (
            "network_rule_set",
            json!({"default_action": "Allow", "bypass": [], "ip_rules": [], "virtual_network_subnet_ids": []}),
        ),
        (
            "resource_logs",
            json!({"blob": ["StorageRead"], "queue": [], "table": []}),
        ),
    ] {
        assert_eq!(bad.config[field], value, "stbad {field}");
    }

    let plan = find(r, "azure.defender.plan", "VirtualMachines");
    assert_eq!(plan.region, "global");
    assert_eq!(
        serde_json::Value::Object(plan.config.clone()),
        json!({
            "pricing_tier": "Standard", "sub_plan": "P2", "enablement_time": "2024-03-01T08:00:00.0000000Z",
            "deprecated": false, "replaced_by": [],
            "extensions": [{"name": "AgentlessVmScanning", "enabled": true}, {"name": "MdeDesignatedSubscription", "enabled": false}],
        })
    );
    assert_eq!(
        find(r, "azure.defender.plan", "Dns").config["replaced_by"],
        json!(["VirtualMachines"])
    );
    assert_eq!(
        find(r, "azure.defender.security_contacts", "securityContacts").config["contact"],
        json!({
            "name": "default", "emails": ["secops@contoso.com", "ciso@contoso.com"], "phone": null, "is_enabled": true,
            "alert_notifications": true, "alert_minimal_severity": "Low", "attack_path_minimal_risk_level": "Critical",
            "notify_roles_state": "On", "notify_roles": ["Owner"],
        })
    );
    assert_eq!(
        find(
            r,
            "azure.defender.auto_provisioning",
            "autoProvisioningSettings"
        )
        .config["settings"],
        json!([{"name": "default", "auto_provision": "Off"}])
    );
    let integrations = &find(r, "azure.defender.integrations", "settings").config;
    assert_eq!(
        (
            &integrations["mcas_enabled"],
            &integrations["wdatp_enabled"],
            &integrations["wdatp_unified_solution_enabled"],
            &integrations["sentinel_enabled"]
        ),
        (&json!(true), &json!(false), &json!(null), &json!(true))
    );

    let sql_good = find(r, "azure.sql.server", "sql-good");
    assert_eq!(
        sql_good.config["entra_admin"],
        json!({"login": "sql-admins", "sid": "c6a1f0b4-0000-4000-8000-000000000001", "administrator_type": "ActiveDirectory"})
    );
    assert_eq!(
        sql_good.config["tde_protector"],
        json!({"server_key_type": "AzureKeyVault", "key_uri": "https://kv-good.vault.azure.net/keys/sql-tde/0123456789abcdef", "auto_rotation_enabled": true})
    );
    assert_eq!(sql_good.config["auditing"]["retention_days"], json!(120));
    assert_eq!(
        sql_good.config["express_vulnerability_assessment_state"],
        json!("Enabled")
    );
    let sql_bad = find(r, "azure.sql.server", "sql-bad");
    for (field, value) in [
        ("minimal_tls_version", json!(null)),
        ("entra_admin", json!(null)),
        ("entra_only_authentication", json!(false)),
        ("vulnerability_assessment", json!(null)),
        ("express_vulnerability_assessment_state", json!(null)),
        ("advanced_threat_protection_state", json!("Disabled")),
        (
            "firewall_rules",
            json!([
                {"name": "AllowAllWindowsAzureIps", "start_ip_address": "0.0.0.0", "end_ip_address": "0.0.0.0"},
                {"name": "everyone", "start_ip_address": "0.0.0.0", "end_ip_address": "255.255.255.255"},
            ]),
        ),
    ] {
        assert_eq!(sql_bad.config[field], value, "sql-bad {field}");
    }
    let orders = find(r, "azure.sql.database", "orders");
    assert_eq!(
        serde_json::Value::Object(orders.config.clone()),
        json!({
            "server_name": "sql-good", "database_kind": "v12.0,user,vcore", "sku_name": "GP_Gen5_2", "status": "Online",
            "tde_state": "Enabled", "auditing": {"state": "Enabled", "retention_days": 90}, "server_auditing_state": "Enabled",
        })
    );
    assert_eq!(
        find(r, "azure.sql.database", "legacy").config["tde_state"],
        json!("Disabled")
    );

    assert_eq!(
        find(r, "azure.mysql.flexible_server", "mysql-good").config["parameters"],
        json!({
            "require_secure_transport": true, "tls_version": ["TLSv1.2", "TLSv1.3"], "audit_log_enabled": true,
            "audit_log_events": ["CONNECTION", "DDL"], "error_server_log_file": true,
        })
    );
    let mysql_bad = find(r, "azure.mysql.flexible_server", "mysql-bad");
    assert_eq!(
        mysql_bad.config["parameters"]["error_server_log_file"],
        json!(null),
        "a parameter the server lacks is null"
    );
    assert_eq!(mysql_bad.config["public_network_access"], json!("Enabled"));
    let pg_good = find(r, "azure.postgresql.flexible_server", "postgresql-good");
    assert_eq!(
        pg_good.config["parameters"],
        json!({
            "require_secure_transport": true, "ssl_min_protocol_version": "TLSv1.2", "log_checkpoints": true,
            "log_connections": true, "log_disconnections": true, "connection_throttle_enabled": true, "logfiles_retention_days": 7,
        })
    );
    assert_eq!(
        (
            &pg_good.config["active_directory_auth"],
            &pg_good.config["password_auth"]
        ),
        (&json!("Enabled"), &json!("Disabled"))
    );
    assert_eq!(
        find(r, "azure.postgresql.flexible_server", "postgresql-bad").config["parameters"]["logfiles_retention_days"],
        json!(3)
    );

    let diagnostics = &find(
        r,
        "azure.monitor.subscription_diagnostic_settings",
        "diagnosticSettings",
    )
    .config["settings"];
    assert_eq!(
        diagnostics[0]["enabled_categories"],
        json!(["Administrative", "Alert", "Policy", "Security"])
    );
    assert_eq!(
        diagnostics[0]["storage_account"],
        json!({"allow_blob_public_access": false, "key_source": "Microsoft.Keyvault", "container_public_access": "None"})
    );
    assert_eq!(
        diagnostics[1]["enabled_categories"]
            .as_array()
            .map(Vec::len),
        Some(8),
        "allLogs is every category"
    );
    assert_eq!(diagnostics[1]["storage_account"], json!(null));
    let nsg_alert = find(r, "azure.monitor.activity_log_alert", "nsg-changes");
    assert_eq!(
        nsg_alert.config["operation_names"],
        json!([
            "microsoft.network/networksecuritygroups/write",
            "microsoft.network/networksecuritygroups/delete"
        ])
    );
    assert_eq!(nsg_alert.config["covers_subscription"], json!(true));
    let disabled = find(r, "azure.monitor.activity_log_alert", "sql-fw-disabled");
    assert_eq!(
        (
            &disabled.config["enabled"],
            &disabled.config["covers_subscription"]
        ),
        (&json!(false), &json!(false))
    );
    assert_eq!(
        disabled.config["resource_types"],
        json!(["microsoft.sql/servers/firewallrules"])
    );
    let alerts =
        &find(r, "azure.monitor.activity_log_alerts", "activityLogAlerts").config["alerts"];
    assert_eq!(alerts.as_array().map(Vec::len), Some(3));
    assert_eq!(alerts[2]["action_group_count"], json!(0));

    let vault = find(r, "azure.keyvault.vault", "kv-good");
    assert_eq!(
        vault.config["diagnostic_settings"][0]["enabled_categories"],
        json!(["AuditEvent"]),
        "the audit group is AuditEvent"
    );
    assert_eq!(
        vault.config["network_acls"]["default_action"],
        json!("Deny")
    );
    let kv_bad = find(r, "azure.keyvault.vault", "kv-bad");
    for (field, value) in [
        ("purge_protection_enabled", json!(false)),
        ("rbac_authorization_enabled", json!(false)),
        ("access_policy_count", json!(1)),
        ("network_acls", json!(null)),
        ("diagnostic_settings", json!([])),
    ] {
        assert_eq!(kv_bad.config[field], value, "kv-bad {field}");
    }
    let key = find(r, "azure.keyvault.key", "storage-cmk");
    assert_eq!(
        serde_json::Value::Object(key.config.clone()),
        json!({
            "vault_name": "kv-good", "vault_rbac_authorization_enabled": true, "enabled": true,
            "expires": "2030-01-01T00:00:00Z", "not_before": null, "created": "2024-01-01T00:00:00Z",
            "key_type": "RSA", "key_size": 3072,
            "rotation_policy": {"expiry_time": "P1Y", "auto_rotate": true, "rotate_after": "P90D", "notify_before_expiry": "P30D"},
        })
    );
    assert_eq!(
        find(r, "azure.keyvault.key", "forever").config["expires"],
        json!(null)
    );
    assert_eq!(
        find(r, "azure.keyvault.secret", "api-key").config["content_type"],
        json!(null)
    );
    let certificate = find(r, "azure.keyvault.certificate", "old-tls");
    assert_eq!(
        certificate.id,
        format!("{}/vaults/kv-bad/certificates/old-tls", fake.base)
    );
    assert_eq!(
        certificate.region, "westeurope",
        "a certificate is in its vault's region"
    );
    assert_eq!(certificate.config["expires"], json!("2019-01-01T00:00:00Z"));
}

#[tokio::test]
async fn only_the_requested_kinds_are_read() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let run = run(session, &["azure.sql.database", "azure.not.a_kind"]).await;
    assert!(
        run.resources
            .iter()
            .all(|r| r.kind.as_str() == "azure.sql.database")
    );
    assert_eq!(run.resources.len(), 3);
    assert_eq!(
        run.attempt
            .kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        ["azure.sql.database"]
    );
    let paths: Vec<String> = fake.hits().into_iter().map(|h| h.path).collect();
    assert!(
        paths
            .iter()
            .all(|p| !p.contains("firewallRules") && !p.contains("Microsoft.Storage")),
        "{paths:#?}"
    );
}

#[tokio::test]
async fn lists_are_read_to_the_last_page() {
    let fake = Fake::start().await;
    let run = run(support::connect(&fake).await, &["azure.storage.account"]).await;
    let names: Vec<&str> = run.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["stbad", "stgood"]);
    let list = sub("/providers/Microsoft.Storage/storageAccounts");
    let pages: Vec<String> = fake
        .hits()
        .into_iter()
        .filter(|h| h.path == list)
        .map(|h| h.query)
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].contains("skiptoken=page2"), "{pages:?}");
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_to_the_same_result() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let kinds = &["azure.storage.account", "azure.sql.server"];
    let clean = run(session.clone(), kinds).await;
    let list = sub("/providers/Microsoft.Storage/storageAccounts");
    let firewall =
        sub("/resourceGroups/rg-bad/providers/Microsoft.Sql/servers/sql-bad/firewallRules");
    fake.script(|s| {
        s.throttle.insert(list.clone(), (2, 1));
        s.fail_once.push(firewall.clone());
    });
    let before = (fake.attempts(&list), fake.attempts(&firewall));
    let started = std::time::Instant::now();
    let retried = run(session, kinds).await;
    assert!(retried.errors.is_empty(), "{:#?}", retried.errors);
    assert_eq!(retried.resources, clean.resources);
    // Two 429s, then the two pages; one 500, then the list.
    assert_eq!(fake.attempts(&list) - before.0, 4);
    assert_eq!(fake.attempts(&firewall) - before.1, 2);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "Retry-After was not honoured"
    );
}

#[tokio::test]
async fn retries_stop_at_max_attempts_with_a_collection_error() {
    let fake = Fake::start().await;
    let mut options = fake.options();
    options.max_attempts = 2;
    let session = std::sync::Arc::new(
        posture_collect_azure::Session::connect(&options)
            .await
            .expect("connects"),
    );
    let list = sub("/providers/Microsoft.KeyVault/vaults");
    fake.script(|s| {
        s.throttle.insert(list.clone(), (5, 0));
    });
    let run = run(session, &["azure.keyvault.vault"]).await;
    assert_eq!(fake.attempts(&list), 2);
    assert!(run.resources.is_empty());
    let error = &run.errors[0];
    assert_eq!(
        (
            error.kind.as_str(),
            error.region.as_str(),
            error.permission.as_deref()
        ),
        ("azure.keyvault.vault", "*", None)
    );
    assert!(
        error.message.contains("429 TooManyRequests"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn denied_kinds_become_collection_errors_and_unregistered_providers_hold_nothing() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    fake.script(|s| {
        s.deny.push("Microsoft.Sql/servers".into());
        s.deny.push("/firewallRules".into());
        s.unregistered.push("Microsoft.DBforPostgreSQL".into());
    });
    let run = run(session, DATA_KINDS).await;
    let summary: Vec<ErrorSummary> = run
        .errors
        .iter()
        .map(|e| {
            (
                e.kind.as_str(),
                e.region.as_str(),
                e.resource_id.as_deref(),
                e.action.as_str(),
                e.permission.as_deref(),
            )
        })
        .collect();
    let mysql_bad =
        sub("/resourceGroups/rg-bad/providers/Microsoft.DBforMySQL/flexibleServers/mysql-bad");
    let mysql_good =
        sub("/resourceGroups/rg-good/providers/Microsoft.DBforMySQL/flexibleServers/mysql-good");
    assert_eq!(
        summary,
        [
            (
                "azure.mysql.flexible_server",
                "eastus",
                Some(mysql_good.as_str()),
                "GET Microsoft.DBforMySQL/flexibleServers/firewallRules",
                Some("Microsoft.DBforMySQL/flexibleServers/firewallRules/read")
            ),
            (
                "azure.mysql.flexible_server",
                "westeurope",
                Some(mysql_bad.as_str()),
                "GET Microsoft.DBforMySQL/flexibleServers/firewallRules",
                Some("Microsoft.DBforMySQL/flexibleServers/firewallRules/read")
            ),
            (
                "azure.sql.database",
                "*",
                None,
                "GET Microsoft.Sql/servers",
                Some("Microsoft.Sql/servers/read")
            ),
            (
                "azure.sql.server",
                "*",
                None,
                "GET Microsoft.Sql/servers",
                Some("Microsoft.Sql/servers/read")
            ),
        ]
    );
    // An unregistered provider: no resources of it, and no error either.
    assert!(
        run.resources
            .iter()
            .all(|r| r.kind.as_str() != "azure.postgresql.flexible_server"),
    );
    assert!(
        run.errors[3].message.contains("Reader role"),
        "{}",
        run.errors[3].message
    );
    // A denied sub-call leaves the record without that field only.
    let mysql = find(&run.resources, "azure.mysql.flexible_server", "mysql-good");
    assert!(!mysql.config.contains_key("firewall_rules"));
    assert_eq!(
        mysql.config["parameters"]["require_secure_transport"],
        json!(true)
    );
    assert!(
        run.resources
            .iter()
            .all(|r| !r.kind.as_str().starts_with("azure.sql."))
    );
    assert!(
        run.resources
            .iter()
            .any(|r| r.kind.as_str() == "azure.storage.account"),
        "the run goes on"
    );
}

#[tokio::test]
async fn every_call_is_a_declared_read_operation() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let _ = run(session.clone(), DATA_KINDS).await;
    let calls = session.calls().snapshot();
    let undeclared: Vec<&String> = calls.keys().filter(|c| !permissions::covers(c)).collect();
    assert!(
        undeclared.is_empty(),
        "calls no service declares: {undeclared:?}"
    );
    assert!(calls.len() > 20, "{calls:#?}");
    for hit in fake.hits() {
        let read = hit.method == "GET"
            || (hit.method == "POST" && hit.path.ends_with("/oauth2/v2.0/token"));
        assert!(read, "{} {} is not a read", hit.method, hit.path);
        // 404 is how ARM says a setting was never configured.
        assert!(
            (200..400).contains(&hit.status) || hit.status == 404,
            "{} {}?{} answered {}",
            hit.method,
            hit.path,
            hit.query,
            hit.status
        );
    }
    // One token per scope, reused for every call.
    let tokens = fake.tokens_issued();
    assert_eq!(
        tokens.get("https://management.azure.com/.default"),
        Some(&1)
    );
    assert_eq!(tokens.get("https://vault.azure.net/.default"), Some(&1));
    assert!(permissions::describe().contains("Reader"));
}

#[tokio::test]
async fn a_revoked_token_is_replaced_once() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    fake.script(|s| s.revoke_token_once = true);
    let run = run(session, &["azure.defender.plan"]).await;
    assert!(run.errors.is_empty(), "{:#?}", run.errors);
    assert_eq!(run.resources.len(), 3);
    assert_eq!(
        fake.tokens_issued()
            .get("https://management.azure.com/.default"),
        Some(&2)
    );
}

#[tokio::test]
async fn a_call_that_times_out_is_retried() {
    let fake = Fake::start().await;
    let mut options = fake.options();
    options.timeout = std::time::Duration::from_millis(500);
    let session = std::sync::Arc::new(
        posture_collect_azure::Session::connect(&options)
            .await
            .expect("connects"),
    );
    let list = sub("/providers/Microsoft.Security/pricings");
    fake.script(|s| {
        s.delay_once.insert(list.clone(), 2_000);
    });
    let run = run(session, &["azure.defender.plan"]).await;
    assert!(run.errors.is_empty(), "{:#?}", run.errors);
    assert_eq!(run.resources.len(), 3);
    assert_eq!(fake.attempts(&list), 2, "the slow attempt, then the retry");
}

#[tokio::test]
async fn regions_filter_the_records_but_keep_subscription_settings() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let request = posture_collect::CollectRequest {
        kinds: ["azure.storage.account", "azure.defender.integrations"]
            .iter()
            .map(|k| posture_model::ResourceKind::parse(k).expect("kind"))
            .collect(),
        regions: Some(vec!["westeurope".into()]),
        concurrency: 2,
    };
    let mut names = Vec::new();
    let (attempt, errors) = posture_collect_azure::collect_each::<std::convert::Infallible>(
        session,
        request,
        std::sync::Arc::new(posture_collect::QuietProgress),
        support::now(),
        |r| {
            names.push(r.name);
            Ok(())
        },
    )
    .await
    .unwrap_or_else(|e| match e {});
    names.sort();
    assert_eq!(names, ["settings", "stbad"]);
    assert!(errors.is_empty());
    assert_eq!(attempt.regions, ["westeurope"]);
}
