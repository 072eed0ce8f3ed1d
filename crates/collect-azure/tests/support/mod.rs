//! Shared test helpers: the fake Azure (see `fake`), a connected session, a
//! collection run over chosen kinds, and checks of records against the
//! embedded catalogue (schemas, control verdicts).
#![allow(dead_code)]

pub mod fake;

use chrono::{DateTime, TimeZone, Utc};
use posture_collect::{CollectRequest, QuietProgress};
use posture_collect_azure::{Attempt, Session, collect_each};
use posture_model::{CollectionError, Resource, ResourceKind};
use std::sync::Arc;

/// The clock of every run: records carry it, controls compare against it.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid time")
}

/// A session on the fake.
pub async fn connect(fake: &fake::Fake) -> Arc<Session> {
    Arc::new(
        Session::connect(&fake.options())
            .await
            .unwrap_or_else(|e| panic!("connect: {e}")),
    )
}

/// What one run produced.
#[derive(Debug)]
pub struct Run {
    pub resources: Vec<Resource>,
    pub attempt: Attempt,
    pub errors: Vec<CollectionError>,
}

/// Collects `kinds` from the fake.
pub async fn run(session: Arc<Session>, kinds: &[&str]) -> Run {
    let request = CollectRequest {
        kinds: kinds
            .iter()
            .map(|k| ResourceKind::parse(k).unwrap_or_else(|e| panic!("{k}: {e}")))
            .collect(),
        regions: None,
        concurrency: 4,
    };
    let mut resources = Vec::new();
    let (attempt, errors) = collect_each::<std::convert::Infallible>(
        session,
        request,
        Arc::new(QuietProgress),
        now(),
        |r| {
            resources.push(r);
            Ok(())
        },
    )
    .await
    .unwrap_or_else(|e| match e {});
    resources.sort_by(|a, b| (a.kind.as_str(), &a.id).cmp(&(b.kind.as_str(), &b.id)));
    Run {
        resources,
        attempt,
        errors,
    }
}

/// The record of `kind` named `name`; panics listing what there is.
pub fn find<'a>(resources: &'a [Resource], kind: &str, name: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.kind.as_str() == kind && r.name == name)
        .unwrap_or_else(|| {
            let listed: Vec<_> = resources
                .iter()
                .map(|r| (r.kind.as_str(), &r.name))
                .collect();
            panic!("no {kind} named {name} in {listed:#?}")
        })
}

/// The embedded catalogue, loaded once per test binary.
pub fn catalog() -> &'static posture_catalog::Catalog {
    static CATALOG: std::sync::OnceLock<posture_catalog::Catalog> = std::sync::OnceLock::new();
    CATALOG
        .get_or_init(|| posture_catalog::Catalog::embedded().unwrap_or_else(|f| panic!("{f:#?}")))
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

/// Every record validates against its kind's schema in the embedded
/// catalogue and has every field the schema declares.
pub fn assert_schemas(resources: &[Resource]) {
    for resource in resources {
        let schema = catalog()
            .kind(&resource.kind)
            .unwrap_or_else(|| panic!("{} has no schema", resource.kind));
        schema
            .validate(&resource.config)
            .unwrap_or_else(|e| panic!("{} ({}): {e}", resource.id, resource.kind));
        let root = serde_json::Value::Object(resource.config.clone());
        let missing: Vec<&String> = schema
            .fields
            .keys()
            .filter(|path| !present(&root, &path.split('.').collect::<Vec<_>>()))
            .collect();
        assert!(
            missing.is_empty(),
            "{} lacks {missing:?}: {:#?}",
            resource.id,
            resource.config
        );
    }
}

/// The status control `control_id` gives `resource`.
pub fn verdict(control: &posture_catalog::Control, resource: &Resource) -> posture_model::Status {
    posture_catalog::Evaluator::new(now())
        .bind(&posture_catalog::Subject::of(resource))
        .evaluate(control)
        .status
}

/// Every Azure control of the catalogue that applies to `resource`'s kind.
pub fn controls_for(resource: &Resource) -> Vec<&'static posture_catalog::Control> {
    catalog()
        .controls
        .iter()
        .filter(|c| c.kind == resource.kind)
        .collect()
}
