//! The conformance suite on the SQLite backend, one test per check, plus
//! what only a file-backed store has: reopening, refusing a newer schema,
//! and readers that do not wait for the writer.

use posture_store::conformance::{self, time};
use posture_store::sqlite::{DB_FILE, SqliteStore};
use posture_store::{ResourceQuery, Store, StoreError};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn with_store(check: fn(&dyn Store)) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path()).expect("open store");
    check(&store);
}

#[test]
fn story() {
    with_store(conformance::story);
}

#[test]
fn tenant_isolation() {
    with_store(conformance::tenant_isolation);
}

#[test]
fn conflicts() {
    with_store(conformance::conflicts);
}

#[test]
fn too_soon() {
    with_store(conformance::too_soon);
}

#[test]
fn job_leases() {
    with_store(conformance::job_leases);
}

#[test]
fn tokens_expire() {
    with_store(conformance::tokens_expire);
}

#[test]
fn resources_across_runs_and_reports() {
    with_store(conformance::resources_across_runs_and_reports);
}

#[test]
fn delete_connector_cascades() {
    with_store(conformance::delete_connector_cascades);
}

#[test]
fn delete_report_keeps_connector() {
    with_store(conformance::delete_report_keeps_connector);
}

#[test]
fn staging_is_invisible_and_clearable() {
    with_store(conformance::staging_is_invisible_and_clearable);
}

#[test]
fn paging_and_export() {
    with_store(conformance::paging_and_export);
}

/// The checks also pass one after another on one store, as they must on a
/// shared PostgreSQL.
#[test]
fn all_checks_share_one_store() {
    with_store(conformance::run_all);
}

#[test]
fn all_checks_in_memory() {
    let store = SqliteStore::open_in_memory().expect("open in memory");
    conformance::run_all(&store);
}

#[test]
fn reopening_keeps_data_and_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let t = time(2030, 1, 1, 0, 0);
    let (tenant, version) = {
        let store = SqliteStore::open(dir.path()).expect("open");
        let tenant = store.create_tenant("kept", "ext", t).expect("tenant");
        (tenant, store.schema_version().expect("version"))
    };
    assert!(version > 0, "migrations ran");
    let store = SqliteStore::open(dir.path()).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), version);
    assert_eq!(store.tenants().expect("tenants"), vec![tenant.clone()]);
    assert_eq!(store.tenant_by_name("kept").expect("tenant"), tenant);
    assert_eq!(
        store.path(),
        Some(dir.path().join(DB_FILE).as_path()),
        "the database lives in the directory given"
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(SqliteStore::open(dir.path()).expect("open"));
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    conn.pragma_update(None, "user_version", 999)
        .expect("set version");
    drop(conn);
    match SqliteStore::open(dir.path()) {
        Err(StoreError::Backend(m)) => assert!(m.contains("newer"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Another connection holds the write lock mid-transaction: the store's
/// reads still answer at once, from the last committed state.
#[test]
fn reads_do_not_wait_for_a_writer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path()).expect("open");
    let t = time(2030, 1, 1, 0, 0);
    store.create_tenant("before", "ext", t).expect("tenant");

    let mut other = rusqlite::Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    let tx = other
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .expect("write lock");
    tx.execute(
        "INSERT INTO tenants (name, external_id, created_at) VALUES ('during', 'x', 0)",
        [],
    )
    .expect("uncommitted insert");
    let started = Instant::now();
    let names: Vec<String> = store
        .tenants()
        .expect("read during the write")
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["before"], "uncommitted rows are not seen");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the read did not wait for the busy timeout"
    );
    tx.commit().expect("commit");
    assert_eq!(store.tenants().expect("tenants").len(), 2);
}

/// One thread writes while three read: every call succeeds and readers
/// never see the count go back.
#[test]
fn threads_read_while_one_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(SqliteStore::open(dir.path()).expect("open"));
    let t = time(2030, 1, 1, 0, 0);
    let tenant = store.create_tenant("busy", "ext", t).expect("tenant").id;
    let writes = 200;

    let writer = {
        let store = Arc::clone(&store);
        std::thread::spawn(move || {
            for i in 0..writes {
                store
                    .create_tenant(&format!("tenant-{i}"), "ext", t)
                    .expect("write");
            }
        })
    };
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let mut seen = 0;
                for _ in 0..200 {
                    let n = store.tenants().expect("read").len();
                    assert!(n >= seen, "a reader saw {n} tenants after {seen}");
                    seen = n;
                    store
                        .resources(tenant, &ResourceQuery::default())
                        .expect("list");
                    store.ping().expect("ping");
                }
            })
        })
        .collect();
    writer.join().expect("writer thread");
    for r in readers {
        r.join().expect("reader thread");
    }
    assert_eq!(store.tenants().expect("tenants").len(), writes + 1);
}
