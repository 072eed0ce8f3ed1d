//! Resources as the list, its totals, its export and the details page read
//! them, and the upkeep of their denormalized counters (`failed`, `passed`,
//! `current`), which let the list filter, sort and page without touching
//! evaluations.
//!
//! A list page is found in the tenant's in-memory listing (`listing`) and
//! only its rows are read here; totals without a search come from
//! `resource_groups`, which triggers keep, so they never count rows.

use super::columns::{RowExt, count_u64, like_pattern, search_text, sql_count};
use super::listing::{self, Criteria, ListingCache, sort_column};
use crate::error::StoreError;
use crate::store::Result;
use crate::types::*;
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

    /// The list's filters, which `resources` and `resource_groups` share.
    fn dims(tenant: TenantId, q: &ResourceQuery) -> Filter {
        let mut f = Filter {
            sql: "tenant = ?1".to_owned(),
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
        f
    }

    /// The filters over listed resources. `current > 0` is spelled as in
    /// the partial indexes so that SQLite uses them.
    fn listed(tenant: TenantId, q: &ResourceQuery) -> Filter {
        let mut f = Filter::dims(tenant, q);
        f.sql.push_str(" AND current > 0");
        f
    }

    /// What a listing cannot search for (`listing::searchable`): LIKE over
    /// every listed resource.
    fn scanned(tenant: TenantId, q: &ResourceQuery, search: &str) -> Filter {
        let mut f = Filter::listed(tenant, q);
        let p = f.bind(Value::Text(like_pattern(search)));
        f.sql.push_str(&format!(
            " AND (kind LIKE {p} ESCAPE '\\' OR name LIKE {p} ESCAPE '\\' \
             OR resource_id LIKE {p} ESCAPE '\\')"
        ));
        f
    }
}

/// The search SQL has to answer, if the query's is one.
fn unsearchable(q: &ResourceQuery) -> Option<&str> {
    search_text(&q.search).filter(|s| !listing::searchable(s))
}

fn criteria(q: &ResourceQuery) -> Criteria<'_> {
    Criteria {
        provider: q.provider.map(|p| p.as_str()),
        cloud_account: q.cloud_account.as_deref(),
        kind: q.kind.as_deref(),
        search: search_text(&q.search),
    }
}

/// The totals of the groups the filters select.
fn group_totals(c: &Connection, tenant: TenantId, q: &ResourceQuery) -> Result<ResourceTotals> {
    let f = Filter::dims(tenant, q);
    let (resources, controls_failed, controls_passed) = c.query_row(
        &format!(
            "SELECT coalesce(sum(resources), 0), coalesce(sum(failed), 0),
                    coalesce(sum(passed), 0)
             FROM resource_groups WHERE {}",
            f.sql
        ),
        params_from_iter(&f.values),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let accounts = distinct_accounts(c, "resource_groups", &f)?;
    Ok(ResourceTotals {
        controls_failed,
        controls_passed,
        resources,
        accounts,
    })
}

fn distinct_accounts(c: &Connection, table: &str, f: &Filter) -> Result<i64> {
    Ok(c.query_row(
        &format!(
            "SELECT count(*) FROM (SELECT DISTINCT provider, cloud_account
                                   FROM {table} WHERE {})",
            f.sql
        ),
        params_from_iter(&f.values),
        |r| r.get(0),
    )?)
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

/// `SELECT COLS ... WHERE where_ ORDER BY` the query's sort. The id breaks
/// ties, so pages neither repeat nor skip rows; the unary plus keeps
/// SQLite off the sort index, which would have it walk every listed row
/// to sort the few selected.
fn ordered(q: &ResourceQuery, where_: &str) -> String {
    let (col, _) = sort_column(q.sort);
    let dir = if q.descending { "DESC" } else { "ASC" };
    format!("SELECT {COLS} FROM resources WHERE {where_} ORDER BY +{col} {dir}, id {dir}")
}

/// The rows with these ids, in the query's order.
fn by_ids(c: &Connection, q: &ResourceQuery, ids: &[i64]) -> Result<Vec<ResourceRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The ids travel as one JSON array: one statement whatever their
    // number, no temporary table on a read-only connection.
    let ids = serde_json::to_string(ids)
        .map_err(|e| StoreError::Backend(format!("encoding ids: {e}")))?;
    let mut stmt = c.prepare(&ordered(q, "id IN (SELECT value FROM json_each(?1))"))?;
    let rows = stmt
        .query_map([ids], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn list(
    c: &Connection,
    cache: &ListingCache,
    tenant: TenantId,
    q: &ResourceQuery,
) -> Result<ResourcePage> {
    if let Some(s) = unsearchable(q) {
        let mut f = Filter::scanned(tenant, q, s);
        let total: i64 = c.query_row(
            &format!("SELECT count(*) FROM resources WHERE {}", f.sql),
            params_from_iter(&f.values),
            |r| r.get(0),
        )?;
        let limit = f.bind(Value::Integer(sql_count(q.top)));
        let offset = f.bind(Value::Integer(sql_count(q.skip)));
        let sql = format!("{} LIMIT {limit} OFFSET {offset}", ordered(q, &f.sql));
        let mut stmt = c.prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(&f.values), row)?
            .collect::<rusqlite::Result<_>>()?;
        return Ok(ResourcePage {
            total: count_u64(total),
            rows,
        });
    }
    let listing = cache.get(c, tenant)?;
    let selected = listing.select(&criteria(q));
    let order = listing.order(c, tenant, q.sort)?;
    let ids = listing.page(&order, &selected, q.skip, q.top, q.descending);
    Ok(ResourcePage {
        total: count_u64(selected.count),
        rows: by_ids(c, q, &ids)?,
    })
}

/// The selected rows in the query's order, read one at a time: memory
/// stays flat whatever the number of rows.
pub(crate) fn export(
    c: &Connection,
    cache: &ListingCache,
    tenant: TenantId,
    q: &ResourceQuery,
    each: &mut dyn FnMut(ResourceRow) -> bool,
) -> Result<u64> {
    let mut sent = 0;
    if let Some(s) = unsearchable(q) {
        let f = Filter::scanned(tenant, q, s);
        let mut stmt = c.prepare(&ordered(q, &f.sql))?;
        let mut rows = stmt.query(params_from_iter(&f.values))?;
        while let Some(r) = rows.next()? {
            sent += 1;
            if !each(row(r)?) {
                break;
            }
        }
        return Ok(sent);
    }
    let listing = cache.get(c, tenant)?;
    let selected = listing.select(&criteria(q));
    if search_text(&q.search).is_none() && selected.count.saturating_mul(4) >= listing.len() {
        // Most rows: one statement along the sort index, which saves a
        // statement's start and end per row.
        let f = Filter::listed(tenant, q);
        let (col, index) = sort_column(q.sort);
        let dir = if q.descending { "DESC" } else { "ASC" };
        let mut stmt = c.prepare(&format!(
            "SELECT {COLS} FROM resources INDEXED BY {index} WHERE {}
             ORDER BY {col} {dir}, id {dir}",
            f.sql
        ))?;
        let mut rows = stmt.query(params_from_iter(&f.values))?;
        while let Some(r) = rows.next()? {
            sent += 1;
            if !each(row(r)?) {
                break;
            }
        }
        return Ok(sent);
    }
    // Fewer: row by row through the primary key, in the listing's order.
    let order = listing.order(c, tenant, q.sort)?;
    let mut stmt = c.prepare(&format!("SELECT {COLS} FROM resources WHERE id = ?1"))?;
    for id in listing.all(&order, &selected, q.descending) {
        let Some(r) = stmt.query_row([id], row).optional()? else {
            continue;
        };
        sent += 1;
        if !each(r) {
            break;
        }
    }
    Ok(sent)
}

pub(crate) fn totals(
    c: &Connection,
    cache: &ListingCache,
    tenant: TenantId,
    q: &ResourceQuery,
) -> Result<ResourceTotals> {
    if search_text(&q.search).is_none() {
        return group_totals(c, tenant, q);
    }
    if let Some(s) = unsearchable(q) {
        let f = Filter::scanned(tenant, q, s);
        let (controls_failed, controls_passed, resources) = c.query_row(
            &format!(
                "SELECT coalesce(sum(failed), 0), coalesce(sum(passed), 0), count(*)
                 FROM resources WHERE {}",
                f.sql
            ),
            params_from_iter(&f.values),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        return Ok(ResourceTotals {
            controls_failed,
            controls_passed,
            resources,
            accounts: distinct_accounts(c, "resources", &f)?,
        });
    }
    let selected = cache.get(c, tenant)?.select(&criteria(q));
    Ok(ResourceTotals {
        controls_failed: selected.failed,
        controls_passed: selected.passed,
        resources: selected.count,
        accounts: selected.accounts,
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

/// The distinct providers, accounts and kinds of the tenant's listed
/// resources.
pub(crate) fn facets(c: &Connection, tenant: TenantId) -> Result<ResourceFacets> {
    let distinct = |column: &str| -> Result<Vec<String>> {
        let mut statement = c.prepare(&format!(
            "SELECT DISTINCT {column} FROM resources WHERE tenant = ?1 AND current > 0 ORDER BY 1"
        ))?;
        let rows = statement.query_map([tenant.0], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    };
    let providers = distinct("provider")?
        .iter()
        .filter_map(|p| p.parse::<posture_model::Provider>().ok())
        .collect();
    Ok(ResourceFacets {
        providers,
        cloud_accounts: distinct("cloud_account")?,
        kinds: distinct("kind")?,
    })
}
