//! Store errors: what callers branch on (not found, conflict, too soon)
//! apart from backend failures, which carry their cause as text.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// No such row for this tenant (another tenant's row included).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule refused the write; says which.
    #[error("{0}")]
    Conflict(String),
    /// A report run was requested within the minimum interval.
    #[error("the report ran less than an hour ago; retry in {} seconds", retry_after.num_seconds())]
    TooSoon { retry_after: chrono::Duration },
    /// The database failed (I/O, corruption, a bug); details for the log.
    #[error("store: {0}")]
    Backend(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}
