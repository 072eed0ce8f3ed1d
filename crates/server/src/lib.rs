//! posture's service: the REST API of the reference product (and
//! posture's additions), the job runner for report runs, connector checks
//! and retention, multi-tenant access with roles and tokens, exports and
//! usage, and the web portal. `api::app(state)` is the router; `serve::run`
//! runs it all.

pub mod admin;
pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod csv_export;
pub mod demo;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod metrics;
pub mod offline;
pub mod passwords;
pub mod portal;
pub mod secrets;
pub mod serve;
pub mod state;
pub mod summary;
pub mod tokens;
pub mod validate;

pub use api::app;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::ServerConfig;
pub use state::AppState;
