//! The rows the store keeps, as plain values: what callers write and what
//! queries answer. No database types cross this boundary.

use chrono::{DateTime, NaiveDate, Utc};
use posture_model::{Provider, Status};
use serde::{Deserialize, Serialize};

pub type Timestamp = DateTime<Utc>;

/// A tenant's id. Every other row belongs to exactly one tenant, and every
/// query takes the tenant: another tenant's row is never found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantId(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    /// The external ID AWS role trust policies for this tenant must carry;
    /// stable for the tenant's life.
    pub external_id: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including writes and administration.
    Admin,
    /// Reads and exports.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub tenant: TenantId,
    pub email: String,
    /// An argon2 PHC string; the store never sees a password.
    pub password_hash: String,
    pub role: Role,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub tenant: TenantId,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: Timestamp,
}

/// What a token is for: an API token lives until revoked; a portal session
/// expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Api,
    Session,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
            TokenKind::Session => "session",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub user: i64,
    pub name: String,
    pub kind: TokenKind,
    /// SHA-256 of the token, hex. The token itself is shown once and never
    /// stored.
    pub hash: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub kind: TokenKind,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

/// The caller a valid token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub tenant: TenantId,
    pub user: i64,
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConnectorState {
    Pending,
    Online,
    Refreshing,
    Offline,
}

impl ConnectorState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorState::Pending => "Pending",
            ConnectorState::Online => "Online",
            ConnectorState::Refreshing => "Refreshing",
            ConnectorState::Offline => "Offline",
        }
    }

    pub fn parse(s: &str) -> Option<ConnectorState> {
        match s {
            "Pending" => Some(ConnectorState::Pending),
            "Online" => Some(ConnectorState::Online),
            "Refreshing" => Some(ConnectorState::Refreshing),
            "Offline" => Some(ConnectorState::Offline),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewConnector {
    pub tenant: TenantId,
    /// A UUID, the reference API's `connectorId`.
    pub uuid: String,
    pub provider: Provider,
    /// The cloud scope: AWS account id, Azure subscription id or GCP project
    /// id. Unique per tenant and provider.
    pub scope: String,
    pub name: String,
    pub description: String,
    /// Provider-specific fields that may be shown (role ARN, external ID,
    /// application id, client email...), as the server defines them.
    pub settings: serde_json::Value,
    /// Encrypted credentials (nonce and ciphertext); opaque to the store.
    pub secret: Option<Vec<u8>>,
    /// Inventories are uploaded instead of collected.
    pub offline: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Connector {
    pub id: i64,
    pub tenant: TenantId,
    pub uuid: String,
    pub provider: Provider,
    pub scope: String,
    pub name: String,
    pub description: String,
    pub settings: serde_json::Value,
    pub secret: Option<Vec<u8>>,
    pub offline: bool,
    pub state: ConnectorState,
    /// A short machine-readable reason when Offline.
    pub error: Option<String>,
    pub error_message: Option<String>,
    pub last_synced_on: Option<Timestamp>,
    pub total_assets: i64,
    pub created_at: Timestamp,
}

/// A connector's new state, recorded in its history (the billing basis).
#[derive(Debug, Clone, PartialEq)]
pub struct StateChange {
    pub state: ConnectorState,
    pub error: Option<String>,
    pub error_message: Option<String>,
    pub at: Timestamp,
    /// Set when a validation or run synced with the cloud.
    pub synced: bool,
    pub total_assets: Option<i64>,
}

/// One row of a connector's state history.
#[derive(Debug, Clone, PartialEq)]
pub struct StateRecord {
    pub connector: i64,
    pub state: ConnectorState,
    pub at: Timestamp,
    pub total_assets: i64,
    /// When the connector was deleted, if it was; history outlives it.
    pub deleted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub tenant: TenantId,
    pub title: String,
    pub description: String,
    pub provider: Provider,
    /// The catalogue mandate (its string id); `mandate_mid` is its number.
    pub mandate: String,
    pub mandate_mid: u32,
    pub connector: i64,
    pub policies: Vec<String>,
    pub format: String,
    pub report_type: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: i64,
    pub tenant: TenantId,
    pub title: String,
    pub description: String,
    pub provider: Provider,
    pub mandate: String,
    pub mandate_mid: u32,
    pub connector: i64,
    pub policies: Vec<String>,
    pub format: String,
    pub report_type: String,
    pub created_at: Timestamp,
    /// The run whose results the report shows, once one finished.
    pub current_run: Option<i64>,
    /// When the last run was requested (the hourly limit counts from here).
    pub last_requested_at: Option<Timestamp>,
    /// The latest run, finished or not.
    pub latest_run: Option<Run>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    Queued,
    Running,
    Succeeded,
    Failed,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Queued => "queued",
            RunState::Running => "running",
            RunState::Succeeded => "succeeded",
            RunState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<RunState> {
        match s {
            "queued" => Some(RunState::Queued),
            "running" => Some(RunState::Running),
            "succeeded" => Some(RunState::Succeeded),
            "failed" => Some(RunState::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub id: i64,
    pub report: i64,
    pub state: RunState,
    pub requested_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub error: Option<String>,
    /// The rollup of a succeeded run, as the server serialized it.
    pub summary: Option<serde_json::Value>,
}

/// A resource as one run saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResource {
    /// The run-local index evaluations refer to.
    pub index: u32,
    pub provider: Provider,
    pub cloud_account: String,
    /// The cloud's id: ARN, Azure resource ID, GCP resource name.
    pub resource_id: String,
    pub kind: String,
    pub name: String,
    pub region: String,
    /// The normalized configuration, shown in resource details.
    pub details: serde_json::Value,
}

/// One control evaluated on one resource in one run. Not-applicable results
/// are not stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RunEvaluation {
    pub resource: u32,
    pub cid: u32,
    pub status: Status,
    pub message: Option<String>,
}

/// A control's rollup in one run.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlOutcome {
    pub cid: u32,
    pub status: Status,
    pub pass: i64,
    pub fail: i64,
    pub error: i64,
}

/// What publishing a run makes current.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    pub finished_at: Timestamp,
    pub controls: Vec<ControlOutcome>,
    /// The report rollup (requirement tree, counts), kept as the server
    /// serialized it.
    pub summary: serde_json::Value,
    pub total_assets: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    ReportRun,
    ValidateConnector,
    RefreshConnector,
    Purge,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::ReportRun => "report_run",
            JobKind::ValidateConnector => "validate_connector",
            JobKind::RefreshConnector => "refresh_connector",
            JobKind::Purge => "purge",
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        match s {
            "report_run" => Some(JobKind::ReportRun),
            "validate_connector" => Some(JobKind::ValidateConnector),
            "refresh_connector" => Some(JobKind::RefreshConnector),
            "purge" => Some(JobKind::Purge),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub tenant: Option<TenantId>,
    pub kind: JobKind,
    /// The row the job works on: a run id, a connector id.
    pub subject: i64,
    pub not_before: Timestamp,
}

/// A job a worker holds until `lease_until`; past it, another worker may
/// claim it again (the holder died).
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub tenant: Option<TenantId>,
    pub kind: JobKind,
    pub subject: i64,
    /// 1 on the first claim.
    pub attempt: u32,
    pub worker: String,
    pub lease_until: Timestamp,
}

/// The resource list's filter, search, sort and page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceQuery {
    pub provider: Option<Provider>,
    pub cloud_account: Option<String>,
    pub kind: Option<String>,
    /// Case-insensitive substring of kind, name or cloud id.
    pub search: Option<String>,
    pub sort: ResourceSort,
    pub descending: bool,
    pub skip: u64,
    /// At most this many rows (callers cap it).
    pub top: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResourceSort {
    #[default]
    Name,
    Kind,
    CloudAccount,
    Region,
    DateDiscovered,
    DateLastFound,
    Failed,
}

/// A resource that current report results include.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRow {
    pub id: i64,
    pub provider: Provider,
    pub cloud_account: String,
    pub resource_id: String,
    pub kind: String,
    pub name: String,
    pub region: String,
    pub first_discovered: Timestamp,
    pub last_found: Timestamp,
    /// Failed control evaluations in current report results.
    pub failed: i64,
    pub passed: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePage {
    pub total: u64,
    pub rows: Vec<ResourceRow>,
}

/// The values the resource list's filters can take: what the tenant's
/// listed resources hold, each sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceFacets {
    pub providers: Vec<Provider>,
    pub cloud_accounts: Vec<String>,
    pub kinds: Vec<String>,
}

/// Summary figures over every resource a filter matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceTotals {
    pub controls_failed: i64,
    pub controls_passed: i64,
    pub resources: i64,
    pub accounts: i64,
}

/// One evaluation of a resource in a report's current results.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceEvaluation {
    pub report: i64,
    pub report_title: String,
    pub cid: u32,
    pub status: Status,
    pub message: Option<String>,
    pub evaluated_on: Timestamp,
}

/// Which of a resource's evaluations to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvaluationQuery {
    pub status: Option<Status>,
    pub report: Option<i64>,
    /// Case-insensitive substring of the report title, or the CID's digits.
    pub search: Option<String>,
    pub skip: u64,
    pub top: u64,
}

/// A resource evaluated by one control in a report's current results.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlResource {
    pub resource: i64,
    pub resource_id: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub status: Status,
    pub message: Option<String>,
}

/// How many connectors were active on a day, and their assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayUsage {
    pub date: NaiveDate,
    pub connectors: i64,
    pub assets: i64,
}

/// What a purge removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    pub runs: u64,
    pub evaluations: u64,
    pub resources: u64,
}
