//! Report and listing formats, one module each.

pub mod table;
