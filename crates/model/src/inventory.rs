//! The inventory header: what a collection run was and what it could not read.

use crate::{Provider, ResourceKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The `format` value of every inventory header line.
pub const INVENTORY_FORMAT: &str = "posture-inventory";
/// The inventory format version this build reads and writes.
pub const INVENTORY_VERSION: u32 = 1;

/// The first line of an inventory file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryHeader {
    /// Always [`INVENTORY_FORMAT`].
    pub format: String,
    /// Format version; see [`INVENTORY_VERSION`].
    pub version: u32,
    pub provider: Provider,
    pub account_id: String,
    pub collected_at: DateTime<Utc>,
    /// What produced the file, e.g. `posture 0.1.0`.
    #[serde(default)]
    pub collector: String,
    /// The kinds the collector tried to read. `None` means "every kind": a
    /// control whose kind is listed nowhere here evaluates to ERROR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<ResourceKind>>,
    /// What could not be read.
    #[serde(default)]
    pub errors: Vec<CollectionError>,
}

impl InventoryHeader {
    pub fn new(
        provider: Provider,
        account_id: impl Into<String>,
        collected_at: DateTime<Utc>,
    ) -> Self {
        InventoryHeader {
            format: INVENTORY_FORMAT.to_owned(),
            version: INVENTORY_VERSION,
            provider,
            account_id: account_id.into(),
            collected_at,
            collector: format!("posture {}", env!("CARGO_PKG_VERSION")),
            kinds: None,
            errors: Vec::new(),
        }
    }

    /// Whether the collector attempted `kind` at all.
    pub fn attempted(&self, kind: &ResourceKind) -> bool {
        self.kinds.as_ref().is_none_or(|kinds| kinds.contains(kind))
    }
}

/// A part of the estate that could not be read: soft errors are data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionError {
    pub kind: ResourceKind,
    /// The region, `global`, or `*` for every region.
    pub region: String,
    /// Set when only one resource is affected; `None` when the whole kind
    /// in `region` could not be listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// The API call that failed, e.g. `s3:GetBucketPolicy`.
    pub action: String,
    /// The IAM permission (or role) that was missing, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    pub message: String,
}

impl CollectionError {
    /// Whether this error covers resources of `kind` in `region`.
    pub fn covers(&self, kind: &ResourceKind, region: &str) -> bool {
        &self.kind == kind && (self.region == "*" || self.region == region)
    }
}
