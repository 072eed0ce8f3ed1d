//! The TOML shapes of catalogue files, exactly as written on disk. Loading
//! turns them into the checked types of [`crate::Catalog`].

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindsFile {
    #[serde(default)]
    pub kind: Vec<KindEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindEntry {
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub id_format: String,
    pub scope: String,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldEntry {
    #[serde(rename = "type")]
    pub field_type: String,
    pub doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlFile {
    pub cid: u32,
    pub id: String,
    pub title: String,
    pub provider: String,
    pub service: String,
    pub kind: String,
    pub severity: String,
    #[serde(default)]
    pub applies: String,
    pub check: String,
    pub rationale: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub remediation: RemediationEntry,
    #[serde(default)]
    pub fixture: Vec<FixtureEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemediationEntry {
    pub console: String,
    #[serde(default)]
    pub cli: String,
    #[serde(default)]
    pub iac: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureEntry {
    pub name: String,
    pub expect: String,
    pub resource: toml::Table,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub resource_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoliciesFile {
    #[serde(default)]
    pub policy: Vec<PolicyEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntry {
    pub id: u32,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub provider: String,
    pub services: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MandateFile {
    pub id: String,
    pub mid: u32,
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub description: String,
    pub providers: Vec<String>,
    #[serde(default)]
    pub requirement: Vec<RequirementEntry>,
}

/// `mandates/<mandate id>/<provider>.toml`: one provider's controls mapped
/// onto a mandate's requirements, kept apart from the requirement tree so
/// that each cloud's mapping is its own file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    pub mandate: String,
    pub provider: String,
    #[serde(default)]
    pub map: Vec<MappingEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingEntry {
    pub requirement: String,
    pub controls: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementEntry {
    pub id: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub manual: bool,
    #[serde(default)]
    pub controls: Vec<String>,
}
