//! Compute Engine v1 networking: VPC networks, firewall rules (allowed and
//! denied entries flattened per protocol and port range), subnetworks.

use super::compute::{
    FIREWALL, FIREWALLS_LIST, HOST, NETWORK, NETWORKS_LIST, SUBNETWORK, SUBNETWORKS_LIST,
    aggregated, base, created,
};
use super::util::{bool_or, int, items, last_segment, opt_string, string, strings};
use crate::context::{Ctx, GLOBAL};
use serde_json::{Value, json};

pub async fn collect(ctx: &Ctx) {
    if ctx.wants(NETWORK) {
        networks(ctx).await;
    }
    if ctx.wants(FIREWALL) {
        firewalls(ctx).await;
    }
    if ctx.wants(SUBNETWORK) {
        subnetworks(ctx).await;
    }
}

async fn networks(ctx: &Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx
        .client()
        .url(HOST, &format!("{}/global/networks", base(&project)));
    let list = match ctx.client().list(&url, "items", NETWORKS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(NETWORK, GLOBAL, NETWORKS_LIST, None, &e),
    };
    for n in list {
        let name = n["name"].as_str().unwrap_or_default().to_owned();
        let legacy = n["IPv4Range"].is_string();
        let auto = n["autoCreateSubnetworks"].as_bool();
        let mode = match (legacy, auto) {
            (true, _) => "LEGACY",
            (false, Some(true)) => "AUTO",
            _ => "CUSTOM",
        };
        let config = json!({
            "network_id": id_string(&n["id"]),
            "mode": mode,
            "is_default": name == "default",
            "ipv4_range": opt_string(&n["IPv4Range"]),
            "auto_create_subnetworks": if legacy { Value::Null } else { Value::Bool(auto.unwrap_or(false)) },
            "routing_mode": opt_string(&n["routingConfig"]["routingMode"]),
            "subnetwork_count": items(&n["subnetworks"]).count(),
            "mtu": super::util::opt_int(&n["mtu"]),
            "creation_timestamp": created(&n["creationTimestamp"]),
        });
        let id = format!("//compute.googleapis.com/projects/{project}/global/networks/{name}");
        ctx.emit(NETWORK, GLOBAL, id, name, Default::default(), config)
            .await;
    }
}

/// Compute ids are uint64, sent as decimal strings.
pub fn id_string(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(s.clone()),
        Value::Number(n) => Value::String(n.to_string()),
        _ => Value::String(String::new()),
    }
}

fn protocol(raw: &str) -> String {
    match raw.to_ascii_lowercase().as_str() {
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "50" => "esp".into(),
        "51" => "ah".into(),
        "132" => "sctp".into(),
        other => other.to_owned(),
    }
}

/// `allowed`/`denied` entries, one per (protocol, port range).
pub fn flatten_rules(rules: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for rule in items(rules) {
        let proto = protocol(rule["IPProtocol"].as_str().unwrap_or("all"));
        let ports: Vec<&str> = items(&rule["ports"]).filter_map(Value::as_str).collect();
        if ports.is_empty() {
            out.push(json!({"ip_protocol": proto, "from_port": 0, "to_port": 65535}));
        }
        for port in ports {
            let (from, to) = match port.split_once('-') {
                Some((a, b)) => (
                    a.trim().parse().unwrap_or(0),
                    b.trim().parse().unwrap_or(65535),
                ),
                None => {
                    let p: i64 = port.trim().parse().unwrap_or(0);
                    (p, p)
                }
            };
            out.push(json!({"ip_protocol": proto, "from_port": from, "to_port": to}));
        }
    }
    out
}

async fn firewalls(ctx: &Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx
        .client()
        .url(HOST, &format!("{}/global/firewalls", base(&project)));
    let list = match ctx.client().list(&url, "items", FIREWALLS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(FIREWALL, GLOBAL, FIREWALLS_LIST, None, &e),
    };
    for f in list {
        let name = f["name"].as_str().unwrap_or_default().to_owned();
        let logging = f["logConfig"]["enable"].as_bool().unwrap_or(false);
        let config = json!({
            "network": last_segment(f["network"].as_str().unwrap_or_default()),
            "direction": f["direction"].as_str().unwrap_or("INGRESS"),
            "priority": int(&f["priority"]).unwrap_or(1000),
            "disabled": bool_or(&f["disabled"], false),
            "source_ranges": strings(&f["sourceRanges"]),
            "destination_ranges": strings(&f["destinationRanges"]),
            "source_tags": strings(&f["sourceTags"]),
            "source_service_accounts": strings(&f["sourceServiceAccounts"]),
            "target_tags": strings(&f["targetTags"]),
            "target_service_accounts": strings(&f["targetServiceAccounts"]),
            "allowed": flatten_rules(&f["allowed"]),
            "denied": flatten_rules(&f["denied"]),
            "logging_enabled": logging,
            "logging_metadata": if logging { opt_string(&f["logConfig"]["metadata"]) } else { Value::Null },
        });
        let id = format!("//compute.googleapis.com/projects/{project}/global/firewalls/{name}");
        ctx.emit(FIREWALL, GLOBAL, id, name, Default::default(), config)
            .await;
    }
}

async fn subnetworks(ctx: &Ctx) {
    let project = ctx.project().to_owned();
    let list = match aggregated(ctx, "subnetworks", SUBNETWORKS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(SUBNETWORK, "*", SUBNETWORKS_LIST, None, &e),
    };
    for s in list {
        let name = s["name"].as_str().unwrap_or_default().to_owned();
        let region = last_segment(s["region"].as_str().unwrap_or_default()).to_owned();
        let log = &s["logConfig"];
        let enabled = log["enable"]
            .as_bool()
            .or_else(|| s["enableFlowLogs"].as_bool())
            .unwrap_or(false);
        let when_on = |v: Value| if enabled { v } else { Value::Null };
        let filter = log["filterExpr"]
            .as_str()
            .filter(|f| !f.is_empty())
            .map(str::to_owned);
        let config = json!({
            "network": last_segment(s["network"].as_str().unwrap_or_default()),
            "ip_cidr_range": string(&s["ipCidrRange"]),
            "purpose": s["purpose"].as_str().unwrap_or("PRIVATE"),
            "stack_type": s["stackType"].as_str().unwrap_or("IPV4_ONLY"),
            "private_ip_google_access": bool_or(&s["privateIpGoogleAccess"], false),
            "flow_logs": {
                "enabled": enabled,
                "aggregation_interval": when_on(opt_string(&log["aggregationInterval"])),
                "flow_sampling": when_on(log["flowSampling"].as_f64().map(Value::from).unwrap_or(Value::Null)),
                "metadata": when_on(opt_string(&log["metadata"])),
                "filter_expr": when_on(filter.map(Value::String).unwrap_or(Value::Null)),
            },
            "creation_timestamp": created(&s["creationTimestamp"]),
        });
        let id = format!(
            "//compute.googleapis.com/projects/{project}/regions/{region}/subnetworks/{name}"
        );
        ctx.emit(SUBNETWORK, &region, id, name, Default::default(), config)
            .await;
    }
}
