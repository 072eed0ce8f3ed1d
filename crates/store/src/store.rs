//! The `Store` trait: everything the service keeps, behind one interface
//! that every backend implements and the conformance suite checks.
//!
//! Calls are synchronous and short; the server runs them on its blocking
//! pool. Every call that names a row takes the tenant, and a row of another
//! tenant answers `NotFound`, exactly as a missing one.

use crate::error::StoreError;
use crate::types::*;
use posture_model::Provider;

pub type Result<T> = std::result::Result<T, StoreError>;

pub trait Store: Send + Sync + std::fmt::Debug {
    // --- tenants, users, tokens -------------------------------------------

    fn create_tenant(&self, name: &str, external_id: &str, at: Timestamp) -> Result<Tenant>;
    fn tenant(&self, id: TenantId) -> Result<Tenant>;
    fn tenant_by_name(&self, name: &str) -> Result<Tenant>;
    fn tenants(&self) -> Result<Vec<Tenant>>;

    /// `Conflict` when the email is taken (emails are unique across tenants:
    /// a login names no tenant).
    fn create_user(&self, user: &NewUser) -> Result<User>;
    fn user_by_email(&self, email: &str) -> Result<User>;
    fn users(&self, tenant: TenantId) -> Result<Vec<User>>;

    fn create_token(&self, token: &NewToken) -> Result<TokenInfo>;
    /// The principal of an unexpired token with this hash.
    fn principal_by_token(&self, hash: &str, now: Timestamp) -> Result<Principal>;
    fn revoke_token(&self, tenant: TenantId, user: i64, token: i64) -> Result<()>;
    /// Ends the session or token with this hash (logout); unknown hashes
    /// are not an error.
    fn delete_token_by_hash(&self, hash: &str) -> Result<()>;

    // --- connectors -------------------------------------------------------

    /// Pending at creation, with that first state in the history. `Conflict`
    /// when the tenant already has a connector to this provider and scope.
    fn create_connector(&self, connector: &NewConnector) -> Result<Connector>;
    fn connector(&self, tenant: TenantId, id: i64) -> Result<Connector>;
    fn connectors(&self, tenant: TenantId, provider: Option<Provider>) -> Result<Vec<Connector>>;
    /// Sets the state (and, on a sync, `last_synced_on` and `total_assets`)
    /// and appends it to the history.
    fn set_connector_state(
        &self,
        tenant: TenantId,
        id: i64,
        change: &StateChange,
    ) -> Result<Connector>;
    /// Removes the connector with its reports and their results; its state
    /// history stays (billing), marked deleted.
    fn delete_connector(&self, tenant: TenantId, id: i64, at: Timestamp) -> Result<()>;
    /// Every state change of the tenant's connectors, oldest first, with
    /// the last change before `from` so a day's state is known.
    fn state_history(&self, tenant: TenantId) -> Result<Vec<StateRecord>>;

    // --- reports and runs -------------------------------------------------

    /// `Conflict` when the tenant has a report of this mandate on this
    /// connector; `NotFound` when the connector is not the tenant's.
    fn create_report(&self, report: &NewReport) -> Result<Report>;
    fn report(&self, tenant: TenantId, id: i64) -> Result<Report>;
    fn reports(&self, tenant: TenantId, provider: Option<Provider>) -> Result<Vec<Report>>;
    /// Removes the report, its runs and their results.
    fn delete_report(&self, tenant: TenantId, id: i64) -> Result<()>;

    /// Queues a run and its job, unless the report's last request is less
    /// than `min_interval` old: then `TooSoon` with the wait.
    fn request_run(
        &self,
        tenant: TenantId,
        report: i64,
        now: Timestamp,
        min_interval: chrono::Duration,
    ) -> Result<Run>;
    fn run(&self, tenant: TenantId, id: i64) -> Result<Run>;
    /// Every run of the report still kept, oldest first: its history.
    fn runs(&self, tenant: TenantId, report: i64) -> Result<Vec<Run>>;
    /// A run by id whatever its tenant: for workers.
    fn run_for_job(&self, id: i64) -> Result<(TenantId, Run)>;
    fn mark_run_running(&self, run: i64) -> Result<()>;
    /// Stages a batch of the run's resources; invisible until published.
    fn put_run_resources(&self, run: i64, resources: &[RunResource]) -> Result<()>;
    /// Stages a batch of the run's evaluations.
    fn put_run_evaluations(&self, run: i64, evaluations: &[RunEvaluation]) -> Result<()>;
    /// In one transaction: resources upserted (first discovered kept, last
    /// found set), the run succeeded, the report switched to it, the
    /// previous current run's results dropped. Either all of it or nothing.
    fn publish_run(&self, run: i64, outcome: &RunOutcome) -> Result<()>;
    /// Marks the run failed and drops what it staged; the report keeps its
    /// current results.
    fn fail_run(&self, run: i64, error: &str, at: Timestamp) -> Result<()>;
    /// Drops what an interrupted attempt staged, before a retry.
    fn clear_run_staging(&self, run: i64) -> Result<()>;

    /// The control rollups of the report's current run.
    fn control_outcomes(&self, tenant: TenantId, report: i64) -> Result<Vec<ControlOutcome>>;
    /// The resources one control evaluated in the report's current run.
    fn control_resources(
        &self,
        tenant: TenantId,
        report: i64,
        cid: u32,
    ) -> Result<Vec<ControlResource>>;

    // --- resources ----------------------------------------------------------

    /// Resources in current report results that match the query.
    fn resources(&self, tenant: TenantId, query: &ResourceQuery) -> Result<ResourcePage>;
    /// Summary figures over everything the query's filters match (its page
    /// ignored).
    /// The providers, cloud accounts and kinds of the listed resources.
    fn resource_facets(&self, tenant: TenantId) -> Result<ResourceFacets>;
    fn resource_totals(&self, tenant: TenantId, query: &ResourceQuery) -> Result<ResourceTotals>;
    /// Every resource the query's filters and search match, in its sort
    /// order (its page ignored), handed to `each` one at a time rather
    /// than collected: the CSV export of a list of any size. Stops when
    /// `each` returns false; returns how many rows `each` was given.
    fn export_resources(
        &self,
        tenant: TenantId,
        query: &ResourceQuery,
        each: &mut dyn FnMut(ResourceRow) -> bool,
    ) -> Result<u64>;
    fn resource(&self, tenant: TenantId, id: i64) -> Result<(ResourceRow, serde_json::Value)>;
    /// The resource's evaluations in every report's current results.
    fn resource_evaluations(
        &self,
        tenant: TenantId,
        id: i64,
        query: &EvaluationQuery,
    ) -> Result<(u64, Vec<ResourceEvaluation>)>;
    /// The latest evaluations of each listed resource (for the list's
    /// `resourceEvaluation`).
    fn evaluations_of(
        &self,
        tenant: TenantId,
        resources: &[i64],
    ) -> Result<Vec<(i64, ResourceEvaluation)>>;

    // --- jobs ---------------------------------------------------------------

    fn enqueue_job(&self, job: &NewJob) -> Result<i64>;
    /// Claims the oldest due job that is queued, or running with an expired
    /// lease (its worker died), for `worker` until `lease_until`.
    fn claim_job(
        &self,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>>;
    /// Extends the lease; `NotFound` when the job is no longer this
    /// worker's.
    fn renew_job(&self, job: i64, worker: &str, lease_until: Timestamp) -> Result<()>;
    /// Removes a finished job (its outcome lives on its subject).
    fn finish_job(&self, job: i64, worker: &str) -> Result<()>;

    // --- retention ------------------------------------------------------------

    /// Removes runs (with their evaluations) that finished before `cutoff`,
    /// current ones included (their report then shows no results), and
    /// resources last found before it.
    fn purge_before(&self, cutoff: Timestamp) -> Result<Purged>;

    /// Checks the database answers (readiness).
    fn ping(&self) -> Result<()>;
}
