//! Who is calling: a bearer token (API clients) or the portal's session
//! cookie, looked up by hash in the store and scoped to its tenant. Roles:
//! admins do everything, viewers read and export.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tokens::hash_token;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use posture_store::{Principal, Role, StoreError, TenantId};

pub const SESSION_COOKIE: &str = "posture_session";

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl Caller {
    pub fn tenant(&self) -> TenantId {
        self.0.tenant
    }

    /// Writes need an admin.
    pub fn require_admin(&self) -> ApiResult<()> {
        match self.0.role {
            Role::Admin => Ok(()),
            Role::Viewer => Err(ApiError::Forbidden(
                "viewers can read and export; this needs an admin".into(),
            )),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .or_else(|| session_cookie(parts))
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "sign in, or send an API token as `Authorization: Bearer <token>`".into(),
                )
            })?;
        let hash = hash_token(&token);
        let now = state.now();
        let store = std::sync::Arc::clone(&state.store);
        let found = tokio::task::spawn_blocking(move || store.principal_by_token(&hash, now))
            .await
            .map_err(|e| ApiError::internal("token lookup", e))?;
        match found {
            Ok(principal) => Ok(Caller(principal)),
            Err(StoreError::NotFound(_)) => Err(ApiError::Unauthorized(
                "the token is unknown, revoked or expired".into(),
            )),
            Err(e) => Err(e.into()),
        }
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn session_cookie(parts: &Parts) -> Option<String> {
    session_cookie_in(&parts.headers)
}

/// The portal session token a request's cookies carry.
pub fn session_cookie_in(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}
