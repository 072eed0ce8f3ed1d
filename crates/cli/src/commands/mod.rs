//! One module per subcommand.

pub mod admin;
pub mod aws;
pub mod azure;
pub mod catalog;
pub mod collect;
mod collect_azure;
mod collect_gcp;
mod console;
pub mod gcp;
pub mod scan;
pub mod serve;

use anyhow::Context as _;
use posture_catalog::{Catalog, Level, source};
use std::path::Path;

/// The built-in catalogue plus the user's custom controls, or every finding.
pub fn load_catalog(controls_dir: Option<&Path>) -> anyhow::Result<Catalog> {
    let custom = match controls_dir {
        Some(dir) => source::directory(dir)
            .with_context(|| format!("reading controls from {}", dir.display()))?,
        None => Vec::new(),
    };
    Catalog::load_with_custom(custom).map_err(|findings| {
        let listed: Vec<String> = findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| format!("  {f}"))
            .collect();
        anyhow::anyhow!(
            "the catalogue has errors (see `posture catalog lint`):\n{}",
            listed.join("\n")
        )
    })
}
