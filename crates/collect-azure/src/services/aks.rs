//! Azure Kubernetes Service (Microsoft.ContainerService): managed clusters
//! with their RBAC and Entra integration, network policy, API server
//! exposure, security profile, upgrade channels, add-ons and agent pools,
//! and the Kubernetes versions AKS supports in each cluster's region.

use super::compute::identity_type;
use super::json::{self, array, at, boolean_or, string, string_or, strings, text};
use crate::context::Ctx;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const MANAGED_CLUSTER: &str = "azure.aks.managed_cluster";
pub const KINDS: &[&str] = &[MANAGED_CLUSTER];

pub const OPERATIONS: &[&str] = &[
    "Microsoft.ContainerService/managedClusters/read",
    "Microsoft.ContainerService/locations/kubernetesVersions/read",
];

/// `Microsoft.ContainerService/managedClusters` and `locations/kubernetesVersions`.
const AKS_API: &str = "2024-05-01";

pub async fn collect(ctx: Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.ContainerService/managedClusters");
    let Some(clusters) = ctx.list(KINDS, &path, AKS_API).await else {
        return;
    };
    // One version list per region, shared by the region's clusters.
    let mut versions: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    for cluster in clusters {
        let region = json::region(&cluster);
        if !versions.contains_key(&region) {
            let versions_path = ctx.subscription_path(&format!(
                "/providers/Microsoft.ContainerService/locations/{region}/kubernetesVersions"
            ));
            let listed = match ctx.get(&versions_path, AKS_API).await {
                Ok(list) => Some(
                    array(&list, "values")
                        .iter()
                        .filter(|v| at(v, "isPreview") != Some(&json!(true)))
                        .map(|v| text(v, "version").to_owned())
                        .collect(),
                ),
                Err(err) => {
                    ctx.fail(MANAGED_CLUSTER, &region, None, &versions_path, &err);
                    None
                }
            };
            versions.insert(region.clone(), listed);
        }
        let supported = versions.get(&region).cloned().flatten();
        managed_cluster(&ctx, &cluster, &region, supported).await;
    }
}

async fn managed_cluster(ctx: &Ctx, cluster: &Value, region: &str, supported: Option<Vec<String>>) {
    let (id, name) = json::id_and_name(cluster);
    let current = text(cluster, "properties.currentKubernetesVersion");
    let minor: Vec<&str> = current.split('.').take(2).collect();
    let aad = at(cluster, "properties.aadProfile").map_or(Value::Null, |p| {
        json!({
            "managed": boolean_or(p, "managed", false),
            "enable_azure_rbac": boolean_or(p, "enableAzureRBAC", false),
            "admin_group_object_ids": strings(p, "adminGroupObjectIDs"),
        })
    });
    let addon = |name: &str| {
        at(cluster, "properties.addonProfiles")
            .and_then(Value::as_object)
            .and_then(|addons| addons.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .is_some_and(|(_, a)| at(a, "enabled") == Some(&json!(true)))
    };
    let none_is_null = |path: &str| match text(cluster, path) {
        "" | "none" | "None" => Value::Null,
        value => json!(value),
    };
    let pools: Vec<Value> = array(cluster, "properties.agentPoolProfiles")
        .iter()
        .map(|p| {
            let version = match string(p, "currentOrchestratorVersion") {
                Value::Null => string(p, "orchestratorVersion"),
                v => v,
            };
            json!({
                "name": text(p, "name"),
                "mode": text(p, "mode"),
                "os_type": string_or(p, "osType", "Linux"),
                "vm_size": text(p, "vmSize"),
                "orchestrator_version": version,
                "enable_node_public_ip": boolean_or(p, "enableNodePublicIP", false),
                "enable_encryption_at_host": boolean_or(p, "enableEncryptionAtHost", false),
            })
        })
        .collect();
    let mut config = json!({
        "resource_group": json::id_segment(&id, "resourceGroups").unwrap_or_default(),
        "kubernetes_version": text(cluster, "properties.kubernetesVersion"),
        "current_kubernetes_version": current,
        "kubernetes_minor_version": minor.join("."),
        "provisioning_state": text(cluster, "properties.provisioningState"),
        "power_state": string_or(cluster, "properties.powerState.code", "Running"),
        "sku_tier": string_or(cluster, "sku.tier", "Free"),
        "enable_rbac": boolean_or(cluster, "properties.enableRBAC", false),
        "aad_profile": aad,
        "disable_local_accounts": boolean_or(cluster, "properties.disableLocalAccounts", false),
        "network_plugin": string(cluster, "properties.networkProfile.networkPlugin"),
        "network_plugin_mode": string(cluster, "properties.networkProfile.networkPluginMode"),
        "network_policy": none_is_null("properties.networkProfile.networkPolicy"),
        "network_dataplane": string(cluster, "properties.networkProfile.networkDataplane"),
        "outbound_type": string(cluster, "properties.networkProfile.outboundType"),
        "private_cluster_enabled": boolean_or(cluster, "properties.apiServerAccessProfile.enablePrivateCluster", false),
        "authorized_ip_ranges": strings(cluster, "properties.apiServerAccessProfile.authorizedIPRanges"),
        "public_network_access": string(cluster, "properties.publicNetworkAccess"),
        "defender_enabled": boolean_or(cluster, "properties.securityProfile.defender.securityMonitoring.enabled", false),
        "workload_identity_enabled": boolean_or(cluster, "properties.securityProfile.workloadIdentity.enabled", false),
        "image_cleaner_enabled": boolean_or(cluster, "properties.securityProfile.imageCleaner.enabled", false),
        "key_vault_kms_enabled": boolean_or(cluster, "properties.securityProfile.azureKeyVaultKms.enabled", false),
        "oidc_issuer_enabled": boolean_or(cluster, "properties.oidcIssuerProfile.enabled", false),
        "auto_upgrade_channel": none_is_null("properties.autoUpgradeProfile.upgradeChannel"),
        "node_os_upgrade_channel": string(cluster, "properties.autoUpgradeProfile.nodeOSUpgradeChannel"),
        "azure_policy_enabled": addon("azurepolicy"),
        "monitoring_enabled": addon("omsagent")
            || at(cluster, "properties.azureMonitorProfile.metrics.enabled") == Some(&json!(true)),
        "disk_encryption_set_id": string(cluster, "properties.diskEncryptionSetID"),
        "identity_type": identity_type(cluster),
        "agent_pools": pools,
    });
    if let Some(supported) = supported {
        config["supported_minor_versions"] = json!(supported);
    }
    ctx.emit(
        MANAGED_CLUSTER,
        region,
        &id,
        &name,
        json::tags(cluster),
        config,
    )
    .await;
}
