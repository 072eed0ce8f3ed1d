//! What a GCP connection needs: the project, the service-account key (a
//! file or its JSON text), an optional endpoint that replaces Google's API
//! hosts, retries and timeouts; and the checks that catch a bad value
//! before any network call.

use std::path::PathBuf;
use std::time::Duration;

/// Where the service-account JSON key comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A key file on disk.
    File(PathBuf),
    /// The key file's JSON text (the server keeps it sealed in its store).
    Json(String),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::File(path) => f.debug_tuple("File").field(path).finish(),
            KeySource::Json(_) => f.write_str("Json(<redacted>)"),
        }
    }
}

/// How to reach one GCP project.
#[derive(Debug, Clone)]
pub struct GcpOptions {
    /// The project to read (`my-project-123`); a connector is one project.
    pub project_id: String,
    pub credentials: KeySource,
    /// One base URL (`https://private.googleapis.com`, or a test server)
    /// that replaces `https://<api>.googleapis.com` for every API. The
    /// token endpoint is always the key's own `token_uri`.
    pub api_endpoint: Option<String>,
    /// Attempts per call, retries of throttled and failed calls included.
    pub max_attempts: u32,
    /// Time allowed for one HTTP call.
    pub timeout: Duration,
    /// The first pause before a retry; each later one doubles (with jitter).
    pub retry_base_delay: Duration,
}

impl GcpOptions {
    /// Options with the defaults: 5 attempts, 30 s per call, retries from
    /// 0.5 s, Google's hosts.
    pub fn new(project_id: impl Into<String>, credentials: KeySource) -> Self {
        GcpOptions {
            project_id: project_id.into(),
            credentials,
            api_endpoint: None,
            max_attempts: 5,
            timeout: Duration::from_secs(30),
            retry_base_delay: Duration::from_millis(500),
        }
    }

    /// Checks the project id, the endpoint and the key's shape; reads the
    /// key file. Returns the parsed key. No network call.
    pub fn validate(&self) -> Result<ServiceAccountKey, OptionsError> {
        validate_project_id(&self.project_id)?;
        if let Some(endpoint) = &self.api_endpoint {
            validate_endpoint(endpoint)?;
        }
        let text = match &self.credentials {
            KeySource::Json(text) => text.clone(),
            KeySource::File(path) => std::fs::read_to_string(path).map_err(|e| {
                OptionsError::KeyFile(format!("cannot read {}: {e}", path.display()))
            })?,
        };
        ServiceAccountKey::parse(&text)
    }
}

/// What is wrong with the options, for a person to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    #[error(
        "invalid project id {0:?}: a project id has 6 to 30 characters, lowercase letters, digits and hyphens, starts with a letter and does not end with a hyphen"
    )]
    ProjectId(String),
    #[error("invalid API endpoint {0:?}: give a base URL such as https://private.googleapis.com")]
    Endpoint(String),
    #[error("service-account key file: {0}")]
    KeyFile(String),
    #[error("malformed service-account key: {0}")]
    Key(String),
}

/// Checks a GCP project id's documented shape.
pub fn validate_project_id(id: &str) -> Result<(), OptionsError> {
    let bad = || OptionsError::ProjectId(id.to_owned());
    let len = id.chars().count();
    if !(6..=30).contains(&len) {
        return Err(bad());
    }
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) || id.ends_with('-') {
        return Err(bad());
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad());
    }
    Ok(())
}

fn validate_endpoint(endpoint: &str) -> Result<(), OptionsError> {
    let bad = || OptionsError::Endpoint(endpoint.to_owned());
    let rest = endpoint
        .strip_prefix("https://")
        .or_else(|| endpoint.strip_prefix("http://"))
        .ok_or_else(bad)?;
    if rest.trim_end_matches('/').is_empty() || rest.contains(char::is_whitespace) {
        return Err(bad());
    }
    Ok(())
}

/// A parsed service-account key. `Debug` shows who, never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceAccountKey {
    pub client_email: String,
    pub token_uri: String,
    pub private_key_id: Option<String>,
    pub project_id: Option<String>,
    private_key: String,
    /// The whole JSON text, handed to the OAuth2 library.
    raw: String,
}

impl std::fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccountKey")
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .field("private_key_id", &self.private_key_id)
            .field("project_id", &self.project_id)
            .field("private_key", &"<redacted>")
            .finish()
    }
}

impl ServiceAccountKey {
    /// Parses and checks a key file's JSON text.
    pub fn parse(text: &str) -> Result<ServiceAccountKey, OptionsError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            OptionsError::Key(format!(
                "not JSON ({e}); download a JSON key for the service account"
            ))
        })?;
        let field = |name: &str| -> Result<String, OptionsError> {
            match value.get(name).and_then(|v| v.as_str()) {
                Some(s) if !s.trim().is_empty() => Ok(s.to_owned()),
                _ => Err(OptionsError::Key(format!(
                    "field {name:?} is missing or empty"
                ))),
            }
        };
        let kind = field("type")?;
        if kind != "service_account" {
            return Err(OptionsError::Key(format!(
                "field \"type\" is {kind:?}, expected \"service_account\" (user or external-account credentials are not supported)"
            )));
        }
        let client_email = field("client_email")?;
        let private_key = field("private_key")?;
        let token_uri = field("token_uri")?;
        if !(token_uri.starts_with("https://") || token_uri.starts_with("http://")) {
            return Err(OptionsError::Key(format!(
                "field \"token_uri\" is not a URL: {token_uri:?}"
            )));
        }
        if !(private_key.contains("-----BEGIN PRIVATE KEY-----")
            && private_key.contains("-----END PRIVATE KEY-----"))
        {
            return Err(OptionsError::Key(
                "field \"private_key\" is not a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----)"
                    .into(),
            ));
        }
        let optional = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        Ok(ServiceAccountKey {
            client_email,
            token_uri,
            private_key_id: optional("private_key_id"),
            project_id: optional("project_id"),
            private_key,
            raw: text.to_owned(),
        })
    }

    pub(crate) fn raw_json(&self) -> &str {
        &self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(id: &str) -> bool {
        validate_project_id(id).is_ok()
    }

    #[test]
    fn project_ids_follow_googles_rules() {
        assert!(project("my-project-123"));
        assert!(project("abcdef"));
        assert!(project(&format!("a{}", "b".repeat(29))));
        assert!(!project("abcde"), "too short");
        assert!(!project(&format!("a{}", "b".repeat(30))), "too long");
        assert!(!project("1project"), "starts with a digit");
        assert!(!project("My-Project"), "uppercase");
        assert!(!project("my_project"), "underscore");
        assert!(!project("my-project-"), "trailing hyphen");
        assert!(!project(""), "empty");
    }

    const PEM: &str = "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n";

    fn key(extra: &str) -> String {
        format!(
            r#"{{"type":"service_account","client_email":"a@p.iam.gserviceaccount.com","private_key":"{PEM}","token_uri":"https://oauth2.googleapis.com/token"{extra}}}"#
        )
    }

    #[test]
    fn keys_are_checked_and_never_printed() {
        let parsed = ServiceAccountKey::parse(&key(r#","private_key_id":"k1""#)).expect("valid");
        assert_eq!(parsed.client_email, "a@p.iam.gserviceaccount.com");
        assert_eq!(parsed.private_key_id.as_deref(), Some("k1"));
        let shown = format!("{parsed:?}");
        assert!(
            !shown.contains("MIIB") && shown.contains("<redacted>"),
            "{shown}"
        );
        let source = format!("{:?}", KeySource::Json(key("")));
        assert!(!source.contains("MIIB"), "{source}");

        let err = |text: &str| {
            ServiceAccountKey::parse(text)
                .expect_err("invalid")
                .to_string()
        };
        assert!(err("not json").contains("not JSON"));
        assert!(err(&key("").replace("service_account", "authorized_user")).contains("\"type\""));
        assert!(err(&key("").replace("client_email", "email")).contains("client_email"));
        assert!(err(&key("").replace("token_uri", "uri")).contains("token_uri"));
        assert!(err(&key("").replace("BEGIN PRIVATE KEY", "BEGIN CERTIFICATE")).contains("PEM"));
    }

    #[test]
    fn options_validate_everything_before_the_network() {
        let mut options = GcpOptions::new("my-project", KeySource::Json(key("")));
        assert!(options.validate().is_ok());
        options.api_endpoint = Some("private.googleapis.com".into());
        assert!(matches!(options.validate(), Err(OptionsError::Endpoint(_))));
        options.api_endpoint = Some("http://127.0.0.1:8080".into());
        assert!(options.validate().is_ok());
        options.project_id = "Bad".into();
        assert!(matches!(
            options.validate(),
            Err(OptionsError::ProjectId(_))
        ));
        let missing = GcpOptions::new(
            "my-project",
            KeySource::File("/nonexistent/key.json".into()),
        );
        assert!(
            missing
                .validate()
                .expect_err("no file")
                .to_string()
                .contains("/nonexistent/key.json")
        );
    }
}
