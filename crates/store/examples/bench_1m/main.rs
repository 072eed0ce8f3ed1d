//! The service store at scale: loads a million AWS resources with their
//! evaluations into a SQLite store the way workers do (stage in batches,
//! publish), then times what the REST server asks of it: resource list
//! pages (filtered, searched, sorted, paged), their summary totals,
//! resource details and the CSV export's stream. Prints figures only.
//!
//! ```sh
//! cargo run --release -p posture-store --example bench_1m -- \
//!     [--resources N] [--dir PATH] [--requests N]
//! ```
//!
//! With `--dir`, a database that already holds the estate is measured
//! again without reloading (schema migrations apply at open).

mod estate;
mod measure;

/// The allocator the `posture` binary, and so the server, runs with: the
/// store allocates a few strings per row it returns.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use estate::make;
use posture_model::{Provider, Status};
use posture_store::sqlite::SqliteStore;
use posture_store::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// The large tenant's name; its presence means the estate is loaded.
const TENANT: &str = "bench-large";
/// Its two AWS accounts, with their share of the resources (percent).
pub const ACCOUNTS: &[(&str, u32)] = &[("111122223333", 60), ("444455556666", 40)];
/// The small tenant, loaded beside the large one so every query has
/// another tenant's rows to leave out.
const SMALL_TENANT: &str = "bench-small";
const SMALL_ACCOUNT: &str = "777788889999";
const SMALL_RESOURCES: u32 = 5_000;
/// Rows per staging call, as a worker sends them.
const BATCH: u32 = 5_000;

struct Args {
    resources: u32,
    dir: Option<PathBuf>,
    requests: usize,
}

fn args() -> Args {
    let mut a = Args {
        resources: 1_000_000,
        dir: None,
        requests: 200,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().expect("every flag takes a value");
        match flag.as_str() {
            "--resources" => a.resources = value.parse().expect("--resources takes a number"),
            "--dir" => a.dir = Some(PathBuf::from(value)),
            "--requests" => a.requests = value.parse().expect("--requests takes a number"),
            other => panic!("unknown flag {other}; use --resources, --dir, --requests"),
        }
    }
    a
}

fn main() {
    let args = args();
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = args.dir.clone().unwrap_or_else(|| temp.path().to_owned());
    let started = Instant::now();
    let store = SqliteStore::open(&dir).expect("open store");
    println!(
        "opened {} in {:.1} s (schema {})",
        dir.display(),
        started.elapsed().as_secs_f64(),
        store.schema_version().expect("schema version")
    );

    let tenant = match store.tenant_by_name(TENANT) {
        Ok(t) => {
            println!("reusing the loaded estate of {TENANT}");
            t.id
        }
        Err(_) => {
            let t0 = Instant::now();
            let tid = load(&store, TENANT, ACCOUNTS, args.resources, 0);
            let small = u32::min(SMALL_RESOURCES, args.resources);
            load(&store, SMALL_TENANT, &[(SMALL_ACCOUNT, 100)], small, 7);
            println!(
                "loaded {} + {small} resources in {:.1} s",
                args.resources,
                t0.elapsed().as_secs_f64()
            );
            tid
        }
    };
    if let Some(path) = store.path() {
        let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        println!(
            "database {:.0} MiB (+ WAL {:.0} MiB)",
            size(path.to_owned()) as f64 / 1048576.0,
            size(wal) as f64 / 1048576.0
        );
    }
    measure::all(&store, tenant, args.resources, args.requests);
}

/// Creates the tenant, a connector and a report per account, and one run
/// per report staging and publishing its share of `n` resources.
fn load(store: &SqliteStore, name: &str, accounts: &[(&str, u32)], n: u32, salt: u64) -> TenantId {
    let at = chrono::DateTime::from_timestamp(1_793_491_200, 0).expect("a valid time");
    let tid = store
        .create_tenant(name, &format!("{name}-external"), at)
        .expect("create tenant")
        .id;
    let mut offset = 0;
    for (no, (account, share)) in accounts.iter().enumerate() {
        let count = if no + 1 == accounts.len() {
            n - offset
        } else {
            n / 100 * share
        };
        offset += count;
        let connector = store
            .create_connector(&NewConnector {
                tenant: tid,
                uuid: format!("{name}-{account}"),
                provider: Provider::Aws,
                scope: (*account).to_owned(),
                name: format!("AWS {account}"),
                description: "benchmark estate".to_owned(),
                settings: serde_json::json!({
                    "roleArn": format!("arn:aws:iam::{account}:role/posture")
                }),
                secret: None,
                offline: false,
                created_at: at,
            })
            .expect("create connector");
        let report = store
            .create_report(&NewReport {
                tenant: tid,
                title: format!("CIS AWS Foundations {account}"),
                description: "benchmark report".to_owned(),
                provider: Provider::Aws,
                mandate: "cis-aws-3.0".to_owned(),
                mandate_mid: 1,
                connector: connector.id,
                policies: vec![],
                format: "json".to_owned(),
                report_type: "compliance".to_owned(),
                created_at: at,
            })
            .expect("create report");
        let requested = at + chrono::Duration::hours(no as i64 + 1);
        let run = store
            .request_run(tid, report.id, requested, chrono::Duration::zero())
            .expect("request run");
        while let Some(job) = store
            .claim_job("bench", requested, requested + chrono::Duration::hours(1))
            .expect("claim job")
        {
            store.finish_job(job.id, "bench").expect("finish job");
        }
        store.mark_run_running(run.id).expect("mark running");

        let t = Instant::now();
        let mut rollup: BTreeMap<u32, [i64; 3]> = BTreeMap::new();
        let mut start = 0;
        while start < count {
            let end = u32::min(start + BATCH, count);
            let made: Vec<_> = (start..end)
                .map(|i| make(salt + no as u64, account, i))
                .collect();
            let resources: Vec<_> = made.iter().map(|g| g.resource.clone()).collect();
            let evaluations: Vec<_> = made.into_iter().flat_map(|g| g.evaluations).collect();
            for e in &evaluations {
                let slot = match e.status {
                    Status::Pass => 0,
                    Status::Fail => 1,
                    _ => 2,
                };
                rollup.entry(e.cid).or_default()[slot] += 1;
            }
            store
                .put_run_resources(run.id, &resources)
                .expect("stage resources");
            store
                .put_run_evaluations(run.id, &evaluations)
                .expect("stage evaluations");
            start = end;
        }
        let staged = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let controls = rollup
            .into_iter()
            .map(|(cid, [pass, fail, error])| ControlOutcome {
                cid,
                status: if error > 0 {
                    Status::Error
                } else if fail > 0 {
                    Status::Fail
                } else {
                    Status::Pass
                },
                pass,
                fail,
                error,
            })
            .collect();
        store
            .publish_run(
                run.id,
                &RunOutcome {
                    finished_at: requested + chrono::Duration::minutes(20),
                    controls,
                    summary: serde_json::json!({ "resources": count }),
                    total_assets: i64::from(count),
                },
            )
            .expect("publish run");
        println!(
            "  {name} {account}: {count} resources staged in {staged:.1} s, published in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    tid
}
