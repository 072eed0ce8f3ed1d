//! One module per subcommand.

pub mod catalog;
pub mod scan;

use anyhow::Context as _;
use posture_catalog::{Catalog, source};
use std::path::Path;

/// The built-in catalogue plus the user's custom controls, or every finding.
pub fn load_catalog(controls_dir: Option<&Path>) -> anyhow::Result<Catalog> {
    let custom = match controls_dir {
        Some(dir) => source::directory(dir).with_context(|| format!("reading controls from {}", dir.display()))?,
        None => Vec::new(),
    };
    Catalog::load_with_custom(custom).map_err(|findings| {
        let listed: Vec<String> = findings.iter().map(|f| format!("  {f}")).collect();
        anyhow::anyhow!("the catalogue has errors:\n{}", listed.join("\n"))
    })
}
