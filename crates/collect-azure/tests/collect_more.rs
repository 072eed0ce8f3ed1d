//! Collection of the networking, compute, App Service, AKS, RBAC and Entra
//! ID families against the fake Azure: exact normalized fields, schemas,
//! Graph paging and Graph permission errors.

mod support;

use serde_json::json;
use support::fake::{Fake, SUBSCRIPTION, TENANT};
use support::{find, run};

const MORE_KINDS: &[&str] = &[
    "azure.network.security_group",
    "azure.network.virtual_network",
    "azure.network.watcher_coverage",
    "azure.network.flow_log",
    "azure.network.public_ip_address",
    "azure.network.application_gateway",
    "azure.network.bastion_summary",
    "azure.compute.virtual_machine",
    "azure.compute.disk",
    "azure.appservice.web_app",
    "azure.aks.managed_cluster",
    "azure.authorization.custom_role",
    "azure.entra.tenant",
    "azure.entra.user",
];

fn sub(rest: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}{rest}")
}

#[tokio::test]
async fn every_kind_is_collected_with_its_schema_and_exact_fields() {
    let fake = Fake::start().await;
    let run = run(support::connect(&fake).await, MORE_KINDS).await;
    assert!(run.errors.is_empty(), "{:#?}", run.errors);
    support::assert_schemas(&run.resources);
    let r = &run.resources;

    let nsg = find(r, "azure.network.security_group", "nsg-bad");
    assert_eq!(
        nsg.config["security_rules"].as_array().map(Vec::len),
        Some(10),
        "4 rules and 6 default rules"
    );
    assert_eq!(
        nsg.config["security_rules"][1],
        json!({
            "name": "rdp-range", "is_default": false, "direction": "Inbound", "access": "Allow", "priority": 110, "protocol": "*",
            "source_address_prefixes": ["*"], "source_application_security_group_ids": [], "destination_address_prefixes": ["*"],
            "destination_port_ranges": [{"from_port": 3389, "to_port": 3389}, {"from_port": 8000, "to_port": 8080}],
            "source_port_ranges": [{"from_port": 0, "to_port": 65535}],
        })
    );
    assert_eq!(
        nsg.config["security_rules"][2]["source_address_prefixes"],
        json!(["0.0.0.0/0", "10.0.0.0/8"]),
        "an empty singular prefix is dropped"
    );
    assert_eq!(nsg.config["security_rules"][9]["is_default"], json!(true));
    let vnet = find(r, "azure.network.virtual_network", "vnet-good");
    assert_eq!(
        vnet.config["subnets"][0]["service_endpoints"],
        json!(["Microsoft.Storage"])
    );
    assert_eq!(
        vnet.config["subnets"][0]["default_outbound_access"],
        json!(false)
    );
    let coverage = &find(r, "azure.network.watcher_coverage", "networkWatchers").config;
    assert_eq!(
        coverage["regions_in_use"],
        json!(["eastus", "westeurope"]),
        "global resources are not a region"
    );
    assert_eq!(coverage["watcher_regions"], json!(["eastus"]));
    let flow = find(r, "azure.network.flow_log", "fl-bad");
    assert_eq!(
        flow.config["target_resource_type"],
        json!("Microsoft.Network/virtualNetworks/subnets")
    );
    assert_eq!(
        (&flow.config["retention_days"], &flow.config["enabled"]),
        (&json!(0), &json!(false))
    );
    assert_eq!(
        find(r, "azure.network.flow_log", "fl-good").config["traffic_analytics_interval_minutes"],
        json!(10)
    );
    let gateway = find(r, "azure.network.application_gateway", "agw-good");
    assert_eq!(
        gateway.config["ssl_policy"]["min_protocol_version"],
        json!("TLSv1_2"),
        "from the predefined policy"
    );
    assert_eq!(
        gateway.config["firewall_policy"],
        json!({
            "state": "Enabled", "mode": "Prevention", "request_body_check": true,
            "managed_rule_sets": ["Microsoft_DefaultRuleSet_2.1", "Microsoft_BotManagerRuleSet_1.0"],
        })
    );
    assert_eq!(
        find(r, "azure.network.application_gateway", "agw-bad").config["firewall_policy"],
        json!(null)
    );
    assert_eq!(
        find(r, "azure.network.public_ip_address", "agw-ip").config["ip_configuration_id"],
        json!(null)
    );
    assert_eq!(
        find(r, "azure.network.bastion_summary", "bastionHosts").config["virtual_machine_count"],
        json!(2)
    );

    let vm = find(r, "azure.compute.virtual_machine", "vm-bad");
    for (field, value) in [
        ("power_state", json!("deallocated")),
        ("disable_password_authentication", json!(null)),
        ("patch_mode", json!("Manual")),
        ("security_type", json!(null)),
        ("extensions", json!([])),
        (
            "public_ip_address_ids",
            json!([sub(
                "/resourceGroups/rg-bad/providers/Microsoft.Network/publicIPAddresses/vm-bad-ip"
            )]),
        ),
        (
            "os_disk",
            json!({
                "name": "vm-bad-os", "managed": false, "managed_disk_id": null,
                "vhd_uri": "https://stbad.blob.core.windows.net/vhds/vm-bad-os.vhd", "disk_encryption_set_id": null,
                "security_encryption_type": null, "ade_enabled": false,
            }),
        ),
    ] {
        assert_eq!(vm.config[field], value, "vm-bad {field}");
    }
    let good_vm = find(r, "azure.compute.virtual_machine", "vm-good");
    assert_eq!(good_vm.config["public_ip_address_ids"], json!([]));
    assert_eq!(
        good_vm.config["extensions"][0]["type"],
        json!("AzureMonitorLinuxAgent")
    );
    assert_eq!(
        (
            &good_vm.config["security_type"],
            &good_vm.config["identity_type"]
        ),
        (&json!("TrustedLaunch"), &json!("SystemAssigned"))
    );
    assert_eq!(
        find(r, "azure.compute.disk", "orphan").config["network_access_policy"],
        json!("AllowAll")
    );

    let app = find(r, "azure.appservice.web_app", "app-good");
    assert_eq!(app.region, "eastus");
    assert_eq!(
        app.config["auth_identity_providers"],
        json!(["azureActiveDirectory"]),
        "disabled and unregistered providers are left out"
    );
    let bad_app = find(r, "azure.appservice.web_app", "app-bad");
    for (field, value) in [
        ("php_version", json!("7.4")),
        ("public_network_access", json!(null)),
        ("ftps_state", json!("AllAllowed")),
        ("basic_auth_scm_allowed", json!(true)),
        ("linux_fx_version", json!(null)),
    ] {
        assert_eq!(bad_app.config[field], value, "app-bad {field}");
    }

    let aks = find(r, "azure.aks.managed_cluster", "aks-bad");
    for (field, value) in [
        ("network_policy", json!(null)),
        ("auto_upgrade_channel", json!(null)),
        ("kubernetes_minor_version", json!("1.26")),
        ("supported_minor_versions", json!(["1.28", "1.29", "1.30"])),
        ("aad_profile", json!(null)),
        ("identity_type", json!(null)),
    ] {
        assert_eq!(aks.config[field], value, "aks-bad {field}");
    }
    let aks_good = find(r, "azure.aks.managed_cluster", "aks-good");
    assert_eq!(
        aks_good.config["supported_minor_versions"],
        json!(["1.28", "1.29", "1.30"]),
        "previews are left out"
    );
    assert_eq!(
        aks_good.config["azure_policy_enabled"],
        json!(true),
        "add-on keys match without case"
    );

    let role = find(
        r,
        "azure.authorization.custom_role",
        "Subscription Owner Lite",
    );
    assert_eq!(role.region, "global");
    assert_eq!(role.config["permissions"][0]["actions"], json!(["*"]));
    assert_eq!(role.config["description"], json!(null));
    let filter = fake
        .hits()
        .into_iter()
        .find(|h| h.path.ends_with("/roleDefinitions"))
        .map(|h| h.query)
        .unwrap_or_default();
    assert!(
        filter.contains("$filter=type%20eq%20%27CustomRole%27")
            && filter.contains("api-version=2022-04-01"),
        "{filter}"
    );

    let tenant = find(r, "azure.entra.tenant", "Contoso");
    assert_eq!(tenant.id, format!("/tenants/{TENANT}"));
    assert_eq!(tenant.region, "global");
    for (field, value) in [
        ("security_defaults_enabled", json!(false)),
        ("unified_group_creation_allowed", json!(false)),
        (
            "global_administrator_ids",
            json!([
                "55555555-0000-4000-8000-000000000001",
                "55555555-0000-4000-8000-000000000002"
            ]),
        ),
    ] {
        assert_eq!(tenant.config[field], value, "tenant {field}");
    }
    assert_eq!(
        tenant.config["authorization_policy"]["allow_user_consent_for_risky_apps"],
        json!(false),
        "null is false"
    );
    assert_eq!(
        tenant.config["conditional_access_policies"][1]["authentication_flows"],
        json!(["deviceCodeFlow", "authenticationTransfer"])
    );
    assert_eq!(
        tenant.config["named_locations"],
        json!([
            {"id": "n1", "display_name": "Office", "location_type": "ip", "is_trusted": true},
            {"id": "n2", "display_name": "Blocked countries", "location_type": "country", "is_trusted": false},
        ])
    );
    assert_eq!(
        tenant.config["access_review_definitions"][0]["reviews_guests"],
        json!(true)
    );
    let guest = find(
        r,
        "azure.entra.user",
        "vendor_example.com#EXT#@contoso.onmicrosoft.com",
    );
    assert_eq!(
        guest.id,
        format!("/tenants/{TENANT}/users/55555555-0000-4000-8000-000000000003")
    );
    assert_eq!(
        serde_json::Value::Object(guest.config.clone()),
        json!({
            "user_principal_name": "vendor_example.com#EXT#@contoso.onmicrosoft.com", "user_type": "Guest", "account_enabled": true,
            "created_date_time": "2024-05-01T00:00:00Z", "external_user_state": "PendingAcceptance", "last_sign_in_date_time": null,
            "is_admin": false, "is_mfa_registered": false, "is_mfa_capable": false, "methods_registered": [],
        })
    );
    // The users came in two Graph pages.
    let pages = fake
        .hits()
        .into_iter()
        .filter(|h| h.path == "/graph/v1.0/users")
        .count();
    assert_eq!(pages, 2);
    assert_eq!(
        fake.tokens_issued()
            .get("https://graph.microsoft.com/.default"),
        Some(&1)
    );
}

#[tokio::test]
async fn refused_graph_calls_name_the_application_permission() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    fake.script(|s| s.graph_denied = true);
    let run = run(
        session,
        &[
            "azure.entra.tenant",
            "azure.entra.user",
            "azure.compute.disk",
        ],
    )
    .await;
    let permissions: Vec<(&str, &str, Option<&str>)> = run
        .errors
        .iter()
        .map(|e| (e.kind.as_str(), e.action.as_str(), e.permission.as_deref()))
        .collect();
    let tenant_kind = "azure.entra.tenant";
    assert_eq!(
        permissions,
        [
            (
                tenant_kind,
                "GET graph /v1.0/groupSettings",
                Some("Directory.Read.All")
            ),
            (
                tenant_kind,
                "GET graph /v1.0/identity/conditionalAccess/namedLocations",
                Some("Policy.Read.All")
            ),
            (
                tenant_kind,
                "GET graph /v1.0/identity/conditionalAccess/policies",
                Some("Policy.Read.All")
            ),
            (
                tenant_kind,
                "GET graph /v1.0/identityGovernance/accessReviews/definitions",
                Some("AccessReview.Read.All")
            ),
            (
                tenant_kind,
                "GET graph /v1.0/organization",
                Some("Organization.Read.All")
            ),
            (
                tenant_kind,
                "GET graph /v1.0/policies/authorizationPolicy",
                Some("Policy.Read.All")
            ),
            (
                tenant_kind,
                "GET graph /v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
                Some("Policy.Read.All")
            ),
            (
                tenant_kind,
                "GET graph /v1.0/roleManagement/directory/roleAssignments",
                Some("RoleManagement.Read.Directory")
            ),
            (
                "azure.entra.user",
                "GET graph /v1.0/users",
                Some("AuditLog.Read.All")
            ),
            (
                "azure.entra.user",
                "GET graph /v1.0/users",
                Some("User.Read.All")
            ),
        ],
        "{:#?}",
        run.errors
    );
    assert!(
        run.errors
            .iter()
            .all(|e| e.region == "global" && e.message.contains("admin consent"))
    );
    // The tenant record stays, with only what could be read.
    let tenant = find(&run.resources, "azure.entra.tenant", TENANT);
    assert_eq!(tenant.config.keys().collect::<Vec<_>>(), ["tenant_id"]);
    assert!(
        run.resources
            .iter()
            .all(|r| r.kind.as_str() != "azure.entra.user")
    );
    assert_eq!(
        run.resources
            .iter()
            .filter(|r| r.kind.as_str() == "azure.compute.disk")
            .count(),
        2
    );
}

#[tokio::test]
async fn every_graph_and_arm_call_is_declared() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let _ = run(session.clone(), MORE_KINDS).await;
    let calls = session.calls().snapshot();
    let undeclared: Vec<&String> = calls
        .keys()
        .filter(|c| !posture_collect_azure::permissions::covers(c))
        .collect();
    assert!(
        undeclared.is_empty(),
        "calls no service declares: {undeclared:?}"
    );
    assert!(
        calls.keys().any(|c| c.starts_with("graph:GET /v1.0/")),
        "{calls:#?}"
    );
    let graph = posture_collect_azure::permissions::graph_permissions();
    for permission in [
        "Policy.Read.All",
        "User.Read.All",
        "AuditLog.Read.All",
        "Directory.Read.All",
    ] {
        assert!(graph.contains(&permission), "{graph:?}");
    }
}
