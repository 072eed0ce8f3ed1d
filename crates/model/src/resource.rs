//! The normalized resource record: one cloud object, whatever the cloud.

use crate::{Provider, ResourceKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One cloud object as collectors produce it and controls check it.
///
/// `config` holds the kind-specific configuration; its fields are exactly the
/// kind's schema (see [`crate::schema`]). A field missing from `config` was
/// not collected; `null` means the setting is known to be absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub provider: Provider,
    /// AWS account id, Azure subscription id or GCP project id.
    pub account_id: String,
    /// The region, or `global` for account-level and global resources.
    pub region: String,
    pub kind: ResourceKind,
    /// The ARN (AWS), resource ID (Azure) or full resource name (GCP).
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub config: serde_json::Map<String, serde_json::Value>,
    pub collected_at: DateTime<Utc>,
}

/// The region value of global and account-level resources.
pub const GLOBAL_REGION: &str = "global";

impl Resource {
    pub fn is_global(&self) -> bool {
        self.region == GLOBAL_REGION
    }
}
