//! Request extractors whose failures are `ApiError`s: a body that is not
//! JSON, a field of the wrong type, a bad query parameter or an oversized
//! body answer 400 or 413 naming the field, never axum's plain-text errors.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// A JSON body.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req, state).await?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request("the request needs a JSON body"));
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// Reads a whole body, mapping the size limit to 413.
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(
                "the request body is larger than this endpoint accepts".into(),
            )
        } else {
            ApiError::bad_request(format!(
                "reading the request body: {}",
                rejection.body_text()
            ))
        }
    })
}

/// Parses JSON, naming the path of the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => Ok(value),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                return Err(ApiError::bad_request(format!(
                    "the body is not valid JSON: {inner}"
                )));
            }
            let message = inner.to_string();
            // serde names a missing field only in its message.
            let field = if path == "." {
                missing_field(&message).unwrap_or_default()
            } else {
                path
            };
            if field.is_empty() {
                Err(ApiError::bad_request(message))
            } else {
                Err(ApiError::field(
                    field.clone(),
                    format!("{field}: {message}"),
                ))
            }
        }
    }
}

fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_string())
}

/// Query parameters.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded_parse(query.as_bytes()));
        match serde_path_to_error::deserialize(deserializer) {
            Ok(value) => Ok(ApiQuery(value)),
            Err(e) => {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                let field = if path == "." {
                    missing_field(&message).unwrap_or_default()
                } else {
                    path
                };
                Err(if field.is_empty() {
                    ApiError::bad_request(format!("query: {message}"))
                } else {
                    ApiError::field(field.clone(), format!("{field}: {message}"))
                })
            }
        }
    }
}

fn form_urlencoded_parse(input: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(input)
}

/// Path parameters; a malformed one (`/cspm/report/abc`) answers 400.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(ApiError::bad_request(format!(
                "path: {}",
                rejection.body_text()
            ))),
        }
    }
}
