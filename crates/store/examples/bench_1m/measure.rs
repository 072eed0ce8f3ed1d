//! The measurements: each query class as the REST server issues it, with
//! parameters drawn from a fixed seed, timed call by call; then the
//! export stream. Prints p50/p99/max per class and export rows/s.

use crate::ACCOUNTS;
use crate::estate::{KINDS, Rng, make};
use posture_model::Provider;
use posture_store::*;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Page sizes the portal asks for (the API caps `top` at 100).
const TOPS: &[u64] = &[20, 50, 100];

struct Class {
    name: &'static str,
    samples: Vec<Duration>,
}

impl Class {
    fn new(name: &'static str) -> Class {
        Class {
            name,
            samples: Vec::new(),
        }
    }

    /// Times `f`; with BENCH_SLOW=ms set, prints the requests slower
    /// than that, described by `what`.
    fn time<T>(&mut self, what: impl std::fmt::Debug, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let v = f();
        let took = t.elapsed();
        self.samples.push(took);
        let slow = std::env::var("BENCH_SLOW")
            .ok()
            .and_then(|v| v.parse::<u64>().ok());
        if slow.is_some_and(|ms| took > Duration::from_millis(ms)) {
            println!(
                "slow ({:.0} ms) {}: {what:?}",
                took.as_secs_f64() * 1000.0,
                self.name
            );
        }
        v
    }

    fn print(&mut self) {
        self.samples.sort();
        let n = self.samples.len();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |p: usize| self.samples[((n * p).div_ceil(100)).clamp(1, n) - 1];
        println!(
            "| {:<44} | {:>5} | {:>8.1} | {:>8.1} | {:>8.1} |",
            self.name,
            n,
            ms(at(50)),
            ms(at(99)),
            ms(self.samples[n - 1])
        );
    }
}

/// What the list endpoint does: a page, then its rows' evaluations.
fn list_request(store: &dyn Store, tenant: TenantId, q: &ResourceQuery) -> ResourcePage {
    let page = store.resources(tenant, q).expect("list resources");
    let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    store
        .evaluations_of(tenant, &ids)
        .expect("evaluations of page");
    page
}

/// Draws real resources of the large tenant by regenerating them.
struct Estate {
    counts: Vec<u32>,
}

impl Estate {
    fn new(n: u32) -> Estate {
        let mut counts = Vec::new();
        let mut offset = 0;
        for (no, (_, share)) in ACCOUNTS.iter().enumerate() {
            let c = if no + 1 == ACCOUNTS.len() {
                n - offset
            } else {
                n / 100 * share
            };
            offset += c;
            counts.push(c);
        }
        Estate { counts }
    }

    fn sample(&self, rng: &mut Rng) -> RunResource {
        let no = rng.below(self.counts.len());
        let i = rng.below(self.counts[no] as usize) as u32;
        make(no as u64, ACCOUNTS[no].0, i).resource
    }
}

/// A filter like the portal's drop-downs: a kind, an account, the
/// provider, or a kind within an account.
fn random_filter(rng: &mut Rng) -> ResourceQuery {
    let mut q = ResourceQuery::default();
    match rng.below(4) {
        0 => q.kind = Some(rng.pick(KINDS).0.to_owned()),
        1 => q.cloud_account = Some(rng.pick(ACCOUNTS).0.to_owned()),
        2 => q.provider = Some(Provider::Aws),
        _ => {
            q.kind = Some(rng.pick(KINDS).0.to_owned());
            q.cloud_account = Some(rng.pick(ACCOUNTS).0.to_owned());
        }
    }
    q
}

/// A substring of a real name or cloud id (most), or text no resource has.
fn needle(rng: &mut Rng, estate: &Estate, min: usize, max: usize) -> String {
    if rng.percent(20) {
        let tail: String = (0..max.saturating_sub(2).max(1))
            .map(|_| char::from(b'a' + rng.below(26) as u8))
            .collect();
        return format!("q{tail}").chars().take(max.max(min)).collect();
    }
    let r = estate.sample(rng);
    let source: Vec<char> = if rng.percent(60) {
        r.name
    } else {
        r.resource_id
    }
    .chars()
    .collect();
    let len = (min + rng.below(max - min + 1)).min(source.len());
    let start = rng.below(source.len() - len + 1);
    let s: String = source[start..start + len].iter().collect();
    if rng.percent(30) { s.to_uppercase() } else { s }
}

/// A skip into `total` rows: often one of the first pages, else anywhere.
fn random_skip(rng: &mut Rng, total: u64, top: u64) -> u64 {
    let pages = total.div_ceil(top).max(1);
    let page = if rng.percent(30) {
        rng.below(5.min(pages) as usize) as u64
    } else {
        rng.below(pages as usize) as u64
    };
    page * top
}

pub fn all(store: &dyn Store, tenant: TenantId, n: u32, requests: usize) {
    let estate = Estate::new(n);
    let mut classes = Vec::new();
    let mut ids: Vec<i64> = Vec::new();
    let t = Instant::now();
    let everything = store
        .resources(tenant, &ResourceQuery::default())
        .expect("count")
        .total;
    println!(
        "tenant {} lists {everything} resources (first list: {:.0} ms)",
        tenant.0,
        t.elapsed().as_secs_f64() * 1000.0
    );

    let mut c = Class::new("list: unfiltered, by name, random skip");
    let mut rng = Rng::new(1);
    for r in 0..requests {
        let top = *rng.pick(TOPS);
        let skip = match r {
            0 => 0,
            1 => 500_000.min(everything),
            2 => everything.saturating_sub(top),
            _ => random_skip(&mut rng, everything, top),
        };
        let q = ResourceQuery {
            descending: rng.percent(25),
            skip,
            top,
            ..Default::default()
        };
        let page = c.time(&q, || list_request(store, tenant, &q));
        ids.extend(page.rows.iter().map(|r| r.id));
    }
    classes.push(c);

    let mut c = Class::new("list: filtered by kind/account/provider");
    let mut rng = Rng::new(2);
    let mut totals: HashMap<String, u64> = HashMap::new();
    for _ in 0..requests {
        let mut q = random_filter(&mut rng);
        let key = format!("{:?}{:?}{:?}", q.kind, q.cloud_account, q.provider);
        let total = *totals
            .entry(key)
            .or_insert_with(|| store.resources(tenant, &q).expect("count filter").total);
        q.top = *rng.pick(TOPS);
        q.skip = random_skip(&mut rng, total, q.top);
        c.time(&q, || list_request(store, tenant, &q));
    }
    classes.push(c);

    let mut c = Class::new("list: searched, 3-12 chars (20% misses)");
    let mut rng = Rng::new(3);
    let mut hits = 0;
    for _ in 0..requests {
        let mut q = if rng.percent(25) {
            random_filter(&mut rng)
        } else {
            ResourceQuery::default()
        };
        q.search = Some(needle(&mut rng, &estate, 3, 12));
        q.top = *rng.pick(TOPS);
        q.skip = if rng.percent(20) { q.top } else { 0 };
        let page = c.time(&q, || list_request(store, tenant, &q));
        hits += usize::from(page.total > 0);
    }
    println!("(searches with hits: {hits} of {requests})");
    classes.push(c);

    let mut c = Class::new("list: searched, 1-2 chars");
    let mut rng = Rng::new(4);
    for _ in 0..requests {
        let q = ResourceQuery {
            search: Some(needle(&mut rng, &estate, 1, 2)),
            top: *rng.pick(TOPS),
            ..Default::default()
        };
        c.time(&q, || list_request(store, tenant, &q));
    }
    classes.push(c);

    let mut c = Class::new("list: sorted by failed/last found/others");
    let mut rng = Rng::new(5);
    let sorts = [
        (ResourceSort::Failed, true),
        (ResourceSort::Failed, true),
        (ResourceSort::DateLastFound, true),
        (ResourceSort::DateLastFound, false),
        (ResourceSort::DateDiscovered, true),
        (ResourceSort::Kind, false),
        (ResourceSort::Region, false),
        (ResourceSort::CloudAccount, true),
    ];
    for _ in 0..requests {
        let (sort, descending) = *rng.pick(&sorts);
        let mut q = if rng.percent(30) {
            random_filter(&mut rng)
        } else {
            ResourceQuery::default()
        };
        let key = format!("{:?}{:?}{:?}", q.kind, q.cloud_account, q.provider);
        let total = *totals
            .entry(key)
            .or_insert_with(|| store.resources(tenant, &q).expect("count filter").total);
        q.sort = sort;
        q.descending = descending;
        q.top = *rng.pick(TOPS);
        q.skip = random_skip(&mut rng, total, q.top);
        c.time(&q, || list_request(store, tenant, &q));
    }
    classes.push(c);

    let mut c = Class::new("totals: none/filtered/searched");
    let mut rng = Rng::new(6);
    for _ in 0..requests {
        let q = match rng.below(4) {
            0 => ResourceQuery::default(),
            1 | 2 => random_filter(&mut rng),
            _ => ResourceQuery {
                search: Some(needle(&mut rng, &estate, 3, 12)),
                ..Default::default()
            },
        };
        c.time(&q, || store.resource_totals(tenant, &q).expect("totals"));
    }
    classes.push(c);

    let mut c = Class::new("details: resource + its evaluations");
    let mut rng = Rng::new(7);
    for _ in 0..requests {
        let id = *rng.pick(&ids);
        c.time(id, || {
            store.resource(tenant, id).expect("resource");
            let q = EvaluationQuery {
                top: 25,
                ..Default::default()
            };
            store
                .resource_evaluations(tenant, id, &q)
                .expect("evaluations")
        });
    }
    classes.push(c);

    println!();
    println!(
        "| {:<44} | {:>5} | {:>8} | {:>8} | {:>8} |",
        "class (list = resources + evaluations_of)", "n", "p50 ms", "p99 ms", "max ms"
    );
    println!("| {:-<44} | ----: | -------: | -------: | -------: |", "");
    for c in &mut classes {
        c.print();
    }
    println!();
    export(store, tenant, "export: all", &ResourceQuery::default());
    export(
        store,
        tenant,
        "export: one account, sorted by failed desc",
        &ResourceQuery {
            cloud_account: Some(ACCOUNTS[1].0.to_owned()),
            sort: ResourceSort::Failed,
            descending: true,
            ..Default::default()
        },
    );
    export(
        store,
        tenant,
        "export: one kind",
        &ResourceQuery {
            kind: Some("aws.ec2.instance".to_owned()),
            ..Default::default()
        },
    );
}

/// Streams every row the query matches, touching each as a CSV writer
/// would, and prints the rate.
fn export(store: &dyn Store, tenant: TenantId, what: &str, q: &ResourceQuery) {
    let t = Instant::now();
    let mut bytes = 0usize;
    let rows = store
        .export_resources(tenant, q, &mut |r| {
            bytes += r.name.len() + r.resource_id.len() + r.kind.len() + r.region.len();
            true
        })
        .expect("export");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{what}: {rows} rows in {secs:.2} s = {:.0} rows/s ({} MiB of text)",
        rows as f64 / secs,
        bytes / 1048576
    );
}
