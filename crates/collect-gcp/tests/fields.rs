//! The normalized fields of every kind, exact values, collected from the
//! fake's recorded fixtures: one test per service family.

mod support;

use posture_model::{Provider, Resource};
use serde_json::{Value, json};
use support::fake::{Fake, PROJECT};
use support::find;

const P: &str = PROJECT;

fn config(r: &Resource) -> Value {
    Value::Object(r.config.clone())
}

/// Every supported kind, collected from a fresh fake; no collection error.
async fn collected() -> Vec<Resource> {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let (resources, errors, _) = support::collect(session, &[]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    resources
}

#[tokio::test]
async fn every_supported_kind_has_records_of_this_project() {
    let resources = collected().await;
    for r in &resources {
        assert_eq!(r.provider, Provider::Gcp);
        assert_eq!(r.account_id, P);
    }
    let kinds: std::collections::BTreeSet<&str> =
        resources.iter().map(|r| r.kind.as_str()).collect();
    let supported = posture_collect_gcp::supported_kinds();
    assert_eq!(kinds, supported, "every supported kind has a record");
}

#[tokio::test]
async fn resource_manager_records_are_normalized() {
    let resources = collected().await;
    let project = find(&resources, "gcp.resourcemanager.project", P);
    assert_eq!(
        project.id,
        format!("//cloudresourcemanager.googleapis.com/projects/{P}")
    );
    assert_eq!(project.region, "global");
    assert_eq!(project.tags.get("env").map(String::as_str), Some("prod"));
    assert_eq!(
        config(project),
        json!({
            "project_id": P, "project_number": "415104041262", "display_name": "Posture fake project", "state": "ACTIVE",
            "parent": "organizations/987654321098", "create_time": "2023-03-01T10:00:00Z",
            "essential_contacts": [{"email": "security@example.com", "notification_categories": ["SECURITY", "TECHNICAL"], "validation_state": "VALID"}],
            "enabled_services": ["compute.googleapis.com", "logging.googleapis.com", "storage.googleapis.com"],
            "access_approval_enrolled_services": [], "api_key_count": 2,
        })
    );

    let policy = find(&resources, "gcp.resourcemanager.iam_policy", P);
    assert_eq!(
        policy.id,
        format!("//cloudresourcemanager.googleapis.com/projects/{P}/iamPolicy")
    );
    assert_eq!(
        config(policy)["bindings"][3],
        json!({"role": "roles/storage.objectViewer", "members": ["user:carol@example.com"],
        "condition": {"title": "until end of 2026", "expression": "request.time < timestamp(\"2027-01-01T00:00:00Z\")"}})
    );
    assert_eq!(config(policy)["bindings"][0]["condition"], Value::Null);

    let audit = find(&resources, "gcp.resourcemanager.audit_config", P);
    assert_eq!(
        config(audit),
        json!({"audit_configs": [{"service": "allServices", "log_configs": [
        {"log_type": "ADMIN_READ", "exempted_members": []},
        {"log_type": "DATA_READ", "exempted_members": ["user:bob@example.com"]},
        {"log_type": "DATA_WRITE", "exempted_members": []}]}]})
    );
}

#[tokio::test]
async fn iam_records_are_normalized() {
    let resources = collected().await;
    let default_sa = find(
        &resources,
        "gcp.iam.service_account",
        "415104041262-compute@developer.gserviceaccount.com",
    );
    assert_eq!(
        default_sa.id,
        format!(
            "//iam.googleapis.com/projects/{P}/serviceAccounts/415104041262-compute@developer.gserviceaccount.com"
        )
    );
    assert_eq!(
        config(default_sa),
        json!({
            "email": "415104041262-compute@developer.gserviceaccount.com", "unique_id": "104857600000000000002",
            "display_name": "Compute Engine default service account", "disabled": false, "is_user_managed": false, "is_default": true,
            "user_managed_keys": [{"key_id": "aa00bb11cc22dd33ee44ff5566778899", "valid_after_time": "2025-01-01T00:00:00Z",
                "valid_before_time": "2035-01-01T00:00:00Z", "disabled": false, "key_origin": "GOOGLE_PROVIDED", "key_algorithm": "KEY_ALG_RSA_2048"}],
        })
    );
    let app = find(
        &resources,
        "gcp.iam.service_account",
        &format!("app-runner@{P}.iam.gserviceaccount.com"),
    );
    assert_eq!(config(app)["is_user_managed"], json!(true));
    assert_eq!(
        config(app)["user_managed_keys"][0]["valid_before_time"],
        Value::Null,
        "the never-expires sentinel is null"
    );

    let role = find(&resources, "gcp.iam.custom_role", "superadmin");
    assert_eq!(
        role.id,
        format!("//iam.googleapis.com/projects/{P}/roles/superadmin")
    );
    assert_eq!(
        config(role),
        json!({"role_name": format!("projects/{P}/roles/superadmin"), "title": "Super admin", "stage": "ALPHA",
        "included_permissions": ["iam.serviceAccounts.actAs", "resourcemanager.projects.setIamPolicy"]})
    );

    let open_key = find(&resources, "gcp.iam.api_key", "9b2e8f1d-open");
    assert_eq!(
        open_key.id,
        "//apikeys.googleapis.com/projects/415104041262/locations/global/keys/9b2e8f1d-open"
    );
    assert_eq!(
        config(open_key),
        json!({"uid": "9b2e8f1d-2222-4a2b-9c3d-000000000002", "display_name": "Unrestricted key",
        "create_time": "2024-01-01T00:00:00Z", "update_time": "2024-01-01T00:00:00Z", "application_restriction": null,
        "allowed_referrers": [], "allowed_ips": [], "allowed_android_packages": [], "allowed_ios_bundle_ids": [], "api_targets": []})
    );
    let maps_key = find(&resources, "gcp.iam.api_key", "5a1d7e0c-maps");
    assert_eq!(
        config(maps_key)["application_restriction"],
        json!("browser")
    );
    assert_eq!(
        config(maps_key)["api_targets"],
        json!(["maps-backend.googleapis.com"])
    );
}

#[tokio::test]
async fn logging_and_monitoring_records_are_normalized() {
    let resources = collected().await;
    let sink = find(&resources, "gcp.logging.sink", "all-logs-to-bucket");
    assert_eq!(
        sink.id,
        format!("//logging.googleapis.com/projects/{P}/sinks/all-logs-to-bucket")
    );
    assert_eq!(
        config(sink),
        json!({"destination": "storage.googleapis.com/posture-audit-logs", "filter": "", "disabled": false,
        "writer_identity": "serviceAccount:service-415104041262@gcp-sa-logging.iam.gserviceaccount.com", "include_children": false,
        "exclusions": [], "create_time": "2024-02-01T00:00:00Z"})
    );
    let summary = find(&resources, "gcp.logging.sink_summary", P);
    assert_eq!(
        config(summary)["sinks"][1],
        json!({"name": "_Default",
        "destination": format!("logging.googleapis.com/projects/{P}/locations/global/buckets/_Default"),
        "filter": config(summary)["sinks"][1]["filter"], "disabled": false, "active_exclusion_count": 1})
    );
    let metric = find(&resources, "gcp.logging.metric", "owner-changes");
    assert_eq!(
        config(metric)["metric_type"],
        json!("logging.googleapis.com/user/owner-changes")
    );

    let alerting = find(&resources, "gcp.monitoring.log_metric_alerting", P);
    let metrics = &config(alerting)["log_metrics"];
    assert_eq!(metrics[0]["name"], json!("owner-changes"));
    assert_eq!(
        metrics[0]["alert_policy_names"],
        json!([format!("projects/{P}/alertPolicies/1111111111")])
    );
    assert_eq!(metrics[0]["alerts_notify"], json!(true));
    assert_eq!(metrics[1]["name"], json!("audit-config-changes"));
    assert_eq!(
        metrics[1]["alert_policy_names"],
        json!([]),
        "its only policy is disabled"
    );
    assert_eq!(metrics[1]["alerts_notify"], json!(false));
    let alert = find(
        &resources,
        "gcp.monitoring.alert_policy",
        "Audit config changes",
    );
    assert_eq!(
        config(alert),
        json!({"display_name": "Audit config changes", "enabled": false,
        "notification_channels": [format!("projects/{P}/notificationChannels/901")],
        "conditions": [{"display_name": "audit config change count", "condition_type": "threshold",
            "filter": "metric.type=\"logging.googleapis.com/user/audit-config-changes\" AND resource.type=\"global\""}]})
    );
}

#[tokio::test]
async fn storage_records_are_normalized() {
    let resources = collected().await;
    let public = find(&resources, "gcp.storage.bucket", "posture-public-assets");
    assert_eq!(
        public.id,
        "//storage.googleapis.com/projects/_/buckets/posture-public-assets"
    );
    assert_eq!(public.region, "us");
    assert_eq!(
        config(public),
        json!({
            "location": "US", "location_type": "multi-region", "storage_class": "STANDARD", "time_created": "2024-01-10T08:00:00Z",
            "uniform_bucket_level_access": false, "public_access_prevention": "inherited",
            "iam_bindings": [{"role": "roles/storage.legacyBucketOwner", "members": [format!("projectOwner:{P}")], "condition": null},
                             {"role": "roles/storage.objectViewer", "members": ["allUsers"], "condition": null}],
            "acl": [{"entity": "allUsers", "role": "READER"}, {"entity": "project-owners-415104041262", "role": "OWNER"}],
            "default_object_acl": [{"entity": "allUsers", "role": "READER"}],
            "versioning_enabled": false, "logging": null, "retention_policy": null, "default_kms_key_name": null,
            "soft_delete_retention_seconds": 0, "log_sink_names": [],
        })
    );
    let audit_bucket = find(&resources, "gcp.storage.bucket", "posture-audit-logs");
    assert_eq!(audit_bucket.region, "europe-west1");
    assert_eq!(
        config(audit_bucket)["retention_policy"],
        json!({"retention_period_seconds": 31536000, "is_locked": true, "effective_time": "2024-01-10T08:00:00Z"})
    );
    assert_eq!(
        config(audit_bucket)["logging"],
        json!({"log_bucket": "posture-access-logs", "log_object_prefix": "audit"})
    );
    assert_eq!(
        config(audit_bucket)["log_sink_names"],
        json!(["all-logs-to-bucket"])
    );
    assert_eq!(
        config(audit_bucket)["soft_delete_retention_seconds"],
        json!(604800)
    );
}

#[tokio::test]
async fn compute_records_are_normalized() {
    let resources = collected().await;
    let network = find(&resources, "gcp.compute.network", "default");
    assert_eq!(
        network.id,
        format!("//compute.googleapis.com/projects/{P}/global/networks/default")
    );
    assert_eq!(
        config(network),
        json!({"network_id": "4012345678901234567", "mode": "AUTO", "is_default": true, "ipv4_range": null,
        "auto_create_subnetworks": true, "routing_mode": "REGIONAL", "subnetwork_count": 2, "mtu": null,
        "creation_timestamp": "2023-03-01T10:01:00Z"})
    );
    let ssh = find(&resources, "gcp.compute.firewall", "default-allow-ssh");
    assert_eq!(
        ssh.id,
        format!("//compute.googleapis.com/projects/{P}/global/firewalls/default-allow-ssh")
    );
    assert_eq!(
        config(ssh),
        json!({"network": "default", "direction": "INGRESS", "priority": 65534, "disabled": false,
        "source_ranges": ["0.0.0.0/0"], "destination_ranges": [], "source_tags": [], "source_service_accounts": [],
        "target_tags": [], "target_service_accounts": [], "allowed": [{"ip_protocol": "tcp", "from_port": 22, "to_port": 22}],
        "denied": [], "logging_enabled": false, "logging_metadata": null})
    );
    let internal = find(&resources, "gcp.compute.firewall", "prod-allow-internal");
    assert_eq!(
        config(internal)["allowed"],
        json!([{"ip_protocol": "tcp", "from_port": 80, "to_port": 80},
        {"ip_protocol": "tcp", "from_port": 8000, "to_port": 8080}, {"ip_protocol": "icmp", "from_port": 0, "to_port": 65535}])
    );
    assert_eq!(
        config(internal)["logging_metadata"],
        json!("INCLUDE_ALL_METADATA")
    );
    let subnet = find(&resources, "gcp.compute.subnetwork", "prod-us");
    assert_eq!(
        subnet.id,
        format!("//compute.googleapis.com/projects/{P}/regions/us-central1/subnetworks/prod-us")
    );
    assert_eq!(subnet.region, "us-central1");
    assert_eq!(
        config(subnet),
        json!({"network": "prod-vpc", "ip_cidr_range": "10.10.0.0/20", "purpose": "PRIVATE", "stack_type": "IPV4_ONLY",
        "private_ip_google_access": true, "flow_logs": {"enabled": true, "aggregation_interval": "INTERVAL_5_SEC", "flow_sampling": 1.0,
        "metadata": "INCLUDE_ALL_METADATA", "filter_expr": null}, "creation_timestamp": "2024-01-02T11:04:30Z"})
    );
    let default_subnet = find(&resources, "gcp.compute.subnetwork", "default");
    assert_eq!(
        config(default_subnet)["flow_logs"],
        json!({"enabled": false, "aggregation_interval": null, "flow_sampling": null, "metadata": null, "filter_expr": null})
    );

    let legacy = find(&resources, "gcp.compute.instance", "legacy-bad");
    assert_eq!(
        legacy.id,
        format!("//compute.googleapis.com/projects/{P}/zones/europe-west1-b/instances/legacy-bad")
    );
    assert_eq!(legacy.region, "europe-west1");
    assert_eq!(legacy.tags.get("app").map(String::as_str), Some("legacy"));
    assert_eq!(
        config(legacy),
        json!({
            "instance_id": "8012345678901234568", "zone": "europe-west1-b", "status": "TERMINATED", "machine_type": "n1-standard-1",
            "creation_timestamp": "2023-05-06T14:08:09Z",
            "service_accounts": [{"email": "415104041262-compute@developer.gserviceaccount.com", "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
            "metadata_keys": ["serial-port-enable"], "metadata": {"serial-port-enable": "1"},
            "can_ip_forward": true, "deletion_protection": false, "shielded_instance_config": null, "confidential_compute_enabled": false,
            "network_interfaces": [{"network": "default", "subnetwork": "default", "network_ip": "10.132.0.9", "access_config_count": 1, "external_ips": ["203.0.113.10"]}],
            "disks": [{"device_name": "legacy-bad", "source": "legacy-bad", "boot": true, "encryption": "GOOGLE_MANAGED"},
                      {"device_name": "local-ssd-0", "source": null, "boot": false, "encryption": "GOOGLE_MANAGED"}],
        })
    );
    let web = find(&resources, "gcp.compute.instance", "web-good");
    assert_eq!(
        config(web)["metadata"],
        json!({"block-project-ssh-keys": "true", "enable-oslogin": "TRUE"}),
        "only the security switches' values"
    );
    assert_eq!(
        config(web)["metadata_keys"],
        json!(["block-project-ssh-keys", "enable-oslogin", "startup-script"])
    );
    assert_eq!(config(web)["disks"][0]["encryption"], json!("CMEK"));
    let regional = find(&resources, "gcp.compute.disk", "shared-data");
    assert_eq!(
        regional.id,
        format!("//compute.googleapis.com/projects/{P}/regions/us-central1/disks/shared-data")
    );
    assert_eq!(
        config(regional),
        json!({"zone": null, "replica_zones": ["us-central1-a", "us-central1-b"], "status": "READY", "disk_type": "pd-ssd",
        "size_gb": 200, "source_image": null, "users": [], "encryption": "CSEK", "kms_key_name": null,
        "creation_timestamp": "2025-03-01T08:00:00Z", "last_attach_timestamp": null})
    );
    let web_disk = find(&resources, "gcp.compute.disk", "web-good");
    assert_eq!(web_disk.region, "us-central1");
    assert_eq!(
        config(web_disk)["kms_key_name"],
        json!(format!(
            "projects/{P}/locations/us-central1/keyRings/posture-ring/cryptoKeys/disk-key"
        ))
    );
    let settings = find(&resources, "gcp.compute.project_metadata", P);
    assert_eq!(
        config(settings),
        json!({"project_number": "415104041262", "default_service_account": "415104041262-compute@developer.gserviceaccount.com",
        "metadata_keys": ["enable-oslogin", "ssh-keys"], "metadata": {"enable-oslogin": "TRUE"}, "xpn_project_status": "UNSPECIFIED_XPN_PROJECT_STATUS"})
    );
}

#[tokio::test]
async fn sql_and_functions_records_are_normalized() {
    let resources = collected().await;
    let mysql = find(&resources, "gcp.sql.instance", "mysql-bad");
    assert_eq!(
        mysql.id,
        format!("//cloudsql.googleapis.com/projects/{P}/instances/mysql-bad")
    );
    assert_eq!(mysql.region, "europe-west1");
    assert_eq!(
        config(mysql),
        json!({
            "database_version": "MYSQL_8_0", "engine": "MYSQL", "instance_type": "CLOUD_SQL_INSTANCE", "state": "RUNNABLE",
            "master_instance_name": null, "tier": "db-f1-micro", "activation_policy": "ALWAYS", "availability_type": "ZONAL",
            "deletion_protection_enabled": false,
            "ip_configuration": {"ipv4_enabled": true, "private_network": null, "require_ssl": false, "ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
                "authorized_networks": [{"value": "0.0.0.0/0", "name": "anywhere", "expiration_time": null}]},
            "ip_addresses": [{"address_type": "PRIMARY", "ip_address": "198.51.100.20"}, {"address_type": "OUTGOING", "ip_address": "198.51.100.21"}],
            "backup_configuration": {"enabled": false, "point_in_time_recovery_enabled": false, "retained_backups": null, "transaction_log_retention_days": null},
            "database_flags": {"local_infile": "on", "skip_show_database": ""},
            "kms_key_name": null, "server_ca_cert_expiration_time": null, "create_time": null,
        })
    );
    let pg = find(&resources, "gcp.sql.instance", "pg-good");
    assert_eq!(
        config(pg)["backup_configuration"],
        json!({"enabled": true, "point_in_time_recovery_enabled": true, "retained_backups": 14, "transaction_log_retention_days": 7})
    );
    assert_eq!(pg.tags.get("env").map(String::as_str), Some("prod"));

    let bad_fn = find(&resources, "gcp.functions.function", "fn-bad");
    assert_eq!(
        bad_fn.id,
        format!(
            "//cloudfunctions.googleapis.com/projects/{P}/locations/europe-west1/functions/fn-bad"
        )
    );
    assert_eq!(bad_fn.region, "europe-west1");
    assert_eq!(
        config(bad_fn),
        json!({
            "environment": "GEN_1", "state": "ACTIVE", "update_time": "2023-01-01T00:00:00Z", "runtime": "python37",
            "url": "https://europe-west1-posture-fake-project.cloudfunctions.net/fn-bad", "event_trigger_type": null,
            "ingress_settings": "ALLOW_ALL", "service_account_email": format!("{P}@appspot.gserviceaccount.com"),
            "vpc_connector": null, "vpc_connector_egress_settings": null,
            "environment_variable_names": ["API_KEY", "DB_PASSWORD"], "build_environment_variable_names": [],
            "secret_environment_variables": [], "secret_volume_count": 0, "kms_key_name": null,
            "iam_bindings": [{"source": "function", "role": "roles/cloudfunctions.invoker", "members": ["allUsers"], "condition_expression": null}],
        })
    );
    let good_fn = find(&resources, "gcp.functions.function", "fn-good");
    assert_eq!(
        config(good_fn)["iam_bindings"][1],
        json!({"source": "run_service", "role": "roles/run.invoker",
        "members": [format!("serviceAccount:app-runner@{P}.iam.gserviceaccount.com")],
        "condition_expression": "request.time < timestamp(\"2030-01-01T00:00:00Z\")"})
    );
    assert_eq!(
        config(good_fn)["secret_environment_variables"],
        json!([{"key": "DB_PASSWORD", "secret": "db-password", "version": "latest"}])
    );
    assert!(
        !serde_json::to_string(&resources)
            .expect("json")
            .contains("hunter2"),
        "environment values are never collected"
    );
}

#[tokio::test]
async fn bigquery_dns_and_kms_records_are_normalized() {
    let resources = collected().await;
    let share = find(&resources, "gcp.bigquery.dataset", "public_share");
    assert_eq!(
        share.id,
        format!("//bigquery.googleapis.com/projects/{P}/datasets/public_share")
    );
    assert_eq!(share.region, "us");
    assert_eq!(
        config(share),
        json!({"location": "US", "creation_time": "2024-01-02T00:00:00Z",
        "access": [{"role": "OWNER", "entity_type": "specialGroup", "entity": "projectOwners"},
                   {"role": "READER", "entity_type": "iamMember", "entity": "allUsers"},
                   {"role": "roles/bigquery.dataViewer", "entity_type": "specialGroup", "entity": "allAuthenticatedUsers"}],
        "default_kms_key_name": null, "default_table_expiration_ms": 86400000})
    );
    let analytics = find(&resources, "gcp.bigquery.dataset", "analytics");
    assert_eq!(
        config(analytics)["access"][4],
        json!({"role": null, "entity_type": "view", "entity": format!("{P}.reporting.summary")})
    );
    let exports = find(&resources, "gcp.bigquery.table", "public_share.exports");
    assert_eq!(
        exports.id,
        format!("//bigquery.googleapis.com/projects/{P}/datasets/public_share/tables/exports")
    );
    assert_eq!(
        config(exports),
        json!({"dataset_id": "public_share", "table_type": "TABLE", "creation_time": "2024-01-03T00:00:00Z",
        "expiration_time": "2026-06-01T00:00:00Z", "kms_key_name": null})
    );

    let legacy_zone = find(&resources, "gcp.dns.managed_zone", "legacy-org");
    assert_eq!(
        legacy_zone.id,
        format!("//dns.googleapis.com/projects/{P}/managedZones/legacy-org")
    );
    assert_eq!(
        config(legacy_zone),
        json!({"dns_name": "legacy.example.org.", "visibility": "public", "creation_time": "2022-01-01T00:00:00Z",
        "dnssec_state": "on", "dnssec_non_existence": "nsec",
        "dnssec_key_specs": [{"key_type": "keySigning", "algorithm": "rsasha1", "key_length": 2048}, {"key_type": "zoneSigning", "algorithm": "rsasha1", "key_length": 1024}],
        "private_visibility_networks": [], "cloud_logging_enabled": false})
    );
    let dns_policy = find(&resources, "gcp.dns.policy", "prod-logging");
    assert_eq!(config(dns_policy)["enable_logging"], json!(true));
    let prod_logging = find(&resources, "gcp.dns.network_logging", "prod-vpc");
    assert_eq!(
        config(prod_logging),
        json!({"network_self_link": format!("https://www.googleapis.com/compute/v1/projects/{P}/global/networks/prod-vpc"),
        "policy_names": ["prod-logging"], "logging_enabled": true})
    );
    let default_logging = find(&resources, "gcp.dns.network_logging", "default");
    assert_eq!(config(default_logging)["logging_enabled"], json!(false));

    let ring = find(&resources, "gcp.kms.key_ring", "posture-ring");
    assert_eq!(
        ring.id,
        format!(
            "//cloudkms.googleapis.com/projects/{P}/locations/europe-west1/keyRings/posture-ring"
        )
    );
    assert_eq!(ring.region, "europe-west1");
    let legacy_key = find(&resources, "gcp.kms.crypto_key", "legacy-key");
    assert_eq!(
        config(legacy_key),
        json!({"key_ring": "posture-ring", "purpose": "ENCRYPT_DECRYPT", "create_time": "2023-01-01T00:00:00Z",
        "rotation_period_seconds": null, "next_rotation_time": null,
        "primary": {"state": "ENABLED", "protection_level": "SOFTWARE", "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "create_time": "2023-01-01T00:00:00Z"},
        "protection_level": "SOFTWARE", "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "destroy_scheduled_duration_seconds": 86400, "import_only": false,
        "iam_bindings": [{"role": "roles/cloudkms.cryptoKeyEncrypterDecrypter", "members": ["allAuthenticatedUsers"], "inherited": false},
                         {"role": "roles/cloudkms.admin", "members": ["user:alice@example.com"], "inherited": true}]})
    );
    let storage_key = find(&resources, "gcp.kms.crypto_key", "storage-key");
    assert_eq!(
        config(storage_key)["rotation_period_seconds"],
        json!(7776000)
    );
}
