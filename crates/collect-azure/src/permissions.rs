//! Least privilege, generated from what each service module declares: the
//! Azure role (Reader on the subscription grants every ARM read operation
//! the collectors need) and the Microsoft Graph application permissions the
//! Entra ID checks need (granted with admin consent).

use crate::services::SERVICES;
use crate::session::SUBSCRIPTION_READ;
use std::collections::BTreeSet;

/// The built-in role to assign on the subscription.
pub const ROLE: &str = "Reader";

/// Every ARM RBAC operation any collector needs, sorted.
pub fn operations() -> Vec<&'static str> {
    let set: BTreeSet<&str> = SERVICES
        .iter()
        .flat_map(|s| s.operations.iter().copied())
        .chain([SUBSCRIPTION_READ])
        .collect();
    set.into_iter().collect()
}

/// Every data action any collector needs (Key Vault certificates), sorted:
/// Reader does not grant them; the Key Vault Reader role does.
pub fn data_actions() -> Vec<&'static str> {
    let set: BTreeSet<&str> = SERVICES
        .iter()
        .flat_map(|s| s.data_actions.iter().copied())
        .collect();
    set.into_iter().collect()
}

/// Every Microsoft Graph application permission any collector needs, sorted.
pub fn graph_permissions() -> Vec<&'static str> {
    let set: BTreeSet<&str> = SERVICES
        .iter()
        .flat_map(|s| s.graph.iter().map(|g| g.permission))
        .collect();
    set.into_iter().collect()
}

/// Every Microsoft Graph path any collector reads, sorted.
pub fn graph_paths() -> Vec<&'static str> {
    let set: BTreeSet<&str> = SERVICES
        .iter()
        .flat_map(|s| s.graph.iter().map(|g| g.path))
        .collect();
    set.into_iter().collect()
}

/// Whether a call the session counted (see `Session::calls`) is covered by
/// a declared operation or Graph path.
pub fn covers(call: &str) -> bool {
    // RBAC operation names are case-insensitive, and resource IDs returned
    // by ARM do not always keep the documented casing.
    let listed = |list: Vec<&str>| list.iter().any(|o| o.eq_ignore_ascii_case(call));
    match call.strip_prefix("graph:GET ") {
        Some(path) => graph_paths().contains(&path),
        None => listed(operations()) || listed(data_actions()),
    }
}

/// A custom role definition (JSON for `az role definition create`) that
/// grants exactly the read operations posture uses, for teams that prefer
/// it to the built-in Reader role.
pub fn custom_role(subscription_id: &str) -> serde_json::Value {
    serde_json::json!({
        "Name": "posture reader",
        "IsCustom": true,
        "Description": "Read-only access posture needs to check this subscription's configuration.",
        "Actions": operations(),
        "NotActions": [],
        "DataActions": data_actions(),
        "NotDataActions": [],
        "AssignableScopes": [format!("/subscriptions/{subscription_id}")],
    })
}

/// The text `posture azure permissions` prints.
pub fn describe() -> String {
    let mut text = format!(
        "Azure role on the subscription: {ROLE} (built-in), or a custom role with these operations:\n"
    );
    for operation in operations() {
        text.push_str(&format!("  {operation}\n"));
    }
    text.push_str(
        "Key Vault data plane (certificate expiry): the Key Vault Reader role on the subscription, or these data actions:\n",
    );
    for action in data_actions() {
        text.push_str(&format!("  {action}\n"));
    }
    text.push_str("Microsoft Graph application permissions (admin consent required):\n");
    for permission in graph_permissions() {
        text.push_str(&format!("  {permission}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_reads_and_graph_paths_are_versioned() {
        for operation in operations() {
            assert!(operation.ends_with("/read"), "{operation} is not a read");
            assert!(operation.starts_with("Microsoft."), "{operation}");
        }
        for path in graph_paths() {
            assert!(
                path.starts_with("/v1.0/") || path.starts_with("/beta/"),
                "{path}"
            );
            assert!(!path.contains('?'), "{path}");
        }
        assert!(covers(SUBSCRIPTION_READ));
        assert!(!covers("Microsoft.Compute/virtualMachines/write"));
        let role = custom_role("sub");
        assert_eq!(role["AssignableScopes"][0], "/subscriptions/sub");
    }
}
