//! The portal's files, embedded at compile time from `crates/server/portal/`,
//! each with its content type and an ETag (a hash of its bytes).

use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The path under `/portal/`, e.g. `js/api.js`.
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
    /// A strong ETag, quotes included.
    pub etag: String,
}

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$((
            $path,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/portal/", $path)) as &[u8],
        )),*]
    };
}

/// Every file of the portal. A test checks this list against the folder.
const FILES: &[(&str, &[u8])] = embed![
    "index.html",
    "portal.css",
    "favicon.svg",
    "js/main.js",
    "js/api.js",
    "js/router.js",
    "js/dom.js",
    "js/format.js",
    "js/icons.js",
    "js/components/table.js",
    "js/components/menu.js",
    "js/components/modal.js",
    "js/components/passbar.js",
    "js/components/trend-chart.js",
    "js/pages/login.js",
    "js/pages/overview.js",
    "js/pages/new-report.js",
    "js/pages/report.js",
    "js/pages/resources.js",
    "js/pages/resource-modal.js",
    "js/pages/connectors.js",
    "js/pages/new-connector.js",
    "js/pages/policies.js",
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(path, bytes)| Asset {
            path,
            content_type: content_type(path),
            bytes,
            etag: format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..20]),
        })
        .collect()
});

/// Every embedded file.
pub fn assets() -> &'static [Asset] {
    &ASSETS
}

/// The file at `path` (under `/portal/`), if embedded.
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn files_under(root: &Path, dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("the portal folder reads") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                files_under(root, &path, found);
            } else {
                let relative = path.strip_prefix(root).expect("under the root");
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn every_portal_file_is_embedded_with_a_known_type() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("portal");
        let mut on_disk = Vec::new();
        files_under(&root, &root, &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = assets().iter().map(|a| a.path.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded, "FILES must list the portal folder");
        for a in assets() {
            assert_ne!(a.content_type, "application/octet-stream", "{}", a.path);
        }
    }

    #[test]
    fn etags_follow_the_bytes() {
        let index = asset("index.html").expect("the page is embedded");
        let css = asset("portal.css").expect("the styles are embedded");
        assert_ne!(index.etag, css.etag);
        assert!(index.etag.starts_with('"') && index.etag.ends_with('"'));
        assert!(asset("../Cargo.toml").is_none());
    }
}
