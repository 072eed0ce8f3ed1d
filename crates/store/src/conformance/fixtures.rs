//! Builders the checks share: unique tenants and users, connectors,
//! reports, run contents, and the few assertions every check repeats.

use crate::error::StoreError;
use crate::store::{Result, Store};
use crate::types::*;
use chrono::{Duration, TimeZone, Utc};
use posture_model::{Provider, Status};
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};

/// The value, or a panic naming the step and the store's error.
pub fn must<T>(what: &str, r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what}: {e}"),
    }
}

/// Asserts a `NotFound` answer.
pub fn assert_not_found<T: Debug>(what: &str, r: Result<T>) {
    assert!(
        matches!(r, Err(StoreError::NotFound(_))),
        "{what}: expected NotFound, got {r:?}"
    );
}

/// Asserts a `Conflict` whose message contains `needle`.
pub fn assert_conflict<T: Debug>(what: &str, r: Result<T>, needle: &str) {
    match r {
        Err(StoreError::Conflict(m)) => assert!(
            m.contains(needle),
            "{what}: the conflict message {m:?} should mention {needle:?}"
        ),
        other => panic!("{what}: expected Conflict, got {other:?}"),
    }
}

/// A UTC time; the checks only name valid ones.
pub fn time(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Timestamp {
    match Utc
        .with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
    {
        Some(t) => t,
        None => panic!("invalid time {year}-{month}-{day} {hour}:{minute}"),
    }
}

pub fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

/// A name no other check, run or process uses, so checks can share a
/// store (even a long-lived PostgreSQL one).
pub fn unique(label: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{label}-{}-{nanos}-{n}", std::process::id())
}

pub fn new_tenant(store: &dyn Store, label: &str, at: Timestamp) -> Tenant {
    must(
        "create tenant",
        store.create_tenant(&unique(label), &unique("external"), at),
    )
}

pub fn new_user(store: &dyn Store, tenant: TenantId, role: Role, at: Timestamp) -> User {
    let user = NewUser {
        tenant,
        email: format!("{}@example.test", unique("user")),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        role,
        created_at: at,
    };
    must("create user", store.create_user(&user))
}

pub fn new_connector_input(
    tenant: TenantId,
    provider: Provider,
    scope: &str,
    at: Timestamp,
) -> NewConnector {
    NewConnector {
        tenant,
        uuid: unique("connector"),
        provider,
        scope: scope.to_owned(),
        name: format!("{provider} {scope}"),
        description: "conformance".to_owned(),
        settings: serde_json::json!({
            "roleArn": format!("arn:aws:iam::{scope}:role/posture"),
            "regions": ["eu-west-1", "us-east-1"],
            "plain": "a bare JSON string value",
        }),
        secret: Some(vec![0, 1, 2, 255]),
        offline: false,
        created_at: at,
    }
}

pub fn new_connector(
    store: &dyn Store,
    tenant: TenantId,
    provider: Provider,
    scope: &str,
    at: Timestamp,
) -> Connector {
    must(
        "create connector",
        store.create_connector(&new_connector_input(tenant, provider, scope, at)),
    )
}

pub fn new_report_input(
    tenant: TenantId,
    connector: &Connector,
    mandate: &str,
    at: Timestamp,
) -> NewReport {
    NewReport {
        tenant,
        title: format!("Report {mandate}"),
        description: "conformance report".to_owned(),
        provider: connector.provider,
        mandate: mandate.to_owned(),
        mandate_mid: 7,
        connector: connector.id,
        policies: vec!["p-1".to_owned(), "p-2".to_owned()],
        format: "json".to_owned(),
        report_type: "compliance".to_owned(),
        created_at: at,
    }
}

pub fn new_report(
    store: &dyn Store,
    tenant: TenantId,
    connector: &Connector,
    mandate: &str,
    at: Timestamp,
) -> Report {
    must(
        "create report",
        store.create_report(&new_report_input(tenant, connector, mandate, at)),
    )
}

/// A run's resource in AWS account `account`.
pub fn resource(
    index: u32,
    account: &str,
    id: &str,
    kind: &str,
    name: &str,
    region: &str,
) -> RunResource {
    RunResource {
        index,
        provider: Provider::Aws,
        cloud_account: account.to_owned(),
        resource_id: id.to_owned(),
        kind: kind.to_owned(),
        name: name.to_owned(),
        region: region.to_owned(),
        details: serde_json::json!({ "name": name, "region": region }),
    }
}

pub fn evaluation(resource: u32, cid: u32, status: Status, message: Option<&str>) -> RunEvaluation {
    RunEvaluation {
        resource,
        cid,
        status,
        message: message.map(str::to_owned),
    }
}

/// The control rollups of `evaluations`, as the engine would make them.
pub fn outcome(finished_at: Timestamp, evaluations: &[RunEvaluation]) -> RunOutcome {
    let mut cids: Vec<u32> = evaluations.iter().map(|e| e.cid).collect();
    cids.sort_unstable();
    cids.dedup();
    let controls = cids
        .into_iter()
        .map(|cid| {
            let of = |s: Status| {
                evaluations
                    .iter()
                    .filter(|e| e.cid == cid && e.status == s)
                    .count() as i64
            };
            ControlOutcome {
                cid,
                status: Status::rollup(
                    evaluations
                        .iter()
                        .filter(|e| e.cid == cid)
                        .map(|e| e.status),
                ),
                pass: of(Status::Pass),
                fail: of(Status::Fail),
                error: of(Status::Error),
            }
        })
        .collect();
    RunOutcome {
        finished_at,
        controls,
        summary: serde_json::json!({ "evaluations": evaluations.len() }),
        total_assets: 0,
    }
}

/// Requests a run of `report` at `now`, claims its job as the only due
/// one, stages `resources` and `evaluations` and publishes the run at
/// `now` + 10 minutes. Returns the run as the store then answers it.
pub fn complete_run(
    store: &dyn Store,
    tenant: TenantId,
    report: i64,
    now: Timestamp,
    resources: &[RunResource],
    evaluations: &[RunEvaluation],
) -> Run {
    let run = must(
        "request run",
        store.request_run(tenant, report, now, Duration::zero()),
    );
    take_job(store, "conformance-worker", now, run.id);
    must("mark run running", store.mark_run_running(run.id));
    must(
        "stage resources",
        store.put_run_resources(run.id, resources),
    );
    must(
        "stage evaluations",
        store.put_run_evaluations(run.id, evaluations),
    );
    let finished = now + minutes(10);
    must(
        "publish run",
        store.publish_run(run.id, &outcome(finished, evaluations)),
    );
    must("read published run", store.run(tenant, run.id))
}

/// Claims the next due job, asserts it is the report run `run`, and
/// finishes it.
pub fn take_job(store: &dyn Store, worker: &str, now: Timestamp, run: i64) {
    let job = must("claim job", store.claim_job(worker, now, now + minutes(5)));
    let Some(job) = job else {
        panic!("no job was due for run {run}");
    };
    assert_eq!(
        (job.kind, job.subject),
        (JobKind::ReportRun, run),
        "the due job should be run {run}'s"
    );
    must("finish job", store.finish_job(job.id, worker));
}

/// Claims and finishes every job due at `now`, so no later check claims
/// this one's leftovers.
pub fn drain_jobs(store: &dyn Store, now: Timestamp) {
    let worker = "conformance-drain";
    while let Some(job) = must(
        "claim job to drain",
        store.claim_job(worker, now, now + minutes(1)),
    ) {
        must("finish drained job", store.finish_job(job.id, worker));
    }
}

/// Every resource the list shows for the tenant, by name.
pub fn all_resources(store: &dyn Store, tenant: TenantId) -> ResourcePage {
    let query = ResourceQuery {
        top: 1000,
        ..ResourceQuery::default()
    };
    must("list resources", store.resources(tenant, &query))
}

/// The listed row with this cloud id.
pub fn row<'a>(page: &'a ResourcePage, resource_id: &str) -> &'a ResourceRow {
    match page.rows.iter().find(|r| r.resource_id == resource_id) {
        Some(r) => r,
        None => panic!("{resource_id} is not listed in {:#?}", page.rows),
    }
}

pub fn names(page: &ResourcePage) -> Vec<&str> {
    page.rows.iter().map(|r| r.name.as_str()).collect()
}
