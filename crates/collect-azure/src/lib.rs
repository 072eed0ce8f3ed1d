//! posture's Azure collector: client-credential tokens from the Microsoft
//! identity platform, the Azure Resource Manager and Microsoft Graph REST
//! APIs (pinned api-version per resource type, paging, throttling and
//! retries), one module per service family turning responses into
//! normalized records, bounded concurrency over families, and failed calls
//! as collection errors naming the missing permission. HTTP and JSON types
//! never leave this crate. A connector is one subscription.

mod api;
mod auth;
mod collect;
mod context;
mod operation;
mod options;
pub mod permissions;
mod services;
mod session;

pub use collect::{collect, collect_each, supported_kinds};
pub use operation::ApiCalls;
pub use options::{AzureCloud, AzureOptions, is_guid};
pub use posture_collect::Attempt;
pub use session::{ConnectError, Session};
