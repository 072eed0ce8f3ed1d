//! The conformance suite: what every `Store` backend must do, as public
//! checks a backend's tests call with a store of that backend. A backend
//! passes all of them or it is not done.
//!
//! Each check makes its own tenants (unique names and emails), so checks
//! can run one after another on one store. They should not run at the same
//! time on one store: jobs and the retention purge span tenants. Each
//! check finishes the jobs it queues, and the story, the only check that
//! purges, lives in its own early years so its purge touches nothing else.
//!
//! Timestamps are whole seconds: backends keep at least microseconds.

mod fixtures;
mod lifecycle;
mod paging;
mod rules;
mod story;
mod story_queries;

pub use fixtures::*;
pub use lifecycle::*;
pub use paging::paging_and_export;
pub use rules::*;
pub use story::story;

use crate::store::Store;

/// Every check, one after another, on one store.
pub fn run_all(store: &dyn Store) {
    story(store);
    tenant_isolation(store);
    conflicts(store);
    too_soon(store);
    job_leases(store);
    tokens_expire(store);
    resources_across_runs_and_reports(store);
    delete_connector_cascades(store);
    delete_report_keeps_connector(store);
    staging_is_invisible_and_clearable(store);
    paging_and_export(store);
}
