//! Report and listing formats, one module each.

pub mod csv;
pub mod json;
pub mod report_table;
pub mod table;
