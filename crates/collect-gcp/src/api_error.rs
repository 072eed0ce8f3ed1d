//! Google's error responses, read into what posture acts on: whether the
//! call may be retried (throttling, quota, 5xx), whether an API is not
//! enabled (and which), whether a permission is missing (and which).

use serde_json::Value;

/// A failed API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No access token (the key was refused, the token endpoint is unreachable).
    Token(crate::auth::TokenError),
    /// The API could not be reached, or the call timed out.
    Network(String),
    /// The API answered with an error status.
    Status(Box<StatusError>),
    /// The API answered 2xx with a body that is not what its reference documents.
    Decode(String),
}

/// An error status with the parts of Google's error body that matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusError {
    pub http: u16,
    /// `error.status` (`PERMISSION_DENIED`, `RESOURCE_EXHAUSTED`, ...).
    pub status: Option<String>,
    /// `ErrorInfo.reason` or the legacy `errors[].reason`
    /// (`SERVICE_DISABLED`, `accessNotConfigured`, `rateLimitExceeded`, ...).
    pub reasons: Vec<String>,
    /// The API that is not enabled, from `ErrorInfo.metadata.service`.
    pub disabled_service: Option<String>,
    /// The missing permission, from `ErrorInfo.metadata.permission` or the message.
    pub permission: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Token(e) => write!(f, "{e}"),
            ApiError::Network(m) => write!(f, "network error: {m}"),
            ApiError::Decode(m) => write!(f, "unexpected response: {m}"),
            ApiError::Status(s) => {
                write!(f, "HTTP {}", s.http)?;
                if let Some(status) = &s.status {
                    write!(f, " {status}")?;
                }
                write!(f, ": {}", s.message)
            }
        }
    }
}

const THROTTLED: [&str; 5] = [
    "rateLimitExceeded",
    "userRateLimitExceeded",
    "RATE_LIMIT_EXCEEDED",
    "backendError",
    "quotaExceeded",
];

impl StatusError {
    /// Reads Google's error body (`{"error": {...}}`); anything else keeps the raw text.
    pub fn parse(http: u16, body: &str) -> StatusError {
        let value: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let error = &value["error"];
        let message = error["message"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| body.chars().take(300).collect());
        let mut reasons = Vec::new();
        let mut disabled_service = None;
        let mut permission = None;
        for detail in error["details"].as_array().into_iter().flatten() {
            if let Some(reason) = detail["reason"].as_str() {
                reasons.push(reason.to_owned());
                if reason == "SERVICE_DISABLED" {
                    disabled_service = detail["metadata"]["service"].as_str().map(str::to_owned);
                }
            }
            if let Some(p) = detail["metadata"]["permission"].as_str() {
                permission = Some(p.to_owned());
            }
        }
        for legacy in error["errors"].as_array().into_iter().flatten() {
            if let Some(reason) = legacy["reason"].as_str() {
                reasons.push(reason.to_owned());
            }
        }
        if disabled_service.is_none() && reasons.iter().any(|r| r == "accessNotConfigured") {
            disabled_service = service_in_message(&message);
        }
        if permission.is_none() {
            permission = permission_in_message(&message);
        }
        StatusError {
            http,
            status: error["status"].as_str().map(str::to_owned),
            reasons,
            disabled_service,
            permission,
            message,
        }
    }

    fn has_reason(&self, reason: &str) -> bool {
        self.reasons.iter().any(|r| r == reason)
    }

    /// The API is not enabled in the project (or was never used).
    pub fn is_service_disabled(&self) -> bool {
        self.has_reason("SERVICE_DISABLED") || self.has_reason("accessNotConfigured")
    }

    /// Throttled or over quota: worth another attempt after a pause.
    pub fn is_retryable(&self) -> bool {
        self.http == 429
            || self.http >= 500
            || self.status.as_deref() == Some("RESOURCE_EXHAUSTED")
            || (self.http == 403 && THROTTLED.iter().any(|r| self.has_reason(r)))
    }

    /// The project has no billing account, which some APIs require.
    pub fn is_billing_disabled(&self) -> bool {
        self.has_reason("BILLING_DISABLED") || self.has_reason("billingNotEnabled")
    }

    /// The caller lacks a permission (not an API that is off, not billing).
    pub fn is_denied(&self) -> bool {
        self.http == 403
            && !self.is_service_disabled()
            && !self.is_billing_disabled()
            && !self.is_retryable()
    }
}

/// `https://console.developers.google.com/apis/api/sqladmin.googleapis.com/overview`
/// → `sqladmin.googleapis.com`.
fn service_in_message(message: &str) -> Option<String> {
    let start = message.find("/apis/api/")? + "/apis/api/".len();
    let rest = &message[start..];
    let end = rest.find(['/', '?', ' ']).unwrap_or(rest.len());
    let service = &rest[..end];
    service
        .ends_with(".googleapis.com")
        .then(|| service.to_owned())
}

/// Google's messages name the permission as `Permission 'x.y.z' denied`,
/// `Required 'x.y.z' permission`, or `does not have x.y.z access`.
fn permission_in_message(message: &str) -> Option<String> {
    let quoted = |prefix: &str| {
        let start = message.find(prefix)? + prefix.len();
        let rest = &message[start..];
        let end = rest.find(['\'', '"'])?;
        Some(rest[..end].to_owned())
    };
    let found = quoted("Permission '")
        .or_else(|| quoted("Permission \""))
        .or_else(|| quoted("Required '"))
        .or_else(|| {
            let start = message.find("does not have ")? + "does not have ".len();
            let rest = &message[start..];
            let end = rest.find(" access")?;
            Some(rest[..end].to_owned())
        })?;
    let looks_like_permission = found.split('.').count() >= 3
        && found
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
    looks_like_permission.then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_disabled_names_the_api() {
        let body = r#"{"error":{"code":403,"message":"Cloud SQL Admin API has not been used in project 123 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/sqladmin.googleapis.com/overview?project=123 then retry.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","domain":"googleapis.com","metadata":{"service":"sqladmin.googleapis.com","consumer":"projects/123"}}]}}"#;
        let e = StatusError::parse(403, body);
        assert!(e.is_service_disabled() && !e.is_denied() && !e.is_retryable());
        assert_eq!(
            e.disabled_service.as_deref(),
            Some("sqladmin.googleapis.com")
        );
        let legacy = r#"{"error":{"code":403,"message":"Access Not Configured. Compute Engine API has not been used in project 123 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/compute.googleapis.com/overview?project=123 then retry.","errors":[{"message":"...","domain":"usageLimits","reason":"accessNotConfigured"}]}}"#;
        let e = StatusError::parse(403, legacy);
        assert_eq!(
            e.disabled_service.as_deref(),
            Some("compute.googleapis.com")
        );
    }

    #[test]
    fn denied_calls_name_the_permission() {
        let cases = [
            (
                r#"{"error":{"code":403,"message":"Permission 'iam.serviceAccounts.list' denied on resource (or it may not exist).","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"IAM_PERMISSION_DENIED","domain":"iam.googleapis.com","metadata":{"permission":"iam.serviceAccounts.list"}}]}}"#,
                "iam.serviceAccounts.list",
            ),
            (
                r#"{"error":{"code":403,"message":"Required 'compute.firewalls.list' permission for 'projects/p'","errors":[{"reason":"forbidden"}]}}"#,
                "compute.firewalls.list",
            ),
            (
                r#"{"error":{"code":403,"message":"sa@p.iam.gserviceaccount.com does not have storage.buckets.list access to the Google Cloud project.","errors":[{"reason":"forbidden"}]}}"#,
                "storage.buckets.list",
            ),
        ];
        for (body, permission) in cases {
            let e = StatusError::parse(403, body);
            assert!(e.is_denied(), "{body}");
            assert_eq!(e.permission.as_deref(), Some(permission));
        }
    }

    #[test]
    fn billing_is_not_a_missing_permission() {
        let body = r#"{"error":{"code":403,"message":"This API method requires billing to be enabled.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"BILLING_DISABLED","domain":"googleapis.com","metadata":{"service":"bigquery.googleapis.com"}}]}}"#;
        let e = StatusError::parse(403, body);
        assert!(e.is_billing_disabled() && !e.is_denied() && !e.is_service_disabled());
    }

    #[test]
    fn throttling_and_server_errors_are_retried() {
        let rate = r#"{"error":{"code":403,"message":"Rate Limit Exceeded","errors":[{"domain":"usageLimits","reason":"rateLimitExceeded"}]}}"#;
        assert!(StatusError::parse(403, rate).is_retryable());
        assert!(!StatusError::parse(403, rate).is_denied());
        let quota =
            r#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#;
        assert!(StatusError::parse(429, quota).is_retryable());
        assert!(StatusError::parse(503, "unavailable").is_retryable());
        assert!(!StatusError::parse(404, "{}").is_retryable());
    }
}
