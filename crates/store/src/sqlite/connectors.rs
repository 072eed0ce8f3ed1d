//! Connectors and their state history. The history has no foreign key to
//! the connector: billing reads it after the connector is gone.

use super::columns::{RowExt, is_foreign_key, json_text, on_unique, ts};
use super::{resources, retention};
use crate::error::StoreError;
use crate::store::Result;
use crate::types::*;
use posture_model::Provider;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "id, tenant, uuid, provider, scope, name, description, settings, secret, \
                    offline, state, error, error_message, last_synced_on, total_assets, created_at";

fn row(r: &Row<'_>) -> rusqlite::Result<Connector> {
    Ok(Connector {
        id: r.get(0)?,
        tenant: TenantId(r.get(1)?),
        uuid: r.get(2)?,
        provider: r.text_enum(3)?,
        scope: r.get(4)?,
        name: r.get(5)?,
        description: r.get(6)?,
        settings: r.json(7)?,
        secret: r.get(8)?,
        offline: r.get(9)?,
        state: r.text_enum(10)?,
        error: r.get(11)?,
        error_message: r.get(12)?,
        last_synced_on: r.ts_opt(13)?,
        total_assets: r.get(14)?,
        created_at: r.ts(15)?,
    })
}

fn append_history(
    c: &Connection,
    tenant: TenantId,
    connector: i64,
    state: ConnectorState,
    at: Timestamp,
    total_assets: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO connector_history (tenant, connector, state, at, total_assets)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![tenant.0, connector, state.as_str(), ts(at), total_assets],
    )?;
    Ok(())
}

pub(crate) fn create(c: &Connection, new: &NewConnector) -> Result<Connector> {
    let state = ConnectorState::Pending;
    c.execute(
        "INSERT INTO connectors (tenant, uuid, provider, scope, name, description, settings,
                                 secret, offline, state, total_assets, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11)",
        params![
            new.tenant.0,
            new.uuid,
            new.provider.as_str(),
            new.scope,
            new.name,
            new.description,
            json_text(&new.settings)?,
            new.secret,
            new.offline,
            state.as_str(),
            ts(new.created_at),
        ],
    )
    .map_err(|e| {
        if is_foreign_key(&e) {
            return StoreError::NotFound("tenant");
        }
        on_unique(e, |msg| {
            if msg.contains("connectors.uuid") {
                format!("a connector with id {} already exists", new.uuid)
            } else {
                format!(
                    "a connector to this {} scope {} already exists",
                    new.provider, new.scope
                )
            }
        })
    })?;
    let id = c.last_insert_rowid();
    append_history(c, new.tenant, id, state, new.created_at, 0)?;
    get(c, new.tenant, id)
}

pub(crate) fn get(c: &Connection, tenant: TenantId, id: i64) -> Result<Connector> {
    c.query_row(
        &format!("SELECT {COLS} FROM connectors WHERE id = ?1 AND tenant = ?2"),
        params![id, tenant.0],
        row,
    )
    .optional()?
    .ok_or(StoreError::NotFound("connector"))
}

pub(crate) fn list(
    c: &Connection,
    tenant: TenantId,
    provider: Option<Provider>,
) -> Result<Vec<Connector>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {COLS} FROM connectors
         WHERE tenant = ?1 AND (?2 IS NULL OR provider = ?2) ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![tenant.0, provider.map(|p| p.as_str())], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn set_state(
    c: &Connection,
    tenant: TenantId,
    id: i64,
    change: &StateChange,
) -> Result<Connector> {
    let n = c.execute(
        "UPDATE connectors SET
             state = ?3, error = ?4, error_message = ?5,
             last_synced_on = CASE WHEN ?6 THEN ?7 ELSE last_synced_on END,
             total_assets = coalesce(?8, total_assets)
         WHERE id = ?1 AND tenant = ?2",
        params![
            id,
            tenant.0,
            change.state.as_str(),
            change.error,
            change.error_message,
            change.synced,
            ts(change.at),
            change.total_assets,
        ],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound("connector"));
    }
    let connector = get(c, tenant, id)?;
    // The history row carries the assets known at that moment, so a day's
    // usage needs no other table.
    append_history(
        c,
        tenant,
        id,
        change.state,
        change.at,
        connector.total_assets,
    )?;
    Ok(connector)
}

pub(crate) fn delete(c: &Connection, tenant: TenantId, id: i64, at: Timestamp) -> Result<()> {
    get(c, tenant, id)?;
    retention::doom_runs(
        c,
        "SELECT u.id FROM runs u JOIN reports r ON r.id = u.report WHERE r.connector = ?1",
        [id],
    )?;
    retention::drop_doomed_runs(c)?;
    c.execute("DELETE FROM reports WHERE connector = ?1", [id])?;
    c.execute(
        "DELETE FROM jobs WHERE kind IN ('validate_connector', 'refresh_connector')
           AND subject = ?1",
        [id],
    )?;
    c.execute("DELETE FROM connectors WHERE id = ?1", [id])?;
    c.execute(
        "UPDATE connector_history SET deleted_at = ?2 WHERE connector = ?1",
        params![id, ts(at)],
    )?;
    resources::recompute_affected(c)?;
    Ok(())
}

pub(crate) fn history(c: &Connection, tenant: TenantId) -> Result<Vec<StateRecord>> {
    let mut stmt = c.prepare(
        "SELECT connector, state, at, total_assets, deleted_at FROM connector_history
         WHERE tenant = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([tenant.0], |r| {
        Ok(StateRecord {
            connector: r.get(0)?,
            state: r.text_enum(1)?,
            at: r.ts(2)?,
            total_assets: r.get(3)?,
            deleted_at: r.ts_opt(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
