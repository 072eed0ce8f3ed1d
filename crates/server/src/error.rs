//! One error type for every handler: each maps to a status code and a
//! stable machine-readable `code`, answered as `{code, message[, field]}`.
//! A 5xx logs its cause and answers a generic message.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use posture_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is wrong; `field` names the offending part.
    BadRequest {
        field: Option<String>,
        message: String,
    },
    /// 401: no valid credentials.
    Unauthorized(String),
    /// 403: valid credentials, not allowed.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 405.
    MethodNotAllowed,
    /// 409: a uniqueness rule.
    Conflict(String),
    /// 413.
    PayloadTooLarge(String),
    /// 429 with Retry-After.
    TooManyRequests {
        message: String,
        retry_after_secs: i64,
    },
    /// 500: logged, answered generically.
    Internal(String),
    /// 503.
    Unavailable(String),
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable: bad_request, unauthorized, forbidden,
    /// not_found, method_not_allowed, conflict, payload_too_large,
    /// too_many_requests, internal, unavailable.
    pub code: &'static str,
    pub message: String,
    /// The request field at fault, for 400s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            field: None,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!("{what} not found"))
    }

    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(format!("{context}: {cause}"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Internal(_) => "internal",
            ApiError::Unavailable(_) => "unavailable",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code();
        let mut retry_after = None;
        let (message, field) = match self {
            ApiError::BadRequest { field, message } => (message, field),
            ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::PayloadTooLarge(m)
            | ApiError::Unavailable(m) => (m, None),
            ApiError::MethodNotAllowed => ("method not allowed on this path".to_string(), None),
            ApiError::TooManyRequests {
                message,
                retry_after_secs,
            } => {
                retry_after = Some(retry_after_secs.max(1));
                (message, None)
            }
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (
                    "internal error; the server log has the details".to_string(),
                    None,
                )
            }
        };
        let mut response = (
            status,
            Json(ErrorBody {
                code,
                message,
                field,
            }),
        )
            .into_response();
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::TooSoon { retry_after } => ApiError::TooManyRequests {
                message: format!(
                    "a report runs at most once an hour; retry in {} seconds",
                    retry_after.num_seconds().max(1)
                ),
                retry_after_secs: retry_after.num_seconds(),
            },
            StoreError::Backend(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<crate::validate::FieldError> for ApiError {
    fn from(e: crate::validate::FieldError) -> Self {
        ApiError::BadRequest {
            field: Some(e.field.to_string()),
            message: e.message,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
