//! posture's AWS collector, on the official AWS SDK for Rust: a session
//! (credentials, assumed role, partition, endpoint override), one module per
//! service turning API responses into normalized records, bounded
//! concurrency over regions × services, and failed calls as collection
//! errors. SDK types never leave this crate.

mod calls;
mod collect;
mod context;
mod endpoint;
mod errors;
mod options;
pub mod permissions;
mod regions;
mod services;
mod session;

pub use calls::ApiCalls;
pub use collect::{collect, collect_each, supported_kinds};
pub use options::{AccessKeys, AssumeRole, AwsOptions, Partition, validate_role_arn};
pub use posture_collect::Attempt;
pub use session::{ConnectError, Session};
