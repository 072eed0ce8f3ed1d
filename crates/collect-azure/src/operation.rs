//! What a request needs: the Azure RBAC operation a Resource Manager GET
//! requires is derived from its path (`Microsoft.Storage/storageAccounts/read`),
//! and the calls made are counted per operation, so that a run can say
//! what it called and a test can check every call is declared.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// The RBAC operation a GET of `path` needs. The resource type is read
/// after the last `/providers/` (so extension resources such as a vault's
/// `Microsoft.Insights/diagnosticSettings` are named after themselves):
/// the namespace, then every other segment (type, name, type, name ...).
/// Paths with no provider are the subscription's own.
pub fn arm_operation(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let Some(index) = path.rfind("/providers/") else {
        // /subscriptions/{id}, /subscriptions/{id}/locations ...
        let types: Vec<&str> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .step_by(2)
            .collect();
        return format!("Microsoft.Resources/{}/read", types.join("/"));
    };
    let rest = &path[index + "/providers/".len()..];
    let mut segments = rest.split('/').filter(|s| !s.is_empty());
    let namespace = segments.next().unwrap_or_default();
    let types: Vec<&str> = segments.step_by(2).collect();
    format!("{namespace}/{}/read", types.join("/"))
}

/// The `action` of a collection error for an operation: the HTTP verb and
/// the resource type (`GET Microsoft.Storage/storageAccounts`).
pub fn action_of(operation: &str) -> String {
    format!(
        "GET {}",
        operation.strip_suffix("/read").unwrap_or(operation)
    )
}

/// Calls made, counted per operation (an ARM RBAC operation, or
/// `graph:GET /v1.0/...` for Microsoft Graph); retries and further pages
/// count as one call each.
#[derive(Debug, Default)]
pub struct ApiCalls {
    counts: Mutex<BTreeMap<String, u64>>,
}

impl ApiCalls {
    pub fn record(&self, operation: &str) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(operation.to_owned()).or_default() += 1;
        }
    }

    /// The counts so far, by operation.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// How many calls so far.
    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, expected: &str) {
        assert_eq!(arm_operation(path), expected, "{path}");
    }

    #[test]
    fn operations_follow_the_resource_type() {
        check("/subscriptions/s", "Microsoft.Resources/subscriptions/read");
        check(
            "/subscriptions/s/providers/Microsoft.Storage/storageAccounts?api-version=1",
            "Microsoft.Storage/storageAccounts/read",
        );
        check(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a/databases/b/transparentDataEncryption/current",
            "Microsoft.Sql/servers/databases/transparentDataEncryption/read",
        );
        check(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Insights/diagnosticSettings",
            "Microsoft.Insights/diagnosticSettings/read",
        );
        check(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default",
            "Microsoft.Storage/storageAccounts/blobServices/read",
        );
        assert_eq!(
            action_of("Microsoft.Storage/storageAccounts/read"),
            "GET Microsoft.Storage/storageAccounts"
        );
    }
}
