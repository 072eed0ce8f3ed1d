//! Scans of what the collector read from the fake Azure, with the embedded
//! catalogue and the engine: good resources pass, bad ones fail the right
//! controls, and denied kinds give ERROR, never PASS.

mod support;

use posture_collect_azure::Session;
use posture_model::{InventoryHeader, Provider, Resource, Status};
use std::sync::Arc;
use support::fake::{Fake, SUBSCRIPTION};

/// Every Azure kind some control of the catalogue checks.
fn checked_kinds() -> Vec<&'static str> {
    let mut kinds: Vec<&str> = support::catalog()
        .controls
        .iter()
        .filter(|c| c.provider == Provider::Azure)
        .map(|c| c.kind.as_str())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// The fixtures' compliant resources: every control that applies passes.
const GOOD: &[&str] = &[
    "stgood",
    "sql-good",
    "orders",
    "mysql-good",
    "postgresql-good",
    "kv-good",
    "storage-cmk",
    "db-password",
    "web-tls",
    "VirtualMachines",
    "nsg-good",
    "vnet-good",
    "fl-good",
    "agw-good",
    "vm-good",
    "vm-good-os",
    "app-good",
    "aks-good",
    "VM Operator",
    "admin@contoso.com",
    "policy-assignment-create",
    "nsg-changes",
];

/// The fixtures' non-compliant resources and controls they must fail.
const BAD: &[(&str, &str)] = &[
    (
        "stbad",
        "azure_storage_account_blob_anonymous_access_disabled",
    ),
    (
        "stbad",
        "azure_storage_account_default_network_access_denied",
    ),
    ("stbad", "azure_storage_account_blob_soft_delete_enabled"),
    (
        "stbad",
        "azure_storage_account_infrastructure_encryption_enabled",
    ),
    ("SqlServers", "azure_defender_plan_azure_sql_enabled"),
    (
        "autoProvisioningSettings",
        "azure_defender_auto_provisioning_enabled",
    ),
    ("sql-bad", "azure_sql_server_auditing_enabled"),
    (
        "sql-bad",
        "azure_sql_server_no_allow_all_azure_services_rule",
    ),
    (
        "sql-bad",
        "azure_sql_server_no_firewall_rule_open_to_internet",
    ),
    ("sql-bad", "azure_sql_server_entra_admin_configured"),
    ("sql-bad", "azure_sql_server_tde_protector_customer_managed"),
    ("legacy", "azure_sql_database_tde_enabled"),
    (
        "mysql-bad",
        "azure_mysql_flexible_server_secure_transport_required",
    ),
    ("mysql-bad", "azure_mysql_flexible_server_tls_1_2_minimum"),
    (
        "postgresql-bad",
        "azure_postgresql_flexible_server_log_checkpoints_enabled",
    ),
    (
        "postgresql-bad",
        "azure_postgresql_flexible_server_connection_throttle_enabled",
    ),
    (
        "postgresql-bad",
        "azure_postgresql_flexible_server_log_retention_over_3_days",
    ),
    (
        "activityLogAlerts",
        "azure_monitor_alert_sql_firewall_rule_create_update",
    ),
    ("kv-bad", "azure_keyvault_vault_purge_protection_enabled"),
    ("kv-bad", "azure_keyvault_vault_audit_logging_enabled"),
    ("forever", "azure_keyvault_key_expiration_set_access_policy"),
    (
        "api-key",
        "azure_keyvault_secret_expiration_set_access_policy",
    ),
    (
        "old-tls",
        "azure_keyvault_certificate_not_expiring_within_30_days",
    ),
    ("nsg-bad", "azure_network_nsg_no_ssh_from_internet"),
    ("nsg-bad", "azure_network_nsg_no_rdp_from_internet"),
    ("nsg-bad", "azure_network_nsg_no_udp_from_internet"),
    ("nsg-bad", "azure_network_nsg_no_http_from_internet"),
    (
        "networkWatchers",
        "azure_network_watcher_enabled_in_regions_in_use",
    ),
    ("fl-bad", "azure_network_flow_log_enabled"),
    ("agw-bad", "azure_network_application_gateway_waf_enabled"),
    ("vm-bad", "azure_compute_vm_uses_managed_disks"),
    ("vm-bad", "azure_compute_vm_no_public_ip"),
    ("orphan", "azure_compute_disk_unattached_encrypted_with_cmk"),
    ("app-bad", "azure_appservice_https_only"),
    ("app-bad", "azure_appservice_ftps_only_or_disabled"),
    ("app-bad", "azure_appservice_remote_debugging_disabled"),
    ("aks-bad", "azure_aks_rbac_enabled"),
    ("aks-bad", "azure_aks_network_policy_enabled"),
    ("aks-bad", "azure_aks_kubernetes_version_supported"),
    (
        "Subscription Owner Lite",
        "azure_authorization_no_custom_subscription_owner_roles",
    ),
    (
        "Contoso",
        "azure_entra_mfa_enforced_by_security_defaults_or_conditional_access",
    ),
    (
        "vendor_example.com#EXT#@contoso.onmicrosoft.com",
        "azure_entra_guest_user_active",
    ),
];

#[tokio::test]
async fn good_resources_pass_and_bad_ones_fail_the_right_controls() {
    let fake = Fake::start().await;
    let kinds = checked_kinds();
    let run = support::run(support::connect(&fake).await, &kinds).await;
    assert!(run.errors.is_empty(), "{:#?}", run.errors);
    let collected = posture_collect_azure::supported_kinds();
    let uncollected: Vec<&&str> = kinds.iter().filter(|k| !collected.contains(*k)).collect();
    assert!(
        uncollected.is_empty(),
        "kinds no collector reads: {uncollected:?}"
    );

    let mut problems = Vec::new();
    for resource in &run.resources {
        let good = GOOD.contains(&resource.name.as_str());
        for control in support::controls_for(resource) {
            let status = support::verdict(control, resource);
            // Every field a control reads was collected: nothing is ERROR.
            if status == Status::Error || (good && status == Status::Fail) {
                problems.push(format!(
                    "{} on {} ({}): {status:?}",
                    control.id, resource.name, resource.kind
                ));
            }
        }
    }
    for (name, control_id) in BAD {
        let resource = named(&run.resources, name);
        let control = support::catalog()
            .control(control_id)
            .unwrap_or_else(|| panic!("no control {control_id}"));
        let status = support::verdict(control, resource);
        if status != Status::Fail {
            problems.push(format!("{control_id} on {name}: {status:?}, expected Fail"));
        }
    }
    for name in GOOD {
        let resource = named(&run.resources, name);
        let passes = support::controls_for(resource)
            .iter()
            .filter(|c| support::verdict(c, resource) == Status::Pass)
            .count();
        if passes == 0 {
            problems.push(format!("no control passes {name}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn named<'a>(resources: &'a [Resource], name: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no resource named {name}"))
}

/// Writes an inventory as the CLI does and evaluates the CIS Azure mandate.
fn cis_report(
    resources: &[Resource],
    header: &InventoryHeader,
) -> (posture_engine::Report, &'static posture_catalog::Catalog) {
    let catalog = support::catalog();
    let mut writer = posture_inventory::InventoryWriter::new(Vec::new(), header).expect("header");
    for resource in resources {
        writer.write(resource).expect("resource");
    }
    let bytes = writer.finish().expect("inventory");
    let reader =
        posture_inventory::InventoryReader::open(std::io::Cursor::new(bytes)).expect("reads back");
    let mandate = catalog
        .mandate("cis-azure-foundations-3.0.0")
        .expect("the CIS Azure mandate is in the catalogue");
    let selection = posture_engine::Selection::mandate(catalog, mandate, Provider::Azure);
    let report = posture_engine::evaluate(
        reader,
        &selection,
        &posture_engine::Options::at(support::now()),
    )
    .expect("evaluates");
    (report, catalog)
}

#[tokio::test]
async fn a_cis_report_passes_fails_and_errors_where_it_should() {
    let fake = Fake::start().await;
    let session: Arc<Session> = support::connect(&fake).await;
    // The app registration cannot read SQL servers.
    fake.script(|s| s.deny.push("Microsoft.Sql/servers".into()));
    let run = support::run(session, &checked_kinds()).await;
    let mut header = InventoryHeader::new(Provider::Azure, SUBSCRIPTION, support::now());
    header.kinds = Some(run.attempt.kinds.clone());
    header.errors = run.errors.clone();
    let (report, catalog) = cis_report(&run.resources, &header);

    let status_of = |control_id: &str| {
        report
            .controls
            .iter()
            .find(|c| catalog.controls[c.control].id == control_id)
            .map(|c| c.status)
            .unwrap_or_else(|| panic!("{control_id} is not in the CIS report"))
    };
    assert_eq!(
        status_of("azure_sql_server_auditing_enabled"),
        Status::Error,
        "denied kinds are ERROR"
    );
    assert_eq!(status_of("azure_sql_database_tde_enabled"), Status::Error);
    assert_eq!(
        status_of("azure_storage_account_blob_anonymous_access_disabled"),
        Status::Fail
    );
    assert_eq!(
        status_of("azure_keyvault_vault_purge_protection_enabled"),
        Status::Fail
    );
    let statuses: Vec<Status> = report.controls.iter().map(|c| c.status).collect();
    assert!(statuses.contains(&Status::Pass), "{statuses:?}");
    let sql_errors: Vec<&Status> = report
        .controls
        .iter()
        .filter(|c| {
            catalog.controls[c.control]
                .kind
                .as_str()
                .starts_with("azure.sql.")
        })
        .map(|c| &c.status)
        .collect();
    assert!(
        !sql_errors.is_empty() && sql_errors.iter().all(|s| **s == Status::Error),
        "{sql_errors:?}"
    );
    assert!(report.summary.controls.pass > 0 && report.summary.controls.fail > 0);
}
