//! Runs: requesting one (with the minimum interval and its job), staging
//! what a run found, and publishing or failing it. Publishing is the one
//! place current results change hands, in a single transaction.

use super::columns::{RowExt, json_text, stored, ts};
use super::resources;
use crate::error::StoreError;
use crate::store::Result;
use crate::types::*;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "u.id, u.report, u.state, u.requested_at, u.finished_at, u.error, u.summary";

/// A run from the seven columns of `COLS` starting at `at`.
pub(crate) fn row_at(r: &Row<'_>, at: usize) -> rusqlite::Result<Run> {
    Ok(Run {
        id: r.get(at)?,
        report: r.get(at + 1)?,
        state: r.text_enum(at + 2)?,
        requested_at: r.ts(at + 3)?,
        finished_at: r.ts_opt(at + 4)?,
        error: r.get(at + 5)?,
        summary: r.json_opt(at + 6)?,
    })
}

pub(crate) fn request(
    c: &Connection,
    tenant: TenantId,
    report: i64,
    now: Timestamp,
    min_interval: chrono::Duration,
) -> Result<Run> {
    let last: Option<i64> = c
        .query_row(
            "SELECT last_requested_at FROM reports WHERE id = ?1 AND tenant = ?2",
            params![report, tenant.0],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::NotFound("report"))?;
    let now = stored(now)?;
    if let Some(last) = last.and_then(chrono::DateTime::from_timestamp_micros) {
        let due = last + min_interval;
        if now < due {
            return Err(StoreError::TooSoon {
                retry_after: due - now,
            });
        }
    }
    c.execute(
        "INSERT INTO runs (report, state, requested_at) VALUES (?1, ?2, ?3)",
        params![report, RunState::Queued.as_str(), ts(now)],
    )?;
    let run = c.last_insert_rowid();
    c.execute(
        "UPDATE reports SET last_requested_at = ?2 WHERE id = ?1",
        params![report, ts(now)],
    )?;
    c.execute(
        "INSERT INTO jobs (tenant, kind, subject, not_before) VALUES (?1, ?2, ?3, ?4)",
        params![tenant.0, JobKind::ReportRun.as_str(), run, ts(now)],
    )?;
    get(c, tenant, run)
}

pub(crate) fn get(c: &Connection, tenant: TenantId, id: i64) -> Result<Run> {
    c.query_row(
        &format!(
            "SELECT {COLS} FROM runs u JOIN reports r ON r.id = u.report
             WHERE u.id = ?1 AND r.tenant = ?2"
        ),
        params![id, tenant.0],
        |r| row_at(r, 0),
    )
    .optional()?
    .ok_or(StoreError::NotFound("run"))
}

/// The report's runs, oldest first; `NotFound` when the report is not the
/// tenant's.
pub(crate) fn of_report(c: &Connection, tenant: TenantId, report: i64) -> Result<Vec<Run>> {
    let known: Option<i64> = c
        .query_row(
            "SELECT id FROM reports WHERE id = ?1 AND tenant = ?2",
            params![report, tenant.0],
            |r| r.get(0),
        )
        .optional()?;
    known.ok_or(StoreError::NotFound("report"))?;
    let mut statement = c.prepare(&format!(
        "SELECT {COLS} FROM runs u WHERE u.report = ?1 ORDER BY u.requested_at, u.id"
    ))?;
    let rows = statement.query_map([report], |r| row_at(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<Run>>>()?)
}

pub(crate) fn get_any(c: &Connection, id: i64) -> Result<(TenantId, Run)> {
    c.query_row(
        &format!(
            "SELECT r.tenant, {COLS} FROM runs u JOIN reports r ON r.id = u.report
             WHERE u.id = ?1"
        ),
        [id],
        |r| Ok((TenantId(r.get(0)?), row_at(r, 1)?)),
    )
    .optional()?
    .ok_or(StoreError::NotFound("run"))
}

/// The run's state, `NotFound` when there is no such run and `Conflict`
/// when it already finished: a finished run takes no more work.
fn unfinished(c: &Connection, run: i64) -> Result<RunState> {
    let state = c
        .query_row("SELECT state FROM runs WHERE id = ?1", [run], |r| {
            r.text_enum::<RunState>(0)
        })
        .optional()?
        .ok_or(StoreError::NotFound("run"))?;
    match state {
        RunState::Queued | RunState::Running => Ok(state),
        RunState::Succeeded | RunState::Failed => Err(StoreError::Conflict(format!(
            "run {run} already {}",
            state.as_str()
        ))),
    }
}

pub(crate) fn mark_running(c: &Connection, run: i64) -> Result<()> {
    unfinished(c, run)?;
    c.execute(
        "UPDATE runs SET state = ?2 WHERE id = ?1",
        params![run, RunState::Running.as_str()],
    )?;
    Ok(())
}

pub(crate) fn stage_resources(c: &Connection, run: i64, batch: &[RunResource]) -> Result<()> {
    unfinished(c, run)?;
    // A retried batch replaces what the first attempt staged at the same
    // index.
    let mut stmt = c.prepare(
        "INSERT OR REPLACE INTO staged_resources
             (run, idx, provider, cloud_account, resource_id, kind, name, region, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for r in batch {
        stmt.execute(params![
            run,
            r.index,
            r.provider.as_str(),
            r.cloud_account,
            r.resource_id,
            r.kind,
            r.name,
            r.region,
            json_text(&r.details)?,
        ])?;
    }
    Ok(())
}

pub(crate) fn stage_evaluations(c: &Connection, run: i64, batch: &[RunEvaluation]) -> Result<()> {
    unfinished(c, run)?;
    let mut stmt = c.prepare(
        "INSERT INTO staged_evaluations (run, resource_idx, cid, status, message)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for e in batch {
        stmt.execute(params![
            run,
            e.resource,
            e.cid,
            e.status.as_str(),
            e.message
        ])?;
    }
    Ok(())
}

/// Returns the run's tenant.
pub(crate) fn publish(c: &Connection, run: i64, outcome: &RunOutcome) -> Result<TenantId> {
    unfinished(c, run)?;
    let (tenant, report, previous): (i64, i64, Option<i64>) = c.query_row(
        "SELECT r.tenant, r.id, r.current_run FROM runs u JOIN reports r ON r.id = u.report
         WHERE u.id = ?1",
        [run],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let dangling: Option<i64> = c
        .query_row(
            "SELECT se.resource_idx FROM staged_evaluations se
             WHERE se.run = ?1 AND NOT EXISTS (
                 SELECT 1 FROM staged_resources sr
                 WHERE sr.run = se.run AND sr.idx = se.resource_idx)
             LIMIT 1",
            [run],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(idx) = dangling {
        return Err(StoreError::Backend(format!(
            "publishing run {run}: an evaluation names resource index {idx}, which the run did not stage"
        )));
    }
    let finished = ts(outcome.finished_at);

    // Upsert by cloud identity: a resource seen before keeps its id and
    // first_discovered; what it looks like now replaces the rest. (The
    // WHERE clause is also what SQLite's upsert-from-SELECT grammar needs.)
    c.execute(
        "INSERT INTO resources (tenant, provider, cloud_account, resource_id, kind, name,
                                region, details, first_discovered, last_found)
         SELECT ?1, provider, cloud_account, resource_id, kind, name, region, details, ?3, ?3
         FROM staged_resources WHERE run = ?2 ORDER BY idx
         ON CONFLICT (tenant, provider, cloud_account, resource_id) DO UPDATE SET
             kind = excluded.kind, name = excluded.name, region = excluded.region,
             details = excluded.details, last_found = excluded.last_found",
        params![tenant, run, finished],
    )?;

    c.execute("DELETE FROM temp.affected_resources", [])?;
    // The store keeps only current results: the previous current run's
    // go, its run row stays with its summary as history.
    if let Some(previous) = previous.filter(|p| *p != run) {
        c.execute(
            "INSERT OR IGNORE INTO temp.affected_resources (id)
             SELECT DISTINCT resource FROM evaluations WHERE run = ?1",
            [previous],
        )?;
        c.execute("DELETE FROM evaluations WHERE run = ?1", [previous])?;
        c.execute("DELETE FROM control_outcomes WHERE run = ?1", [previous])?;
    }

    c.execute(
        "INSERT INTO evaluations (run, resource, cid, status, message)
         SELECT ?1, s.id, se.cid, se.status, se.message
         FROM staged_evaluations se
         JOIN staged_resources sr ON sr.run = se.run AND sr.idx = se.resource_idx
         JOIN resources s ON s.tenant = ?2 AND s.provider = sr.provider
             AND s.cloud_account = sr.cloud_account AND s.resource_id = sr.resource_id
         WHERE se.run = ?1",
        params![run, tenant],
    )?;
    c.execute(
        "INSERT OR IGNORE INTO temp.affected_resources (id)
         SELECT DISTINCT resource FROM evaluations WHERE run = ?1",
        [run],
    )?;

    let mut stmt = c.prepare(
        "INSERT OR REPLACE INTO control_outcomes (run, cid, status, pass, fail, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for o in &outcome.controls {
        stmt.execute(params![
            run,
            o.cid,
            o.status.as_str(),
            o.pass,
            o.fail,
            o.error
        ])?;
    }

    c.execute(
        "UPDATE runs SET state = ?2, finished_at = ?3, summary = ?4, error = NULL WHERE id = ?1",
        params![
            run,
            RunState::Succeeded.as_str(),
            finished,
            json_text(&outcome.summary)?
        ],
    )?;
    c.execute(
        "UPDATE reports SET current_run = ?2 WHERE id = ?1",
        params![report, run],
    )?;
    clear_staging(c, run)?;
    resources::recompute_affected(c)?;
    Ok(TenantId(tenant))
}

pub(crate) fn fail(c: &Connection, run: i64, error: &str, at: Timestamp) -> Result<()> {
    unfinished(c, run)?;
    c.execute(
        "UPDATE runs SET state = ?2, error = ?3, finished_at = ?4 WHERE id = ?1",
        params![run, RunState::Failed.as_str(), error, ts(at)],
    )?;
    clear_staging(c, run)
}

pub(crate) fn clear_staging(c: &Connection, run: i64) -> Result<()> {
    c.execute("DELETE FROM staged_resources WHERE run = ?1", [run])?;
    c.execute("DELETE FROM staged_evaluations WHERE run = ?1", [run])?;
    Ok(())
}
