//! Azure Virtual Machines and managed disks (Microsoft.Compute): VMs with
//! their disks' encryption, security profile, extensions, power state and
//! the public IP addresses of their network interfaces; managed disks.

use super::json::{
    self, array, at, boolean, boolean_or, integer, string, string_or, strings_of, text,
};
use super::network::NETWORK_API;
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Map, Value, json};

pub const VIRTUAL_MACHINE: &str = "azure.compute.virtual_machine";
pub const DISK: &str = "azure.compute.disk";
pub const KINDS: &[&str] = &[VIRTUAL_MACHINE, DISK];

pub const OPERATIONS: &[&str] = &[
    "Microsoft.Compute/virtualMachines/read",
    "Microsoft.Compute/virtualMachines/extensions/read",
    "Microsoft.Compute/virtualMachines/instanceView/read",
    "Microsoft.Network/networkInterfaces/read",
    "Microsoft.Compute/disks/read",
];

/// `Microsoft.Compute/virtualMachines`, its extensions and instance view.
const VIRTUAL_MACHINES_API: &str = "2024-03-01";
/// `Microsoft.Compute/disks`.
const DISKS_API: &str = "2023-10-02";

pub async fn collect(ctx: Ctx) {
    if ctx.wants(VIRTUAL_MACHINE) {
        let path = ctx.subscription_path("/providers/Microsoft.Compute/virtualMachines");
        if let Some(vms) = ctx
            .list(&[VIRTUAL_MACHINE], &path, VIRTUAL_MACHINES_API)
            .await
        {
            for_each_bounded(vms, ctx.fan_out(), |vm| {
                let ctx = &ctx;
                async move { virtual_machine(ctx, vm).await }
            })
            .await;
        }
    }
    if ctx.wants(DISK) {
        disks(&ctx).await;
    }
}

fn resource_group(id: &str) -> Value {
    json!(json::id_segment(id, "resourceGroups").unwrap_or_default())
}

/// The managed identity type, null for none.
pub fn identity_type(resource: &Value) -> Value {
    match text(resource, "identity.type") {
        "" | "None" => Value::Null,
        kind => json!(kind),
    }
}

fn disk_reference(disk: &Value) -> Map<String, Value> {
    let managed = at(disk, "managedDisk").is_some();
    let mut map = Map::new();
    map.insert("name".into(), json!(text(disk, "name")));
    map.insert("managed".into(), json!(managed));
    map.insert("managed_disk_id".into(), string(disk, "managedDisk.id"));
    map.insert("vhd_uri".into(), string(disk, "vhd.uri"));
    map.insert(
        "disk_encryption_set_id".into(),
        string(disk, "managedDisk.diskEncryptionSet.id"),
    );
    map
}

async fn virtual_machine(ctx: &Ctx, vm: Value) {
    let (id, name) = json::id_and_name(&vm);
    let region = json::region(&vm);
    let mut os_disk =
        disk_reference(at(&vm, "properties.storageProfile.osDisk").unwrap_or(&Value::Null));
    os_disk.insert(
        "security_encryption_type".into(),
        string(
            &vm,
            "properties.storageProfile.osDisk.managedDisk.securityProfile.securityEncryptionType",
        ),
    );
    os_disk.insert(
        "ade_enabled".into(),
        boolean_or(
            &vm,
            "properties.storageProfile.osDisk.encryptionSettings.enabled",
            false,
        ),
    );
    let data_disks: Vec<Value> = array(&vm, "properties.storageProfile.dataDisks")
        .iter()
        .map(|d| {
            let mut map = disk_reference(d);
            map.insert("lun".into(), integer(d, "lun"));
            Value::Object(map)
        })
        .collect();
    let image = at(&vm, "properties.storageProfile.imageReference").map_or(Value::Null, |i| {
        json!({
            "publisher": string(i, "publisher"),
            "offer": string(i, "offer"),
            "sku": string(i, "sku"),
            "id": string(i, "id"),
        })
    });
    let linux = at(&vm, "properties.osProfile.linuxConfiguration");
    let password_auth = match linux {
        Some(l) => boolean_or(l, "disablePasswordAuthentication", false),
        None => Value::Null,
    };
    let patch_mode = match string(
        &vm,
        "properties.osProfile.windowsConfiguration.patchSettings.patchMode",
    ) {
        Value::Null => string(
            &vm,
            "properties.osProfile.linuxConfiguration.patchSettings.patchMode",
        ),
        mode => mode,
    };
    let nics = strings_of(&vm, "properties.networkProfile.networkInterfaces", "id");
    let mut config = json!({
        "resource_group": resource_group(&id),
        "vm_id": text(&vm, "properties.vmId"),
        "vm_size": text(&vm, "properties.hardwareProfile.vmSize"),
        "os_type": text(&vm, "properties.storageProfile.osDisk.osType"),
        "image_reference": image,
        "os_disk": os_disk,
        "data_disks": data_disks,
        "encryption_at_host": boolean_or(&vm, "properties.securityProfile.encryptionAtHost", false),
        "security_type": string(&vm, "properties.securityProfile.securityType"),
        "secure_boot_enabled": boolean_or(&vm, "properties.securityProfile.uefiSettings.secureBootEnabled", false),
        "vtpm_enabled": boolean_or(&vm, "properties.securityProfile.uefiSettings.vTpmEnabled", false),
        "network_interface_ids": nics,
        "boot_diagnostics_enabled": boolean_or(&vm, "properties.diagnosticsProfile.bootDiagnostics.enabled", false),
        "boot_diagnostics_storage_uri": json::non_empty(&vm, "properties.diagnosticsProfile.bootDiagnostics.storageUri"),
        "identity_type": identity_type(&vm),
        "disable_password_authentication": password_auth,
        "patch_mode": patch_mode,
    });
    let extensions_path = format!("{id}/extensions");
    match ctx.list_under(&extensions_path, VIRTUAL_MACHINES_API).await {
        Ok(extensions) => {
            config["extensions"] = json!(extensions
                .iter()
                .map(|e| json!({
                    "name": text(e, "name"),
                    "publisher": text(e, "properties.publisher"),
                    "type": text(e, "properties.type"),
                    "type_handler_version": string(e, "properties.typeHandlerVersion"),
                    "provisioning_state": text(e, "properties.provisioningState"),
                    "auto_upgrade_minor_version": boolean_or(e, "properties.autoUpgradeMinorVersion", false),
                    "enable_automatic_upgrade": boolean_or(e, "properties.enableAutomaticUpgrade", false),
                }))
                .collect::<Vec<_>>());
        }
        Err(err) => ctx.fail(VIRTUAL_MACHINE, &region, Some(&id), &extensions_path, &err),
    }
    let view_path = format!("{id}/instanceView");
    match ctx.get(&view_path, VIRTUAL_MACHINES_API).await {
        Ok(view) => {
            let state = array(&view, "statuses")
                .iter()
                .find_map(|s| text(s, "code").strip_prefix("PowerState/"))
                .map_or(Value::Null, |s| json!(s));
            config["power_state"] = state;
        }
        Err(err) => ctx.fail(VIRTUAL_MACHINE, &region, Some(&id), &view_path, &err),
    }
    let mut public_ips = Vec::new();
    let mut complete = true;
    for nic in nics_of(&config) {
        match ctx.get(&nic, NETWORK_API).await {
            Ok(interface) => public_ips.extend(strings_of(
                &interface,
                "properties.ipConfigurations",
                "properties.publicIPAddress.id",
            )),
            Err(err) => {
                complete = false;
                ctx.fail(VIRTUAL_MACHINE, &region, Some(&id), &nic, &err);
            }
        }
    }
    if complete {
        config["public_ip_address_ids"] = json!(public_ips);
    }
    ctx.emit(
        VIRTUAL_MACHINE,
        &region,
        &id,
        &name,
        json::tags(&vm),
        config,
    )
    .await;
}

fn nics_of(config: &Value) -> Vec<String> {
    config["network_interface_ids"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

async fn disks(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Compute/disks");
    let Some(disks) = ctx.list(&[DISK], &path, DISKS_API).await else {
        return;
    };
    for disk in disks {
        let (id, name) = json::id_and_name(&disk);
        let config = json!({
            "resource_group": resource_group(&id),
            "disk_state": text(&disk, "properties.diskState"),
            "managed_by": json::non_empty(&disk, "managedBy"),
            "os_type": string(&disk, "properties.osType"),
            "disk_size_gb": integer(&disk, "properties.diskSizeGB"),
            "sku_name": text(&disk, "sku.name"),
            "time_created": string(&disk, "properties.timeCreated"),
            "encryption_type": string_or(&disk, "properties.encryption.type", "EncryptionAtRestWithPlatformKey"),
            "disk_encryption_set_id": string(&disk, "properties.encryption.diskEncryptionSetId"),
            "ade_enabled": boolean(&disk, "properties.encryptionSettingsCollection.enabled") == json!(true),
            "network_access_policy": string_or(&disk, "properties.networkAccessPolicy", "AllowAll"),
            "public_network_access": string(&disk, "properties.publicNetworkAccess"),
            "disk_access_id": string(&disk, "properties.diskAccessId"),
            "data_access_auth_mode": string(&disk, "properties.dataAccessAuthMode"),
        });
        ctx.emit(
            DISK,
            &json::region(&disk),
            &id,
            &name,
            json::tags(&disk),
            config,
        )
        .await;
    }
}
