//! posture's storage: the [`Store`] trait the service speaks, the SQLite
//! backend (embedded, WAL, migrations applied at open), the pure usage
//! computation over connector state history, and the conformance suite
//! every backend must pass.

mod error;
mod store;
mod types;

pub mod conformance;
pub mod sqlite;
pub mod usage;

pub use error::StoreError;
pub use store::{Result, Store};
pub use types::*;
