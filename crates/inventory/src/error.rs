//! Errors reading or writing an inventory, naming the line at fault.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("reading inventory: {0}")]
    Io(#[from] io::Error),
    #[error("inventory is empty: expected a header line")]
    Empty,
    #[error("line {line}: not an inventory header: {message}")]
    BadHeader { line: usize, message: String },
    #[error(
        "line {line}: unsupported inventory version {found} (this build reads version {supported})"
    )]
    UnsupportedVersion {
        line: usize,
        found: u32,
        supported: u32,
    },
    #[error("line {line}: malformed resource: {message}")]
    BadResource { line: usize, message: String },
    #[error("line {line}: the file ends in the middle of a record (truncated?): {message}")]
    Truncated { line: usize, message: String },
    #[error(
        "line {line}: resource provider {found} does not match the header's provider {expected}"
    )]
    ProviderMismatch {
        line: usize,
        found: String,
        expected: String,
    },
    #[error("writing inventory: {0}")]
    Write(String),
}
