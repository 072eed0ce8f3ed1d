//! Azure networking (Microsoft.Network): network security groups with
//! normalized rules, virtual networks, Network Watcher coverage of the
//! regions in use, flow logs, public IP addresses, application gateways
//! with their WAF policies, and Bastion presence.

use super::json::{
    self, GLOBAL, array, at, boolean_or, integer, non_empty, string, string_or, strings,
    strings_of, text,
};
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

pub const SECURITY_GROUP: &str = "azure.network.security_group";
pub const VIRTUAL_NETWORK: &str = "azure.network.virtual_network";
pub const WATCHER_COVERAGE: &str = "azure.network.watcher_coverage";
pub const FLOW_LOG: &str = "azure.network.flow_log";
pub const PUBLIC_IP: &str = "azure.network.public_ip_address";
pub const APPLICATION_GATEWAY: &str = "azure.network.application_gateway";
pub const BASTION_SUMMARY: &str = "azure.network.bastion_summary";
pub const KINDS: &[&str] = &[
    SECURITY_GROUP,
    VIRTUAL_NETWORK,
    WATCHER_COVERAGE,
    FLOW_LOG,
    PUBLIC_IP,
    APPLICATION_GATEWAY,
    BASTION_SUMMARY,
];

pub const OPERATIONS: &[&str] = &[
    "Microsoft.Network/networkSecurityGroups/read",
    "Microsoft.Network/virtualNetworks/read",
    "Microsoft.Network/networkWatchers/read",
    "Microsoft.Network/networkWatchers/flowLogs/read",
    "Microsoft.Network/publicIPAddresses/read",
    "Microsoft.Network/applicationGateways/read",
    "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/read",
    "Microsoft.Network/bastionHosts/read",
    "Microsoft.Compute/virtualMachines/read",
    "Microsoft.Resources/subscriptions/resources/read",
];

/// Every `Microsoft.Network` resource type read here.
pub const NETWORK_API: &str = "2023-11-01";
/// `Microsoft.Compute/virtualMachines` (counted for the Bastion summary).
const VIRTUAL_MACHINES_API: &str = "2024-03-01";
/// Resources - List (`/subscriptions/{id}/resources`).
const RESOURCES_API: &str = "2021-04-01";

pub async fn collect(ctx: Ctx) {
    if ctx.wants(SECURITY_GROUP) {
        security_groups(&ctx).await;
    }
    let vnets = if ctx.wants_any(&[VIRTUAL_NETWORK, WATCHER_COVERAGE]) {
        let path = ctx.subscription_path("/providers/Microsoft.Network/virtualNetworks");
        ctx.list(&[VIRTUAL_NETWORK, WATCHER_COVERAGE], &path, NETWORK_API)
            .await
    } else {
        None
    };
    if ctx.wants(VIRTUAL_NETWORK)
        && let Some(vnets) = &vnets
    {
        for vnet in vnets {
            virtual_network(&ctx, vnet).await;
        }
    }
    if ctx.wants_any(&[WATCHER_COVERAGE, FLOW_LOG]) {
        watchers(&ctx, vnets.as_deref()).await;
    }
    if ctx.wants(PUBLIC_IP) {
        public_ips(&ctx).await;
    }
    if ctx.wants(APPLICATION_GATEWAY) {
        application_gateways(&ctx).await;
    }
    if ctx.wants(BASTION_SUMMARY) {
        bastion_summary(&ctx).await;
    }
}

/// A port range as NSGs write it: `*`, `22` or `1000-2000`.
fn port_range(text: &str) -> Option<Value> {
    let text = text.trim();
    if text == "*" {
        return Some(json!({"from_port": 0, "to_port": 65535}));
    }
    let (from, to) = text.split_once('-').unwrap_or((text, text));
    let from: u16 = from.trim().parse().ok()?;
    let to: u16 = to.trim().parse().ok()?;
    Some(json!({"from_port": from, "to_port": to}))
}

/// The singular property (when non-empty) followed by the plural one.
fn merged(rule: &Value, singular: &str, plural: &str) -> Vec<String> {
    let mut values = Vec::new();
    if let Some(one) = at(rule, singular).and_then(Value::as_str)
        && !one.is_empty()
    {
        values.push(one.to_owned());
    }
    values.extend(strings(rule, plural));
    values
}

fn rule(rule: &Value, is_default: bool) -> Value {
    let ports = |singular: &str, plural: &str| -> Vec<Value> {
        merged(rule, singular, plural)
            .iter()
            .filter_map(|p| port_range(p))
            .collect()
    };
    json!({
        "name": text(rule, "name"),
        "is_default": is_default,
        "direction": text(rule, "properties.direction"),
        "access": text(rule, "properties.access"),
        "priority": integer(rule, "properties.priority"),
        "protocol": text(rule, "properties.protocol"),
        "source_address_prefixes": merged(rule, "properties.sourceAddressPrefix", "properties.sourceAddressPrefixes"),
        "source_application_security_group_ids": strings_of(rule, "properties.sourceApplicationSecurityGroups", "id"),
        "destination_address_prefixes": merged(rule, "properties.destinationAddressPrefix", "properties.destinationAddressPrefixes"),
        "destination_port_ranges": ports("properties.destinationPortRange", "properties.destinationPortRanges"),
        "source_port_ranges": ports("properties.sourcePortRange", "properties.sourcePortRanges"),
    })
}

fn resource_group(id: &str) -> Value {
    json!(json::id_segment(id, "resourceGroups").unwrap_or_default())
}

async fn security_groups(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Network/networkSecurityGroups");
    let Some(groups) = ctx.list(&[SECURITY_GROUP], &path, NETWORK_API).await else {
        return;
    };
    for group in groups {
        let (id, name) = json::id_and_name(&group);
        let rules: Vec<Value> = array(&group, "properties.securityRules")
            .iter()
            .map(|r| rule(r, false))
            .chain(
                array(&group, "properties.defaultSecurityRules")
                    .iter()
                    .map(|r| rule(r, true)),
            )
            .collect();
        let config = json!({
            "resource_group": resource_group(&id),
            "security_rules": rules,
            "subnet_ids": strings_of(&group, "properties.subnets", "id"),
            "network_interface_ids": strings_of(&group, "properties.networkInterfaces", "id"),
            "flow_log_ids": strings_of(&group, "properties.flowLogs", "id"),
        });
        ctx.emit(
            SECURITY_GROUP,
            &json::region(&group),
            &id,
            &name,
            json::tags(&group),
            config,
        )
        .await;
    }
}

async fn virtual_network(ctx: &Ctx, vnet: &Value) {
    let (id, name) = json::id_and_name(vnet);
    let subnets: Vec<Value> = array(vnet, "properties.subnets")
        .iter()
        .map(|s| {
            json!({
                "id": text(s, "id"),
                "name": text(s, "name"),
                "address_prefixes": merged(s, "properties.addressPrefix", "properties.addressPrefixes"),
                "network_security_group_id": string(s, "properties.networkSecurityGroup.id"),
                "route_table_id": string(s, "properties.routeTable.id"),
                "nat_gateway_id": string(s, "properties.natGateway.id"),
                "private_endpoint_network_policies": string(s, "properties.privateEndpointNetworkPolicies"),
                "default_outbound_access": json::boolean(s, "properties.defaultOutboundAccess"),
                "service_endpoints": strings_of(s, "properties.serviceEndpoints", "service"),
            })
        })
        .collect();
    let config = json!({
        "resource_group": resource_group(&id),
        "address_prefixes": strings(vnet, "properties.addressSpace.addressPrefixes"),
        "enable_ddos_protection": boolean_or(vnet, "properties.enableDdosProtection", false),
        "ddos_protection_plan_id": string(vnet, "properties.ddosProtectionPlan.id"),
        "enable_vm_protection": boolean_or(vnet, "properties.enableVmProtection", false),
        "peering_count": array(vnet, "properties.virtualNetworkPeerings").len(),
        "subnets": subnets,
    });
    ctx.emit(
        VIRTUAL_NETWORK,
        &json::region(vnet),
        &id,
        &name,
        json::tags(vnet),
        config,
    )
    .await;
}

fn sorted_regions<'a>(items: impl Iterator<Item = &'a Value>) -> Vec<String> {
    items
        .map(json::region)
        .filter(|r| !r.is_empty() && r != GLOBAL)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

async fn watchers(ctx: &Ctx, vnets: Option<&[Value]>) {
    let path = ctx.subscription_path("/providers/Microsoft.Network/networkWatchers");
    let Some(watchers) = ctx
        .list(&[WATCHER_COVERAGE, FLOW_LOG], &path, NETWORK_API)
        .await
    else {
        return;
    };
    if ctx.wants(FLOW_LOG) {
        for_each_bounded(watchers.iter(), ctx.fan_out(), |watcher| {
            flow_logs(ctx, watcher)
        })
        .await;
    }
    if !ctx.wants(WATCHER_COVERAGE) {
        return;
    }
    let Some(vnets) = vnets else {
        return;
    };
    let resources_path = ctx.subscription_path("/resources");
    let Some(resources) = ctx
        .list(&[WATCHER_COVERAGE], &resources_path, RESOURCES_API)
        .await
    else {
        return;
    };
    let config = json!({
        "regions_in_use": sorted_regions(resources.iter()),
        "virtual_network_regions": sorted_regions(vnets.iter()),
        "watcher_regions": sorted_regions(watchers.iter().filter(|w| text(w, "properties.provisioningState") == "Succeeded")),
        "watchers": watchers
            .iter()
            .map(|w| json!({
                "id": text(w, "id"),
                "location": json::region(w),
                "provisioning_state": text(w, "properties.provisioningState"),
            }))
            .collect::<Vec<_>>(),
    });
    ctx.emit(
        WATCHER_COVERAGE,
        GLOBAL,
        &path,
        "networkWatchers",
        BTreeMap::new(),
        config,
    )
    .await;
}

async fn flow_logs(ctx: &Ctx, watcher: &Value) {
    let watcher_id = text(watcher, "id");
    let path = format!("{watcher_id}/flowLogs");
    let logs = match ctx.list_under(&path, NETWORK_API).await {
        Ok(logs) => logs,
        Err(err) => {
            ctx.fail(FLOW_LOG, &json::region(watcher), None, &path, &err);
            return;
        }
    };
    for log in logs {
        let (id, name) = json::id_and_name(&log);
        let target = text(&log, "properties.targetResourceId");
        let analytics =
            "properties.flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration";
        let analytics_on = boolean_or(&log, &format!("{analytics}.enabled"), false);
        let config = json!({
            "network_watcher_id": watcher_id,
            "target_resource_id": target,
            "target_resource_type": target_type(target),
            "enabled": boolean_or(&log, "properties.enabled", false),
            "storage_id": text(&log, "properties.storageId"),
            "retention_policy_enabled": boolean_or(&log, "properties.retentionPolicy.enabled", false),
            "retention_days": json::integer_or(&log, "properties.retentionPolicy.days", 0),
            "format_type": string(&log, "properties.format.type"),
            "format_version": integer(&log, "properties.format.version"),
            "traffic_analytics_enabled": analytics_on,
            "traffic_analytics_interval_minutes": integer(&log, &format!("{analytics}.trafficAnalyticsInterval")),
            "traffic_analytics_workspace_resource_id": non_empty(&log, &format!("{analytics}.workspaceResourceId")),
            "provisioning_state": text(&log, "properties.provisioningState"),
        });
        ctx.emit(
            FLOW_LOG,
            &json::region(&log),
            &id,
            &name,
            json::tags(&log),
            config,
        )
        .await;
    }
}

/// `Microsoft.Network/virtualNetworks/subnets` from a resource ID.
fn target_type(id: &str) -> String {
    let Some(index) = id.rfind("/providers/") else {
        return String::new();
    };
    let mut segments = id[index + "/providers/".len()..].split('/');
    let namespace = segments.next().unwrap_or_default();
    let types: Vec<&str> = segments.step_by(2).collect();
    format!("{namespace}/{}", types.join("/"))
}

async fn public_ips(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Network/publicIPAddresses");
    let Some(addresses) = ctx.list(&[PUBLIC_IP], &path, NETWORK_API).await else {
        return;
    };
    for address in addresses {
        let (id, name) = json::id_and_name(&address);
        let config = json!({
            "ip_address": string(&address, "properties.ipAddress"),
            "ip_version": string_or(&address, "properties.publicIPAddressVersion", "IPv4"),
            "allocation_method": string_or(&address, "properties.publicIPAllocationMethod", "Dynamic"),
            "sku_name": string_or(&address, "sku.name", "Basic"),
            "sku_tier": string(&address, "sku.tier"),
            "ip_configuration_id": string(&address, "properties.ipConfiguration.id"),
            "nat_gateway_id": string(&address, "properties.natGateway.id"),
            "ddos_protection_mode": string(&address, "properties.ddosSettings.protectionMode"),
            "dns_fqdn": string(&address, "properties.dnsSettings.fqdn"),
        });
        ctx.emit(
            PUBLIC_IP,
            &json::region(&address),
            &id,
            &name,
            json::tags(&address),
            config,
        )
        .await;
    }
}

/// The minimum TLS version of the predefined application gateway policies.
fn predefined_minimum(policy: &str) -> Value {
    match policy {
        "AppGwSslPolicy20150501" => json!("TLSv1_0"),
        "AppGwSslPolicy20170401" => json!("TLSv1_1"),
        "AppGwSslPolicy20170401S" | "AppGwSslPolicy20220101" | "AppGwSslPolicy20220101S" => {
            json!("TLSv1_2")
        }
        _ => Value::Null,
    }
}

async fn application_gateways(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Network/applicationGateways");
    let Some(gateways) = ctx.list(&[APPLICATION_GATEWAY], &path, NETWORK_API).await else {
        return;
    };
    for gateway in gateways {
        let (id, name) = json::id_and_name(&gateway);
        let region = json::region(&gateway);
        let waf = at(&gateway, "properties.webApplicationFirewallConfiguration").map_or(
            Value::Null,
            |w| {
                json!({
                    "enabled": boolean_or(w, "enabled", false),
                    "firewall_mode": text(w, "firewallMode"),
                    "rule_set_type": text(w, "ruleSetType"),
                    "rule_set_version": text(w, "ruleSetVersion"),
                })
            },
        );
        let ssl_policy = at(&gateway, "properties.sslPolicy").map_or(Value::Null, |p| {
            let minimum = match string(p, "minProtocolVersion") {
                Value::Null => predefined_minimum(text(p, "policyName")),
                version => version,
            };
            json!({
                "policy_type": string(p, "policyType"),
                "policy_name": string(p, "policyName"),
                "min_protocol_version": minimum,
            })
        });
        let listeners: Vec<Value> = array(&gateway, "properties.httpListeners")
            .iter()
            .map(|l| {
                json!({
                    "name": text(l, "name"),
                    "protocol": text(l, "properties.protocol"),
                    "firewall_policy_id": string(l, "properties.firewallPolicy.id"),
                })
            })
            .collect();
        let policy_id = string(&gateway, "properties.firewallPolicy.id");
        let mut config = json!({
            "sku_name": text(&gateway, "properties.sku.name"),
            "sku_tier": text(&gateway, "properties.sku.tier"),
            "operational_state": string(&gateway, "properties.operationalState"),
            "enable_http2": boolean_or(&gateway, "properties.enableHttp2", false),
            "waf_configuration": waf,
            "firewall_policy_id": policy_id,
            "ssl_policy": ssl_policy,
            "http_listeners": listeners,
        });
        match policy_id.as_str() {
            None => config["firewall_policy"] = Value::Null,
            Some(policy_path) => match ctx.get(policy_path, NETWORK_API).await {
                Ok(policy) => {
                    config["firewall_policy"] = json!({
                        "state": string_or(&policy, "properties.policySettings.state", "Disabled"),
                        "mode": string_or(&policy, "properties.policySettings.mode", "Detection"),
                        "request_body_check": boolean_or(&policy, "properties.policySettings.requestBodyCheck", false),
                        "managed_rule_sets": array(&policy, "properties.managedRules.managedRuleSets")
                            .iter()
                            .map(|s| format!("{}_{}", text(s, "ruleSetType"), text(s, "ruleSetVersion")))
                            .collect::<Vec<_>>(),
                    });
                }
                Err(err) => ctx.fail(APPLICATION_GATEWAY, &region, Some(&id), policy_path, &err),
            },
        }
        ctx.emit(
            APPLICATION_GATEWAY,
            &region,
            &id,
            &name,
            json::tags(&gateway),
            config,
        )
        .await;
    }
}

async fn bastion_summary(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Network/bastionHosts");
    let Some(hosts) = ctx.list(&[BASTION_SUMMARY], &path, NETWORK_API).await else {
        return;
    };
    let vms_path = ctx.subscription_path("/providers/Microsoft.Compute/virtualMachines");
    let Some(vms) = ctx
        .list(&[BASTION_SUMMARY], &vms_path, VIRTUAL_MACHINES_API)
        .await
    else {
        return;
    };
    let config = json!({
        "bastion_hosts": hosts
            .iter()
            .map(|h| json!({
                "id": text(h, "id"),
                "location": json::region(h),
                "sku_name": string_or(h, "sku.name", "Basic"),
                "provisioning_state": text(h, "properties.provisioningState"),
            }))
            .collect::<Vec<_>>(),
        "virtual_machine_count": vms.len(),
    });
    ctx.emit(
        BASTION_SUMMARY,
        GLOBAL,
        &path,
        "bastionHosts",
        BTreeMap::new(),
        config,
    )
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_parse() {
        assert_eq!(
            port_range("*"),
            Some(json!({"from_port": 0, "to_port": 65535}))
        );
        assert_eq!(
            port_range("22"),
            Some(json!({"from_port": 22, "to_port": 22}))
        );
        assert_eq!(
            port_range("1000-2000"),
            Some(json!({"from_port": 1000, "to_port": 2000}))
        );
        assert_eq!(port_range("x"), None);
        assert_eq!(
            target_type(
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a"
            ),
            "Microsoft.Network/virtualNetworks/subnets"
        );
    }
}
