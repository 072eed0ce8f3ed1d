//! The story: one tenant's life from sign-up to retention, with every
//! query checked against what the runs published. Lives in 2001 so that
//! its purges reach no other check's rows (they live from 2021 on).

use super::fixtures::*;
use super::story_queries::{list_queries, resource_evaluation_queries};
use crate::error::StoreError;
use crate::store::Store;
use crate::types::*;
use posture_model::{Provider, Status};

pub(super) const ACCOUNT: &str = "123456789012";
const LOGS: &str = "arn:aws:s3:::logs";
const ASSETS: &str = "arn:aws:s3:::assets";
const ALICE: &str = "arn:aws:iam::123456789012:user/alice";
const VPC: &str = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1";
const FRESH: &str = "arn:aws:s3:::fresh";

pub fn story(store: &dyn Store) {
    let t0 = time(2001, 1, 1, 0, 0);

    // --- sign-up -------------------------------------------------------
    let tenant = new_tenant(store, "story", t0);
    let tid = tenant.id;
    assert_eq!(must("tenant", store.tenant(tid)), tenant);
    assert_eq!(
        must("tenant by name", store.tenant_by_name(&tenant.name)),
        tenant
    );
    assert!(
        must("tenants", store.tenants()).contains(&tenant),
        "tenants() lists the new tenant"
    );
    let admin = new_user(store, tid, Role::Admin, t0);
    assert_eq!(must("users", store.users(tid)), vec![admin.clone()]);
    assert_eq!(
        must("user by email", store.user_by_email(&admin.email)),
        admin
    );
    let hash = unique("token-hash");
    let token = must(
        "create token",
        store.create_token(&NewToken {
            user: admin.id,
            name: "cli".to_owned(),
            kind: TokenKind::Api,
            hash: hash.clone(),
            created_at: t0,
            expires_at: None,
        }),
    );
    assert_eq!((token.name.as_str(), token.kind), ("cli", TokenKind::Api));
    assert_eq!(
        must("principal", store.principal_by_token(&hash, t0)),
        Principal {
            tenant: tid,
            user: admin.id,
            email: admin.email.clone(),
            role: Role::Admin
        }
    );

    // --- connector -------------------------------------------------------
    let input = new_connector_input(tid, Provider::Aws, ACCOUNT, t0);
    let connector = must("create connector", store.create_connector(&input));
    assert_eq!(connector.state, ConnectorState::Pending);
    assert_eq!(
        (
            &connector.uuid,
            &connector.settings,
            &connector.secret,
            connector.total_assets
        ),
        (&input.uuid, &input.settings, &input.secret, 0),
        "the connector keeps what it was created with"
    );
    assert_eq!(connector.last_synced_on, None);
    assert_eq!(
        must("connector", store.connector(tid, connector.id)),
        connector
    );
    assert_eq!(
        must("connectors", store.connectors(tid, None)),
        vec![connector.clone()]
    );
    assert!(
        must(
            "azure connectors",
            store.connectors(tid, Some(Provider::Azure))
        )
        .is_empty()
    );
    let online = must(
        "connector online",
        store.set_connector_state(
            tid,
            connector.id,
            &StateChange {
                state: ConnectorState::Online,
                error: None,
                error_message: None,
                at: t0 + minutes(1),
                synced: true,
                total_assets: Some(4),
            },
        ),
    );
    assert_eq!(
        (online.state, online.last_synced_on, online.total_assets),
        (ConnectorState::Online, Some(t0 + minutes(1)), 4)
    );
    let history: Vec<(ConnectorState, Timestamp, i64)> = must("history", store.state_history(tid))
        .iter()
        .map(|r| (r.state, r.at, r.total_assets))
        .collect();
    assert_eq!(
        history,
        vec![
            (ConnectorState::Pending, t0, 0),
            (ConnectorState::Online, t0 + minutes(1), 4)
        ]
    );

    // --- report and its first run ----------------------------------------
    let report = new_report(store, tid, &connector, "cis-aws-3.0", t0);
    assert_eq!(
        (
            report.current_run,
            report.last_requested_at,
            &report.latest_run
        ),
        (None, None, &None)
    );
    assert_eq!(report.policies, vec!["p-1".to_owned(), "p-2".to_owned()]);
    assert_eq!(
        must("reports", store.reports(tid, Some(Provider::Aws))),
        vec![report.clone()]
    );
    assert!(must("gcp reports", store.reports(tid, Some(Provider::Gcp))).is_empty());

    let t1 = t0 + minutes(60);
    let hour = minutes(60);
    let run1 = must("request run", store.request_run(tid, report.id, t1, hour));
    assert_eq!(
        (run1.state, run1.requested_at, run1.report),
        (RunState::Queued, t1, report.id)
    );
    let requested = must("report", store.report(tid, report.id));
    assert_eq!(requested.last_requested_at, Some(t1));
    assert_eq!(requested.latest_run.as_ref(), Some(&run1));

    let job = must("claim", store.claim_job("w1", t1, t1 + minutes(5)));
    let Some(job) = job else {
        panic!("the run's job should be due")
    };
    assert_eq!(
        (
            job.kind,
            job.subject,
            job.tenant,
            job.attempt,
            job.worker.as_str()
        ),
        (JobKind::ReportRun, run1.id, Some(tid), 1, "w1")
    );
    assert_eq!(
        must("run for job", store.run_for_job(run1.id)),
        (tid, run1.clone())
    );
    must("running", store.mark_run_running(run1.id));
    assert_eq!(
        must("run", store.run(tid, run1.id)).state,
        RunState::Running
    );

    let resources1 = [
        resource(0, ACCOUNT, LOGS, "aws.s3.bucket", "logs", "us-east-1"),
        resource(1, ACCOUNT, ASSETS, "aws.s3.bucket", "assets", "eu-west-1"),
        resource(2, ACCOUNT, ALICE, "aws.iam.user", "alice", "global"),
        // Collected but evaluated by no control: never listed.
        resource(3, ACCOUNT, VPC, "aws.ec2.vpc", "vpc-1", "us-east-1"),
    ];
    let evaluations1 = [
        evaluation(0, 101, Status::Fail, Some("versioning is off")),
        evaluation(1, 101, Status::Pass, None),
        evaluation(0, 102, Status::Pass, None),
        evaluation(1, 102, Status::Fail, Some("not encrypted")),
        evaluation(2, 201, Status::Fail, Some("no MFA")),
        evaluation(2, 301, Status::Error, Some("access denied")),
    ];
    // Staged in batches, evaluations before the last resources.
    must("stage", store.put_run_resources(run1.id, &resources1[..2]));
    must(
        "stage",
        store.put_run_evaluations(run1.id, &evaluations1[..4]),
    );
    must("stage", store.put_run_resources(run1.id, &resources1[2..]));
    must(
        "stage",
        store.put_run_evaluations(run1.id, &evaluations1[4..]),
    );
    assert_eq!(
        all_resources(store, tid).total,
        0,
        "staged rows stay invisible"
    );
    assert!(must("outcomes", store.control_outcomes(tid, report.id)).is_empty());

    let t2 = t1 + minutes(10);
    let outcome1 = outcome(t2, &evaluations1);
    must("publish", store.publish_run(run1.id, &outcome1));
    must("finish job", store.finish_job(job.id, "w1"));

    // --- queries over the first results ------------------------------------
    let run1 = must("run", store.run(tid, run1.id));
    assert_eq!(
        (run1.state, run1.finished_at, &run1.summary),
        (
            RunState::Succeeded,
            Some(t2),
            &Some(outcome1.summary.clone())
        )
    );
    let shown = must("report", store.report(tid, report.id));
    assert_eq!(shown.current_run, Some(run1.id));
    assert_eq!(shown.latest_run.as_ref(), Some(&run1));
    assert_eq!(
        must("outcomes", store.control_outcomes(tid, report.id)),
        outcome1.controls
    );
    let mut on_101: Vec<(String, Status, Option<String>)> = must(
        "control resources",
        store.control_resources(tid, report.id, 101),
    )
    .into_iter()
    .map(|r| (r.resource_id, r.status, r.message))
    .collect();
    on_101.sort();
    assert_eq!(
        on_101,
        vec![
            (ASSETS.to_owned(), Status::Pass, None),
            (
                LOGS.to_owned(),
                Status::Fail,
                Some("versioning is off".to_owned())
            ),
        ]
    );
    assert!(
        must(
            "no such control",
            store.control_resources(tid, report.id, 999)
        )
        .is_empty()
    );

    let page = all_resources(store, tid);
    assert_eq!(page.total, 3, "the unevaluated VPC is not listed");
    assert_eq!(names(&page), ["alice", "assets", "logs"], "sorted by name");
    let logs = row(&page, LOGS).clone();
    assert_eq!(
        (
            logs.failed,
            logs.passed,
            logs.first_discovered,
            logs.last_found
        ),
        (1, 1, t2, t2)
    );
    assert_eq!(
        (row(&page, ASSETS).failed, row(&page, ASSETS).passed),
        (1, 1)
    );
    assert_eq!(
        (row(&page, ALICE).failed, row(&page, ALICE).passed),
        (1, 0),
        "ERROR counts neither way"
    );
    let alice = row(&page, ALICE).clone();
    list_queries(store, tid);

    let (detail, details) = must("resource", store.resource(tid, logs.id));
    assert_eq!(detail, logs);
    assert_eq!(details, resources1[0].details);
    resource_evaluation_queries(store, tid, &shown, logs.id, t2);
    let mut of: Vec<(i64, u32)> = must(
        "evaluations of",
        store.evaluations_of(tid, &[logs.id, alice.id]),
    )
    .into_iter()
    .map(|(id, e)| (id, e.cid))
    .collect();
    of.sort();
    let mut expected = vec![
        (logs.id, 101),
        (logs.id, 102),
        (alice.id, 201),
        (alice.id, 301),
    ];
    expected.sort();
    assert_eq!(of, expected);

    // --- the second run replaces the first's results ------------------------
    let early = store.request_run(tid, report.id, t1 + minutes(30), hour);
    match early {
        Err(StoreError::TooSoon { retry_after }) => assert_eq!(retry_after, minutes(30)),
        other => panic!("a run 30 minutes after the last should be TooSoon, got {other:?}"),
    }
    let t3 = t1 + hour;
    let mut logs_now = resource(0, ACCOUNT, LOGS, "aws.s3.bucket", "logs", "us-east-2");
    logs_now.details = serde_json::json!({ "versioning": true });
    let resources2 = [
        logs_now.clone(),
        resource(1, ACCOUNT, FRESH, "aws.s3.bucket", "fresh", "us-east-1"),
    ];
    let evaluations2 = [
        evaluation(0, 101, Status::Pass, None),
        evaluation(1, 101, Status::Fail, Some("versioning is off")),
    ];
    let run2 = complete_run(store, tid, report.id, t3, &resources2, &evaluations2);
    let t4 = t3 + minutes(10);
    assert_eq!(run2.finished_at, Some(t4));
    let page = all_resources(store, tid);
    assert_eq!(
        names(&page),
        ["fresh", "logs"],
        "only the current run's resources"
    );
    let logs2 = row(&page, LOGS);
    assert_eq!(logs2.id, logs.id, "a resource keeps its id across runs");
    assert_eq!(
        (
            logs2.first_discovered,
            logs2.last_found,
            logs2.region.as_str(),
            logs2.failed,
            logs2.passed
        ),
        (t2, t4, "us-east-2", 0, 1),
        "first discovery kept, last found moved, the rest replaced"
    );
    assert_eq!(
        must("resource", store.resource(tid, logs.id)).1,
        logs_now.details
    );
    let (was, _) = must(
        "resource out of current results",
        store.resource(tid, alice.id),
    );
    assert_eq!(was.last_found, t2, "an unseen resource stays until purged");
    assert_eq!(
        must("outcomes", store.control_outcomes(tid, report.id)),
        outcome(t4, &evaluations2).controls
    );
    assert_eq!(
        must("old run", store.run(tid, run1.id)),
        run1,
        "a replaced run stays as history"
    );
    let (total, evs) = must(
        "evaluations",
        store.resource_evaluations(
            tid,
            logs.id,
            &EvaluationQuery {
                top: 10,
                ..Default::default()
            },
        ),
    );
    assert_eq!(total, 1);
    assert_eq!(
        (evs[0].cid, evs[0].status, evs[0].evaluated_on),
        (101, Status::Pass, t4)
    );

    // --- a failed run leaves the results alone -------------------------------
    let t5 = t3 + hour;
    let run3 = must("request", store.request_run(tid, report.id, t5, hour));
    take_job(store, "w1", t5, run3.id);
    must("stage", store.put_run_resources(run3.id, &resources1));
    must("stage", store.put_run_evaluations(run3.id, &evaluations1));
    must(
        "fail",
        store.fail_run(run3.id, "collector crashed", t5 + minutes(1)),
    );
    let failed = must("run", store.run(tid, run3.id));
    assert_eq!(
        (failed.state, failed.error.as_deref(), failed.finished_at),
        (
            RunState::Failed,
            Some("collector crashed"),
            Some(t5 + minutes(1))
        )
    );
    assert!(
        store
            .publish_run(run3.id, &outcome(t5, &evaluations1))
            .is_err(),
        "a failed run cannot be published"
    );
    let shown = must("report", store.report(tid, report.id));
    assert_eq!(shown.current_run, Some(run2.id));
    assert_eq!(shown.latest_run.map(|r| r.id), Some(run3.id));
    assert_eq!(names(&all_resources(store, tid)), ["fresh", "logs"]);

    // --- retention ----------------------------------------------------------
    let purged = must("purge", store.purge_before(t4));
    assert_eq!(
        purged,
        Purged {
            runs: 1,
            evaluations: 0,
            resources: 3
        },
        "run 1 (its results already replaced) and the resources last found with it"
    );
    assert_not_found("purged run", store.run(tid, run1.id));
    assert_not_found("purged resource", store.resource(tid, alice.id));
    assert_eq!(
        must("report", store.report(tid, report.id)).current_run,
        Some(run2.id)
    );
    assert_eq!(names(&all_resources(store, tid)), ["fresh", "logs"]);

    let purged = must("purge", store.purge_before(t5 + minutes(2)));
    assert_eq!(
        purged,
        Purged {
            runs: 2,
            evaluations: 2,
            resources: 2
        },
        "the current and the failed run, and what run 2 found"
    );
    let emptied = must("report", store.report(tid, report.id));
    assert_eq!((emptied.current_run, emptied.latest_run), (None, None));
    assert!(must("outcomes", store.control_outcomes(tid, report.id)).is_empty());
    assert_eq!(all_resources(store, tid).total, 0);
    assert_eq!(
        must(
            "totals",
            store.resource_totals(tid, &ResourceQuery::default())
        ),
        ResourceTotals::default()
    );
    drain_jobs(store, t5 + hour);
}
