//! Usage, the billing basis, computed from connector state history alone:
//! no database, so every backend bills the same way and the rules are
//! tested with hand-built histories.
//!
//! A connector is active on a day (UTC) when it was Online at some moment
//! of it: it entered the day Online, or became Online during it; and it had
//! not been deleted when the day began. A day's assets are the active
//! connectors' latest asset counts known by the day's end. A month bills
//! the connectors active on at least one of its days.

use crate::types::{ConnectorState, DayUsage, StateRecord, Timestamp};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// Connectors active in one calendar month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthUsage {
    pub year: i32,
    pub month: u32,
    pub connectors: i64,
}

/// One entry per day of `[from, to]` (none when `to < from`).
pub fn daily(history: &[StateRecord], from: NaiveDate, to: NaiveDate) -> Vec<DayUsage> {
    let connectors = by_connector(history);
    days(from, to)
        .map(|date| {
            let (mut count, mut assets) = (0, 0);
            for records in connectors.values() {
                if let Some(a) = active_on(records, date) {
                    count += 1;
                    assets += a;
                }
            }
            DayUsage {
                date,
                connectors: count,
                assets,
            }
        })
        .collect()
}

/// One entry per calendar month from `from`'s month to `to`'s, each over
/// the whole month (the dates only name the months).
pub fn monthly(history: &[StateRecord], from: NaiveDate, to: NaiveDate) -> Vec<MonthUsage> {
    let connectors = by_connector(history);
    let mut out = Vec::new();
    let Some(mut first) = from.with_day(1) else {
        return out;
    };
    while first <= to {
        let Some(next) = first.checked_add_months(chrono::Months::new(1)) else {
            break;
        };
        let last = next.pred_opt().unwrap_or(first);
        let active: BTreeSet<i64> = connectors
            .iter()
            .filter(|(_, records)| days(first, last).any(|d| active_on(records, d).is_some()))
            .map(|(id, _)| *id)
            .collect();
        out.push(MonthUsage {
            year: first.year(),
            month: first.month(),
            connectors: active.len() as i64,
        });
        first = next;
    }
    out
}

/// Each connector's records, oldest first (ties keep their input order,
/// which the store gives by row id).
fn by_connector(history: &[StateRecord]) -> BTreeMap<i64, Vec<&StateRecord>> {
    let mut map: BTreeMap<i64, Vec<&StateRecord>> = BTreeMap::new();
    for r in history {
        map.entry(r.connector).or_default().push(r);
    }
    for records in map.values_mut() {
        records.sort_by_key(|r| r.at);
    }
    map
}

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

fn start_of(date: NaiveDate) -> Timestamp {
    date.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The connector's assets when it was active on `date`, else none.
fn active_on(records: &[&StateRecord], date: NaiveDate) -> Option<i64> {
    let start = start_of(date);
    let end = date.checked_add_days(Days::new(1)).map(start_of)?;
    // Every row carries the deletion once the connector is gone.
    let deleted = records.iter().find_map(|r| r.deleted_at);
    if deleted.is_some_and(|d| d <= start) {
        return None;
    }
    // The state the day began in: the last change at or before midnight
    // (a change exactly at midnight is the new day's opening state).
    let opening = records.iter().rev().find(|r| r.at <= start);
    let entered_online = opening.is_some_and(|r| r.state == ConnectorState::Online);
    let became_online = records
        .iter()
        .any(|r| r.at >= start && r.at < end && r.state == ConnectorState::Online);
    if !(entered_online || became_online) {
        return None;
    }
    records
        .iter()
        .rev()
        .find(|r| r.at < end)
        .map(|r| r.total_assets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConnectorState::*;
    use chrono::{TimeZone, Utc};

    fn at(day: u32, h: u32, m: u32) -> Timestamp {
        Utc.with_ymd_and_hms(2025, 3, day, h, m, 0)
            .single()
            .expect("valid time")
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, day).expect("valid date")
    }

    fn rec(connector: i64, state: ConnectorState, at: Timestamp, assets: i64) -> StateRecord {
        StateRecord {
            connector,
            state,
            at,
            total_assets: assets,
            deleted_at: None,
        }
    }

    /// (connectors, assets) for each day of March `from..=to`.
    fn check(history: &[StateRecord], from: u32, to: u32, expected: &[(i64, i64)]) {
        let got: Vec<(i64, i64)> = daily(history, date(from), date(to))
            .iter()
            .map(|d| (d.connectors, d.assets))
            .collect();
        assert_eq!(got, expected, "{history:#?}");
    }

    #[test]
    fn online_carries_over_day_boundaries() {
        let h = [
            rec(1, Pending, at(1, 10, 0), 0),
            rec(1, Online, at(1, 10, 5), 40),
        ];
        check(&h, 1, 3, &[(1, 40), (1, 40), (1, 40)]);
    }

    #[test]
    fn a_day_before_creation_counts_nothing() {
        let h = [rec(1, Online, at(2, 0, 0), 5)];
        check(&h, 1, 2, &[(0, 0), (1, 5)]);
    }

    #[test]
    fn online_at_midnight_belongs_to_the_new_day() {
        let h = [
            rec(1, Online, at(2, 0, 0), 5),
            rec(1, Offline, at(3, 0, 0), 5),
        ];
        // Offline exactly at midnight: the 3rd began Offline.
        check(&h, 1, 3, &[(0, 0), (1, 5), (0, 0)]);
    }

    #[test]
    fn going_online_at_23_59_counts_the_day() {
        let h = [
            rec(1, Pending, at(1, 9, 0), 0),
            rec(1, Offline, at(1, 9, 1), 0),
            rec(1, Online, at(1, 23, 59), 12),
        ];
        check(&h, 1, 2, &[(1, 12), (1, 12)]);
    }

    #[test]
    fn offline_all_day_is_not_active() {
        let h = [
            rec(1, Online, at(1, 8, 0), 10),
            rec(1, Offline, at(1, 20, 0), 10),
            rec(1, Online, at(4, 1, 0), 11),
        ];
        check(&h, 1, 4, &[(1, 10), (0, 0), (0, 0), (1, 11)]);
    }

    #[test]
    fn going_offline_during_the_day_still_counts_it() {
        let h = [
            rec(1, Online, at(1, 8, 0), 3),
            rec(1, Offline, at(2, 0, 30), 3),
        ];
        check(&h, 2, 3, &[(1, 3), (0, 0)]);
    }

    #[test]
    fn deletion_stops_counting_from_the_next_day() {
        let deleted = Some(at(2, 15, 0));
        let h: Vec<StateRecord> = [
            rec(1, Online, at(1, 8, 0), 7),
            rec(2, Online, at(1, 9, 0), 100),
        ]
        .into_iter()
        .map(|mut r| {
            if r.connector == 1 {
                r.deleted_at = deleted;
            }
            r
        })
        .collect();
        // Deleted during the 2nd: counted that day, not after.
        check(&h, 1, 3, &[(2, 107), (2, 107), (1, 100)]);
    }

    #[test]
    fn assets_are_the_latest_known_by_the_end_of_the_day() {
        let h = [
            rec(1, Online, at(1, 8, 0), 10),
            rec(1, Refreshing, at(2, 8, 0), 10),
            rec(1, Online, at(2, 9, 0), 25),
            rec(2, Online, at(2, 12, 0), 1),
        ];
        check(&h, 1, 2, &[(1, 10), (2, 26)]);
    }

    #[test]
    fn refreshing_all_day_is_not_online() {
        let h = [
            rec(1, Online, at(1, 8, 0), 10),
            rec(1, Refreshing, at(1, 9, 0), 10),
            rec(1, Online, at(3, 9, 0), 10),
        ];
        check(&h, 1, 3, &[(1, 10), (0, 0), (1, 10)]);
    }

    #[test]
    fn an_empty_range_is_empty() {
        let h = [rec(1, Online, at(1, 8, 0), 10)];
        assert!(daily(&h, date(3), date(2)).is_empty());
    }

    #[test]
    fn a_month_counts_connectors_active_on_any_of_its_days() {
        let feb = |d, h| {
            Utc.with_ymd_and_hms(2025, 2, d, h, 0, 0)
                .single()
                .expect("valid time")
        };
        let mut gone = rec(3, Online, feb(10, 0), 1);
        gone.deleted_at = Some(feb(20, 0));
        let h = [
            // Online a few hours in February only.
            rec(1, Online, feb(27, 10), 5),
            rec(1, Offline, feb(27, 12), 5),
            // Online from late February on.
            rec(2, Online, feb(28, 23), 5),
            gone,
            // Never online.
            rec(4, Pending, feb(1, 0), 0),
            // Online only in March.
            rec(5, Online, at(31, 23, 59), 5),
        ];
        let months = monthly(
            &h,
            NaiveDate::from_ymd_opt(2025, 1, 15).expect("valid date"),
            NaiveDate::from_ymd_opt(2025, 4, 2).expect("valid date"),
        );
        let got: Vec<(i32, u32, i64)> = months
            .iter()
            .map(|m| (m.year, m.month, m.connectors))
            .collect();
        assert_eq!(
            got,
            [(2025, 1, 0), (2025, 2, 3), (2025, 3, 2), (2025, 4, 2)]
        );
    }
}
