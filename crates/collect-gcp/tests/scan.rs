//! Collected records through the real catalogue and engine: good fixture
//! resources PASS, bad ones FAIL the right controls, denied kinds ERROR,
//! and the CIS GCP mandate evaluates.

mod support;

use posture_catalog::Catalog;
use posture_engine::{Options, Report, Selection, evaluate};
use posture_inventory::{InventoryReader, InventoryWriter};
use posture_model::{InventoryHeader, Provider, Status};
use std::sync::Arc;
use support::fake::{Fake, PROJECT};

fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("the embedded catalogue loads"))
}

/// Collects everything from `fake` and scans it with `mandate` (or every GCP control).
async fn scan(fake: &Fake, mandate: Option<&str>) -> Report {
    let session: Arc<_> = support::connect(fake).await;
    let (resources, errors, attempt) = support::collect(session, &[]).await;
    let mut header = InventoryHeader::new(Provider::Gcp, PROJECT, support::collected_at());
    header.kinds = Some(attempt.kinds);
    header.errors = errors;
    let mut writer = InventoryWriter::new(Vec::new(), &header).expect("header");
    for r in &resources {
        writer.write(r).expect("write");
    }
    let bytes = writer.finish().expect("finish");
    let reader = InventoryReader::open(bytes.as_slice()).expect("read back");
    let catalog = catalog();
    let selection = match mandate {
        Some(id) => Selection::mandate(
            catalog,
            catalog.mandate(id).expect("mandate"),
            Provider::Gcp,
        ),
        None => Selection::provider(catalog, Provider::Gcp),
    };
    evaluate(reader, &selection, &Options::at(support::collected_at())).expect("evaluate")
}

/// The status of control `id` on the resource named `name`.
fn status(report: &Report, id: &str, name: &str) -> Option<Status> {
    let index = catalog()
        .control_index(id)
        .unwrap_or_else(|| panic!("no control {id}"));
    let result = report.controls.iter().find(|c| c.control == index)?;
    result
        .evaluations
        .iter()
        .find(|e| report.resources[e.resource as usize].resource_name == name)
        .map(|e| e.status)
}

#[tokio::test]
async fn good_resources_pass_and_bad_ones_fail() {
    let fake = Fake::start().await;
    let report = scan(&fake, None).await;
    // (control, resource that passes, resource that fails)
    let cases = [
        (
            "gcp_compute_firewall_no_ingress_ssh_from_internet",
            "prod-allow-internal",
            "default-allow-ssh",
        ),
        (
            "gcp_compute_firewall_logging_enabled",
            "prod-allow-internal",
            "default-allow-ssh",
        ),
        ("gcp_compute_network_not_default", "prod-vpc", "default"),
        (
            "gcp_compute_subnetwork_flow_logs_enabled",
            "prod-us",
            "default",
        ),
        (
            "gcp_compute_subnetwork_private_google_access_enabled",
            "prod-us",
            "default",
        ),
        (
            "gcp_compute_instance_serial_port_disabled",
            "web-good",
            "legacy-bad",
        ),
        (
            "gcp_compute_instance_shielded_vm_enabled",
            "web-good",
            "legacy-bad",
        ),
        (
            "gcp_compute_instance_ip_forwarding_disabled",
            "web-good",
            "legacy-bad",
        ),
        (
            "gcp_compute_instance_no_public_ip",
            "web-good",
            "legacy-bad",
        ),
        (
            "gcp_compute_instance_default_service_account_no_full_api_access",
            "web-good",
            "legacy-bad",
        ),
        (
            "gcp_compute_instance_block_project_ssh_keys",
            "web-good",
            "legacy-bad",
        ),
        (
            "gcp_compute_disk_customer_managed_encryption",
            "web-good",
            "legacy-bad",
        ),
        (
            "gcp_storage_bucket_uniform_access_enabled",
            "posture-audit-logs",
            "posture-public-assets",
        ),
        (
            "gcp_storage_bucket_not_public",
            "posture-audit-logs",
            "posture-public-assets",
        ),
        (
            "gcp_storage_bucket_public_access_prevention_enforced",
            "posture-audit-logs",
            "posture-public-assets",
        ),
        (
            "gcp_storage_bucket_versioning_enabled",
            "posture-audit-logs",
            "posture-public-assets",
        ),
        (
            "gcp_sql_instance_no_authorized_network_from_anywhere",
            "pg-good",
            "mysql-bad",
        ),
        (
            "gcp_sql_instance_automated_backups_enabled",
            "pg-good",
            "mysql-bad",
        ),
        ("gcp_sql_instance_ssl_required", "pg-good", "mysql-bad"),
        (
            "gcp_sql_instance_customer_managed_key",
            "pg-good",
            "mysql-bad",
        ),
        ("gcp_functions_function_not_public", "fn-good", "fn-bad"),
        (
            "gcp_functions_function_ingress_restricted",
            "fn-good",
            "fn-bad",
        ),
        (
            "gcp_functions_function_no_secrets_in_environment_variables",
            "fn-good",
            "fn-bad",
        ),
        (
            "gcp_bigquery_dataset_not_public",
            "analytics",
            "public_share",
        ),
        (
            "gcp_bigquery_dataset_default_cmek",
            "analytics",
            "public_share",
        ),
        (
            "gcp_bigquery_table_cmek",
            "analytics.events",
            "public_share.exports",
        ),
        (
            "gcp_dns_managed_zone_ksk_not_rsasha1",
            "example-com",
            "legacy-org",
        ),
        ("gcp_dns_network_logging_enabled", "prod-vpc", "default"),
        ("gcp_kms_crypto_key_not_public", "storage-key", "legacy-key"),
        (
            "gcp_kms_crypto_key_rotation_90_days",
            "storage-key",
            "legacy-key",
        ),
        (
            "gcp_iam_api_key_application_restricted",
            "5a1d7e0c-maps",
            "9b2e8f1d-open",
        ),
        (
            "gcp_iam_custom_role_no_privilege_escalation",
            "auditor",
            "superadmin",
        ),
    ];
    let mut wrong = Vec::new();
    for (control, good, bad) in cases {
        let (g, b) = (
            status(&report, control, good),
            status(&report, control, bad),
        );
        if g != Some(Status::Pass) || b != Some(Status::Fail) {
            wrong.push(format!("{control}: {good} {g:?}, {bad} {b:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Project-level records: ownership changes are watched by an enabled,
    // notifying policy; audit configuration changes only by a disabled one.
    assert_eq!(
        status(
            &report,
            "gcp_monitoring_alert_project_ownership_changes",
            PROJECT
        ),
        Some(Status::Pass)
    );
    assert_eq!(
        status(
            &report,
            "gcp_monitoring_alert_audit_config_changes",
            PROJECT
        ),
        Some(Status::Fail)
    );
    assert_eq!(
        status(
            &report,
            "gcp_resourcemanager_audit_logging_no_exemptions",
            PROJECT
        ),
        Some(Status::Fail)
    );
    // SQL Server flags, on the second page of instances.
    let mssql = "mssql-mixed";
    assert_eq!(
        status(
            &report,
            "gcp_sql_instance_sqlserver_trace_flag_3625_on",
            mssql
        ),
        Some(Status::Pass)
    );
    assert_eq!(
        status(
            &report,
            "gcp_sql_instance_sqlserver_cross_db_ownership_chaining_off",
            mssql
        ),
        Some(Status::Fail)
    );
    assert_eq!(
        status(
            &report,
            "gcp_sql_instance_sqlserver_user_options_not_set",
            mssql
        ),
        Some(Status::Pass)
    );
    assert_eq!(
        status(
            &report,
            "gcp_sql_instance_sqlserver_remote_access_off",
            "pg-good"
        ),
        None,
        "not applicable to PostgreSQL"
    );
    // Its only contact covers SECURITY and TECHNICAL, not LEGAL or SUSPENSION.
    assert_eq!(
        status(
            &report,
            "gcp_resourcemanager_essential_contacts_configured",
            PROJECT
        ),
        Some(Status::Fail)
    );
    assert_eq!(
        status(&report, "gcp_resourcemanager_project_not_public", PROJECT),
        Some(Status::Pass)
    );
    let errors: Vec<_> = report
        .controls
        .iter()
        .filter(|c| c.status == Status::Error)
        .map(|c| &catalog().controls[c.control].id)
        .collect();
    assert!(
        errors.is_empty(),
        "nothing is missing from a full collection: {errors:?}"
    );
}

#[tokio::test]
async fn denied_kinds_are_errors_never_passes() {
    let fake = Fake::start().await;
    fake.disable_api(
        &format!("/v1/projects/{PROJECT}/instances"),
        "sqladmin.googleapis.com",
    );
    fake.deny("/aggregated/instances", "compute.instances.list");
    let report = scan(&fake, None).await;
    for c in &report.controls {
        let control = &catalog().controls[c.control];
        if ["gcp.sql.instance", "gcp.compute.instance"].contains(&control.kind.as_str()) {
            assert_eq!(c.status, Status::Error, "{}", control.id);
        }
    }
    let sql_error = report
        .collection_errors()
        .iter()
        .find(|e| e.kind.as_str() == "gcp.sql.instance")
        .expect("the SQL error is in the report");
    assert_eq!(
        sql_error.permission.as_deref(),
        Some("enable sqladmin.googleapis.com")
    );
    assert_eq!(
        status(
            &report,
            "gcp_storage_bucket_not_public",
            "posture-public-assets"
        ),
        Some(Status::Fail),
        "the rest is still judged"
    );
}

#[tokio::test]
async fn the_cis_gcp_benchmark_evaluates_on_the_fake() {
    let fake = Fake::start().await;
    let report = scan(&fake, Some("cis-gcp-foundations-3.0.0")).await;
    let summary = &report.summary;
    assert!(
        summary.controls.pass > 10 && summary.controls.fail > 10,
        "{summary:?}"
    );
    assert_eq!(summary.controls.error, 0, "{summary:?}");
    assert!(summary.requirements.total() > 50, "{summary:?}");
}
