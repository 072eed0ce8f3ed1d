//! posture's domain types: providers, resource kinds, the normalized resource
//! record, kind schemas, severities and statuses. No I/O, no cloud SDK types.

mod inventory;
mod kind;
mod provider;
mod resource;
pub mod schema;
mod status;

pub use inventory::{CollectionError, INVENTORY_FORMAT, INVENTORY_VERSION, InventoryHeader};
pub use kind::{KindError, ResourceKind};
pub use provider::{Provider, ProviderError};
pub use resource::Resource;
pub use status::{Cid, ParseError, Severity, Status};
