//! IAM Access Analyzer, which moto does not implement: the test proxy
//! answers ListAnalyzers with two pages shaped as the REST API returns
//! them (and an empty list in a second run), everything else goes to moto.
//! The collector reads both pages into one record per region that matches
//! the kind's schema and that the CIS control judges.

mod support;

use posture_model::Status;
use support::Moto;
use support::proxy::{Canned, Proxy, Rules};

const KIND: &str = "aws.iam.access_analyzer";

const FIRST_PAGE: &str = r#"{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/external-access","name":"external-access","type":"ACCOUNT","createdAt":"2025-07-14T09:30:00Z","lastResourceAnalyzed":"arn:aws:s3:::acme-logs","lastResourceAnalyzedAt":"2025-11-20T08:15:42Z","status":"ACTIVE","tags":{"team":"security"}}],"nextToken":"page-2"}"#;

const SECOND_PAGE: &str = r#"{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused-access","name":"unused-access","type":"ACCOUNT_UNUSED_ACCESS","createdAt":"2025-10-30T00:00:00Z","status":"ACTIVE","configuration":{"unusedAccess":{"unusedAccessAge":90}},"tags":{}}]}"#;

fn canned(path_prefix: &str, body: &str) -> Canned {
    Canned {
        service: "access-analyzer".into(),
        path_prefix: path_prefix.into(),
        status: 200,
        body: body.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyzers_of_every_page_are_collected_and_judged() {
    let moto = Moto::start();
    let proxy = Proxy::start(
        &moto.endpoint,
        Rules {
            // The more specific prefix first: the first match answers.
            canned: vec![
                canned("/analyzer?nextToken=page-2", SECOND_PAGE),
                canned("/analyzer", FIRST_PAGE),
            ],
            ..Rules::default()
        },
    );
    let (resources, errors, _) = support::run_at(&proxy.endpoint, &[KIND], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(proxy.count("canned"), 2, "{:#?}", proxy.calls());

    let [record] = resources.as_slice() else {
        panic!("one record per region: {resources:#?}");
    };
    assert_eq!(
        record.id,
        "arn:aws:access-analyzer:us-east-1:123456789012:analyzers"
    );
    assert_eq!(record.name, "access-analyzer/us-east-1");
    assert_eq!(record.region, "us-east-1");
    support::assert_schemas(&resources, |_| vec![]);
    assert_eq!(
        record.config["analyzers"],
        serde_json::json!([
            {"arn": "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/external-access",
             "name": "external-access", "type": "ACCOUNT", "status": "ACTIVE",
             "created_at": "2025-07-14T09:30:00Z"},
            {"arn": "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused-access",
             "name": "unused-access", "type": "ACCOUNT_UNUSED_ACCESS", "status": "ACTIVE",
             "created_at": "2025-10-30T00:00:00Z"},
        ])
    );
    assert_eq!(
        support::evaluate("aws_iam_access_analyzer_enabled", record),
        Status::Pass
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_without_analyzers_still_has_a_record_that_fails() {
    let moto = Moto::start();
    let proxy = Proxy::start(
        &moto.endpoint,
        Rules {
            canned: vec![canned("/analyzer", r#"{"analyzers":[]}"#)],
            ..Rules::default()
        },
    );
    let (resources, errors, _) =
        support::run_at(&proxy.endpoint, &[KIND], &["us-east-1", "eu-west-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    let regions: Vec<&str> = resources.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    for record in &resources {
        assert_eq!(record.config["analyzers"], serde_json::json!([]));
        assert_eq!(
            support::evaluate("aws_iam_access_analyzer_enabled", record),
            Status::Fail
        );
    }
}
