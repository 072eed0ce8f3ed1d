//! Inventory files: JSON Lines, a header line then one resource per line,
//! read and written as streams. See `docs/inventory.md` for the format.

mod error;
mod reader;
mod writer;

pub use error::InventoryError;
pub use reader::{InventoryReader, RawLine, parse_resource};
pub use writer::{InventoryFileWriter, InventoryWriter};
