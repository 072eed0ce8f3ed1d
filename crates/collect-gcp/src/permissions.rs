//! Least privilege, generated: the IAM permissions of every call the
//! collector makes, the predefined roles that hold them, and the APIs to
//! enable, from what each service module declares.

use crate::services::SERVICES;
use std::collections::BTreeSet;

/// Calls the session itself makes, whatever the services.
const SESSION_PERMISSIONS: &[&str] = &[crate::session::PROJECT_GET];
const SESSION_APIS: &[&str] = &[crate::session::CRM_HOST];

/// The predefined roles to grant the service account on the project.
/// Viewer reads configuration; Security Reviewer adds every
/// `getIamPolicy`; Essential Contacts Viewer and Access Approval Viewer
/// read the two project settings Viewer may not include.
pub const ROLES: &[&str] = &[
    "roles/viewer",
    "roles/iam.securityReviewer",
    "roles/essentialcontacts.viewer",
    "roles/accessapproval.viewer",
];

/// Every IAM permission any call needs, sorted.
pub fn permissions() -> Vec<&'static str> {
    let set: BTreeSet<&str> = SERVICES
        .iter()
        .flat_map(|s| s.permissions.iter().copied())
        .chain(SESSION_PERMISSIONS.iter().copied())
        .collect();
    set.into_iter().collect()
}

/// Every API (service name) that must be enabled in the project, sorted.
pub fn apis() -> Vec<&'static str> {
    let set: BTreeSet<&str> = SERVICES
        .iter()
        .flat_map(|s| s.apis.iter().copied())
        .chain(SESSION_APIS.iter().copied())
        .collect();
    set.into_iter().collect()
}

/// The predefined roles to grant.
pub fn roles() -> Vec<&'static str> {
    ROLES.to_vec()
}

/// The permissions a set of kinds needs (a mandate's scan), sorted.
pub fn permissions_for(kinds: &[&str]) -> Vec<&'static str> {
    let set: BTreeSet<&str> = SERVICES
        .iter()
        .filter(|s| s.kinds.iter().any(|k| kinds.contains(k)))
        .flat_map(|s| s.permissions.iter().copied())
        .chain(SESSION_PERMISSIONS.iter().copied())
        .collect();
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_are_read_only_and_apis_are_google_services() {
        for permission in permissions() {
            let verb = permission.rsplit('.').next().unwrap_or_default();
            assert!(
                ["list", "get", "getIamPolicy"].contains(&verb),
                "{permission} is not a read-only permission"
            );
            assert_eq!(permission.split('.').count(), 3, "{permission}");
        }
        for api in apis() {
            assert!(api.ends_with(".googleapis.com"), "{api}");
        }
        assert!(apis().contains(&"cloudresourcemanager.googleapis.com"));
        assert!(permissions_for(&["gcp.sql.instance"]).contains(&"cloudsql.instances.list"));
        assert!(!permissions_for(&["gcp.sql.instance"]).contains(&"storage.buckets.list"));
    }
}
