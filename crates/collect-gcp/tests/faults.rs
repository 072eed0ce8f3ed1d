//! Partial failure against the fake: throttling and server errors are
//! retried (attempts seen at the fake), a disabled API and a denied
//! permission become collection errors naming the API or permission, and
//! the rest of the run goes on.

mod support;

use posture_model::CollectionError;
use support::fake::{self, Fake, PROJECT};

const P: &str = PROJECT;

fn error_for<'a>(errors: &'a [CollectionError], kind: &str) -> &'a CollectionError {
    errors
        .iter()
        .find(|e| e.kind.as_str() == kind)
        .unwrap_or_else(|| panic!("no collection error for {kind}: {errors:#?}"))
}

#[tokio::test]
async fn throttling_quota_and_server_errors_are_retried() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    fake.fault("/global/firewalls", 429, fake::quota_exhausted(), 2);
    fake.fault("/storage/v1/b", 403, fake::rate_limited(), 1);
    fake.fault(&format!("/v1/projects/{P}/instances"), 503, serde_json::json!({"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}), 1);
    let (resources, errors, _) = support::collect(
        session,
        &[
            "gcp.compute.firewall",
            "gcp.storage.bucket",
            "gcp.sql.instance",
        ],
    )
    .await;
    assert!(errors.is_empty(), "{errors:#?}");
    let count = |kind: &str| resources.iter().filter(|r| r.kind.as_str() == kind).count();
    assert_eq!(
        (
            count("gcp.compute.firewall"),
            count("gcp.storage.bucket"),
            count("gcp.sql.instance")
        ),
        (3, 2, 3)
    );
    assert_eq!(
        fake.hits("/global/firewalls"),
        4,
        "two refusals, then both pages"
    );
    assert_eq!(
        fake.hits("/storage/v1/b"),
        4,
        "one refusal, the list, two bucket policies"
    );
    assert_eq!(
        fake.hits(&format!("/v1/projects/{P}/instances")),
        3,
        "one refusal, then both pages"
    );
}

#[tokio::test]
async fn retries_stop_at_max_attempts_and_the_failure_is_data() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    fake.fault("/alertPolicies", 429, fake::quota_exhausted(), 100);
    let (resources, errors, _) = support::collect(
        session,
        &["gcp.monitoring.alert_policy", "gcp.logging.sink"],
    )
    .await;
    assert_eq!(fake.hits("/alertPolicies"), 4, "max_attempts is 4");
    let error = error_for(&errors, "gcp.monitoring.alert_policy");
    assert_eq!(error.action, "monitoring.alertPolicies.list");
    assert_eq!(
        error.permission, None,
        "throttling is not a missing permission"
    );
    assert!(
        error.message.contains("RESOURCE_EXHAUSTED"),
        "{}",
        error.message
    );
    assert!(
        resources
            .iter()
            .any(|r| r.kind.as_str() == "gcp.logging.sink"),
        "the rest of the run went on"
    );
}

#[tokio::test]
async fn a_disabled_api_is_named_and_the_run_goes_on() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    fake.disable_api(
        &format!("/v1/projects/{P}/instances"),
        "sqladmin.googleapis.com",
    );
    let (resources, errors, _) =
        support::collect(session, &["gcp.sql.instance", "gcp.compute.network"]).await;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = error_for(&errors, "gcp.sql.instance");
    assert_eq!(
        error.permission.as_deref(),
        Some("enable sqladmin.googleapis.com")
    );
    assert_eq!(error.action, "cloudsql.instances.list");
    assert_eq!(error.resource_id, None);
    assert!(
        error
            .message
            .contains("sqladmin.googleapis.com API is not enabled"),
        "{}",
        error.message
    );
    assert_eq!(
        fake.hits(&format!("/v1/projects/{P}/instances")),
        1,
        "not retried"
    );
    assert_eq!(
        resources
            .iter()
            .filter(|r| r.kind.as_str() == "gcp.compute.network")
            .count(),
        2
    );
}

#[tokio::test]
async fn denied_permissions_are_named_for_lists_and_single_resources() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    fake.deny("/serviceAccounts", "iam.serviceAccounts.list");
    fake.deny(
        "/b/posture-public-assets/iam",
        "storage.buckets.getIamPolicy",
    );
    let (resources, errors, _) = support::collect(
        session,
        &[
            "gcp.iam.service_account",
            "gcp.storage.bucket",
            "gcp.iam.custom_role",
        ],
    )
    .await;
    let accounts = error_for(&errors, "gcp.iam.service_account");
    assert_eq!(
        accounts.permission.as_deref(),
        Some("iam.serviceAccounts.list")
    );
    assert_eq!(accounts.region, "global");
    assert_eq!(accounts.resource_id, None);
    let bucket = error_for(&errors, "gcp.storage.bucket");
    assert_eq!(
        bucket.permission.as_deref(),
        Some("storage.buckets.getIamPolicy")
    );
    assert_eq!(
        bucket.resource_id.as_deref(),
        Some("//storage.googleapis.com/projects/_/buckets/posture-public-assets")
    );
    assert_eq!(bucket.region, "us");
    let buckets: Vec<_> = resources
        .iter()
        .filter(|r| r.kind.as_str() == "gcp.storage.bucket")
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        buckets,
        ["posture-audit-logs"],
        "the readable bucket is still collected"
    );
    assert_eq!(
        resources
            .iter()
            .filter(|r| r.kind.as_str() == "gcp.iam.custom_role")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_denied_side_call_leaves_out_only_its_fields() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    fake.deny("/services", "serviceusage.services.list");
    let (resources, errors, _) = support::collect(session, &["gcp.resourcemanager.project"]).await;
    let project = support::find(&resources, "gcp.resourcemanager.project", P);
    assert!(!project.config.contains_key("enabled_services"));
    assert!(project.config.contains_key("essential_contacts"));
    let error = error_for(&errors, "gcp.resourcemanager.project");
    assert_eq!(
        error.permission.as_deref(),
        Some("serviceusage.services.list")
    );
    assert_eq!(error.resource_id.as_deref(), Some(project.id.as_str()));
}

#[tokio::test]
async fn the_token_is_reused_across_the_run() {
    let fake = Fake::start().await;
    let session = support::connect(&fake).await;
    let _ = support::collect(session, &[]).await;
    assert_eq!(fake.token_requests(), 1, "one token for the whole run");
    assert!(fake.requests().len() > 30);
}
