//! Cloud DNS v1: managed zones, server policies, and per VPC network
//! (Compute Engine v1 networks.list) whether a logging policy covers it.

use super::util::{
    bool_or, encode, int, items, labels, last_segment, opt_string, string, timestamp,
};
use crate::context::{Ctx, GLOBAL};
use serde_json::{Value, json};

pub const MANAGED_ZONE: &str = "gcp.dns.managed_zone";
pub const POLICY: &str = "gcp.dns.policy";
pub const NETWORK_LOGGING: &str = "gcp.dns.network_logging";
pub const KINDS: &[&str] = &[MANAGED_ZONE, POLICY, NETWORK_LOGGING];
pub const APIS: &[&str] = &["dns.googleapis.com", "compute.googleapis.com"];
const ZONES_LIST: &str = "dns.managedZones.list";
const POLICIES_LIST: &str = "dns.policies.list";
pub const NETWORKS_LIST: &str = "compute.networks.list";
pub const PERMISSIONS: &[&str] = &[ZONES_LIST, POLICIES_LIST, NETWORKS_LIST];
const HOST: &str = "dns.googleapis.com";

/// A network URL without scheme and host, for comparing
/// `https://www.googleapis.com/compute/v1/projects/p/global/networks/n` with
/// `https://compute.googleapis.com/compute/v1/projects/p/global/networks/n`.
fn network_key(url: &str) -> &str {
    url.find("/projects/").map(|i| &url[i..]).unwrap_or(url)
}

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    if ctx.wants(MANAGED_ZONE) {
        zones(&ctx, &project).await;
    }
    if !(ctx.wants(POLICY) || ctx.wants(NETWORK_LOGGING)) {
        return;
    }
    let url = ctx.client().url(
        HOST,
        &format!("/dns/v1/projects/{}/policies", encode(&project)),
    );
    let policies = match ctx.client().list(&url, "policies", POLICIES_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail_all(&[POLICY, NETWORK_LOGGING], GLOBAL, POLICIES_LIST, &e),
    };
    let policy_networks = |p: &Value| -> Vec<String> {
        items(&p["networks"])
            .filter_map(|n| n["networkUrl"].as_str().map(str::to_owned))
            .collect()
    };
    if ctx.wants(POLICY) {
        for p in &policies {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            let servers: Vec<Value> = items(&p["alternativeNameServerConfig"]["targetNameServers"])
                .map(|s| string(&s["ipv4Address"]))
                .collect();
            let config = json!({
                "enable_logging": bool_or(&p["enableLogging"], false),
                "enable_inbound_forwarding": bool_or(&p["enableInboundForwarding"], false),
                "networks": policy_networks(p),
                "alternative_name_servers": servers,
            });
            let id = format!("//dns.googleapis.com/projects/{project}/policies/{name}");
            ctx.emit(POLICY, GLOBAL, id, name, Default::default(), config)
                .await;
        }
    }
    if !ctx.wants(NETWORK_LOGGING) {
        return;
    }
    let url = ctx.client().url(
        "compute.googleapis.com",
        &format!("/compute/v1/projects/{}/global/networks", encode(&project)),
    );
    let networks = match ctx.client().list(&url, "items", NETWORKS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(NETWORK_LOGGING, GLOBAL, NETWORKS_LIST, None, &e),
    };
    for network in networks {
        let self_link = network["selfLink"].as_str().unwrap_or_default().to_owned();
        let attached: Vec<&Value> = policies
            .iter()
            .filter(|p| {
                policy_networks(p)
                    .iter()
                    .any(|n| network_key(n) == network_key(&self_link))
            })
            .collect();
        let name = network["name"].as_str().unwrap_or_default().to_owned();
        let config = json!({
            "network_self_link": self_link,
            "policy_names": attached.iter().map(|p| string(&p["name"])).collect::<Vec<_>>(),
            "logging_enabled": attached.iter().any(|p| p["enableLogging"].as_bool().unwrap_or(false)),
        });
        let id = format!("//compute.googleapis.com/projects/{project}/global/networks/{name}");
        ctx.emit(
            NETWORK_LOGGING,
            GLOBAL,
            id,
            name,
            Default::default(),
            config,
        )
        .await;
    }
}

async fn zones(ctx: &Ctx, project: &str) {
    let url = ctx.client().url(
        HOST,
        &format!("/dns/v1/projects/{}/managedZones", encode(project)),
    );
    let zones = match ctx.client().list(&url, "managedZones", ZONES_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(MANAGED_ZONE, GLOBAL, ZONES_LIST, None, &e),
    };
    for zone in zones {
        let name = zone["name"].as_str().unwrap_or_default().to_owned();
        let dnssec = &zone["dnssecConfig"];
        let specs: Vec<Value> = items(&dnssec["defaultKeySpecs"])
            .map(|s| {
                json!({
                    "key_type": string(&s["keyType"]),
                    "algorithm": s["algorithm"].as_str().unwrap_or_default().to_ascii_lowercase(),
                    "key_length": int(&s["keyLength"]).unwrap_or(0),
                })
            })
            .collect();
        let networks: Vec<Value> = items(&zone["privateVisibilityConfig"]["networks"])
            .map(|n| string(&n["networkUrl"]))
            .collect();
        let config = json!({
            "dns_name": string(&zone["dnsName"]),
            "visibility": zone["visibility"].as_str().unwrap_or("public"),
            "creation_time": timestamp(&zone["creationTime"]),
            "dnssec_state": opt_string(&dnssec["state"]),
            "dnssec_non_existence": opt_string(&dnssec["nonExistence"]),
            "dnssec_key_specs": specs,
            "private_visibility_networks": networks,
            "cloud_logging_enabled": bool_or(&zone["cloudLoggingConfig"]["enableLogging"], false),
        });
        let id = format!("//dns.googleapis.com/projects/{project}/managedZones/{name}");
        ctx.emit(
            MANAGED_ZONE,
            GLOBAL,
            id,
            last_segment(&name).to_owned(),
            labels(&zone["labels"]),
            config,
        )
        .await;
    }
}
