//! Why a scan could not complete: always bad input, never a partial failure
//! of the cloud (those are collection errors and evaluate to ERROR).

use posture_inventory::InventoryError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    #[error("line {line}: unknown resource kind {kind} (see `posture catalog kinds`)")]
    UnknownKind { line: usize, kind: String },
    #[error("line {line}: resource {id}: {violation}")]
    Schema {
        line: usize,
        id: String,
        violation: posture_model::schema::SchemaViolation,
    },
    #[error("the inventory is for {found}, but the selected controls are for {expected}")]
    ProviderMismatch { found: String, expected: String },
}
