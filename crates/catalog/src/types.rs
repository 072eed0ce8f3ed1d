//! The checked catalogue types other crates use: controls, fixtures,
//! policies, mandates and their requirements.

use crate::expr::Expr;
use posture_model::{Cid, Provider, ResourceKind, Severity, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// How to fix a failing control.
#[derive(Debug, Clone, Serialize)]
pub struct Remediation {
    pub console: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cli: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub iac: String,
}

/// A labelled example resource a control must judge as labelled.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub name: String,
    pub expect: Status,
    pub config: serde_json::Map<String, serde_json::Value>,
    pub tags: BTreeMap<String, String>,
    pub region: String,
    pub resource_name: String,
}

/// One configuration check on one resource kind.
#[derive(Debug, Clone)]
pub struct Control {
    pub cid: Cid,
    pub id: String,
    pub title: String,
    pub provider: Provider,
    pub service: String,
    pub kind: ResourceKind,
    pub severity: Severity,
    /// Resources for which this is false are NOT_APPLICABLE.
    pub applies: Option<Expr>,
    /// True means PASS.
    pub check: Expr,
    pub rationale: String,
    pub remediation: Remediation,
    pub references: Vec<String>,
    pub fixtures: Vec<Fixture>,
    /// The file it was loaded from.
    pub source: String,
    /// Loaded from a user's `--controls-dir`.
    pub custom: bool,
}

/// A named, read-only set of controls of one provider.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub id: u32,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub provider: Provider,
    pub services: Vec<String>,
    /// The controls it holds, by position in [`crate::Catalog::controls`].
    #[serde(skip)]
    pub controls: Vec<usize>,
}

/// A compliance framework at an exact version.
#[derive(Debug, Clone, Serialize)]
pub struct Mandate {
    pub id: String,
    pub mid: u32,
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub description: String,
    pub providers: Vec<Provider>,
    /// In file order: parents before their children.
    pub requirements: Vec<Requirement>,
    #[serde(skip)]
    pub source: String,
}

impl Mandate {
    /// Every control id mapped anywhere in the mandate, deduplicated, in order.
    pub fn control_ids(&self) -> Vec<&str> {
        let mut seen = std::collections::BTreeSet::new();
        self.requirements
            .iter()
            .flat_map(|r| r.controls.iter())
            .filter(|id| seen.insert(id.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// `PCI DSS v4.0.1`; other versions follow a comma.
    pub fn label(&self) -> String {
        if self.version.chars().all(|c| c.is_ascii_digit() || c == '.') {
            format!("{} v{}", self.name, self.version)
        } else {
            format!("{}, {}", self.name, self.version)
        }
    }
}

/// One requirement of a mandate.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: String,
    pub parent: Option<String>,
    pub title: String,
    pub description: String,
    /// Cannot be checked automatically.
    pub manual: bool,
    /// Control ids (slugs) mapped to this requirement.
    pub controls: Vec<String>,
}
