//! Retention with a moved clock: runs older than the retention period are
//! purged (their report then shows pending), newer ones stay. Usage counts
//! connectors active per day and per month from the state history.

mod support;

use posture_server::ManualClock;
use std::sync::Arc;
use support::{Server, Setup, start_time};

#[tokio::test]
async fn report_data_older_than_the_retention_period_is_purged() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let server = Server::start(dir.path(), Setup::default(), clock.clone()).await;
    let tokens = support::tenants(&server.state);
    let connector = support::offline_sample(&server, &tokens.admin).await;
    let old = support::report(&server, &tokens.admin, connector, "pci-dss-4.0.1").await;

    // Twelve months on, a second report runs; then two more months pass.
    clock.advance(chrono::Duration::days(365));
    let recent = support::report(&server, &tokens.admin, connector, "hipaa-security-rule").await;
    clock.advance(chrono::Duration::days(60));

    posture_server::jobs::retention::run(&server.state)
        .await
        .expect("the purge runs");

    let (_, purged) = server
        .get(&tokens.admin, &format!("/cspm/report/{old}"))
        .await;
    assert_eq!(
        purged["state"], "pending",
        "14 months old: purged: {purged}"
    );
    assert!(
        purged["requirements"]
            .as_array()
            .expect("a list")
            .is_empty()
    );
    let (_, kept) = server
        .get(&tokens.admin, &format!("/cspm/report/{recent}"))
        .await;
    assert_eq!(kept["state"], "complete", "2 months old: kept");
    let (_, resources) = server.get(&tokens.admin, "/cspm/resources?top=1").await;
    assert!(
        resources["total"].as_u64().expect("total") > 0,
        "the recent run's resources stay"
    );
    server.stop().await;
}

#[tokio::test]
async fn usage_counts_connectors_active_per_day_and_month() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let server = Server::start(dir.path(), Setup::default(), clock.clone()).await;
    let tokens = support::tenants(&server.state);
    // Online from 2 March (the upload), deleted on 5 March.
    let connector = support::offline_sample(&server, &tokens.admin).await;
    clock.advance(chrono::Duration::days(3));
    let (status, _) = server
        .delete(&tokens.admin, &format!("/cspm/connector/{connector}"))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let (status, days) = server
        .get(
            &tokens.admin,
            "/cspm/usage?startDate=2026-03-01&endDate=2026-03-06",
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{days}");
    let counts: Vec<i64> = days
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["connectorsCount"].as_i64().expect("a count"))
        .collect();
    assert_eq!(counts, vec![0, 1, 1, 1, 1, 0], "{days}");
    assert!(days[1]["assetsCount"].as_i64().expect("assets") > 50);
    let (_, months) = server
        .get(
            &tokens.admin,
            "/cspm/usage/monthly?startDate=2026-02-01&endDate=2026-04-30",
        )
        .await;
    let billed: Vec<(String, i64)> = months
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| {
            (
                m["month"].as_str().expect("a month").to_string(),
                m["connectorsCount"].as_i64().expect("a count"),
            )
        })
        .collect();
    assert_eq!(
        billed,
        vec![
            ("2026-02".into(), 0),
            ("2026-03".into(), 1),
            ("2026-04".into(), 0)
        ],
        "{months}"
    );
    // The other tenant's usage is its own.
    let (_, theirs) = server
        .get(
            &tokens.other,
            "/cspm/usage?startDate=2026-03-01&endDate=2026-03-06",
        )
        .await;
    assert!(
        theirs
            .as_array()
            .expect("a list")
            .iter()
            .all(|d| d["connectorsCount"] == 0)
    );
    server.stop().await;
}
