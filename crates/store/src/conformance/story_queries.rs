//! The story's queries over its first results: the resource list's
//! filters, search, sort and paging, and one resource's evaluations.

use super::fixtures::*;
use super::story::ACCOUNT;
use crate::store::Store;
use crate::types::*;
use posture_model::{Provider, Status};

/// Filters, search, sorting and paging over the story's first results:
/// alice, assets and logs.
pub(super) fn list_queries(store: &dyn Store, tid: TenantId) {
    let list = |q: ResourceQuery| {
        must(
            "list",
            store.resources(
                tid,
                &ResourceQuery {
                    top: if q.top == 0 { 100 } else { q.top },
                    ..q
                },
            ),
        )
    };
    let by_kind = list(ResourceQuery {
        kind: Some("aws.s3.bucket".to_owned()),
        ..Default::default()
    });
    assert_eq!(names(&by_kind), ["assets", "logs"]);
    let elsewhere = list(ResourceQuery {
        cloud_account: Some("999999999999".to_owned()),
        ..Default::default()
    });
    assert_eq!(elsewhere.total, 0);
    let azure = list(ResourceQuery {
        provider: Some(Provider::Azure),
        ..Default::default()
    });
    assert_eq!(azure.total, 0);
    let ours = list(ResourceQuery {
        provider: Some(Provider::Aws),
        cloud_account: Some(ACCOUNT.to_owned()),
        ..Default::default()
    });
    assert_eq!(ours.total, 3);

    let search = |s: &str| {
        let page = list(ResourceQuery {
            search: Some(s.to_owned()),
            ..Default::default()
        });
        names(&page)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(search("LOG"), ["logs"], "search ignores case");
    assert_eq!(search("iam"), ["alice"], "search reads kind and cloud id");
    assert_eq!(
        search("s3:::"),
        ["assets", "logs"],
        "search reads the cloud id"
    );
    assert!(search("%").is_empty(), "wildcards match themselves");
    assert!(search("_").is_empty(), "wildcards match themselves");

    let sorted = |sort: ResourceSort, descending: bool| {
        let page = list(ResourceQuery {
            sort,
            descending,
            ..Default::default()
        });
        names(&page)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        sorted(ResourceSort::Region, false),
        ["assets", "alice", "logs"]
    );
    assert_eq!(
        sorted(ResourceSort::Region, true),
        ["logs", "alice", "assets"]
    );
    assert_eq!(
        sorted(ResourceSort::Name, true),
        ["logs", "assets", "alice"]
    );
    assert_eq!(sorted(ResourceSort::Kind, false)[0], "alice");

    let page = list(ResourceQuery {
        skip: 1,
        top: 1,
        ..Default::default()
    });
    assert_eq!((page.total, names(&page)), (3, vec!["assets"]));
    let past = list(ResourceQuery {
        skip: 5,
        top: 10,
        ..Default::default()
    });
    assert_eq!((past.total, past.rows.len()), (3, 0));

    let totals = |q: ResourceQuery| must("totals", store.resource_totals(tid, &q));
    assert_eq!(
        totals(ResourceQuery {
            top: 1,
            skip: 2,
            ..Default::default()
        }),
        ResourceTotals {
            controls_failed: 3,
            controls_passed: 2,
            resources: 3,
            accounts: 1
        },
        "totals ignore the page"
    );
    assert_eq!(
        totals(ResourceQuery {
            search: Some("s3".to_owned()),
            ..Default::default()
        }),
        ResourceTotals {
            controls_failed: 2,
            controls_passed: 2,
            resources: 2,
            accounts: 1
        }
    );
}

/// Filters, search and paging over the logs bucket's two evaluations.
pub(super) fn resource_evaluation_queries(
    store: &dyn Store,
    tid: TenantId,
    report: &Report,
    logs: i64,
    evaluated_on: Timestamp,
) {
    let query = |q: EvaluationQuery| {
        let (total, page) = must(
            "resource evaluations",
            store.resource_evaluations(
                tid,
                logs,
                &EvaluationQuery {
                    top: if q.top == 0 { 10 } else { q.top },
                    ..q
                },
            ),
        );
        (total, page.iter().map(|e| e.cid).collect::<Vec<_>>())
    };
    let (total, all) = must(
        "resource evaluations",
        store.resource_evaluations(
            tid,
            logs,
            &EvaluationQuery {
                top: 10,
                ..Default::default()
            },
        ),
    );
    assert_eq!(total, 2);
    assert_eq!(
        all[0],
        ResourceEvaluation {
            report: report.id,
            report_title: report.title.clone(),
            cid: 101,
            status: Status::Fail,
            message: Some("versioning is off".to_owned()),
            evaluated_on,
        }
    );
    assert_eq!(all[1].cid, 102);
    let failing = query(EvaluationQuery {
        status: Some(Status::Fail),
        ..Default::default()
    });
    assert_eq!(failing, (1, vec![101]));
    let by_cid = query(EvaluationQuery {
        search: Some("102".to_owned()),
        ..Default::default()
    });
    assert_eq!(by_cid, (1, vec![102]));
    let by_title = query(EvaluationQuery {
        search: Some(report.title.to_uppercase()),
        ..Default::default()
    });
    assert_eq!(by_title, (2, vec![101, 102]));
    let other_report = query(EvaluationQuery {
        report: Some(report.id + 1_000_000),
        ..Default::default()
    });
    assert_eq!(other_report, (0, vec![]));
    let second = query(EvaluationQuery {
        skip: 1,
        top: 1,
        ..Default::default()
    });
    assert_eq!(second, (2, vec![102]));
}
