//! The store's rules one by one: tenant isolation, uniqueness, the
//! minimum run interval, job leases and token expiry. Each check lives in
//! its own year (2021 on), after the story's.

use super::fixtures::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::types::*;
use chrono::Duration;
use posture_model::{Provider, Status};

const ACCOUNT: &str = "123456789012";
const BUCKET: &str = "arn:aws:s3:::isolated";

/// Another tenant's rows answer `NotFound` everywhere, exactly as missing
/// ones, and its lists never show them.
pub fn tenant_isolation(store: &dyn Store) {
    let t = time(2021, 1, 1, 0, 0);
    let a = new_tenant(store, "owner", t).id;
    let b = new_tenant(store, "intruder", t).id;
    let user = new_user(store, a, Role::Admin, t);
    let hash = unique("hash");
    let token = must(
        "create token",
        store.create_token(&NewToken {
            user: user.id,
            name: "api".to_owned(),
            kind: TokenKind::Api,
            hash: hash.clone(),
            created_at: t,
            expires_at: None,
        }),
    );
    let connector = new_connector(store, a, Provider::Aws, ACCOUNT, t);
    let report = new_report(store, a, &connector, "cis", t);
    let run = complete_run(
        store,
        a,
        report.id,
        t,
        &[resource(
            0,
            ACCOUNT,
            BUCKET,
            "aws.s3.bucket",
            "isolated",
            "eu-west-1",
        )],
        &[evaluation(0, 101, Status::Fail, None)],
    );
    let res = all_resources(store, a).rows[0].id;

    let change = StateChange {
        state: ConnectorState::Offline,
        error: Some("hijacked".to_owned()),
        error_message: None,
        at: t,
        synced: false,
        total_assets: Some(99),
    };
    assert_not_found("connector", store.connector(b, connector.id));
    assert_not_found(
        "set state",
        store.set_connector_state(b, connector.id, &change),
    );
    assert_not_found(
        "delete connector",
        store.delete_connector(b, connector.id, t),
    );
    assert_not_found("report", store.report(b, report.id));
    assert_not_found("delete report", store.delete_report(b, report.id));
    assert_not_found(
        "request run",
        store.request_run(b, report.id, t + minutes(120), Duration::zero()),
    );
    assert_not_found("run", store.run(b, run.id));
    assert_not_found("run history", store.runs(b, report.id));
    assert_not_found("control outcomes", store.control_outcomes(b, report.id));
    assert_not_found(
        "control resources",
        store.control_resources(b, report.id, 101),
    );
    assert_not_found("resource", store.resource(b, res));
    assert_not_found(
        "resource evaluations",
        store.resource_evaluations(b, res, &EvaluationQuery::default()),
    );
    assert_not_found("revoke token", store.revoke_token(b, user.id, token.id));
    assert_not_found(
        "report on another tenant's connector",
        store.create_report(&new_report_input(b, &connector, "cis", t)),
    );

    assert!(must("connectors", store.connectors(b, None)).is_empty());
    assert!(must("reports", store.reports(b, None)).is_empty());
    assert!(must("users", store.users(b)).is_empty());
    assert!(must("history", store.state_history(b)).is_empty());
    assert_eq!(all_resources(store, b).total, 0);
    assert_eq!(
        must(
            "totals",
            store.resource_totals(b, &ResourceQuery::default())
        ),
        ResourceTotals::default()
    );
    assert!(must("evaluations of", store.evaluations_of(b, &[res])).is_empty());

    // Nothing the intruder tried changed the owner's rows.
    assert_eq!(
        must("connector", store.connector(a, connector.id)).state,
        ConnectorState::Pending
    );
    assert_eq!(must("history", store.state_history(a)).len(), 1);
    assert_eq!(
        must("report", store.report(a, report.id)).current_run,
        Some(run.id)
    );
    assert_eq!(all_resources(store, a).total, 1);
    assert_eq!(
        must("principal", store.principal_by_token(&hash, t)).tenant,
        a
    );
    // Scopes are unique per tenant only.
    new_connector(store, b, Provider::Aws, ACCOUNT, t);
    drain_jobs(store, t + minutes(180));
}

/// Uniqueness: a connector per tenant, provider and scope; a report per
/// tenant, mandate and connector; an email across tenants.
pub fn conflicts(store: &dyn Store) {
    let t = time(2022, 1, 1, 0, 0);
    let a = new_tenant(store, "conflicts-a", t).id;
    let b = new_tenant(store, "conflicts-b", t).id;
    let aws = new_connector(store, a, Provider::Aws, ACCOUNT, t);
    assert_conflict(
        "same scope twice",
        store.create_connector(&new_connector_input(a, Provider::Aws, ACCOUNT, t)),
        ACCOUNT,
    );
    let azure = new_connector(store, a, Provider::Azure, ACCOUNT, t);
    new_connector(store, b, Provider::Aws, ACCOUNT, t);

    new_report(store, a, &aws, "cis", t);
    assert_conflict(
        "same mandate on the same connector",
        store.create_report(&new_report_input(a, &aws, "cis", t)),
        "already exists",
    );
    new_report(store, a, &azure, "cis", t);
    new_report(store, a, &aws, "nist", t);

    let user = new_user(store, a, Role::Viewer, t);
    let again = NewUser {
        tenant: b,
        email: user.email.clone(),
        password_hash: "x".to_owned(),
        role: Role::Admin,
        created_at: t,
    };
    assert_conflict(
        "an email in another tenant",
        store.create_user(&again),
        "already exists",
    );
    assert_eq!(must("users", store.users(b)), vec![]);
}

/// A run requested within the minimum interval of the report's last
/// request is refused with the exact wait; other reports are unaffected.
pub fn too_soon(store: &dyn Store) {
    let t = time(2023, 1, 1, 0, 0);
    let hour = minutes(60);
    let tid = new_tenant(store, "too-soon", t).id;
    let connector = new_connector(store, tid, Provider::Aws, ACCOUNT, t);
    let report = new_report(store, tid, &connector, "cis", t);
    let other = new_report(store, tid, &connector, "nist", t);

    let wait = |at: Timestamp| match store.request_run(tid, report.id, at, hour) {
        Err(StoreError::TooSoon { retry_after }) => retry_after,
        r => panic!("a request at {at} should be TooSoon, got {r:?}"),
    };
    must("first", store.request_run(tid, report.id, t, hour));
    assert_eq!(wait(t + minutes(10)), minutes(50));
    assert_eq!(wait(t + Duration::seconds(3599)), Duration::seconds(1));
    must(
        "another report",
        store.request_run(tid, other.id, t + minutes(10), hour),
    );
    let last = must(
        "an hour later",
        store.request_run(tid, report.id, t + hour, hour),
    );
    let shown = must("report", store.report(tid, report.id));
    assert_eq!(shown.last_requested_at, Some(t + hour));
    assert_eq!(
        shown.latest_run.map(|r| r.id),
        Some(last.id),
        "refused requests make no run"
    );
    must(
        "no minimum",
        store.request_run(tid, report.id, t + hour, Duration::zero()),
    );
    drain_jobs(store, t + hour * 2);
}

/// A claimed job is its worker's until the lease passes; then another
/// worker claims it (attempt 2) and the first loses it.
pub fn job_leases(store: &dyn Store) {
    let t = time(2024, 1, 1, 0, 0);
    let tid = new_tenant(store, "jobs", t).id;
    let first = must(
        "enqueue",
        store.enqueue_job(&NewJob {
            tenant: Some(tid),
            kind: JobKind::ValidateConnector,
            subject: 42,
            not_before: t + minutes(1),
        }),
    );
    let second = must(
        "enqueue",
        store.enqueue_job(&NewJob {
            tenant: None,
            kind: JobKind::Purge,
            subject: 0,
            not_before: t + minutes(1),
        }),
    );
    let claim = |worker: &str, now: Timestamp, until: Timestamp| {
        must("claim", store.claim_job(worker, now, until))
    };
    assert_eq!(
        claim("w1", t, t + minutes(5)),
        None,
        "a job is not claimed before its time"
    );
    assert_eq!(
        claim("w1", t + minutes(1), t + minutes(3)),
        Some(Job {
            id: first,
            tenant: Some(tid),
            kind: JobKind::ValidateConnector,
            subject: 42,
            attempt: 1,
            worker: "w1".to_owned(),
            lease_until: t + minutes(3),
        }),
        "the oldest due job first"
    );
    let job2 = claim("w2", t + minutes(1), t + minutes(3)).map(|j| (j.id, j.tenant, j.kind));
    assert_eq!(job2, Some((second, None, JobKind::Purge)));
    assert_eq!(claim("w3", t + minutes(2), t + minutes(9)), None);
    must("renew", store.renew_job(first, "w1", t + minutes(4)));
    assert_not_found(
        "renewing another worker's job",
        store.renew_job(first, "w2", t + minutes(9)),
    );
    must("finish", store.finish_job(second, "w2"));
    assert_eq!(
        claim("w3", t + minutes(4), t + minutes(10)),
        None,
        "a lease holds up to its last instant"
    );
    let retried = claim("w3", t + minutes(5), t + minutes(10));
    assert_eq!(
        retried.map(|j| (j.id, j.attempt, j.worker)),
        Some((first, 2, "w3".to_owned())),
        "an expired lease is claimed again"
    );
    assert_not_found(
        "the old worker renews",
        store.renew_job(first, "w1", t + minutes(20)),
    );
    assert_not_found("the old worker finishes", store.finish_job(first, "w1"));
    must("renew", store.renew_job(first, "w3", t + minutes(11)));
    must("finish", store.finish_job(first, "w3"));
    assert_not_found(
        "renewing a finished job",
        store.renew_job(first, "w3", t + minutes(12)),
    );
    assert_eq!(claim("w1", t + minutes(60), t + minutes(65)), None);
}

/// Session tokens stop at their expiry; API tokens last until revoked.
pub fn tokens_expire(store: &dyn Store) {
    let t = time(2025, 1, 1, 0, 0);
    let tid = new_tenant(store, "tokens", t).id;
    let other = new_tenant(store, "tokens-other", t).id;
    let user = new_user(store, tid, Role::Viewer, t);
    let token = |kind: TokenKind, expires_at: Option<Timestamp>| {
        let hash = unique("hash");
        let info = must(
            "create token",
            store.create_token(&NewToken {
                user: user.id,
                name: kind.as_str().to_owned(),
                kind,
                hash: hash.clone(),
                created_at: t,
                expires_at,
            }),
        );
        assert_eq!((info.kind, info.expires_at), (kind, expires_at));
        (info, hash)
    };
    let (_, session) = token(TokenKind::Session, Some(t + minutes(30)));
    let principal = must(
        "session principal",
        store.principal_by_token(&session, t + minutes(29)),
    );
    assert_eq!(
        principal,
        Principal {
            tenant: tid,
            user: user.id,
            email: user.email.clone(),
            role: Role::Viewer
        }
    );
    assert_not_found(
        "at expiry",
        store.principal_by_token(&session, t + minutes(30)),
    );
    assert_not_found(
        "after expiry",
        store.principal_by_token(&session, t + minutes(31)),
    );

    let (api, api_hash) = token(TokenKind::Api, None);
    must(
        "api principal years later",
        store.principal_by_token(&api_hash, time(2099, 1, 1, 0, 0)),
    );
    assert_not_found("unknown hash", store.principal_by_token("no-such-hash", t));
    assert_not_found(
        "revoke from another tenant",
        store.revoke_token(other, user.id, api.id),
    );
    must("revoke", store.revoke_token(tid, user.id, api.id));
    assert_not_found("revoked", store.principal_by_token(&api_hash, t));
    assert_not_found("revoke twice", store.revoke_token(tid, user.id, api.id));
    let (_, logged_in) = token(TokenKind::Session, Some(t + minutes(30)));
    must("logout", store.delete_token_by_hash(&logged_in));
    assert_not_found("logged out", store.principal_by_token(&logged_in, t));
    must(
        "logout of an unknown token",
        store.delete_token_by_hash("no-such-hash"),
    );
    assert!(
        store
            .create_token(&NewToken {
                user: i64::MAX,
                name: "ghost".to_owned(),
                kind: TokenKind::Api,
                hash: unique("hash"),
                created_at: t,
                expires_at: None,
            })
            .is_err(),
        "a token needs its user"
    );
}
