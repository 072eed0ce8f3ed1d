//! Kill-and-restart during a run: a worker dies holding a run; the report
//! keeps showing its previous results; after a restart, another worker
//! claims the job once its lease ran out and finishes it.

mod support;

use posture_server::ManualClock;
use posture_store::{RunEvaluation, RunResource};
use reqwest::StatusCode;
use std::sync::Arc;
use support::{Server, Setup, start_time};

#[tokio::test]
async fn an_interrupted_run_is_retried_and_the_previous_results_stay() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let server = Server::start(dir.path(), Setup::default(), clock.clone()).await;
    let tokens = support::tenants(&server.state);
    let connector = support::offline_sample(&server, &tokens.admin).await;
    let report = support::report(&server, &tokens.admin, connector, "hipaa-security-rule").await;
    let (_, before) = server
        .get(&tokens.admin, &format!("/cspm/report/{report}"))
        .await;
    assert_eq!(before["state"], "complete");
    let first_run_date = before["lastRunDate"].clone();

    // A second run an hour later, claimed by a worker that then dies
    // after staging part of its results.
    clock.advance(chrono::Duration::minutes(61));
    let (status, queued) = server
        .post(
            &tokens.admin,
            &format!("/cspm/report/run?reportConfigId={report}"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    let run = queued["runId"].as_i64().expect("a run id");
    let store = Arc::clone(&server.state.store);
    let now = posture_server::Clock::now(clock.as_ref());
    let job = store
        .claim_job("doomed-worker", now, now + chrono::Duration::seconds(60))
        .expect("claim")
        .expect("the run's job");
    assert_eq!(job.subject, run);
    store.mark_run_running(run).expect("running");
    store
        .put_run_resources(
            run,
            &[RunResource {
                index: 0,
                provider: posture_model::Provider::Aws,
                cloud_account: "123456789012".into(),
                resource_id: "arn:aws:s3:::half-written".into(),
                kind: "aws.s3.bucket".into(),
                name: "half-written".into(),
                region: "us-east-1".into(),
                details: serde_json::json!({}),
            }],
        )
        .expect("stage");
    store
        .put_run_evaluations(
            run,
            &[RunEvaluation {
                resource: 0,
                cid: 1000,
                status: posture_model::Status::Fail,
                message: None,
            }],
        )
        .expect("stage");
    server.stop().await;

    // Restart on the same data directory.
    let server = Server::start(dir.path(), Setup::default(), clock.clone()).await;
    let (_, during) = server
        .get(&tokens.admin, &format!("/cspm/report/{report}"))
        .await;
    assert_eq!(
        during["lastRunDate"], first_run_date,
        "the previous results are shown"
    );
    assert_eq!(during["passCount"], before["passCount"]);
    assert_eq!(during["state"], "running");
    let (_, search) = server
        .get(&tokens.admin, "/cspm/resources?search=half-written")
        .await;
    assert_eq!(search["total"], 0, "staged rows are invisible: {search}");

    // Within the lease nobody takes the job; after it, this worker does.
    assert_eq!(server.drain().await, 0);
    clock.advance(chrono::Duration::seconds(61));
    assert_eq!(server.drain().await, 1);
    let (_, after) = server
        .get(&tokens.admin, &format!("/cspm/report/{report}"))
        .await;
    assert_eq!(after["state"], "complete", "{after}");
    assert_ne!(
        after["lastRunDate"], first_run_date,
        "the retried run published"
    );
    assert_eq!(
        after["passCount"], before["passCount"],
        "same estate, same results"
    );
    let (_, search) = server
        .get(&tokens.admin, "/cspm/resources?search=half-written")
        .await;
    assert_eq!(
        search["total"], 0,
        "the interrupted attempt's rows are gone"
    );
    server.stop().await;
}
