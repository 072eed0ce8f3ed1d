//! How results live and die: one resource under several reports and
//! runs, deleting reports and connectors, staging and atomic publishing.
//! Each check lives in its own year, after the story's.

use super::fixtures::*;
use crate::store::Store;
use crate::types::*;
use chrono::Duration;
use posture_model::{Provider, Status};

const ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "210987654321";
const SHARED: &str = "arn:aws:s3:::shared";
const ONLY: &str = "arn:aws:s3:::only-cis";
const FAR: &str = "arn:aws:s3:::far";

fn bucket(index: u32, account: &str, id: &str) -> RunResource {
    let name = id.rsplit(':').next().unwrap_or(id);
    resource(index, account, id, "aws.s3.bucket", name, "eu-west-1")
}

/// A resource evaluated by two reports is one row whose counts add both
/// reports' current results; a later run of one report replaces only that
/// report's share, and first discovery stays.
pub fn resources_across_runs_and_reports(store: &dyn Store) {
    let t = time(2026, 1, 1, 0, 0);
    let hour = minutes(60);
    let tid = new_tenant(store, "across", t).id;
    let connector = new_connector(store, tid, Provider::Aws, ACCOUNT, t);
    let cis = new_report(store, tid, &connector, "cis", t);
    let nist = new_report(store, tid, &connector, "nist", t);

    complete_run(
        store,
        tid,
        cis.id,
        t,
        &[
            bucket(0, ACCOUNT, SHARED),
            bucket(1, ACCOUNT, ONLY),
            bucket(2, OTHER_ACCOUNT, FAR),
        ],
        &[
            evaluation(0, 1, Status::Fail, None),
            evaluation(1, 1, Status::Pass, None),
            evaluation(2, 1, Status::Pass, None),
        ],
    );
    complete_run(
        store,
        tid,
        nist.id,
        t + hour,
        &[bucket(0, ACCOUNT, SHARED)],
        &[
            evaluation(0, 2, Status::Pass, None),
            evaluation(0, 3, Status::Fail, None),
        ],
    );
    let page = all_resources(store, tid);
    assert_eq!(page.total, 3, "one row per cloud resource");
    let shared = row(&page, SHARED).clone();
    assert_eq!(
        (shared.failed, shared.passed),
        (2, 1),
        "counts add every report's current results"
    );
    assert_eq!(
        (shared.first_discovered, shared.last_found),
        (t + minutes(10), t + hour + minutes(10))
    );
    let (total, evs) = must(
        "resource evaluations",
        store.resource_evaluations(
            tid,
            shared.id,
            &EvaluationQuery {
                top: 10,
                ..Default::default()
            },
        ),
    );
    let order: Vec<(i64, u32)> = evs.iter().map(|e| (e.report, e.cid)).collect();
    assert_eq!(total, 3);
    assert_eq!(
        order,
        [(cis.id, 1), (nist.id, 2), (nist.id, 3)],
        "ordered by report, then control"
    );
    let only_nist = must(
        "by report",
        store.resource_evaluations(
            tid,
            shared.id,
            &EvaluationQuery {
                report: Some(nist.id),
                top: 10,
                ..Default::default()
            },
        ),
    );
    assert_eq!(only_nist.0, 2);
    assert_eq!(
        must(
            "totals",
            store.resource_totals(tid, &ResourceQuery::default())
        ),
        ResourceTotals {
            controls_failed: 2,
            controls_passed: 3,
            resources: 3,
            accounts: 2
        }
    );

    // cis runs again without the shared bucket: nist's share remains.
    complete_run(
        store,
        tid,
        cis.id,
        t + hour * 2,
        &[bucket(0, ACCOUNT, ONLY)],
        &[evaluation(0, 1, Status::Fail, None)],
    );
    let page = all_resources(store, tid);
    assert_eq!(names(&page), ["only-cis", "shared"]);
    let shared = row(&page, SHARED);
    assert_eq!(
        (shared.failed, shared.passed, shared.last_found),
        (1, 1, t + hour + minutes(10))
    );
    let only = row(&page, ONLY);
    assert_eq!(
        (
            only.failed,
            only.passed,
            only.first_discovered,
            only.last_found
        ),
        (1, 0, t + minutes(10), t + hour * 2 + minutes(10))
    );
    drain_jobs(store, t + hour * 3);
}

/// Deleting a connector takes its reports, runs and results with it and
/// frees its scope; its state history stays, marked deleted.
pub fn delete_connector_cascades(store: &dyn Store) {
    let t = time(2027, 1, 1, 0, 0);
    let hour = minutes(60);
    let tid = new_tenant(store, "delete-connector", t).id;
    let connector = new_connector(store, tid, Provider::Aws, ACCOUNT, t);
    let kept = new_connector(store, tid, Provider::Aws, OTHER_ACCOUNT, t);
    must(
        "online",
        store.set_connector_state(
            tid,
            connector.id,
            &StateChange {
                state: ConnectorState::Online,
                error: None,
                error_message: None,
                at: t + minutes(1),
                synced: true,
                total_assets: Some(1),
            },
        ),
    );
    let report = new_report(store, tid, &connector, "cis", t);
    let kept_report = new_report(store, tid, &kept, "cis", t);
    let done = complete_run(
        store,
        tid,
        report.id,
        t,
        &[bucket(0, ACCOUNT, SHARED)],
        &[evaluation(0, 1, Status::Fail, None)],
    );
    complete_run(
        store,
        tid,
        kept_report.id,
        t + hour,
        &[bucket(0, OTHER_ACCOUNT, FAR)],
        &[evaluation(0, 1, Status::Pass, None)],
    );
    let queued = must(
        "queued run",
        store.request_run(tid, report.id, t + hour * 2, Duration::zero()),
    );
    assert_eq!(
        must("run history", store.runs(tid, report.id))
            .iter()
            .map(|r| (r.id, r.state))
            .collect::<Vec<_>>(),
        [
            (done.id, RunState::Succeeded),
            (queued.id, RunState::Queued)
        ],
        "a report's runs, oldest first"
    );

    let at = t + hour * 3;
    must("delete", store.delete_connector(tid, connector.id, at));
    assert_not_found("connector", store.connector(tid, connector.id));
    assert_not_found("report", store.report(tid, report.id));
    assert_not_found("finished run", store.run(tid, done.id));
    assert_not_found("queued run", store.run(tid, queued.id));
    assert_not_found("queued run for a worker", store.run_for_job(queued.id));
    assert_not_found("outcomes", store.control_outcomes(tid, report.id));
    assert_not_found(
        "delete twice",
        store.delete_connector(tid, connector.id, at),
    );
    assert_eq!(
        must("connectors", store.connectors(tid, None))
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        [kept.id]
    );
    assert_eq!(
        must("reports", store.reports(tid, None))
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        [kept_report.id]
    );
    assert_eq!(
        names(&all_resources(store, tid)),
        ["far"],
        "the deleted connector's results are gone, the other's stay"
    );

    let history = must("history", store.state_history(tid));
    let of = |id: i64| -> Vec<(ConnectorState, Option<Timestamp>)> {
        history
            .iter()
            .filter(|r| r.connector == id)
            .map(|r| (r.state, r.deleted_at))
            .collect()
    };
    assert_eq!(
        of(connector.id),
        [
            (ConnectorState::Pending, Some(at)),
            (ConnectorState::Online, Some(at))
        ],
        "history outlives the connector, marked deleted"
    );
    assert_eq!(of(kept.id), [(ConnectorState::Pending, None)]);
    let again = new_connector(store, tid, Provider::Aws, ACCOUNT, at);
    assert_ne!(again.id, connector.id);
    drain_jobs(store, t + hour * 4);
}

/// Deleting a report takes its runs and results; the connector and other
/// reports' results stay, and the mandate may be reported on again.
pub fn delete_report_keeps_connector(store: &dyn Store) {
    let t = time(2028, 1, 1, 0, 0);
    let hour = minutes(60);
    let tid = new_tenant(store, "delete-report", t).id;
    let connector = new_connector(store, tid, Provider::Aws, ACCOUNT, t);
    let cis = new_report(store, tid, &connector, "cis", t);
    let nist = new_report(store, tid, &connector, "nist", t);
    let cis_run = complete_run(
        store,
        tid,
        cis.id,
        t,
        &[bucket(0, ACCOUNT, SHARED)],
        &[evaluation(0, 1, Status::Fail, None)],
    );
    complete_run(
        store,
        tid,
        nist.id,
        t + hour,
        &[bucket(0, ACCOUNT, SHARED)],
        &[evaluation(0, 2, Status::Pass, None)],
    );
    must("delete", store.delete_report(tid, cis.id));
    assert_not_found("report", store.report(tid, cis.id));
    assert_not_found("run", store.run(tid, cis_run.id));
    assert_not_found("outcomes", store.control_outcomes(tid, cis.id));
    assert_not_found("delete twice", store.delete_report(tid, cis.id));
    must("connector", store.connector(tid, connector.id));
    let page = all_resources(store, tid);
    let shared = row(&page, SHARED);
    assert_eq!((shared.failed, shared.passed), (0, 1));
    let (total, evs) = must(
        "evaluations",
        store.resource_evaluations(
            tid,
            shared.id,
            &EvaluationQuery {
                top: 10,
                ..Default::default()
            },
        ),
    );
    assert_eq!(
        (total, evs.iter().map(|e| e.report).collect::<Vec<_>>()),
        (1, vec![nist.id])
    );
    new_report(store, tid, &connector, "cis", t + hour * 2);
    drain_jobs(store, t + hour * 3);
}

/// Staged rows are invisible; clearing them forgets a failed attempt; a
/// publish that cannot complete changes nothing; a finished run takes no
/// more.
pub fn staging_is_invisible_and_clearable(store: &dyn Store) {
    let t = time(2029, 1, 1, 0, 0);
    let hour = minutes(60);
    let tid = new_tenant(store, "staging", t).id;
    let connector = new_connector(store, tid, Provider::Aws, ACCOUNT, t);
    let report = new_report(store, tid, &connector, "cis", t);
    let first = complete_run(
        store,
        tid,
        report.id,
        t,
        &[bucket(0, ACCOUNT, SHARED)],
        &[evaluation(0, 1, Status::Pass, None)],
    );

    let run = must(
        "request",
        store.request_run(tid, report.id, t + hour, Duration::zero()),
    );
    take_job(store, "w", t + hour, run.id);
    must(
        "stage",
        store.put_run_resources(run.id, &[bucket(0, ACCOUNT, ONLY)]),
    );
    must(
        "stage",
        store.put_run_evaluations(run.id, &[evaluation(0, 1, Status::Fail, None)]),
    );
    assert_eq!(names(&all_resources(store, tid)), ["shared"]);
    assert_eq!(
        must("report", store.report(tid, report.id)).current_run,
        Some(first.id)
    );

    // An evaluation of a resource the run never staged: publishing fails
    // and leaves everything as it was.
    must(
        "stage",
        store.put_run_evaluations(run.id, &[evaluation(7, 1, Status::Fail, None)]),
    );
    let broken = outcome(t + hour + minutes(10), &[]);
    assert!(
        store.publish_run(run.id, &broken).is_err(),
        "publishing a dangling evaluation fails"
    );
    assert_eq!(
        must("report", store.report(tid, report.id)).current_run,
        Some(first.id)
    );
    assert_eq!(names(&all_resources(store, tid)), ["shared"]);

    // The retry starts from nothing.
    must("clear", store.clear_run_staging(run.id));
    must(
        "stage",
        store.put_run_resources(run.id, &[bucket(0, ACCOUNT, FAR)]),
    );
    let evaluations = [evaluation(0, 1, Status::Fail, None)];
    must("stage", store.put_run_evaluations(run.id, &evaluations));
    let finished = t + hour + minutes(20);
    must(
        "publish",
        store.publish_run(run.id, &outcome(finished, &evaluations)),
    );
    let page = all_resources(store, tid);
    assert_eq!(names(&page), ["far"], "only what the retry staged");
    assert_eq!(row(&page, FAR).failed, 1);

    assert!(
        store
            .publish_run(run.id, &outcome(finished, &evaluations))
            .is_err(),
        "a run publishes once"
    );
    assert!(
        store
            .put_run_resources(run.id, &[bucket(0, ACCOUNT, ONLY)])
            .is_err(),
        "a finished run stages nothing"
    );
    assert_not_found("unknown run", store.run_for_job(i64::MAX));
    drain_jobs(store, t + hour * 2);
}
