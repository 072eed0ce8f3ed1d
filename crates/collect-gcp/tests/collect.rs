//! Collection against the fake: paging, only the requested kinds read,
//! every call covered by a declared permission, and every record valid
//! against its kind's schema in the embedded catalogue. The exact field
//! values are in `fields.rs`.

mod support;

use posture_model::Resource;
use support::fake::{Fake, PROJECT};

const P: &str = PROJECT;

async fn everything() -> (
    Fake,
    Vec<Resource>,
    Vec<posture_model::CollectionError>,
    std::sync::Arc<posture_collect_gcp::Session>,
) {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let (resources, errors, _) = support::collect(session.clone(), &[]).await;
    (fake, resources, errors, session)
}

#[tokio::test]
async fn every_record_matches_its_kind_schema_and_has_every_field() {
    let (_fake, resources, _, _) = everything().await;
    let catalog = posture_catalog::Catalog::embedded().expect("the embedded catalogue loads");
    for r in &resources {
        let schema = catalog
            .kind(&r.kind)
            .unwrap_or_else(|| panic!("{} is not in the catalogue", r.kind));
        schema
            .validate(&r.config)
            .unwrap_or_else(|e| panic!("{} {}: {e:?}", r.kind, r.id));
        for path in schema
            .fields
            .keys()
            .filter(|p| !p.contains('.') && !p.contains("[]"))
        {
            assert!(
                r.config.contains_key(path.as_str()),
                "{} {} lacks field {path}",
                r.kind,
                r.id
            );
        }
    }
}

#[tokio::test]
async fn lists_are_read_to_their_last_page() {
    let (fake, resources, _, _) = everything().await;
    let firewalls: Vec<_> = resources
        .iter()
        .filter(|r| r.kind.as_str() == "gcp.compute.firewall")
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        firewalls,
        [
            "default-allow-ssh",
            "prod-allow-internal",
            "prod-deny-egress"
        ],
        "both pages"
    );
    let accounts = resources
        .iter()
        .filter(|r| r.kind.as_str() == "gcp.iam.service_account")
        .count();
    assert_eq!(accounts, 2, "both pages of service accounts");
    let pages: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|(_, path, _)| path.ends_with("/global/firewalls"))
        .map(|(_, _, page)| page)
        .collect();
    assert_eq!(pages, [None, Some("fw-2".to_owned())]);
}

#[tokio::test]
async fn every_call_is_covered_by_a_declared_permission_and_api() {
    let (fake, _, _, session) = everything().await;
    let declared = posture_collect_gcp::permissions::permissions();
    let calls = session.calls().list();
    for call in &calls {
        assert!(
            declared.contains(&call.permission.as_str()),
            "{} {} needs undeclared {}",
            call.method,
            call.path,
            call.permission
        );
        assert!(
            call.method == "GET" || call.path.ends_with(":getIamPolicy"),
            "{} {} is not a read",
            call.method,
            call.path
        );
    }
    // Every request the fake saw went through the recorder.
    for (method, path, _) in fake.requests() {
        let recorded = calls.iter().any(|c| {
            c.method == method
                && percent_encoding::percent_decode_str(&c.path).decode_utf8_lossy() == path
        });
        assert!(recorded, "{method} {path} was not recorded");
    }
    let apis = posture_collect_gcp::permissions::apis();
    for api in [
        "compute.googleapis.com",
        "sqladmin.googleapis.com",
        "cloudkms.googleapis.com",
        "essentialcontacts.googleapis.com",
        "apikeys.googleapis.com",
        "run.googleapis.com",
    ] {
        assert!(apis.contains(&api), "{api}");
    }
}

#[tokio::test]
async fn a_region_filter_keeps_those_regions_and_global_records() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let request = posture_collect::CollectRequest {
        kinds: ["gcp.compute.instance", "gcp.compute.firewall"]
            .iter()
            .map(|k| posture_model::ResourceKind::parse(k).expect("kind"))
            .collect(),
        regions: Some(vec!["us-central1".into()]),
        concurrency: 2,
    };
    let mut names = Vec::new();
    let (attempt, errors) = posture_collect_gcp::collect_each(
        session,
        request,
        std::sync::Arc::new(posture_collect::QuietProgress),
        support::collected_at(),
        |r| {
            names.push(format!("{} {}", r.region, r.name));
            Ok::<(), ()>(())
        },
    )
    .await
    .expect("collect");
    names.sort();
    assert!(errors.is_empty());
    assert_eq!(attempt.regions, ["us-central1"]);
    assert_eq!(
        names,
        [
            "global default-allow-ssh",
            "global prod-allow-internal",
            "global prod-deny-egress",
            "us-central1 web-good"
        ]
    );
}

#[tokio::test]
async fn only_the_requested_kinds_are_read() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let (resources, errors, attempt) = support::collect(session, &["gcp.sql.instance"]).await;
    assert!(errors.is_empty());
    assert!(
        resources
            .iter()
            .all(|r| r.kind.as_str() == "gcp.sql.instance")
    );
    assert_eq!(resources.len(), 3, "both pages of instances");
    let paths: Vec<_> = fake.requests().into_iter().map(|(_, p, _)| p).collect();
    assert_eq!(
        paths,
        [
            format!("/v3/projects/{P}"),
            format!("/v1/projects/{P}/instances"),
            format!("/v1/projects/{P}/instances")
        ]
    );
    assert_eq!(attempt.kinds.len(), 1);
    assert_eq!(
        attempt.regions,
        ["europe-west1", "global", "us-central1", "us-east1"]
    );
}
