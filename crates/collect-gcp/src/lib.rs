//! posture's GCP collector: a session (service-account key → OAuth2 token,
//! the project read from Cloud Resource Manager; also connector
//! validation), a small client for Google's REST APIs (endpoint override,
//! retries with backoff, paging), one module per Google service turning
//! API responses into normalized records, and failed calls as collection
//! errors. HTTP and JSON types never leave this crate.

mod api_error;
mod auth;
mod client;
mod collect;
mod context;
mod options;
pub mod permissions;
mod services;
mod session;

pub use client::{ApiCalls, Call};
pub use collect::{collect, collect_each, supported_kinds};
pub use options::{GcpOptions, KeySource, OptionsError, ServiceAccountKey, validate_project_id};
pub use posture_collect::Attempt;
pub use session::{ConnectError, Session};
