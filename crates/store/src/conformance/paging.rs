//! The resource list held against itself: every page of every sort, in
//! both directions, under filters and searches, is the matching slice of
//! the whole list; the whole list is sorted as asked with ties broken by
//! id; totals add up the listed rows; and the export streams exactly the
//! whole list. Backends answer pages in different ways by page depth and
//! selectivity (from either end of an index, sorted in memory), and this
//! check sees them all agree. Lives in 2027.

use super::fixtures::*;
use crate::store::Store;
use crate::types::*;
use posture_model::{Provider, Status};
use std::cmp::Ordering;

const ACCOUNT_A: &str = "100000000001";
const ACCOUNT_B: &str = "100000000002";
const KINDS: [&str; 3] = ["aws.s3.bucket", "aws.ec2.instance", "aws.iam.role"];
const REGIONS: [&str; 3] = ["eu-west-1", "us-east-1", "ap-south-1"];

/// Resource `i` of `account`: names repeat and differ in case, so the sort
/// needs the id to break ties and the search must ignore ASCII case only.
fn item(i: u32, account: &str) -> RunResource {
    let kind = KINDS[i as usize % 3];
    let name = match i % 5 {
        0 => format!("Bucket-{:02}", i / 2),
        1 => format!("bucket-{:02}", i / 2),
        2 => "shared-name".to_owned(),
        3 => format!("Ünïcode-{i}"),
        _ => format!("web_{i}%"),
    };
    let id = format!("arn:aws:{kind}:{account}:thing/{i:03}");
    resource(i, account, &id, kind, &name, REGIONS[i as usize % 3])
}

/// One to three evaluations, so `failed` has ties.
fn checks(i: u32) -> Vec<RunEvaluation> {
    (0..1 + i % 3)
        .map(|c| {
            let status = if (i + c).is_multiple_of(3) {
                Status::Fail
            } else {
                Status::Pass
            };
            evaluation(i, 10 + c, status, None)
        })
        .collect()
}

fn publish(store: &dyn Store, tid: TenantId, report: i64, at: Timestamp, account: &str, n: u32) {
    let resources: Vec<_> = (0..n).map(|i| item(i, account)).collect();
    let evaluations: Vec<_> = (0..n).flat_map(checks).collect();
    complete_run(store, tid, report, at, &resources, &evaluations);
}

fn compare(sort: ResourceSort, a: &ResourceRow, b: &ResourceRow) -> Ordering {
    let by = match sort {
        ResourceSort::Name => a.name.cmp(&b.name),
        ResourceSort::Kind => a.kind.cmp(&b.kind),
        ResourceSort::CloudAccount => a.cloud_account.cmp(&b.cloud_account),
        ResourceSort::Region => a.region.cmp(&b.region),
        ResourceSort::DateDiscovered => a.first_discovered.cmp(&b.first_discovered),
        ResourceSort::DateLastFound => a.last_found.cmp(&b.last_found),
        ResourceSort::Failed => a.failed.cmp(&b.failed),
    };
    by.then(a.id.cmp(&b.id))
}

pub fn paging_and_export(store: &dyn Store) {
    let t = time(2027, 1, 1, 0, 0);
    let tid = new_tenant(store, "paging", t).id;
    let a = new_connector(store, tid, Provider::Aws, ACCOUNT_A, t);
    let b = new_connector(store, tid, Provider::Aws, ACCOUNT_B, t);
    let ra = new_report(store, tid, &a, "cis", t);
    let rb = new_report(store, tid, &b, "cis", t);
    // Twice for account A, so first discovery differs between resources.
    publish(store, tid, ra.id, t, ACCOUNT_A, 14);
    publish(store, tid, ra.id, t + minutes(60), ACCOUNT_A, 31);
    publish(store, tid, rb.id, t + minutes(120), ACCOUNT_B, 17);
    // Another tenant with the same resources, to be left out of every list.
    let other = new_tenant(store, "paging-other", t).id;
    let oc = new_connector(store, other, Provider::Aws, ACCOUNT_A, t);
    let or = new_report(store, other, &oc, "cis", t);
    publish(store, other, or.id, t, ACCOUNT_A, 20);

    let queries = [
        ResourceQuery::default(),
        ResourceQuery {
            kind: Some(KINDS[1].to_owned()),
            ..Default::default()
        },
        ResourceQuery {
            cloud_account: Some(ACCOUNT_B.to_owned()),
            ..Default::default()
        },
        ResourceQuery {
            provider: Some(Provider::Aws),
            cloud_account: Some(ACCOUNT_A.to_owned()),
            kind: Some(KINDS[0].to_owned()),
            ..Default::default()
        },
        ResourceQuery {
            search: Some("BUCKET".to_owned()),
            ..Default::default()
        },
        ResourceQuery {
            search: Some("b".to_owned()),
            cloud_account: Some(ACCOUNT_A.to_owned()),
            ..Default::default()
        },
        ResourceQuery {
            search: Some("_1".to_owned()),
            ..Default::default()
        },
        ResourceQuery {
            search: Some("thing/00".to_owned()),
            kind: Some(KINDS[2].to_owned()),
            ..Default::default()
        },
        ResourceQuery {
            search: Some("iam".to_owned()),
            ..Default::default()
        },
        ResourceQuery {
            search: Some("nothing-like-it".to_owned()),
            ..Default::default()
        },
    ];
    for base in &queries {
        for sort in [
            ResourceSort::Name,
            ResourceSort::Kind,
            ResourceSort::CloudAccount,
            ResourceSort::Region,
            ResourceSort::DateDiscovered,
            ResourceSort::DateLastFound,
            ResourceSort::Failed,
        ] {
            for descending in [false, true] {
                let q = ResourceQuery {
                    sort,
                    descending,
                    ..base.clone()
                };
                check_query(store, tid, &q);
            }
        }
    }

    let all = all_resources(store, tid);
    assert_eq!(all.total, 48, "31 in account A and 17 in B");
    let mut seen = 0;
    let sent = must(
        "export, stopped",
        store.export_resources(tid, &ResourceQuery::default(), &mut |_| {
            seen += 1;
            seen < 5
        }),
    );
    assert_eq!((sent, seen), (5, 5), "the export stops when told");
    assert_eq!(
        must(
            "export of nothing",
            store.export_resources(
                tid,
                &ResourceQuery {
                    kind: Some("aws.none".to_owned()),
                    ..Default::default()
                },
                &mut |_| true
            )
        ),
        0
    );
    let search = |s: &str| {
        let q = ResourceQuery {
            search: Some(s.to_owned()),
            top: 100,
            ..Default::default()
        };
        must("search", store.resources(tid, &q)).total
    };
    assert_eq!(search("ÜN"), 9, "ASCII letters ignore case");
    assert_eq!(search("ün"), 0, "other letters match as they are");
    drain_jobs(store, t + minutes(180));
}

/// Pages against the whole list, the whole list against its sort, the
/// totals against the rows and the export against the whole list.
fn check_query(store: &dyn Store, tid: TenantId, q: &ResourceQuery) {
    let list = |skip: u64, top: u64| {
        must(
            "list",
            store.resources(
                tid,
                &ResourceQuery {
                    skip,
                    top,
                    ..q.clone()
                },
            ),
        )
    };
    let all = list(0, 1000);
    let n = all.rows.len();
    assert_eq!(all.total as usize, n, "{q:?}: the total counts the rows");
    for pair in all.rows.windows(2) {
        let order = compare(q.sort, &pair[0], &pair[1]);
        let expected = if q.descending {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        assert_eq!(order, expected, "{q:?}: rows out of order: {pair:#?}");
    }
    for top in [1, 7] {
        for skip in 0..=n as u64 + 1 {
            let page = list(skip, top);
            let from = (skip as usize).min(n);
            let to = (from + top as usize).min(n);
            assert_eq!(page.total as usize, n, "{q:?} skip {skip} top {top}");
            assert_eq!(
                page.rows,
                all.rows[from..to],
                "{q:?} skip {skip} top {top}: not the slice of the whole list"
            );
        }
    }
    let totals = must("totals", store.resource_totals(tid, q));
    let mut accounts: Vec<_> = all.rows.iter().map(|r| &r.cloud_account).collect();
    accounts.sort();
    accounts.dedup();
    assert_eq!(
        totals,
        ResourceTotals {
            controls_failed: all.rows.iter().map(|r| r.failed).sum(),
            controls_passed: all.rows.iter().map(|r| r.passed).sum(),
            resources: n as i64,
            accounts: accounts.len() as i64,
        },
        "{q:?}: totals add up the rows"
    );
    let mut exported = Vec::new();
    let sent = must(
        "export",
        store.export_resources(
            tid,
            &ResourceQuery {
                skip: 3,
                top: 2,
                ..q.clone()
            },
            &mut |r| {
                exported.push(r);
                true
            },
        ),
    );
    assert_eq!(sent as usize, n, "{q:?}: the export ignores the page");
    assert_eq!(exported, all.rows, "{q:?}: the export is the whole list");
}
