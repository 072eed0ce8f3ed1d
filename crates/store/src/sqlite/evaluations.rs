//! A resource's evaluations in current results: the details page's list,
//! and the latest ones of each row of a list page.

use super::columns::{RowExt, count_u64, like_pattern, search_text, sql_count};
use crate::error::StoreError;
use crate::store::Result;
use crate::types::*;
use posture_model::Status;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

/// Evaluations in current results, with their report and when the run
/// finished. Callers add conditions on `e`, `r` (reports) and `u` (runs).
/// CROSS JOIN fixes the join order: from the resource's evaluations
/// through its index. Left to itself, SQLite may start from the tenant's
/// reports and read every evaluation of their current runs.
const CURRENT_EVALUATIONS: &str = "
    SELECT e.resource, r.id, r.title, e.cid, e.status, e.message, u.finished_at
    FROM evaluations e
    CROSS JOIN reports r ON r.current_run = e.run
    CROSS JOIN runs u ON u.id = e.run";

fn evaluation_row(r: &Row<'_>) -> rusqlite::Result<(i64, ResourceEvaluation)> {
    Ok((
        r.get(0)?,
        ResourceEvaluation {
            report: r.get(1)?,
            report_title: r.get(2)?,
            cid: r.u32(3)?,
            status: r.text_enum(4)?,
            message: r.get(5)?,
            evaluated_on: r.ts(6)?,
        },
    ))
}

pub(crate) fn evaluations(
    c: &Connection,
    tenant: TenantId,
    id: i64,
    q: &EvaluationQuery,
) -> Result<(u64, Vec<ResourceEvaluation>)> {
    let exists = c
        .query_row(
            "SELECT 1 FROM resources WHERE id = ?1 AND tenant = ?2",
            params![id, tenant.0],
            |_| Ok(()),
        )
        .optional()?;
    if exists.is_none() {
        return Err(StoreError::NotFound("resource"));
    }
    let mut values = vec![Value::Integer(id), Value::Integer(tenant.0)];
    let mut sql = String::from(" WHERE e.resource = ?1 AND r.tenant = ?2");
    if let Some(s) = q.status {
        values.push(Value::Text(Status::as_str(s).to_owned()));
        sql.push_str(&format!(" AND e.status = ?{}", values.len()));
    }
    if let Some(report) = q.report {
        values.push(Value::Integer(report));
        sql.push_str(&format!(" AND r.id = ?{}", values.len()));
    }
    if let Some(s) = search_text(&q.search) {
        values.push(Value::Text(like_pattern(s)));
        let p = values.len();
        sql.push_str(&format!(
            " AND (r.title LIKE ?{p} ESCAPE '\\' OR CAST(e.cid AS TEXT) LIKE ?{p} ESCAPE '\\')"
        ));
    }
    let total: i64 = c.query_row(
        &format!(
            "SELECT count(*) FROM evaluations e CROSS JOIN reports r ON r.current_run = e.run{sql}"
        ),
        params_from_iter(&values),
        |r| r.get(0),
    )?;
    values.push(Value::Integer(sql_count(q.top)));
    values.push(Value::Integer(sql_count(q.skip)));
    let n = values.len();
    let mut stmt = c.prepare(&format!(
        "{CURRENT_EVALUATIONS}{sql} ORDER BY r.id, e.cid LIMIT ?{} OFFSET ?{n}",
        n - 1
    ))?;
    let page = stmt
        .query_map(params_from_iter(&values), evaluation_row)?
        .map(|r| r.map(|(_, e)| e))
        .collect::<rusqlite::Result<_>>()?;
    Ok((count_u64(total), page))
}

pub(crate) fn evaluations_of(
    c: &Connection,
    tenant: TenantId,
    resources: &[i64],
) -> Result<Vec<(i64, ResourceEvaluation)>> {
    if resources.is_empty() {
        return Ok(Vec::new());
    }
    // The ids travel as one JSON array: one statement whatever their
    // number, no temporary table on a read-only connection.
    let ids = serde_json::to_string(resources)
        .map_err(|e| StoreError::Backend(format!("encoding ids: {e}")))?;
    // From the page's ids, as CURRENT_EVALUATIONS explains.
    let mut stmt = c.prepare(
        "SELECT e.resource, r.id, r.title, e.cid, e.status, e.message, u.finished_at
         FROM (SELECT DISTINCT value AS id FROM json_each(?1)) j
         CROSS JOIN evaluations e ON e.resource = j.id
         CROSS JOIN reports r ON r.current_run = e.run
         CROSS JOIN runs u ON u.id = e.run
         WHERE r.tenant = ?2
         ORDER BY e.resource, r.id, e.cid",
    )?;
    let rows = stmt.query_map(params![ids, tenant.0], evaluation_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
