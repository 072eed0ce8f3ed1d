//! Connector validation against the fake identity platform and Resource
//! Manager: every way a connector can be wrong gives its own error, with a
//! message that says what to fix.

mod support;

use posture_collect_azure::{ConnectError, Session};
use support::fake::{EXPIRED_SECRET, Fake, SUBSCRIPTION};

async fn connect_with(
    fake: &Fake,
    edit: impl FnOnce(&mut posture_collect_azure::AzureOptions),
) -> Result<Session, ConnectError> {
    let mut options = fake.options();
    edit(&mut options);
    Session::connect(&options).await
}

#[tokio::test]
async fn good_credentials_connect_and_read_the_subscription() {
    let fake = Fake::start().await;
    let session = connect_with(&fake, |_| {}).await.expect("connects");
    assert_eq!(session.subscription_id, SUBSCRIPTION);
    assert_eq!(session.subscription_display_name(), "Contoso Production");
    assert_eq!(session.state, "Enabled");
    assert_eq!(session.tenant_id, support::fake::TENANT);
    let calls = session.calls().snapshot();
    assert_eq!(
        calls.get("Microsoft.Resources/subscriptions/read"),
        Some(&1)
    );
}

#[tokio::test]
async fn each_misconfiguration_has_its_own_error() {
    let fake = Fake::start().await;
    let check = |result: Result<Session, ConnectError>,
                 expected: fn(&ConnectError) -> bool,
                 needle: &str| {
        let err = result.expect_err("connection must fail");
        assert!(expected(&err), "unexpected error: {err:?}");
        assert!(
            err.to_string().contains(needle),
            "{err} does not say {needle:?}"
        );
    };
    check(
        connect_with(&fake, |o| {
            o.tenant_id = "99999999-9999-4999-8999-999999999999".into()
        })
        .await,
        |e| matches!(e, ConnectError::TenantNotFound(m) if m.contains("AADSTS90002")),
        "directory (tenant) ID",
    );
    check(
        connect_with(&fake, |o| o.client_secret = "wrong".into()).await,
        |e| matches!(e, ConnectError::InvalidSecret(m) if m.contains("AADSTS7000215")),
        "secret's Value",
    );
    check(
        connect_with(&fake, |o| o.client_secret = EXPIRED_SECRET.into()).await,
        |e| matches!(e, ConnectError::ExpiredSecret(m) if m.contains("AADSTS7000222")),
        "has expired",
    );
    check(
        connect_with(&fake, |o| {
            o.client_id = "22222222-3333-4444-8555-666666666666".into()
        })
        .await,
        |e| matches!(e, ConnectError::UnknownClient(m) if m.contains("AADSTS700016")),
        "Application (client) ID",
    );
    check(
        connect_with(&fake, |o| {
            o.subscription_id = "12345678-1234-4234-8234-123456789abc".into()
        })
        .await,
        |e| matches!(e, ConnectError::SubscriptionNotFound(m) if m.contains("SubscriptionNotFound")),
        "subscription was not found",
    );
    check(
        connect_with(&fake, |o| o.tenant_id = "contoso.onmicrosoft.com".into()).await,
        |e| matches!(e, ConnectError::InvalidOptions(_)),
        "not a GUID",
    );
    check(
        connect_with(&fake, |o| {
            o.authority_host = Some("http://127.0.0.1:9".into())
        })
        .await,
        |e| matches!(e, ConnectError::Network(_)),
        "cannot reach Azure",
    );
}

#[tokio::test]
async fn a_missing_reader_role_is_named() {
    let fake = Fake::start().await;
    fake.script(|s| s.deny.push(format!("/subscriptions/{SUBSCRIPTION}")));
    let err = connect_with(&fake, |_| {}).await.expect_err("denied");
    assert!(
        matches!(err, ConnectError::NoReaderRole(ref m) if m.contains("AuthorizationFailed")),
        "{err:?}"
    );
    assert!(err.to_string().contains("Reader role"), "{err}");
}

#[tokio::test]
async fn a_disabled_subscription_is_refused() {
    let fake = Fake::start().await;
    for state in ["Disabled", "Warned"] {
        fake.script(|s| s.subscription_state = Some(state.into()));
        let err = connect_with(&fake, |_| {}).await.expect_err("disabled");
        assert_eq!(err, ConnectError::SubscriptionDisabled(state.into()));
        assert!(err.to_string().contains("re-enable"), "{err}");
    }
    fake.script(|s| s.subscription_state = Some("PastDue".into()));
    let session = connect_with(&fake, |_| {})
        .await
        .expect("past due still reads");
    assert_eq!(session.state, "PastDue");
}

#[tokio::test]
async fn the_secret_never_shows_in_errors_or_debug_output() {
    let fake = Fake::start().await;
    let err = connect_with(&fake, |o| o.client_secret = "hunter2-secret".into())
        .await
        .expect_err("bad secret");
    assert!(!err.to_string().contains("hunter2"));
    assert!(!format!("{err:?}").contains("hunter2"));
    let session = connect_with(&fake, |_| {}).await.expect("connects");
    assert!(!format!("{session:?}").contains(support::fake::SECRET));
}
