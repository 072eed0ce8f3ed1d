//! Tenants, their users and the users' tokens.

use super::columns::{RowExt, is_foreign_key, on_unique, ts, ts_opt};
use crate::error::StoreError;
use crate::store::Result;
use crate::types::*;
use rusqlite::{Connection, OptionalExtension, Row, params};

const TENANT_COLS: &str = "id, name, external_id, created_at";

fn tenant_row(r: &Row<'_>) -> rusqlite::Result<Tenant> {
    Ok(Tenant {
        id: TenantId(r.get(0)?),
        name: r.get(1)?,
        external_id: r.get(2)?,
        created_at: r.ts(3)?,
    })
}

pub(crate) fn create_tenant(
    c: &Connection,
    name: &str,
    external_id: &str,
    at: Timestamp,
) -> Result<Tenant> {
    c.execute(
        "INSERT INTO tenants (name, external_id, created_at) VALUES (?1, ?2, ?3)",
        params![name, external_id, ts(at)],
    )
    .map_err(|e| on_unique(e, |_| format!("a tenant named {name:?} already exists")))?;
    tenant(c, TenantId(c.last_insert_rowid()))
}

pub(crate) fn tenant(c: &Connection, id: TenantId) -> Result<Tenant> {
    c.query_row(
        &format!("SELECT {TENANT_COLS} FROM tenants WHERE id = ?1"),
        [id.0],
        tenant_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound("tenant"))
}

pub(crate) fn tenant_by_name(c: &Connection, name: &str) -> Result<Tenant> {
    c.query_row(
        &format!("SELECT {TENANT_COLS} FROM tenants WHERE name = ?1"),
        [name],
        tenant_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound("tenant"))
}

pub(crate) fn tenants(c: &Connection) -> Result<Vec<Tenant>> {
    let mut stmt = c.prepare(&format!("SELECT {TENANT_COLS} FROM tenants ORDER BY id"))?;
    let rows = stmt.query_map([], tenant_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const USER_COLS: &str = "id, tenant, email, password_hash, role, created_at";

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        tenant: TenantId(r.get(1)?),
        email: r.get(2)?,
        password_hash: r.get(3)?,
        role: r.text_enum(4)?,
        created_at: r.ts(5)?,
    })
}

pub(crate) fn create_user(c: &Connection, user: &NewUser) -> Result<User> {
    c.execute(
        "INSERT INTO users (tenant, email, password_hash, role, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            user.tenant.0,
            user.email,
            user.password_hash,
            user.role.as_str(),
            ts(user.created_at)
        ],
    )
    .map_err(|e| {
        if is_foreign_key(&e) {
            StoreError::NotFound("tenant")
        } else {
            on_unique(e, |_| {
                format!("a user with the email {:?} already exists", user.email)
            })
        }
    })?;
    let id = c.last_insert_rowid();
    Ok(c.query_row(
        &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
        [id],
        user_row,
    )?)
}

pub(crate) fn user_by_email(c: &Connection, email: &str) -> Result<User> {
    c.query_row(
        &format!("SELECT {USER_COLS} FROM users WHERE email = ?1"),
        [email],
        user_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound("user"))
}

pub(crate) fn users(c: &Connection, tenant: TenantId) -> Result<Vec<User>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {USER_COLS} FROM users WHERE tenant = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([tenant.0], user_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn create_token(c: &Connection, token: &NewToken) -> Result<TokenInfo> {
    c.execute(
        "INSERT INTO tokens (user_id, name, kind, hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            token.user,
            token.name,
            token.kind.as_str(),
            token.hash,
            ts(token.created_at),
            ts_opt(token.expires_at)
        ],
    )
    .map_err(|e| {
        if is_foreign_key(&e) {
            StoreError::NotFound("user")
        } else {
            on_unique(e, |_| "a token with this hash already exists".to_owned())
        }
    })?;
    let id = c.last_insert_rowid();
    Ok(c.query_row(
        "SELECT id, name, kind, created_at, expires_at FROM tokens WHERE id = ?1",
        [id],
        |r| {
            Ok(TokenInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.text_enum(2)?,
                created_at: r.ts(3)?,
                expires_at: r.ts_opt(4)?,
            })
        },
    )?)
}

pub(crate) fn principal_by_token(c: &Connection, hash: &str, now: Timestamp) -> Result<Principal> {
    c.query_row(
        "SELECT u.tenant, u.id, u.email, u.role
         FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.hash = ?1 AND (t.expires_at IS NULL OR t.expires_at > ?2)",
        params![hash, ts(now)],
        |r| {
            Ok(Principal {
                tenant: TenantId(r.get(0)?),
                user: r.get(1)?,
                email: r.get(2)?,
                role: r.text_enum(3)?,
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NotFound("token"))
}

pub(crate) fn revoke_token(c: &Connection, tenant: TenantId, user: i64, token: i64) -> Result<()> {
    let n = c.execute(
        "DELETE FROM tokens WHERE id = ?1 AND user_id = ?2
           AND user_id IN (SELECT id FROM users WHERE tenant = ?3)",
        params![token, user, tenant.0],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound("token"));
    }
    Ok(())
}

pub(crate) fn delete_token_by_hash(c: &Connection, hash: &str) -> Result<()> {
    c.execute("DELETE FROM tokens WHERE hash = ?1", params![hash])?;
    Ok(())
}
