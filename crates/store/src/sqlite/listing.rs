//! A tenant's resource list, in memory: what the list filters, searches
//! and sorts on, one row per listed resource, so that any page of a
//! million resources is found in milliseconds.
//!
//! SQL cannot do this. SQLite steps through an OFFSET row by row (a page
//! deep in a million costs 100 ms), a filtered page either walks a sort
//! index testing rows or sorts every match, and a substring search is a
//! scan (a second), which an FTS5 trigram index does not fix for common
//! needles (`prod`, an account id, a region: 0.1-0.3 s to count). Here a
//! search is one `memchr::memmem` pass over a lowercased buffer, a filter
//! is a test of a row's group, and each sort is a permutation of rows read
//! once from its index; SQL then reads only the page's rows.
//!
//! A copy is tagged with the tenant's `resource_versions.version`, which
//! every change to a listed resource's list columns bumps in the same
//! transaction, and is built from and used with the caller's read
//! snapshot: it is exact, never stale. Publishing rebuilds the tenant's
//! copy (`warm`); other changes rebuild it at the next list (one to two
//! seconds per million resources).

use crate::store::Result;
use crate::types::{ResourceSort, TenantId};
use rusqlite::{Connection, OptionalExtension, types::ValueRef};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The rows kept over all tenants' copies; the least recently used copy
/// goes first, though the latest always stays. About 150 bytes a row.
const CACHED_ROWS: usize = 2_000_000;

/// Below this many rows, starting threads costs a search more than it
/// saves. (2 in unit tests, so that the conformance suite's few rows are
/// scanned by several threads too.)
const THREADED_SCAN_ROWS: usize = if cfg!(test) { 2 } else { 50_000 };

/// Ends a row's name and its cloud id in the buffer. A needle without it
/// cannot match across the two.
const SEPARATOR: u8 = 0;

const SORTS: [ResourceSort; 7] = [
    ResourceSort::Name,
    ResourceSort::Kind,
    ResourceSort::CloudAccount,
    ResourceSort::Region,
    ResourceSort::DateDiscovered,
    ResourceSort::DateLastFound,
    ResourceSort::Failed,
];

/// The order of `sort` as `(column, index)`: the index holds listed
/// resources in that order.
pub(crate) fn sort_column(sort: ResourceSort) -> (&'static str, &'static str) {
    match sort {
        ResourceSort::Name => ("name", "resources_by_name"),
        ResourceSort::Kind => ("kind", "resources_by_kind"),
        ResourceSort::CloudAccount => ("cloud_account", "resources_by_account"),
        ResourceSort::Region => ("region", "resources_by_region"),
        ResourceSort::DateDiscovered => ("first_discovered", "resources_by_discovery"),
        ResourceSort::DateLastFound => ("last_found", "resources_by_last_found"),
        ResourceSort::Failed => ("failed", "resources_by_failed"),
    }
}

/// One tenant's listed resources, row by row in id order.
pub(crate) struct Listing {
    ids: Vec<i64>,
    /// Index into `groups`.
    group: Vec<u32>,
    failed: Vec<i64>,
    passed: Vec<i64>,
    /// Lowercased `name \0 resource_id \0` of every row, back to back.
    text: Vec<u8>,
    /// Where each row starts in `text`, and one past the last row.
    starts: Vec<usize>,
    /// (provider, cloud account, kind) of each group.
    groups: Vec<(String, String, String)>,
    /// Per sort (in `SORTS` order), the rows in ascending order; built at
    /// first use.
    orders: Mutex<[Option<Arc<Vec<u32>>>; 7]>,
}

/// The list's filters and search, as a listing applies them.
pub(crate) struct Criteria<'a> {
    pub provider: Option<&'a str>,
    pub cloud_account: Option<&'a str>,
    pub kind: Option<&'a str>,
    /// Matched ignoring ASCII case, as SQL's LIKE does.
    pub search: Option<&'a str>,
}

/// The rows the criteria select, with the list's summary figures.
#[derive(Debug, Default)]
pub(crate) struct Selected {
    /// Per row; none when every row is selected.
    pub rows: Option<Vec<bool>>,
    pub count: i64,
    pub failed: i64,
    pub passed: i64,
    pub accounts: i64,
}

#[derive(Default)]
pub(crate) struct ListingCache {
    /// (tenant, version, copy), most recently used last.
    entries: Mutex<Vec<(i64, i64, Arc<Listing>)>>,
    /// Builds run one at a time, so concurrent lists after a change build
    /// a copy once.
    building: Mutex<()>,
}

impl std::fmt::Debug for ListingCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cached: Vec<(i64, i64, usize)> = lock(&self.entries)
            .iter()
            .map(|(t, v, l)| (*t, *v, l.ids.len()))
            .collect();
        f.debug_struct("ListingCache")
            .field("cached (tenant, version, rows)", &cached)
            .finish()
    }
}

/// The guarded values are replaced whole, never left half-written, so a
/// panic elsewhere leaves them sound.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether a listing can search for this needle: one with the separator
/// could match across a name and an id, so SQL answers it.
pub(crate) fn searchable(needle: &str) -> bool {
    !needle.as_bytes().contains(&SEPARATOR)
}

impl ListingCache {
    /// The tenant's listing as of `c`'s snapshot.
    pub(crate) fn get(&self, c: &Connection, tenant: TenantId) -> Result<Arc<Listing>> {
        let version: i64 = c
            .query_row(
                "SELECT version FROM resource_versions WHERE tenant = ?1",
                [tenant.0],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if let Some(l) = self.cached(tenant.0, version) {
            return Ok(l);
        }
        let _building = lock(&self.building);
        if let Some(l) = self.cached(tenant.0, version) {
            return Ok(l);
        }
        let l = Arc::new(Listing::build(c, tenant)?);
        let mut entries = lock(&self.entries);
        entries.retain(|(t, _, _)| *t != tenant.0);
        let mut rows: usize = entries.iter().map(|e| e.2.ids.len()).sum();
        while !entries.is_empty() && rows + l.ids.len() > CACHED_ROWS {
            rows -= entries.remove(0).2.ids.len();
        }
        entries.push((tenant.0, version, Arc::clone(&l)));
        Ok(l)
    }

    /// Builds the tenant's listing and all its orders, so that the lists
    /// after a publish find them ready.
    pub(crate) fn warm(&self, c: &Connection, tenant: TenantId) -> Result<()> {
        let listing = self.get(c, tenant)?;
        for sort in SORTS {
            listing.order(c, tenant, sort)?;
        }
        Ok(())
    }

    fn cached(&self, tenant: i64, version: i64) -> Option<Arc<Listing>> {
        let mut entries = lock(&self.entries);
        let at = entries
            .iter()
            .position(|(t, v, _)| *t == tenant && *v == version)?;
        let entry = entries.remove(at);
        let l = Arc::clone(&entry.2);
        entries.push(entry);
        Some(l)
    }
}

fn text<'a>(v: ValueRef<'a>) -> rusqlite::Result<&'a [u8]> {
    match v {
        ValueRef::Text(t) | ValueRef::Blob(t) => Ok(t),
        other => Err(rusqlite::Error::InvalidColumnType(
            0,
            "text".to_owned(),
            other.data_type(),
        )),
    }
}

impl Listing {
    pub(crate) fn len(&self) -> i64 {
        self.ids.len() as i64
    }

    fn build(c: &Connection, tenant: TenantId) -> Result<Listing> {
        let mut l = Listing {
            ids: Vec::new(),
            group: Vec::new(),
            failed: Vec::new(),
            passed: Vec::new(),
            text: Vec::new(),
            starts: vec![0],
            groups: Vec::new(),
            orders: Mutex::default(),
        };
        // Keyed by the three values, each after its length so no two
        // groups share a key; rows look groups up without allocating.
        let mut group_of: HashMap<Vec<u8>, u32> = HashMap::new();
        let mut key = Vec::new();
        let mut stmt = c.prepare(
            "SELECT id, provider, cloud_account, kind, name, resource_id, failed, passed
             FROM resources INDEXED BY resources_listed
             WHERE tenant = ?1 AND current > 0 ORDER BY id",
        )?;
        let mut rows = stmt.query([tenant.0])?;
        while let Some(r) = rows.next()? {
            key.clear();
            for field in [1, 2, 3] {
                let value = text(r.get_ref(field)?)?;
                key.extend_from_slice(&value.len().to_le_bytes());
                key.extend_from_slice(value);
            }
            let g = match group_of.get(key.as_slice()) {
                Some(&g) => g,
                None => {
                    let g = l.groups.len() as u32;
                    let value = |i| {
                        Ok::<_, rusqlite::Error>(
                            String::from_utf8_lossy(text(r.get_ref(i)?)?).into_owned(),
                        )
                    };
                    l.groups.push((value(1)?, value(2)?, value(3)?));
                    group_of.insert(key.clone(), g);
                    g
                }
            };
            l.ids.push(r.get(0)?);
            l.group.push(g);
            l.failed.push(r.get(6)?);
            l.passed.push(r.get(7)?);
            for field in [4, 5] {
                let bytes = text(r.get_ref(field)?)?;
                l.text.extend(bytes.iter().map(u8::to_ascii_lowercase));
                l.text.push(SEPARATOR);
            }
            l.starts.push(l.text.len());
        }
        Ok(l)
    }

    /// The rows in `sort`'s ascending order, read from its index at first
    /// use (the listing's version covers every sort column, so the order
    /// read with any snapshot of that version is the same).
    pub(crate) fn order(
        &self,
        c: &Connection,
        tenant: TenantId,
        sort: ResourceSort,
    ) -> Result<Arc<Vec<u32>>> {
        let slot = SORTS.iter().position(|s| *s == sort).unwrap_or(0);
        let mut orders = lock(&self.orders);
        if let Some(order) = &orders[slot] {
            return Ok(Arc::clone(order));
        }
        let (col, index) = sort_column(sort);
        let mut stmt = c.prepare(&format!(
            "SELECT id FROM resources INDEXED BY {index}
             WHERE tenant = ?1 AND current > 0 ORDER BY {col}, id"
        ))?;
        let mut rows = stmt.query([tenant.0])?;
        let mut order = Vec::with_capacity(self.ids.len());
        // Ids to rows: a table when the tenant's ids are dense enough,
        // else a binary search (rows are in id order).
        let first = self.ids.first().copied().unwrap_or(0);
        let span = self
            .ids
            .last()
            .map_or(0, |last| (last - first + 1) as usize);
        let table = (span <= 4 * self.ids.len()).then(|| {
            let mut t = vec![u32::MAX; span];
            for (row, id) in self.ids.iter().enumerate() {
                t[(id - first) as usize] = row as u32;
            }
            t
        });
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            // Every listed id has its row: the version says the snapshot
            // lists what the copy holds.
            let row = match &table {
                Some(t) => usize::try_from(id - first)
                    .ok()
                    .and_then(|i| t.get(i))
                    .filter(|r| **r != u32::MAX)
                    .map(|r| *r as usize),
                None => self.ids.binary_search(&id).ok(),
            };
            if let Some(row) = row {
                order.push(row as u32);
            }
        }
        let order = Arc::new(order);
        orders[slot] = Some(Arc::clone(&order));
        Ok(order)
    }

    /// The rows the criteria select. A search is one pass over the text
    /// (split between threads), a filter one test per row of its group.
    pub(crate) fn select(&self, criteria: &Criteria<'_>) -> Selected {
        let allowed: Vec<bool> = self
            .groups
            .iter()
            .map(|(p, a, k)| {
                criteria.provider.is_none_or(|x| x == p)
                    && criteria.cloud_account.is_none_or(|x| x == a)
                    && criteria.kind.is_none_or(|x| x == k)
            })
            .collect();
        let (text_hit, kind_hit) = match criteria.search {
            Some(needle) => {
                let needle = needle.to_ascii_lowercase();
                // A kind is shared by many rows: test it once per group.
                let kind_hit = self
                    .groups
                    .iter()
                    .map(|(_, _, k)| {
                        let k = k.to_ascii_lowercase();
                        memchr::memmem::find(k.as_bytes(), needle.as_bytes()).is_some()
                    })
                    .collect();
                (Some(self.scan(needle.as_bytes())), kind_hit)
            }
            None => (None, vec![true; self.groups.len()]),
        };
        let mut s = Selected::default();
        let mut used = vec![false; self.groups.len()];
        let mut rows = vec![false; self.ids.len()];
        for (row, selected) in rows.iter_mut().enumerate() {
            let g = self.group[row] as usize;
            let hit = kind_hit[g] || text_hit.as_ref().is_some_and(|t| t[row]);
            if allowed[g] && hit {
                *selected = true;
                s.count += 1;
                s.failed += self.failed[row];
                s.passed += self.passed[row];
                used[g] = true;
            }
        }
        let mut accounts: Vec<(&str, &str)> = self
            .groups
            .iter()
            .zip(used)
            .filter(|(_, u)| *u)
            .map(|((p, a, _), _)| (p.as_str(), a.as_str()))
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        s.accounts = accounts.len() as i64;
        if s.count < self.ids.len() as i64 {
            s.rows = Some(rows);
        }
        s
    }

    /// Which rows' text contains the needle, scanned by as many threads
    /// as the machine runs, each over a run of whole rows.
    fn scan(&self, needle: &[u8]) -> Vec<bool> {
        let mut hit = vec![false; self.ids.len()];
        let finder = memchr::memmem::Finder::new(needle);
        if self.ids.len() < THREADED_SCAN_ROWS {
            self.scan_rows(&finder, 0, &mut hit);
            return hit;
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = self.ids.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            for (i, part) in hit.chunks_mut(chunk).enumerate() {
                let first = i * chunk;
                let finder = &finder;
                scope.spawn(move || self.scan_rows(finder, first, part));
            }
        });
        hit
    }

    fn scan_rows(&self, finder: &memchr::memmem::Finder<'_>, first: usize, hit: &mut [bool]) {
        let end = self.starts[first + hit.len()];
        let (mut from, mut row) = (self.starts[first], first);
        while let Some(at) = finder.find(&self.text[from..end]) {
            // Hits come in order, so the row is found by stepping on from
            // the last one: all the steps of a scan add up to one pass.
            while self.starts[row + 1] <= from + at {
                row += 1;
            }
            hit[row - first] = true;
            // One hit per row is enough: go on from the next row.
            from = self.starts[row + 1];
        }
    }

    /// The ids of the selected rows `skip..skip + top` in `order` (read
    /// backwards when descending), walking from the nearer end.
    pub(crate) fn page(
        &self,
        order: &[u32],
        selected: &Selected,
        skip: u64,
        top: u64,
        descending: bool,
    ) -> Vec<i64> {
        let total = selected.count as u64;
        let end = skip.saturating_add(top).min(total);
        if skip >= end {
            return Vec::new();
        }
        let Some(rows) = &selected.rows else {
            // Every row: the page is a slice of the order.
            let (from, to) = if descending {
                (total - end, total - skip)
            } else {
                (skip, end)
            };
            let len = order.len();
            let mut ids: Vec<i64> = order[(from as usize).min(len)..(to as usize).min(len)]
                .iter()
                .map(|&r| self.ids[r as usize])
                .collect();
            if descending {
                ids.reverse();
            }
            return ids;
        };
        // Count selected rows from the end the page is nearer to.
        let from_end = total - end;
        let backwards = descending != (from_end < skip);
        let offset = skip.min(from_end);
        let mut ids = Vec::with_capacity((end - skip) as usize);
        let mut seen = 0;
        let mut visit = |r: &u32| {
            if rows[*r as usize] {
                seen += 1;
                if seen > offset {
                    ids.push(self.ids[*r as usize]);
                }
            }
            ids.len() as u64 == end - skip
        };
        if backwards {
            order.iter().rev().any(&mut visit);
        } else {
            order.iter().any(&mut visit);
        }
        // Read from the far end, the page came out reversed.
        if descending != backwards {
            ids.reverse();
        }
        ids
    }

    /// Every selected id in `order`, descending if asked.
    pub(crate) fn all<'a>(
        &'a self,
        order: &'a [u32],
        selected: &'a Selected,
        descending: bool,
    ) -> impl Iterator<Item = i64> + 'a {
        let rows: Box<dyn Iterator<Item = &u32>> = if descending {
            Box::new(order.iter().rev())
        } else {
            Box::new(order.iter())
        };
        rows.filter(|r| selected.rows.as_ref().is_none_or(|s| s[**r as usize]))
            .map(|r| self.ids[*r as usize])
    }
}
