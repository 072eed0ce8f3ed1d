//! Test support for the AWS collector tests.

#![allow(dead_code)]

#[path = "moto.rs"]
mod moto;
#[path = "proxy.rs"]
pub mod proxy;

pub use moto::Moto;

/// SDK configuration pointing at `moto`, with test credentials.
pub async fn sdk_config(moto: &Moto, region: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto.endpoint)
        .region(aws_config::Region::new(region.to_owned()))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "testing", "testing", None, None, "moto",
        ))
        .load()
        .await
}

/// An S3 client on `config` with path-style addressing: moto does not
/// resolve bucket host names.
pub fn s3_client(config: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    )
}

/// Collector options pointing at `moto`.
pub fn options(moto: &Moto) -> posture_collect_aws::AwsOptions {
    options_at(&moto.endpoint)
}

/// Collector options pointing at `endpoint` (moto, or a proxy in front of it).
pub fn options_at(endpoint: &str) -> posture_collect_aws::AwsOptions {
    posture_collect_aws::AwsOptions {
        endpoint_url: Some(endpoint.to_owned()),
        max_attempts: 3,
        // moto accepts any keys; nothing leaves 127.0.0.1.
        access_keys: Some(posture_collect_aws::AccessKeys::new("testing", "testing")),
        ..Default::default()
    }
}

/// Collects `kinds` in `regions` from `moto`: the records sorted by id, the
/// collection errors, and what was attempted.
pub async fn run(
    moto: &Moto,
    kinds: &[&str],
    regions: &[&str],
) -> (
    Vec<posture_model::Resource>,
    Vec<posture_model::CollectionError>,
    posture_collect_aws::Attempt,
) {
    run_at(&moto.endpoint, kinds, regions).await
}

/// [`run`] against `endpoint`.
pub async fn run_at(
    endpoint: &str,
    kinds: &[&str],
    regions: &[&str],
) -> (
    Vec<posture_model::Resource>,
    Vec<posture_model::CollectionError>,
    posture_collect_aws::Attempt,
) {
    use posture_collect::{CollectRequest, Output, QuietProgress};
    use std::sync::Arc;
    let session = posture_collect_aws::Session::connect(&options_at(endpoint))
        .await
        .expect("connect to moto");
    assert_eq!(session.account_id, "123456789012");
    let request = CollectRequest {
        kinds: kinds
            .iter()
            .map(|k| posture_model::ResourceKind::parse(k).expect("kind"))
            .collect(),
        regions: Some(regions.iter().map(|r| (*r).to_owned()).collect()),
        concurrency: 4,
    };
    let (output, mut receiver) = Output::new(64, Arc::new(QuietProgress));
    let consumer = tokio::spawn(async move {
        let mut resources = Vec::new();
        while let Some(r) = receiver.recv().await {
            resources.push(r);
        }
        resources
    });
    let session = Arc::new(session);
    let attempt = posture_collect_aws::collect(
        Arc::clone(&session),
        request,
        output.clone(),
        chrono::Utc::now(),
    )
    .await;
    let errors = output.errors();
    drop(output);
    let mut resources = consumer.await.expect("consumer");
    resources.sort_by(|a, b| a.id.cmp(&b.id));
    assert_policy_covers(&session.calls.snapshot(), &errors);
    (resources, errors, attempt)
}

/// Every API call the run made is allowed by the generated least-privilege
/// policy (`posture aws permissions`), and every collection error names
/// an action that policy lists.
fn assert_policy_covers(
    calls: &std::collections::BTreeMap<String, u64>,
    errors: &[posture_model::CollectionError],
) {
    let allowed = posture_collect_aws::permissions::actions();
    for error in errors {
        assert!(
            allowed.contains(&error.action.as_str()),
            "a collection error names {}, which the policy does not list",
            error.action
        );
    }
    let uncovered: Vec<&String> = calls
        .keys()
        .filter(|action| !allowed.contains(&action.as_str()))
        .collect();
    assert!(
        uncovered.is_empty(),
        "calls the generated IAM policy does not allow: {uncovered:?}"
    );
    assert!(!calls.is_empty(), "no API calls were counted");
}

/// The record of `kind` named `name`; panics listing what there is.
pub fn find<'a>(
    resources: &'a [posture_model::Resource],
    kind: &str,
    name: &str,
) -> &'a posture_model::Resource {
    resources
        .iter()
        .find(|r| r.kind.as_str() == kind && r.name == name)
        .unwrap_or_else(|| {
            let listed: Vec<_> = resources.iter().map(|r| (&r.kind, &r.name)).collect();
            panic!("no {kind} named {name} in {listed:#?}")
        })
}

/// Whether the value at `path` (segments of a schema path) is in `value`.
/// Below a null there is nothing to collect; `[]` steps into every element.
fn present(value: &serde_json::Value, path: &[&str]) -> bool {
    let Some((segment, rest)) = path.split_first() else {
        return true;
    };
    if value.is_null() {
        return true;
    }
    let (key, list) = match segment.strip_suffix("[]") {
        Some(key) => (key, true),
        None => (*segment, false),
    };
    match value.get(key) {
        None => false,
        Some(serde_json::Value::Array(items)) if list => {
            items.iter().all(|item| present(item, rest))
        }
        Some(child) => present(child, rest),
    }
}

/// Every field of the schema, nested ones included, the record lacks.
pub fn missing(
    schema: &posture_model::schema::KindSchema,
    config: &serde_json::Map<String, serde_json::Value>,
) -> Vec<String> {
    let root = serde_json::Value::Object(config.clone());
    schema
        .fields
        .keys()
        .filter(|path| !present(&root, &path.split('.').collect::<Vec<_>>()))
        .cloned()
        .collect()
}

/// The embedded catalogue, loaded once per test binary.
pub fn catalog() -> &'static posture_catalog::Catalog {
    static CATALOG: std::sync::OnceLock<posture_catalog::Catalog> = std::sync::OnceLock::new();
    CATALOG
        .get_or_init(|| posture_catalog::Catalog::embedded().unwrap_or_else(|f| panic!("{f:#?}")))
}

/// Every record validates against the embedded catalogue's schema of its
/// kind and lacks exactly the fields `expected_missing` names for it
/// (nested ones included; the order does not matter).
pub fn assert_schemas(
    resources: &[posture_model::Resource],
    expected_missing: impl Fn(&posture_model::Resource) -> Vec<&'static str>,
) {
    for resource in resources {
        let schema = catalog()
            .kind(&resource.kind)
            .unwrap_or_else(|| panic!("{} has no schema", resource.kind));
        schema
            .validate(&resource.config)
            .unwrap_or_else(|e| panic!("{}: {e}", resource.id));
        let mut missing = missing(schema, &resource.config);
        missing.sort_unstable();
        let mut expected = expected_missing(resource);
        expected.sort_unstable();
        assert_eq!(
            missing, expected,
            "{} lacks fields: {:#?}",
            resource.id, resource.config
        );
    }
}

/// Every record is of one of `kinds`.
pub fn assert_only_kinds(resources: &[posture_model::Resource], kinds: &[&str]) {
    for resource in resources {
        assert!(
            kinds.contains(&resource.kind.as_str()),
            "{} is of {}, not one of {kinds:?}",
            resource.id,
            resource.kind
        );
    }
}

/// Every one of `kinds` has at least one record.
pub fn assert_collected(resources: &[posture_model::Resource], kinds: &[&str]) {
    for kind in kinds {
        assert!(
            resources.iter().any(|r| r.kind.as_str() == *kind),
            "no {kind} collected"
        );
    }
}

/// Each (control, record, expected status) judged by the embedded
/// catalogue; panics listing every mismatch at once.
pub fn assert_verdicts(cases: &[(&str, &posture_model::Resource, posture_model::Status)]) {
    let mismatches: Vec<String> = cases
        .iter()
        .filter_map(|(control, resource, expected)| {
            let actual = evaluate(control, resource);
            (actual != *expected).then(|| {
                format!(
                    "{control} on {} in {}: {actual:?}, expected {expected:?}",
                    resource.name, resource.region
                )
            })
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} verdicts differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}

/// The status control `control_id` of the embedded catalogue gives `resource`.
pub fn evaluate(control_id: &str, resource: &posture_model::Resource) -> posture_model::Status {
    let control = catalog()
        .control(control_id)
        .unwrap_or_else(|| panic!("no control {control_id}"));
    assert_eq!(
        control.kind, resource.kind,
        "{control_id} is for another kind"
    );
    posture_catalog::Evaluator::new(chrono::Utc::now())
        .bind(&posture_catalog::Subject::of(resource))
        .evaluate(control)
        .status
}
