//! Connector validation against the fake: a good key connects; each way a
//! key, project or permission can be wrong gives its own `ConnectError`.

mod support;

use posture_collect_gcp::{ConnectError, KeySource, OptionsError, Session};
use support::fake::{self, CLIENT_EMAIL, Fake, PROJECT, PROJECT_NUMBER};

async fn connect_with(
    fake: &Fake,
    edit: impl FnOnce(&mut posture_collect_gcp::GcpOptions),
) -> Result<Session, ConnectError> {
    let mut options = support::options(fake);
    edit(&mut options);
    Session::connect(&options).await
}

#[tokio::test]
async fn a_good_key_gets_a_token_and_reads_the_project() {
    let fake = Fake::start().await;
    let session = connect_with(&fake, |_| {}).await.expect("connects");
    assert_eq!(session.project_id, PROJECT);
    assert_eq!(session.project_number.as_deref(), Some(PROJECT_NUMBER));
    assert_eq!(session.client_email, CLIENT_EMAIL);
    assert_eq!(fake.token_requests(), 1);
    assert_eq!(fake.hits(&format!("/v3/projects/{PROJECT}")), 1);
    let calls = session.calls().list();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].permission, "resourcemanager.projects.get");
}

#[tokio::test]
async fn malformed_keys_are_refused_before_any_call() {
    let fake = Fake::start().await;
    let not_json = connect_with(&fake, |o| {
        o.credentials = KeySource::Json("{not json".into())
    })
    .await;
    assert!(
        matches!(not_json, Err(ConnectError::InvalidOptions(OptionsError::Key(ref m))) if m.contains("not JSON")),
        "{not_json:?}"
    );

    let key = fake.key_json(CLIENT_EMAIL);
    let mut missing: serde_json::Value = serde_json::from_str(&key).expect("json");
    missing
        .as_object_mut()
        .expect("object")
        .remove("client_email");
    let missing = connect_with(&fake, |o| {
        o.credentials = KeySource::Json(missing.to_string())
    })
    .await;
    assert!(
        matches!(missing, Err(ConnectError::InvalidOptions(OptionsError::Key(ref m))) if m.contains("client_email")),
        "{missing:?}"
    );

    let mut bad_pem: serde_json::Value = serde_json::from_str(&key).expect("json");
    bad_pem["private_key"] =
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n".into();
    let bad_pem = connect_with(&fake, |o| {
        o.credentials = KeySource::Json(bad_pem.to_string())
    })
    .await;
    assert!(
        matches!(bad_pem, Err(ConnectError::MalformedKey(_))),
        "{bad_pem:?}"
    );

    let bad_project = connect_with(&fake, |o| o.project_id = "Not_A_Project".into()).await;
    assert!(
        matches!(
            bad_project,
            Err(ConnectError::InvalidOptions(OptionsError::ProjectId(_)))
        ),
        "{bad_project:?}"
    );
    assert_eq!(
        fake.token_requests(),
        0,
        "nothing reached the token endpoint"
    );
}

#[tokio::test]
async fn a_deleted_or_disabled_key_is_named() {
    // The fake trusts another key: the signature does not verify, as when
    // Google no longer knows the key.
    let fake = Fake::start_trusting(fake::other_key()).await;
    let err = connect_with(&fake, |_| {}).await.expect_err("refused");
    assert!(
        matches!(err, ConnectError::KeyDisabled(ref m) if m.contains("Invalid JWT Signature")),
        "{err:?}"
    );
    assert!(err.to_string().contains("create a new key"), "{err}");
}

#[tokio::test]
async fn a_deleted_service_account_is_named() {
    let fake = Fake::start().await;
    let key = fake.key_json("deleted-sa@posture-fake-project.iam.gserviceaccount.com");
    let err = connect_with(&fake, |o| o.credentials = KeySource::Json(key))
        .await
        .expect_err("refused");
    assert!(
        matches!(err, ConnectError::AccountNotFound(ref m) if m.contains("account not found")),
        "{err:?}"
    );
}

#[tokio::test]
async fn other_token_refusals_keep_googles_words() {
    let fake = Fake::start().await;
    fake.refuse_tokens(serde_json::json!({"error": "invalid_client", "error_description": "The OAuth client was disabled."}));
    let err = connect_with(&fake, |_| {}).await.expect_err("refused");
    assert!(
        matches!(err, ConnectError::TokenRejected(ref m) if m.contains("was disabled")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_api_that_is_not_enabled_is_named() {
    let fake = Fake::start().await;
    fake.disable_api("/v3/projects/", "cloudresourcemanager.googleapis.com");
    let err = connect_with(&fake, |_| {}).await.expect_err("refused");
    match &err {
        ConnectError::ApiNotEnabled { api, project, .. } => {
            assert_eq!(api, "cloudresourcemanager.googleapis.com");
            assert_eq!(project, PROJECT);
        }
        other => panic!("expected ApiNotEnabled, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("gcloud services enable cloudresourcemanager.googleapis.com"),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_permission_is_named() {
    let fake = Fake::start().await;
    fake.deny("/v3/projects/", "resourcemanager.projects.get");
    let err = connect_with(&fake, |_| {}).await.expect_err("refused");
    assert!(
        matches!(err, ConnectError::PermissionDenied { ref permission, .. } if permission == "resourcemanager.projects.get"),
        "{err:?}"
    );
    assert!(err.to_string().contains("roles/viewer"), "{err}");
}

#[tokio::test]
async fn an_unknown_project_is_not_found() {
    let fake = Fake::start().await;
    let err = connect_with(&fake, |o| o.project_id = "no-such-project".into())
        .await
        .expect_err("refused");
    assert!(
        matches!(err, ConnectError::ProjectNotFound { ref project, .. } if project == "no-such-project"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_a_network_error() {
    let fake = Fake::start().await;
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let key = fake
        .key_json(CLIENT_EMAIL)
        .replace(&fake.token_uri(), &format!("http://{closed}/token"));
    let err = connect_with(&fake, |o| o.credentials = KeySource::Json(key))
        .await
        .expect_err("refused");
    assert!(matches!(err, ConnectError::Network(_)), "{err:?}");
}

#[tokio::test]
async fn the_key_file_is_read_from_disk_and_its_secret_never_printed() {
    let fake = Fake::start().await;
    let dir = std::env::temp_dir().join(format!("posture-gcp-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("key.json");
    std::fs::write(&path, fake.key_json(CLIENT_EMAIL)).expect("write key");
    let session = connect_with(&fake, |o| o.credentials = KeySource::File(path.clone()))
        .await
        .expect("connects");
    let shown = format!("{:?}", session.options);
    assert!(!shown.contains("BEGIN PRIVATE KEY"), "{shown}");
    std::fs::remove_dir_all(&dir).ok();
}
