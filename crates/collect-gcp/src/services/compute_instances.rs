//! Compute Engine v1 VMs and disks: instances and disks from the
//! aggregated lists (zonal and regional disks alike), placed in the region
//! of their zone.

use super::compute::{DISK, DISKS_LIST, INSTANCE, INSTANCES_LIST, aggregated, created, metadata};
use super::compute_network::id_string;
use super::util::{
    bool_or, int, items, labels, last_segment, opt_string, string, strings, zone_region,
};
use crate::context::Ctx;
use serde_json::{Value, json};

pub async fn collect(ctx: &Ctx) {
    if ctx.wants(INSTANCE) {
        instances(ctx).await;
    }
    if ctx.wants(DISK) {
        disks(ctx).await;
    }
}

/// CSEK, CMEK or GOOGLE_MANAGED, from a `diskEncryptionKey`.
fn encryption(key: &Value) -> &'static str {
    if key["sha256"].is_string() || key["rawKey"].is_string() || key["rsaEncryptedKey"].is_string()
    {
        "CSEK"
    } else if key["kmsKeyName"].is_string() {
        "CMEK"
    } else {
        "GOOGLE_MANAGED"
    }
}

async fn instances(ctx: &Ctx) {
    let project = ctx.project().to_owned();
    let list = match aggregated(ctx, "instances", INSTANCES_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(INSTANCE, "*", INSTANCES_LIST, None, &e),
    };
    for i in list {
        let name = i["name"].as_str().unwrap_or_default().to_owned();
        let zone = last_segment(i["zone"].as_str().unwrap_or_default()).to_owned();
        let region = zone_region(&zone);
        let accounts: Vec<Value> = items(&i["serviceAccounts"])
            .map(|a| json!({"email": string(&a["email"]), "scopes": strings(&a["scopes"])}))
            .collect();
        let (keys, values) = metadata(&i["metadata"]);
        let shielded = &i["shieldedInstanceConfig"];
        let shielded = if shielded.is_object() {
            json!({
                "enable_secure_boot": bool_or(&shielded["enableSecureBoot"], false),
                "enable_vtpm": bool_or(&shielded["enableVtpm"], false),
                "enable_integrity_monitoring": bool_or(&shielded["enableIntegrityMonitoring"], false),
            })
        } else {
            Value::Null
        };
        let confidential = &i["confidentialInstanceConfig"];
        let confidential = confidential["enableConfidentialCompute"]
            .as_bool()
            .unwrap_or(false)
            || matches!(
                confidential["confidentialInstanceType"].as_str(),
                Some("SEV" | "SEV_SNP" | "TDX")
            );
        let interfaces: Vec<Value> = items(&i["networkInterfaces"])
            .map(|n| {
                let mut ips: Vec<Value> = items(&n["accessConfigs"])
                    .filter_map(|a| a["natIP"].as_str().map(|s| Value::String(s.to_owned())))
                    .collect();
                ips.extend(items(&n["ipv6AccessConfigs"]).filter_map(|a| a["externalIpv6"].as_str().map(|s| Value::String(s.to_owned()))));
                json!({
                    "network": last_segment(n["network"].as_str().unwrap_or_default()),
                    "subnetwork": n["subnetwork"].as_str().map(|s| last_segment(s).to_owned()),
                    "network_ip": string(&n["networkIP"]),
                    "access_config_count": items(&n["accessConfigs"]).count() + items(&n["ipv6AccessConfigs"]).count(),
                    "external_ips": ips,
                })
            })
            .collect();
        let disks: Vec<Value> = items(&i["disks"])
            .map(|d| {
                json!({
                    "device_name": string(&d["deviceName"]),
                    "source": d["source"].as_str().map(|s| last_segment(s).to_owned()),
                    "boot": bool_or(&d["boot"], false),
                    "encryption": encryption(&d["diskEncryptionKey"]),
                })
            })
            .collect();
        let config = json!({
            "instance_id": id_string(&i["id"]),
            "zone": zone,
            "status": string(&i["status"]),
            "machine_type": last_segment(i["machineType"].as_str().unwrap_or_default()),
            "creation_timestamp": created(&i["creationTimestamp"]),
            "service_accounts": accounts,
            "metadata_keys": keys,
            "metadata": values,
            "can_ip_forward": bool_or(&i["canIpForward"], false),
            "deletion_protection": bool_or(&i["deletionProtection"], false),
            "shielded_instance_config": shielded,
            "confidential_compute_enabled": confidential,
            "network_interfaces": interfaces,
            "disks": disks,
        });
        let id =
            format!("//compute.googleapis.com/projects/{project}/zones/{zone}/instances/{name}");
        ctx.emit(INSTANCE, &region, id, name, labels(&i["labels"]), config)
            .await;
    }
}

async fn disks(ctx: &Ctx) {
    let project = ctx.project().to_owned();
    let list = match aggregated(ctx, "disks", DISKS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(DISK, "*", DISKS_LIST, None, &e),
    };
    for d in list {
        let name = d["name"].as_str().unwrap_or_default().to_owned();
        let zone = d["zone"].as_str().map(|z| last_segment(z).to_owned());
        let (region, id) = match &zone {
            Some(zone) => (
                zone_region(zone),
                format!("//compute.googleapis.com/projects/{project}/zones/{zone}/disks/{name}"),
            ),
            None => {
                let region = last_segment(d["region"].as_str().unwrap_or_default()).to_owned();
                let id = format!(
                    "//compute.googleapis.com/projects/{project}/regions/{region}/disks/{name}"
                );
                (region, id)
            }
        };
        let key = &d["diskEncryptionKey"];
        let encryption = encryption(key);
        let kms = if encryption == "CMEK" {
            key["kmsKeyName"].as_str().map(|k| {
                k.split("/cryptoKeyVersions/")
                    .next()
                    .unwrap_or(k)
                    .to_owned()
            })
        } else {
            None
        };
        let config = json!({
            "zone": zone,
            "replica_zones": items(&d["replicaZones"]).filter_map(Value::as_str).map(last_segment).collect::<Vec<_>>(),
            "status": string(&d["status"]),
            "disk_type": last_segment(d["type"].as_str().unwrap_or_default()),
            "size_gb": int(&d["sizeGb"]).unwrap_or(0),
            "source_image": opt_string(&d["sourceImage"]),
            "users": items(&d["users"]).filter_map(Value::as_str).map(last_segment).collect::<Vec<_>>(),
            "encryption": encryption,
            "kms_key_name": kms,
            "creation_timestamp": created(&d["creationTimestamp"]),
            "last_attach_timestamp": created(&d["lastAttachTimestamp"]),
        });
        ctx.emit(DISK, &region, id, name, labels(&d["labels"]), config)
            .await;
    }
}
