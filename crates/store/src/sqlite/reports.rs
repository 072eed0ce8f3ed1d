//! Reports, and the parts of their current results that belong to a
//! report rather than a resource: control outcomes and the resources one
//! control evaluated.

use super::columns::{RowExt, json_text, on_unique, ts};
use super::{resources, retention, runs};
use crate::error::StoreError;
use crate::store::Result;
use crate::types::*;
use posture_model::Provider;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// The report's columns, then its latest run's (all null when it has
/// none), over `reports r LEFT JOIN runs u`.
const COLS: &str = "r.id, r.tenant, r.title, r.description, r.provider, r.mandate, r.mandate_mid, \
                    r.connector, r.policies, r.format, r.report_type, r.created_at, \
                    r.current_run, r.last_requested_at, \
                    u.id, u.report, u.state, u.requested_at, u.finished_at, u.error, u.summary";

const FROM: &str = "reports r LEFT JOIN runs u
                    ON u.id = (SELECT max(id) FROM runs WHERE report = r.id)";

fn row(r: &Row<'_>) -> rusqlite::Result<Report> {
    let policies: String = r.get(8)?;
    let policies = serde_json::from_str(&policies).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(8, rusqlite::types::Type::Text, e.into())
    })?;
    let latest_run = match r.get::<_, Option<i64>>(14)? {
        None => None,
        Some(_) => Some(runs::row_at(r, 14)?),
    };
    Ok(Report {
        id: r.get(0)?,
        tenant: TenantId(r.get(1)?),
        title: r.get(2)?,
        description: r.get(3)?,
        provider: r.text_enum(4)?,
        mandate: r.get(5)?,
        mandate_mid: r.u32(6)?,
        connector: r.get(7)?,
        policies,
        format: r.get(9)?,
        report_type: r.get(10)?,
        created_at: r.ts(11)?,
        current_run: r.get(12)?,
        last_requested_at: r.ts_opt(13)?,
        latest_run,
    })
}

pub(crate) fn create(c: &Connection, new: &NewReport) -> Result<Report> {
    let owned = c
        .query_row(
            "SELECT 1 FROM connectors WHERE id = ?1 AND tenant = ?2",
            params![new.connector, new.tenant.0],
            |_| Ok(()),
        )
        .optional()?;
    if owned.is_none() {
        return Err(StoreError::NotFound("connector"));
    }
    c.execute(
        "INSERT INTO reports (tenant, title, description, provider, mandate, mandate_mid,
                              connector, policies, format, report_type, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            new.tenant.0,
            new.title,
            new.description,
            new.provider.as_str(),
            new.mandate,
            new.mandate_mid,
            new.connector,
            json_text(&new.policies)?,
            new.format,
            new.report_type,
            ts(new.created_at),
        ],
    )
    .map_err(|e| {
        on_unique(e, |_| {
            format!(
                "a report of mandate {} on this connector already exists",
                new.mandate
            )
        })
    })?;
    get(c, new.tenant, c.last_insert_rowid())
}

pub(crate) fn get(c: &Connection, tenant: TenantId, id: i64) -> Result<Report> {
    c.query_row(
        &format!("SELECT {COLS} FROM {FROM} WHERE r.id = ?1 AND r.tenant = ?2"),
        params![id, tenant.0],
        row,
    )
    .optional()?
    .ok_or(StoreError::NotFound("report"))
}

pub(crate) fn list(
    c: &Connection,
    tenant: TenantId,
    provider: Option<Provider>,
) -> Result<Vec<Report>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {COLS} FROM {FROM}
         WHERE r.tenant = ?1 AND (?2 IS NULL OR r.provider = ?2) ORDER BY r.id"
    ))?;
    let rows = stmt.query_map(params![tenant.0, provider.map(|p| p.as_str())], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn delete(c: &Connection, tenant: TenantId, id: i64) -> Result<()> {
    get(c, tenant, id)?;
    retention::doom_runs(c, "SELECT id FROM runs WHERE report = ?1", [id])?;
    retention::drop_doomed_runs(c)?;
    c.execute("DELETE FROM reports WHERE id = ?1", [id])?;
    resources::recompute_affected(c)?;
    Ok(())
}

/// The report's current run, `NotFound` when the report is not the
/// tenant's.
fn current_run(c: &Connection, tenant: TenantId, report: i64) -> Result<Option<i64>> {
    c.query_row(
        "SELECT current_run FROM reports WHERE id = ?1 AND tenant = ?2",
        params![report, tenant.0],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::NotFound("report"))
}

pub(crate) fn control_outcomes(
    c: &Connection,
    tenant: TenantId,
    report: i64,
) -> Result<Vec<ControlOutcome>> {
    let Some(run) = current_run(c, tenant, report)? else {
        return Ok(Vec::new());
    };
    let mut stmt = c.prepare(
        "SELECT cid, status, pass, fail, error FROM control_outcomes WHERE run = ?1 ORDER BY cid",
    )?;
    let rows = stmt.query_map([run], |r| {
        Ok(ControlOutcome {
            cid: r.u32(0)?,
            status: r.text_enum(1)?,
            pass: r.get(2)?,
            fail: r.get(3)?,
            error: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn control_resources(
    c: &Connection,
    tenant: TenantId,
    report: i64,
    cid: u32,
) -> Result<Vec<ControlResource>> {
    let Some(run) = current_run(c, tenant, report)? else {
        return Ok(Vec::new());
    };
    let mut stmt = c.prepare(
        "SELECT s.id, s.resource_id, s.name, s.kind, s.region, e.status, e.message
         FROM evaluations e JOIN resources s ON s.id = e.resource
         WHERE e.run = ?1 AND e.cid = ?2
         ORDER BY s.id",
    )?;
    let rows = stmt.query_map(params![run, cid], |r| {
        Ok(ControlResource {
            resource: r.get(0)?,
            resource_id: r.get(1)?,
            name: r.get(2)?,
            kind: r.get(3)?,
            region: r.get(4)?,
            status: r.text_enum(5)?,
            message: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
