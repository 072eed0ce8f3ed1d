//! The schema, as an ordered list of migrations applied at open. The
//! database's `PRAGMA user_version` counts those already applied, so
//! reopening applies only what is new, and a database written by a newer
//! build is refused rather than misread.
//!
//! Never edit a published migration: append one.

use crate::error::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// Timestamps are integer microseconds since the epoch (see `columns`).
/// Enums are their lowercase or documented text.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    external_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    tenant INTEGER NOT NULL REFERENCES tenants(id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX users_tenant ON users(tenant);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE connectors (
    id INTEGER PRIMARY KEY,
    tenant INTEGER NOT NULL REFERENCES tenants(id),
    uuid TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL,
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    settings TEXT NOT NULL,
    secret BLOB,
    offline INTEGER NOT NULL,
    state TEXT NOT NULL,
    error TEXT,
    error_message TEXT,
    last_synced_on INTEGER,
    total_assets INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (tenant, provider, scope)
);

-- No foreign key to connectors: the history outlives them (billing).
CREATE TABLE connector_history (
    id INTEGER PRIMARY KEY,
    tenant INTEGER NOT NULL,
    connector INTEGER NOT NULL,
    state TEXT NOT NULL,
    at INTEGER NOT NULL,
    total_assets INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX connector_history_tenant ON connector_history(tenant, at, id);
CREATE INDEX connector_history_connector ON connector_history(connector);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    tenant INTEGER NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    provider TEXT NOT NULL,
    mandate TEXT NOT NULL,
    mandate_mid INTEGER NOT NULL,
    connector INTEGER NOT NULL REFERENCES connectors(id),
    policies TEXT NOT NULL,
    format TEXT NOT NULL,
    report_type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    current_run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    last_requested_at INTEGER,
    UNIQUE (tenant, mandate, connector)
);
CREATE INDEX reports_tenant ON reports(tenant, provider);
CREATE INDEX reports_connector ON reports(connector);
CREATE INDEX reports_current_run ON reports(current_run);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    report INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    finished_at INTEGER,
    error TEXT,
    summary TEXT
);
CREATE INDEX runs_report ON runs(report, id);
CREATE INDEX runs_finished ON runs(finished_at);

-- What a run collected, invisible until published.
CREATE TABLE staged_resources (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    provider TEXT NOT NULL,
    cloud_account TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (run, idx)
) WITHOUT ROWID;

CREATE TABLE staged_evaluations (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    resource_idx INTEGER NOT NULL,
    cid INTEGER NOT NULL,
    status TEXT NOT NULL,
    message TEXT
);
CREATE INDEX staged_evaluations_run ON staged_evaluations(run);

-- Resources across runs, identified by their cloud identity. `failed`,
-- `passed` and `current` (evaluations in current results) are kept by
-- every write that changes current results, so the list never aggregates.
CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    tenant INTEGER NOT NULL REFERENCES tenants(id),
    provider TEXT NOT NULL,
    cloud_account TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    details TEXT NOT NULL,
    first_discovered INTEGER NOT NULL,
    last_found INTEGER NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    passed INTEGER NOT NULL DEFAULT 0,
    current INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant, provider, cloud_account, resource_id)
);
-- Partial indexes: the list only ever shows resources in current results,
-- and its queries repeat `current > 0` word for word so these apply. One
-- per sort order, so a page is read in order instead of sorting them all.
CREATE INDEX resources_list ON resources(tenant, provider, cloud_account, kind, name)
    WHERE current > 0;
CREATE INDEX resources_by_name ON resources(tenant, name, id) WHERE current > 0;
CREATE INDEX resources_by_kind ON resources(tenant, kind, id) WHERE current > 0;
CREATE INDEX resources_by_account ON resources(tenant, cloud_account, id) WHERE current > 0;
CREATE INDEX resources_by_region ON resources(tenant, region, id) WHERE current > 0;
CREATE INDEX resources_by_discovery ON resources(tenant, first_discovered, id)
    WHERE current > 0;
CREATE INDEX resources_by_last_found ON resources(tenant, last_found, id) WHERE current > 0;
CREATE INDEX resources_by_failed ON resources(tenant, failed, id) WHERE current > 0;
CREATE INDEX resources_last_found ON resources(last_found);

-- Only current results are kept: publishing a run drops the previous
-- current run's evaluations.
CREATE TABLE evaluations (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    resource INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    cid INTEGER NOT NULL,
    status TEXT NOT NULL,
    message TEXT
);
CREATE INDEX evaluations_run ON evaluations(run, cid);
CREATE INDEX evaluations_resource ON evaluations(resource);

CREATE TABLE control_outcomes (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    cid INTEGER NOT NULL,
    status TEXT NOT NULL,
    pass INTEGER NOT NULL,
    fail INTEGER NOT NULL,
    error INTEGER NOT NULL,
    PRIMARY KEY (run, cid)
) WITHOUT ROWID;

-- Jobs name their subject loosely (a run or a connector id), so no
-- foreign key; deletes remove the jobs of what they delete.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    tenant INTEGER,
    kind TEXT NOT NULL,
    subject INTEGER NOT NULL,
    not_before INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    worker TEXT,
    lease_until INTEGER,
    attempt INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_due ON jobs(not_before);
CREATE INDEX jobs_subject ON jobs(kind, subject);
"#,
    // 2: what lets the resource list answer a million resources in
    // milliseconds (see `resources` and `listing`).
    r#"
-- The listed resources (current > 0) counted and summed per filter value,
-- so a list's total and its summary figures never scan resources. Kept by
-- the triggers below, whatever statement changes a resource.
CREATE TABLE resource_groups (
    tenant INTEGER NOT NULL,
    provider TEXT NOT NULL,
    cloud_account TEXT NOT NULL,
    kind TEXT NOT NULL,
    resources INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    PRIMARY KEY (tenant, provider, cloud_account, kind)
) WITHOUT ROWID;
INSERT INTO resource_groups
SELECT tenant, provider, cloud_account, kind, count(*), sum(failed), sum(passed)
FROM resources WHERE current > 0 GROUP BY tenant, provider, cloud_account, kind;

-- Bumped by every change to what the list filters, searches and sorts on
-- (which resources are listed, and their list columns), in the transaction
-- making it: a tenant's in-memory listing is current exactly when its
-- version is.
CREATE TABLE resource_versions (
    tenant INTEGER PRIMARY KEY,
    version INTEGER NOT NULL
);

CREATE TRIGGER resources_listed_insert AFTER INSERT ON resources
WHEN new.current > 0
BEGIN
    INSERT INTO resource_groups
    VALUES (new.tenant, new.provider, new.cloud_account, new.kind, 1, new.failed, new.passed)
    ON CONFLICT (tenant, provider, cloud_account, kind) DO UPDATE SET
        resources = resources + 1,
        failed = failed + excluded.failed,
        passed = passed + excluded.passed;
    INSERT INTO resource_versions VALUES (new.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER resources_listed_delete AFTER DELETE ON resources
WHEN old.current > 0
BEGIN
    UPDATE resource_groups SET
        resources = resources - 1,
        failed = failed - old.failed,
        passed = passed - old.passed
    WHERE tenant = old.tenant AND provider = old.provider
      AND cloud_account = old.cloud_account AND kind = old.kind;
    DELETE FROM resource_groups
    WHERE tenant = old.tenant AND provider = old.provider
      AND cloud_account = old.cloud_account AND kind = old.kind AND resources = 0;
    INSERT INTO resource_versions VALUES (old.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET version = version + 1;
END;

-- Recomputing counters rewrites every affected resource; those whose
-- list columns stay as they were cost nothing here.
CREATE TRIGGER resources_listed_update AFTER UPDATE ON resources
WHEN (old.current > 0 OR new.current > 0) AND NOT (
    old.current > 0 AND new.current > 0
    AND old.tenant = new.tenant AND old.provider = new.provider
    AND old.cloud_account = new.cloud_account AND old.kind = new.kind
    AND old.failed = new.failed AND old.passed = new.passed
    AND old.name = new.name AND old.resource_id = new.resource_id
    AND old.region = new.region AND old.first_discovered = new.first_discovered
    AND old.last_found = new.last_found)
BEGIN
    UPDATE resource_groups SET
        resources = resources - 1,
        failed = failed - old.failed,
        passed = passed - old.passed
    WHERE old.current > 0 AND tenant = old.tenant AND provider = old.provider
      AND cloud_account = old.cloud_account AND kind = old.kind;
    INSERT INTO resource_groups
    SELECT new.tenant, new.provider, new.cloud_account, new.kind, 1, new.failed, new.passed
    WHERE new.current > 0
    ON CONFLICT (tenant, provider, cloud_account, kind) DO UPDATE SET
        resources = resources + 1,
        failed = failed + excluded.failed,
        passed = passed + excluded.passed;
    DELETE FROM resource_groups
    WHERE tenant = old.tenant AND provider = old.provider
      AND cloud_account = old.cloud_account AND kind = old.kind AND resources = 0;
    INSERT INTO resource_versions VALUES (old.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET version = version + 1;
    INSERT INTO resource_versions VALUES (new.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET version = version + 1;
END;

-- A tenant's listed resources in id order, as the search copies them.
CREATE INDEX resources_listed ON resources(tenant) WHERE current > 0;
"#,
];

/// Brings the database up to the latest schema, one transaction per
/// migration so a failure leaves the last good version.
pub(crate) fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::Backend(format!(
            "the database has schema version {current}, newer than this build's {known}"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Backend(format!("migration {}: {e}", i + 1)))?;
        // user_version lives in the database header and is written inside
        // the transaction: the migration and its number commit together.
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Per-connection scratch tables the writer uses to carry id sets from
/// one statement to the next within a transaction.
pub(crate) const WRITER_TEMP: &str = r#"
CREATE TEMP TABLE IF NOT EXISTS affected_resources (id INTEGER PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS doomed_runs (id INTEGER PRIMARY KEY);
"#;
