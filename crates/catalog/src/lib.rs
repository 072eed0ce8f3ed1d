//! posture's catalogue: resource kind schemas, controls, policies and mandates
//! loaded from TOML (embedded or from a directory), with CEL checks compiled
//! once and validated by the linter. No I/O beyond reading catalogue files,
//! no clock: evaluation time is passed in.

pub mod expr;
mod files;
pub mod source;
mod types;

pub use expr::Expr;
pub use types::{Control, Fixture, Mandate, Policy, Remediation, Requirement};
mod cel_value;
pub mod eval;
mod functions;
mod policy_doc;

pub use eval::{Bound, Evaluator, Outcome, Subject};
pub use functions::HELPERS;
mod lint;
mod load;

pub use load::{Catalog, FIXTURE_CLOCK, Finding, Fixtures, Level};
pub mod reference;
