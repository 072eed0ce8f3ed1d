//! The job queue: rows claimed under a lease. A worker that dies simply
//! stops renewing; once its lease passes, the job is claimable again with
//! its attempt counted.

use super::columns::{RowExt, ts};
use crate::error::StoreError;
use crate::store::Result;
use crate::types::*;
use rusqlite::{Connection, OptionalExtension, params};

pub(crate) fn enqueue(c: &Connection, job: &NewJob) -> Result<i64> {
    c.execute(
        "INSERT INTO jobs (tenant, kind, subject, not_before) VALUES (?1, ?2, ?3, ?4)",
        params![
            job.tenant.map(|t| t.0),
            job.kind.as_str(),
            job.subject,
            ts(job.not_before)
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Runs inside the writer's immediate transaction, so two processes
/// sharing the file cannot claim the same job.
pub(crate) fn claim(
    c: &Connection,
    worker: &str,
    now: Timestamp,
    lease_until: Timestamp,
) -> Result<Option<Job>> {
    let now = ts(now);
    let Some(id) = c
        .query_row(
            "SELECT id FROM jobs
             WHERE not_before <= ?1
               AND (state = 'queued' OR (state = 'running' AND lease_until < ?1))
             ORDER BY id LIMIT 1",
            [now],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let job = c.query_row(
        "UPDATE jobs SET state = 'running', worker = ?2, lease_until = ?3, attempt = attempt + 1
         WHERE id = ?1
         RETURNING id, tenant, kind, subject, attempt, worker, lease_until",
        params![id, worker, ts(lease_until)],
        |r| {
            Ok(Job {
                id: r.get(0)?,
                tenant: r.get::<_, Option<i64>>(1)?.map(TenantId),
                kind: r.text_enum(2)?,
                subject: r.get(3)?,
                attempt: r.u32(4)?,
                worker: r.get(5)?,
                lease_until: r.ts(6)?,
            })
        },
    )?;
    Ok(Some(job))
}

pub(crate) fn renew(c: &Connection, job: i64, worker: &str, lease_until: Timestamp) -> Result<()> {
    let n = c.execute(
        "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND worker = ?2 AND state = 'running'",
        params![job, worker, ts(lease_until)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound("job"));
    }
    Ok(())
}

pub(crate) fn finish(c: &Connection, job: i64, worker: &str) -> Result<()> {
    let n = c.execute(
        "DELETE FROM jobs WHERE id = ?1 AND worker = ?2",
        params![job, worker],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound("job"));
    }
    Ok(())
}
