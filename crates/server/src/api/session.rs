//! `/auth/...`: password login for the portal (a session cookie and a
//! session token), logout, who am I, and API tokens shown once.

use crate::auth::{Caller, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::passwords::{dummy_verify, verify_password};
use crate::state::AppState;
use crate::tokens::{generate_token, hash_token};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use posture_store::{NewToken, StoreError, TokenKind};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Login {
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: crate::secrets::Secret,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoggedIn {
    /// Also set as the session cookie; usable as a bearer token until it
    /// expires.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub email: String,
    pub role: &'static str,
    pub tenant: String,
}

#[utoipa::path(post, path = "/auth/login", request_body = Login,
    responses((status = 200, body = LoggedIn), (status = 401, body = crate::error::ErrorBody)),
    tag = "auth")]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Login>,
) -> ApiResult<Response> {
    let email = body.email.trim().to_ascii_lowercase();
    let lookup = email.clone();
    let found = state.db(move |s| match s.user_by_email(&lookup) {
        Ok(user) => Ok(Some(user)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    });
    let user = found.await?;
    let password = body.password;
    let verified = tokio::task::spawn_blocking(move || match user {
        Some(user) if verify_password(password.expose(), &user.password_hash) => Some(user),
        Some(_) => None,
        None => {
            // Same work for an unknown email, so timing does not tell
            // which emails exist.
            dummy_verify(password.expose());
            None
        }
    })
    .await
    .map_err(|e| ApiError::internal("password check", e))?;
    let user = verified.ok_or_else(|| {
        tracing::info!("failed login");
        ApiError::Unauthorized("wrong email or password".into())
    })?;
    let token = generate_token("pss_");
    let now = state.now();
    let expires_at = now + state.config.session_ttl;
    let new = NewToken {
        user: user.id,
        name: "portal session".into(),
        kind: TokenKind::Session,
        hash: hash_token(&token),
        created_at: now,
        expires_at: Some(expires_at),
    };
    state.db(move |s| s.create_token(&new)).await?;
    let tenant_id = user.tenant;
    let tenant = state.db(move |s| s.tenant(tenant_id)).await?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        state.config.session_ttl.num_seconds()
    );
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, value);
    }
    tracing::info!(user = user.id, tenant = tenant.id.0, "login");
    Ok((
        headers,
        Json(LoggedIn {
            token,
            expires_at,
            email: user.email,
            role: user.role.as_str(),
            tenant: tenant.name,
        }),
    )
        .into_response())
}

#[utoipa::path(post, path = "/auth/logout", responses((status = 204)), tag = "auth")]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    // Revoking by hash needs no lookup of the caller: an unknown token
    // simply matches nothing.
    if let Some(token) = crate::auth::session_cookie_in(&headers) {
        let hash = hash_token(&token);
        state.db(move |s| s.delete_token_by_hash(&hash)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("posture_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub email: String,
    pub role: &'static str,
    pub tenant: String,
}

#[utoipa::path(get, path = "/auth/me", responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)), tag = "auth")]
pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    let tenant = caller.tenant();
    let tenant = state.db(move |s| s.tenant(tenant)).await?;
    Ok(Json(Me {
        email: caller.0.email.clone(),
        role: caller.0.role.as_str(),
        tenant: tenant.name,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewApiToken {
    /// What the token is for, e.g. "CI export".
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenCreated {
    pub id: i64,
    pub name: String,
    /// Shown once: only its hash is kept.
    pub token: String,
}

/// An API token for the caller, with the caller's role.
#[utoipa::path(post, path = "/auth/tokens", request_body = NewApiToken,
    responses((status = 201, body = ApiTokenCreated)), tag = "auth")]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewApiToken>,
) -> ApiResult<(StatusCode, Json<ApiTokenCreated>)> {
    let name = crate::validate::Name::parse("name", &body.name)?;
    let token = generate_token("pst_");
    let new = NewToken {
        user: caller.0.user,
        name: name.as_str().to_string(),
        kind: TokenKind::Api,
        hash: hash_token(&token),
        created_at: state.now(),
        expires_at: None,
    };
    let info = state.db(move |s| s.create_token(&new)).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiTokenCreated {
            id: info.id,
            name: info.name,
            token,
        }),
    ))
}
