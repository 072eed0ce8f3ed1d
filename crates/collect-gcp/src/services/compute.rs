//! Compute Engine v1: the service's list of kinds and calls, the project
//! settings (projects.get), and the aggregated-list reader the zonal and
//! regional kinds share. Networks and instances live in their own files.

use super::util::{encode, items, opt_string, string};
use crate::api_error::ApiError;
use crate::context::{Ctx, GLOBAL};
use serde_json::{Map, Value, json};

pub const NETWORK: &str = "gcp.compute.network";
pub const FIREWALL: &str = "gcp.compute.firewall";
pub const SUBNETWORK: &str = "gcp.compute.subnetwork";
pub const INSTANCE: &str = "gcp.compute.instance";
pub const DISK: &str = "gcp.compute.disk";
pub const PROJECT_METADATA: &str = "gcp.compute.project_metadata";
pub const KINDS: &[&str] = &[
    NETWORK,
    FIREWALL,
    SUBNETWORK,
    INSTANCE,
    DISK,
    PROJECT_METADATA,
];
pub const APIS: &[&str] = &["compute.googleapis.com"];
pub const NETWORKS_LIST: &str = "compute.networks.list";
pub const FIREWALLS_LIST: &str = "compute.firewalls.list";
pub const SUBNETWORKS_LIST: &str = "compute.subnetworks.list";
pub const INSTANCES_LIST: &str = "compute.instances.list";
pub const DISKS_LIST: &str = "compute.disks.list";
pub const PROJECT_GET: &str = "compute.projects.get";
pub const PERMISSIONS: &[&str] = &[
    NETWORKS_LIST,
    FIREWALLS_LIST,
    SUBNETWORKS_LIST,
    INSTANCES_LIST,
    DISKS_LIST,
    PROJECT_GET,
];
pub const HOST: &str = "compute.googleapis.com";

/// The metadata keys whose values are collected; every other value (ssh
/// keys, startup scripts) is never read into a record.
const SECURITY_KEYS: &[&str] = &[
    "block-project-ssh-keys",
    "enable-oslogin",
    "enable-oslogin-2fa",
    "serial-port-enable",
    "serial-port-logging-enable",
    "enable-guest-attributes",
    "enable-windows-ssh",
    "google-logging-enabled",
    "google-monitoring-enabled",
];

/// Metadata keys, and the values of the security switches.
pub fn metadata(m: &Value) -> (Value, Value) {
    let keys: Vec<Value> = items(&m["items"]).map(|i| string(&i["key"])).collect();
    let mut values = Map::new();
    for item in items(&m["items"]) {
        if let Some(key) = item["key"].as_str().filter(|k| SECURITY_KEYS.contains(k)) {
            values.insert(key.to_owned(), string(&item["value"]));
        }
    }
    (Value::Array(keys), Value::Object(values))
}

/// Compute's RFC 3339 timestamps (`2024-01-01T00:00:00.000-08:00`) in UTC.
pub fn created(v: &Value) -> Value {
    super::util::opt_timestamp(v)
}

/// The project URL prefix of Compute's paths.
pub fn base(project: &str) -> String {
    format!("/compute/v1/projects/{}", encode(project))
}

/// Every item of an aggregated list (`items` maps a scope such as
/// `zones/us-central1-a` to `{<field>: [...]}` or a warning).
pub async fn aggregated(
    ctx: &Ctx,
    resource: &str,
    permission: &str,
) -> Result<Vec<Value>, ApiError> {
    let url = ctx.client().url(
        HOST,
        &format!(
            "{}/aggregated/{resource}?returnPartialSuccess=true",
            base(ctx.project())
        ),
    );
    let mut all = Vec::new();
    ctx.client()
        .pages(&url, permission, |mut page| {
            if let Value::Object(scopes) = page["items"].take() {
                for (_, mut scope) in scopes {
                    if let Value::Array(list) = scope[resource].take() {
                        all.extend(list);
                    }
                }
            }
        })
        .await?;
    Ok(all)
}

pub async fn collect(ctx: Ctx) {
    if ctx.wants(PROJECT_METADATA) {
        project_metadata(&ctx).await;
    }
    super::compute_network::collect(&ctx).await;
    super::compute_instances::collect(&ctx).await;
}

async fn project_metadata(ctx: &Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(HOST, &base(&project));
    let p = match ctx.client().get(&url, PROJECT_GET).await {
        Ok(p) => p,
        Err(e) => return ctx.fail(PROJECT_METADATA, GLOBAL, PROJECT_GET, None, &e),
    };
    let (keys, values) = metadata(&p["commonInstanceMetadata"]);
    let config = json!({
        "project_number": string(&p["id"]),
        "default_service_account": opt_string(&p["defaultServiceAccount"]),
        "metadata_keys": keys,
        "metadata": values,
        "xpn_project_status": opt_string(&p["xpnProjectStatus"]),
    });
    let id = format!("//compute.googleapis.com/projects/{project}");
    ctx.emit(
        PROJECT_METADATA,
        GLOBAL,
        id,
        project.clone(),
        Default::default(),
        config,
    )
    .await;
}
