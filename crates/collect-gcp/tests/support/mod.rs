//! Test support: the fake Google APIs and helpers to connect and collect.

#![allow(dead_code)]

pub mod fake;

use chrono::{DateTime, TimeZone, Utc};
use fake::{CLIENT_EMAIL, Fake, PROJECT};
use posture_collect::{CollectRequest, QuietProgress};
use posture_collect_gcp::{GcpOptions, KeySource, Session};
use posture_model::{CollectionError, Resource, ResourceKind};
use std::sync::Arc;
use std::time::Duration;

/// The collection clock of every test.
pub fn collected_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
        .single()
        .expect("valid time")
}

/// Options reaching the fake with the test key.
pub fn options(fake: &Fake) -> GcpOptions {
    let mut options = GcpOptions::new(PROJECT, KeySource::Json(fake.key_json(CLIENT_EMAIL)));
    options.api_endpoint = Some(fake.url.clone());
    options.max_attempts = 4;
    options.timeout = Duration::from_secs(10);
    options.retry_base_delay = Duration::from_millis(10);
    options
}

pub async fn connect(fake: &Fake) -> Arc<Session> {
    Arc::new(
        Session::connect(&options(fake))
            .await
            .expect("connect to the fake"),
    )
}

/// Collects `kinds` (every supported kind when empty).
pub async fn collect(
    session: Arc<Session>,
    kinds: &[&str],
) -> (
    Vec<Resource>,
    Vec<CollectionError>,
    posture_collect_gcp::Attempt,
) {
    let kinds = if kinds.is_empty() {
        posture_collect_gcp::supported_kinds().into_iter().collect()
    } else {
        kinds.to_vec()
    };
    let request = CollectRequest {
        kinds: kinds
            .iter()
            .map(|k| ResourceKind::parse(k).expect("kind"))
            .collect(),
        regions: None,
        concurrency: 4,
    };
    let mut resources = Vec::new();
    let (attempt, errors) = posture_collect_gcp::collect_each(
        session,
        request,
        Arc::new(QuietProgress),
        collected_at(),
        |r| {
            resources.push(r);
            Ok::<(), ()>(())
        },
    )
    .await
    .expect("collect");
    resources.sort_by(|a, b| (a.kind.as_str(), &a.id).cmp(&(b.kind.as_str(), &b.id)));
    (resources, errors, attempt)
}

/// The one resource of `kind` named `name`.
pub fn find<'a>(resources: &'a [Resource], kind: &str, name: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.kind.as_str() == kind && r.name == name)
        .unwrap_or_else(|| panic!("no {kind} named {name}"))
}
