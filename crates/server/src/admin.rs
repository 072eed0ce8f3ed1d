//! Administration: the first start's tenant and admin (credentials printed
//! once), and what `posture admin` does: tenants, users and API tokens.

use crate::passwords::hash_password;
use crate::tokens::{external_id, generate_password, generate_token, hash_token};
use chrono::{DateTime, Utc};
use posture_store::{NewToken, NewUser, Role, Store, StoreError, Tenant, TokenKind};

/// One-time credentials, for a person to note down.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub tenant: String,
    pub email: String,
    pub password: String,
    pub token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Invalid(String),
}

/// Creates the first tenant and its admin when the store has no tenant.
pub fn bootstrap(
    store: &dyn Store,
    tenant: &str,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Option<Credentials>, AdminError> {
    if !store.tenants()?.is_empty() {
        return Ok(None);
    }
    create_tenant(store, tenant, now)?;
    create_user(store, tenant, email, Role::Admin, now).map(Some)
}

pub fn create_tenant(
    store: &dyn Store,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Tenant, AdminError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(AdminError::Invalid(
            "a tenant name has 1 to 64 characters".into(),
        ));
    }
    Ok(store.create_tenant(name, &external_id(), now)?)
}

/// Creates a user with a generated password and a first API token.
pub fn create_user(
    store: &dyn Store,
    tenant: &str,
    email: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Credentials, AdminError> {
    let email = email.trim().to_ascii_lowercase();
    if !email.contains('@') || email.len() > 254 {
        return Err(AdminError::Invalid(format!(
            "{email:?} is not an email address"
        )));
    }
    let tenant = store.tenant_by_name(tenant)?;
    let password = generate_password();
    let hash = hash_password(&password).map_err(|e| AdminError::Invalid(e.to_string()))?;
    let user = store.create_user(&NewUser {
        tenant: tenant.id,
        email: email.clone(),
        password_hash: hash,
        role,
        created_at: now,
    })?;
    let token = new_token(store, user.id, "first token", now)?;
    Ok(Credentials {
        tenant: tenant.name,
        email,
        password,
        token,
    })
}

/// A new API token for the user with this email.
pub fn create_token(
    store: &dyn Store,
    email: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<String, AdminError> {
    let user = store.user_by_email(&email.trim().to_ascii_lowercase())?;
    new_token(store, user.id, name, now)
}

fn new_token(
    store: &dyn Store,
    user: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<String, AdminError> {
    let token = generate_token("pst_");
    store.create_token(&NewToken {
        user,
        name: name.to_string(),
        kind: TokenKind::Api,
        hash: hash_token(&token),
        created_at: now,
        expires_at: None,
    })?;
    Ok(token)
}
