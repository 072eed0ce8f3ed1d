//! The SQLite backend: one database file in WAL mode, one writer
//! connection and a few reader connections, so reads run while a write
//! (a run being published) holds the writer. Each area of the trait lives
//! in its own module as functions over a connection; this module owns the
//! connections and the `Store` impl that routes every call to a reader or
//! the writer.

mod columns;
mod connectors;
mod evaluations;
mod jobs;
mod listing;
mod migrations;
mod reports;
mod resources;
mod retention;
mod runs;
mod tenants;

use crate::error::StoreError;
use crate::store::{Result, Store};
use crate::types::*;
use posture_model::Provider;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The database file inside the store's directory.
pub const DB_FILE: &str = "posture.db";

/// Enough readers for the server's blocking pool to serve lists while a
/// publish writes; each is a page cache, so not many more.
const READERS: usize = 4;

/// How long a statement waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct SqliteStore {
    path: Option<PathBuf>,
    writer: Mutex<Connection>,
    /// Empty for an in-memory database, whose connections cannot share
    /// it; reads then use the writer.
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    listing: listing::ListingCache,
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `dir`, with the schema
    /// migrated to this build's version.
    pub fn open(dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Backend(format!("creating {}: {e}", dir.display())))?;
        let path = dir.join(DB_FILE);
        let mut writer = Connection::open(&path)
            .map_err(|e| StoreError::Backend(format!("opening {}: {e}", path.display())))?;
        // WAL is a property of the file: set once by the writer, before the
        // readers open, it lets them read while the writer writes.
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!(
                "{} refused WAL mode (got {mode})",
                path.display()
            )));
        }
        configure(&writer)?;
        migrations::apply(&mut writer)?;
        writer.execute_batch(migrations::WRITER_TEMP)?;

        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            configure(&reader)?;
            // A reader that tried to write would take the file's write lock
            // behind the writer's back.
            reader.pragma_update(None, "query_only", true)?;
            readers.push(Mutex::new(reader));
        }
        Ok(SqliteStore {
            path: Some(path),
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            listing: listing::ListingCache::default(),
        })
    }

    /// A private database that lives as long as the store: for tests.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let mut writer = Connection::open_in_memory()?;
        configure(&writer)?;
        migrations::apply(&mut writer)?;
        writer.execute_batch(migrations::WRITER_TEMP)?;
        Ok(SqliteStore {
            path: None,
            writer: Mutex::new(writer),
            readers: Vec::new(),
            next_reader: AtomicUsize::new(0),
            listing: listing::ListingCache::default(),
        })
    }

    /// The database file, or none in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
    }

    /// Runs `f` in an immediate transaction on the writer and commits when
    /// it succeeds; on an error the transaction rolls back as it drops.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in a read transaction, so a count and its page see the same
    /// snapshot.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.reader();
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// A free reader if there is one, starting from the next in turn; else
    /// wait for the next in turn.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        if self.readers.is_empty() {
            return lock(&self.writer);
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let n = self.readers.len();
        for i in 0..n {
            if let Ok(guard) = self.readers[(start + i) % n].try_lock() {
                return guard;
            }
        }
        lock(&self.readers[start % n])
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // With WAL, NORMAL loses no integrity on a crash, only the last
    // transactions at power loss, and saves an fsync per commit.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Reads go through the OS page cache, shared by all connections,
    // instead of each connection copying pages into its own small cache.
    // 2 GiB is SQLite's own ceiling; a million resources take about 1.1.
    // (It answers a row for a file and none in memory: run it as a batch.)
    conn.execute_batch("PRAGMA mmap_size = 2147418112")?;
    // The sorts of list pages and exports stay off the disk.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// A panic while holding a connection rolled its transaction back (the
/// transaction drops), so the connection is still sound: take it.
fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Store for SqliteStore {
    fn create_tenant(&self, name: &str, external_id: &str, at: Timestamp) -> Result<Tenant> {
        self.write(|c| tenants::create_tenant(c, name, external_id, at))
    }

    fn tenant(&self, id: TenantId) -> Result<Tenant> {
        self.read(|c| tenants::tenant(c, id))
    }

    fn tenant_by_name(&self, name: &str) -> Result<Tenant> {
        self.read(|c| tenants::tenant_by_name(c, name))
    }

    fn tenants(&self) -> Result<Vec<Tenant>> {
        self.read(tenants::tenants)
    }

    fn create_user(&self, user: &NewUser) -> Result<User> {
        self.write(|c| tenants::create_user(c, user))
    }

    fn user_by_email(&self, email: &str) -> Result<User> {
        self.read(|c| tenants::user_by_email(c, email))
    }

    fn users(&self, tenant: TenantId) -> Result<Vec<User>> {
        self.read(|c| tenants::users(c, tenant))
    }

    fn create_token(&self, token: &NewToken) -> Result<TokenInfo> {
        self.write(|c| tenants::create_token(c, token))
    }

    fn principal_by_token(&self, hash: &str, now: Timestamp) -> Result<Principal> {
        self.read(|c| tenants::principal_by_token(c, hash, now))
    }

    fn revoke_token(&self, tenant: TenantId, user: i64, token: i64) -> Result<()> {
        self.write(|c| tenants::revoke_token(c, tenant, user, token))
    }

    fn delete_token_by_hash(&self, hash: &str) -> Result<()> {
        self.write(|c| tenants::delete_token_by_hash(c, hash))
    }

    fn create_connector(&self, connector: &NewConnector) -> Result<Connector> {
        self.write(|c| connectors::create(c, connector))
    }

    fn connector(&self, tenant: TenantId, id: i64) -> Result<Connector> {
        self.read(|c| connectors::get(c, tenant, id))
    }

    fn connectors(&self, tenant: TenantId, provider: Option<Provider>) -> Result<Vec<Connector>> {
        self.read(|c| connectors::list(c, tenant, provider))
    }

    fn set_connector_state(
        &self,
        tenant: TenantId,
        id: i64,
        change: &StateChange,
    ) -> Result<Connector> {
        self.write(|c| connectors::set_state(c, tenant, id, change))
    }

    fn delete_connector(&self, tenant: TenantId, id: i64, at: Timestamp) -> Result<()> {
        self.write(|c| connectors::delete(c, tenant, id, at))
    }

    fn state_history(&self, tenant: TenantId) -> Result<Vec<StateRecord>> {
        self.read(|c| connectors::history(c, tenant))
    }

    fn create_report(&self, report: &NewReport) -> Result<Report> {
        self.write(|c| reports::create(c, report))
    }

    fn report(&self, tenant: TenantId, id: i64) -> Result<Report> {
        self.read(|c| reports::get(c, tenant, id))
    }

    fn reports(&self, tenant: TenantId, provider: Option<Provider>) -> Result<Vec<Report>> {
        self.read(|c| reports::list(c, tenant, provider))
    }

    fn delete_report(&self, tenant: TenantId, id: i64) -> Result<()> {
        self.write(|c| reports::delete(c, tenant, id))
    }

    fn request_run(
        &self,
        tenant: TenantId,
        report: i64,
        now: Timestamp,
        min_interval: chrono::Duration,
    ) -> Result<Run> {
        self.write(|c| runs::request(c, tenant, report, now, min_interval))
    }

    fn run(&self, tenant: TenantId, id: i64) -> Result<Run> {
        self.read(|c| runs::get(c, tenant, id))
    }

    fn runs(&self, tenant: TenantId, report: i64) -> Result<Vec<Run>> {
        self.read(|c| runs::of_report(c, tenant, report))
    }

    fn run_for_job(&self, id: i64) -> Result<(TenantId, Run)> {
        self.read(|c| runs::get_any(c, id))
    }

    fn mark_run_running(&self, run: i64) -> Result<()> {
        self.write(|c| runs::mark_running(c, run))
    }

    fn put_run_resources(&self, run: i64, resources: &[RunResource]) -> Result<()> {
        self.write(|c| runs::stage_resources(c, run, resources))
    }

    fn put_run_evaluations(&self, run: i64, evaluations: &[RunEvaluation]) -> Result<()> {
        self.write(|c| runs::stage_evaluations(c, run, evaluations))
    }

    fn publish_run(&self, run: i64, outcome: &RunOutcome) -> Result<()> {
        let tenant = self.write(|c| runs::publish(c, run, outcome))?;
        // The lists that follow a publish find the tenant's listing built.
        // That is only a head start: if it fails, the next list builds it,
        // and the publish stands either way.
        let _ = self.read(|c| self.listing.warm(c, tenant));
        Ok(())
    }

    fn fail_run(&self, run: i64, error: &str, at: Timestamp) -> Result<()> {
        self.write(|c| runs::fail(c, run, error, at))
    }

    fn clear_run_staging(&self, run: i64) -> Result<()> {
        self.write(|c| runs::clear_staging(c, run))
    }

    fn control_outcomes(&self, tenant: TenantId, report: i64) -> Result<Vec<ControlOutcome>> {
        self.read(|c| reports::control_outcomes(c, tenant, report))
    }

    fn control_resources(
        &self,
        tenant: TenantId,
        report: i64,
        cid: u32,
    ) -> Result<Vec<ControlResource>> {
        self.read(|c| reports::control_resources(c, tenant, report, cid))
    }

    fn resources(&self, tenant: TenantId, query: &ResourceQuery) -> Result<ResourcePage> {
        self.read(|c| resources::list(c, &self.listing, tenant, query))
    }

    fn resource_facets(&self, tenant: TenantId) -> Result<ResourceFacets> {
        self.read(|c| resources::facets(c, tenant))
    }

    fn resource_totals(&self, tenant: TenantId, query: &ResourceQuery) -> Result<ResourceTotals> {
        self.read(|c| resources::totals(c, &self.listing, tenant, query))
    }

    fn export_resources(
        &self,
        tenant: TenantId,
        query: &ResourceQuery,
        each: &mut dyn FnMut(ResourceRow) -> bool,
    ) -> Result<u64> {
        self.read(|c| resources::export(c, &self.listing, tenant, query, each))
    }

    fn resource(&self, tenant: TenantId, id: i64) -> Result<(ResourceRow, serde_json::Value)> {
        self.read(|c| resources::get(c, tenant, id))
    }

    fn resource_evaluations(
        &self,
        tenant: TenantId,
        id: i64,
        query: &EvaluationQuery,
    ) -> Result<(u64, Vec<ResourceEvaluation>)> {
        self.read(|c| evaluations::evaluations(c, tenant, id, query))
    }

    fn evaluations_of(
        &self,
        tenant: TenantId,
        resources: &[i64],
    ) -> Result<Vec<(i64, ResourceEvaluation)>> {
        self.read(|c| evaluations::evaluations_of(c, tenant, resources))
    }

    fn enqueue_job(&self, job: &NewJob) -> Result<i64> {
        self.write(|c| jobs::enqueue(c, job))
    }

    fn claim_job(
        &self,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>> {
        self.write(|c| jobs::claim(c, worker, now, lease_until))
    }

    fn renew_job(&self, job: i64, worker: &str, lease_until: Timestamp) -> Result<()> {
        self.write(|c| jobs::renew(c, job, worker, lease_until))
    }

    fn finish_job(&self, job: i64, worker: &str) -> Result<()> {
        self.write(|c| jobs::finish(c, job, worker))
    }

    fn purge_before(&self, cutoff: Timestamp) -> Result<Purged> {
        self.write(|c| retention::purge_before(c, cutoff))
    }

    fn ping(&self) -> Result<()> {
        self.read(|c| {
            c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::SqliteStore;
    use crate::conformance;

    /// The paging check again, with this build's small thresholds (see
    /// `listing`), on a file store so that reads use the readers.
    #[test]
    fn paging_with_small_thresholds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(dir.path()).expect("open store");
        conformance::paging_and_export(&store);
    }
}
