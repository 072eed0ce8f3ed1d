//! S3 bucket regions from a paginated ListBuckets. Real S3 answers a
//! listing that asks for a page size with each bucket's region; moto does
//! not, so the test proxy serves that answer for buckets that exist in
//! moto. A bucket with a listed region is read there without a
//! GetBucketLocation; one listed without a region still gets its location
//! read, as against moto and older S3 implementations.

mod support;

use support::Moto;
use support::proxy::{Canned, Proxy, Rules};

const KIND: &str = "aws.s3.bucket";

const LISTING: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>owner</ID></Owner><Buckets><Bucket><Name>acme-east</Name><CreationDate>2025-03-01T10:00:00.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket><Bucket><Name>acme-west</Name><CreationDate>2025-03-02T10:00:00.000Z</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket><Bucket><Name>acme-legacy</Name><CreationDate>2025-03-03T10:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>"#;

async fn seed(moto: &Moto) {
    for (name, region) in [
        ("acme-east", "us-east-1"),
        ("acme-west", "eu-west-1"),
        ("acme-legacy", "eu-west-1"),
    ] {
        let config = support::sdk_config(moto, region).await;
        let s3 = support::s3_client(&config);
        let mut create = s3.create_bucket().bucket(name);
        if region != "us-east-1" {
            create = create.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(region.into())
                    .build(),
            );
        }
        create.send().await.expect("create bucket");
        s3.put_bucket_versioning()
            .bucket(name)
            .versioning_configuration(
                aws_sdk_s3::types::VersioningConfiguration::builder()
                    .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .expect("versioning");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_regions_replace_get_bucket_location() {
    let moto = Moto::start();
    seed(&moto).await;
    let proxy = Proxy::start(
        &moto.endpoint,
        Rules {
            // The service root with a query string is ListBuckets only:
            // every bucket call starts with `/BUCKET` (path style).
            canned: vec![Canned {
                service: "s3".into(),
                path_prefix: "/?".into(),
                status: 200,
                body: LISTING.into(),
            }],
            ..Rules::default()
        },
    );
    let (resources, errors, _) =
        support::run_at(&proxy.endpoint, &[KIND], &["us-east-1", "eu-west-1"]).await;

    let calls = proxy.calls();
    let listings: Vec<_> = calls.iter().filter(|c| c.outcome == "canned").collect();
    let [listing] = listings.as_slice() else {
        panic!("one ListBuckets: {calls:#?}");
    };
    assert!(
        listing.operation.contains("max-buckets=10000"),
        "the listing asks for a page size: {}",
        listing.operation
    );
    let locations: Vec<&str> = calls
        .iter()
        .filter(|c| c.operation.contains("?location"))
        .map(|c| c.operation.as_str())
        .collect();
    assert_eq!(locations.len(), 1, "{locations:#?}");
    assert!(
        locations[0].starts_with("GET /acme-legacy/?location"),
        "{locations:?}"
    );

    let regions: Vec<(&str, &str)> = resources
        .iter()
        .map(|r| (r.name.as_str(), r.region.as_str()))
        .collect();
    assert_eq!(
        regions,
        [
            ("acme-east", "us-east-1"),
            ("acme-legacy", "eu-west-1"),
            ("acme-west", "eu-west-1"),
        ]
    );
    // The listing's creation dates, and each bucket's own settings.
    assert_eq!(
        resources[0].config["creation_date"], "2025-03-01T10:00:00Z",
        "{:#?}",
        resources[0]
    );
    for record in &resources {
        assert_eq!(
            record.config["versioning"]["status"], "Enabled",
            "{record:#?}"
        );
    }
    let unexpected: Vec<_> = errors
        .iter()
        .filter(|e| e.action != "s3:GetBucketPolicyStatus")
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    support::assert_schemas(&resources, |_| vec!["policy_is_public"]);
}
