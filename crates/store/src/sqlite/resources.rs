//! Resources as the list and details pages read them, and the upkeep of
//! their denormalized counters (`failed`, `passed`, `current`), which let
//! the list filter, sort and page without touching evaluations.

use super::columns::{RowExt, count_u64, like_pattern, search_text, sql_count};
use crate::error::StoreError;
use crate::store::Result;
use crate::types::*;
use posture_model::Status;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

/// Recomputes the counters of the resources in `affected_resources` from
/// current results, then empties it. Every write that changes current
/// results ends here.
pub(crate) fn recompute_affected(c: &Connection) -> Result<()> {
    c.execute(
        "UPDATE resources SET (failed, passed, current) = (
             SELECT coalesce(sum(e.status = 'FAIL'), 0),
                    coalesce(sum(e.status = 'PASS'), 0),
                    count(*)
             FROM evaluations e JOIN reports r ON r.current_run = e.run
             WHERE e.resource = resources.id)
         WHERE id IN (SELECT id FROM temp.affected_resources)",
        [],
    )?;
    c.execute("DELETE FROM temp.affected_resources", [])?;
    Ok(())
}

/// A WHERE clause over `resources` with its numbered parameters.
struct Filter {
    sql: String,
    values: Vec<Value>,
}

impl Filter {
    fn bind(&mut self, v: Value) -> String {
        self.values.push(v);
        format!("?{}", self.values.len())
    }

    fn and(&mut self, column: &str, v: Value) {
        let p = self.bind(v);
        self.sql.push_str(&format!(" AND {column} = {p}"));
    }

    /// The list's filters and search. `current > 0` is spelled as in the
    /// partial indexes so that SQLite uses them.
    fn of(tenant: TenantId, q: &ResourceQuery) -> Filter {
        let mut f = Filter {
            sql: "tenant = ?1 AND current > 0".to_owned(),
            values: vec![Value::Integer(tenant.0)],
        };
        if let Some(p) = q.provider {
            f.and("provider", Value::Text(p.as_str().to_owned()));
        }
        if let Some(a) = &q.cloud_account {
            f.and("cloud_account", Value::Text(a.clone()));
        }
        if let Some(k) = &q.kind {
            f.and("kind", Value::Text(k.clone()));
        }
        if let Some(s) = search_text(&q.search) {
            let p = f.bind(Value::Text(like_pattern(s)));
            f.sql.push_str(&format!(
                " AND (kind LIKE {p} ESCAPE '\\' OR name LIKE {p} ESCAPE '\\' \
                 OR resource_id LIKE {p} ESCAPE '\\')"
            ));
        }
        f
    }
}

const COLS: &str = "id, provider, cloud_account, resource_id, kind, name, region, \
                    first_discovered, last_found, failed, passed";

fn row(r: &Row<'_>) -> rusqlite::Result<ResourceRow> {
    Ok(ResourceRow {
        id: r.get(0)?,
        provider: r.text_enum(1)?,
        cloud_account: r.get(2)?,
        resource_id: r.get(3)?,
        kind: r.get(4)?,
        name: r.get(5)?,
        region: r.get(6)?,
        first_discovered: r.ts(7)?,
        last_found: r.ts(8)?,
        failed: r.get(9)?,
        passed: r.get(10)?,
    })
}

fn sort_column(sort: ResourceSort) -> &'static str {
    match sort {
        ResourceSort::Name => "name",
        ResourceSort::Kind => "kind",
        ResourceSort::CloudAccount => "cloud_account",
        ResourceSort::Region => "region",
        ResourceSort::DateDiscovered => "first_discovered",
        ResourceSort::DateLastFound => "last_found",
        ResourceSort::Failed => "failed",
    }
}

pub(crate) fn list(c: &Connection, tenant: TenantId, q: &ResourceQuery) -> Result<ResourcePage> {
    let mut f = Filter::of(tenant, q);
    let total: i64 = c.query_row(
        &format!("SELECT count(*) FROM resources WHERE {}", f.sql),
        params_from_iter(&f.values),
        |r| r.get(0),
    )?;
    let dir = if q.descending { "DESC" } else { "ASC" };
    let col = sort_column(q.sort);
    // A search keeps few rows: sorting them beats walking a sort index
    // over every resource and reading each row to test it. The unary plus
    // keeps SQLite from choosing that index.
    let col = if search_text(&q.search).is_some() {
        format!("+{col}")
    } else {
        col.to_owned()
    };
    let limit = f.bind(Value::Integer(sql_count(q.top)));
    let offset = f.bind(Value::Integer(sql_count(q.skip)));
    // The id breaks ties so pages neither repeat nor skip rows.
    let sql = format!(
        "SELECT {COLS} FROM resources WHERE {} ORDER BY {col} {dir}, id {dir} \
         LIMIT {limit} OFFSET {offset}",
        f.sql
    );
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(&f.values), row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ResourcePage {
        total: count_u64(total),
        rows,
    })
}

pub(crate) fn totals(
    c: &Connection,
    tenant: TenantId,
    q: &ResourceQuery,
) -> Result<ResourceTotals> {
    let f = Filter::of(tenant, q);
    let (controls_failed, controls_passed, resources) = c.query_row(
        &format!(
            "SELECT coalesce(sum(failed), 0), coalesce(sum(passed), 0), count(*)
             FROM resources WHERE {}",
            f.sql
        ),
        params_from_iter(&f.values),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let accounts = c.query_row(
        &format!(
            "SELECT count(*) FROM (SELECT DISTINCT provider, cloud_account
                                   FROM resources WHERE {})",
            f.sql
        ),
        params_from_iter(&f.values),
        |r| r.get(0),
    )?;
    Ok(ResourceTotals {
        controls_failed,
        controls_passed,
        resources,
        accounts,
    })
}

pub(crate) fn get(
    c: &Connection,
    tenant: TenantId,
    id: i64,
) -> Result<(ResourceRow, serde_json::Value)> {
    c.query_row(
        &format!("SELECT {COLS}, details FROM resources WHERE id = ?1 AND tenant = ?2"),
        params![id, tenant.0],
        |r| Ok((row(r)?, r.json(11)?)),
    )
    .optional()?
    .ok_or(StoreError::NotFound("resource"))
}

/// Evaluations in current results, with their report and when the run
/// finished. Callers add conditions on `e`, `r` (reports) and `u` (runs).
const CURRENT_EVALUATIONS: &str = "
    SELECT e.resource, r.id, r.title, e.cid, e.status, e.message, u.finished_at
    FROM evaluations e
    JOIN reports r ON r.current_run = e.run
    JOIN runs u ON u.id = e.run";

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
        &format!("SELECT count(*) FROM evaluations e JOIN reports r ON r.current_run = e.run{sql}"),
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
    let mut stmt = c.prepare(&format!(
        "{CURRENT_EVALUATIONS}
         WHERE e.resource IN (SELECT value FROM json_each(?1)) AND r.tenant = ?2
         ORDER BY e.resource, r.id, e.cid"
    ))?;
    let rows = stmt.query_map(params![ids, tenant.0], evaluation_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
