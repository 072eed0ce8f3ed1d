//! Where catalogue files come from: the copy embedded at build time, or a
//! directory on disk (custom controls, `catalog lint --dir`).

use std::fs;
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// One catalogue file: its path as shown in messages, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// `catalog/aws/s3/kinds.toml` for embedded files, the path on disk otherwise.
    pub path: String,
    /// Path relative to the catalogue root, `/`-separated.
    pub relative: String,
    pub text: String,
    /// From a user's directory rather than posture's own catalogue.
    pub custom: bool,
}

/// posture's own catalogue, as embedded in the binary.
pub fn embedded() -> Vec<SourceFile> {
    embedded::FILES
        .iter()
        .map(|(relative, text)| SourceFile {
            path: format!("catalog/{relative}"),
            relative: (*relative).to_owned(),
            text: (*text).to_owned(),
            custom: false,
        })
        .collect()
}

/// Every `.toml` file below `dir`, sorted by path.
pub fn directory(dir: &Path) -> std::io::Result<Vec<SourceFile>> {
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(files)
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<SourceFile>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, root, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            let relative = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let text = fs::read_to_string(&path)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            out.push(SourceFile {
                path: path.display().to_string(),
                relative,
                text,
                custom: true,
            });
        }
    }
    Ok(())
}
