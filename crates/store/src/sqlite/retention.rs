//! Removing runs with everything hanging off them, shared by report and
//! connector deletion and by the retention purge, and the purge itself.
//!
//! Runs to remove are first collected in the writer's `doomed_runs` scratch
//! table, so each dependent table is cleared by one statement, and the
//! resources whose current results change land in `affected_resources`
//! for their counters to be recomputed once at the end.

use super::columns::ts;
use super::resources;
use crate::store::Result;
use crate::types::*;
use rusqlite::{Connection, Params};

/// Marks the runs `select` yields (one id column) for removal.
pub(crate) fn doom_runs(c: &Connection, select: &str, params: impl Params) -> Result<()> {
    c.execute("DELETE FROM temp.doomed_runs", [])?;
    c.execute(
        &format!("INSERT OR IGNORE INTO temp.doomed_runs (id) {select}"),
        params,
    )?;
    Ok(())
}

/// Removes the doomed runs and their results, staging, outcomes and
/// jobs; reports that showed one of them show nothing. Returns how many
/// runs and evaluations went. The caller recomputes the affected
/// resources' counters once its other deletes are done.
pub(crate) fn drop_doomed_runs(c: &Connection) -> Result<(u64, u64)> {
    c.execute(
        "INSERT OR IGNORE INTO temp.affected_resources (id)
         SELECT DISTINCT resource FROM evaluations
         WHERE run IN (SELECT id FROM temp.doomed_runs)",
        [],
    )?;
    c.execute(
        "UPDATE reports SET current_run = NULL
         WHERE current_run IN (SELECT id FROM temp.doomed_runs)",
        [],
    )?;
    let evaluations = c.execute(
        "DELETE FROM evaluations WHERE run IN (SELECT id FROM temp.doomed_runs)",
        [],
    )?;
    for table in ["control_outcomes", "staged_resources", "staged_evaluations"] {
        c.execute(
            &format!("DELETE FROM {table} WHERE run IN (SELECT id FROM temp.doomed_runs)"),
            [],
        )?;
    }
    // A worker holding one of these jobs finds its lease gone at the next
    // renewal and stops.
    c.execute(
        "DELETE FROM jobs WHERE kind = 'report_run'
           AND subject IN (SELECT id FROM temp.doomed_runs)",
        [],
    )?;
    let runs = c.execute(
        "DELETE FROM runs WHERE id IN (SELECT id FROM temp.doomed_runs)",
        [],
    )?;
    c.execute("DELETE FROM temp.doomed_runs", [])?;
    Ok((runs as u64, evaluations as u64))
}

pub(crate) fn purge_before(c: &Connection, cutoff: Timestamp) -> Result<Purged> {
    let cutoff = ts(cutoff);
    doom_runs(
        c,
        "SELECT id FROM runs WHERE finished_at IS NOT NULL AND finished_at < ?1",
        [cutoff],
    )?;
    let (runs, mut evaluations) = drop_doomed_runs(c)?;

    // Resources not seen since the cutoff go with whatever evaluations
    // still name them.
    evaluations += c.execute(
        "DELETE FROM evaluations WHERE resource IN
             (SELECT id FROM resources WHERE last_found < ?1)",
        [cutoff],
    )? as u64;
    let resources = c.execute("DELETE FROM resources WHERE last_found < ?1", [cutoff])? as u64;

    resources::recompute_affected(c)?;
    Ok(Purged {
        runs,
        evaluations,
        resources,
    })
}
