//! How values cross into SQLite columns and back: timestamps as integer
//! microseconds, enums as their stable text, JSON as text, and the mapping
//! of constraint failures to the store's own errors.

use crate::error::StoreError;
use crate::types::*;
use chrono::DateTime;
use posture_model::{Provider, Status};
use rusqlite::types::Type;
use rusqlite::{Row, ffi};

/// Timestamps are stored as microseconds since the epoch: integers compare
/// and index faster than text, and microseconds are what PostgreSQL keeps,
/// so both backends answer the same values.
pub(crate) fn ts(t: Timestamp) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn ts_opt(t: Option<Timestamp>) -> Option<i64> {
    t.map(ts)
}

/// Truncates to what the store keeps, for values returned without a
/// round trip.
pub(crate) fn stored(t: Timestamp) -> Result<Timestamp, StoreError> {
    DateTime::from_timestamp_micros(ts(t))
        .ok_or_else(|| StoreError::Backend(format!("timestamp {t} out of range")))
}

fn conversion(idx: usize, ty: Type, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, ty, message.into())
}

/// Enums kept as text, with the spelling their own `as_str` gives.
pub(crate) trait TextEnum: Sized {
    const WHAT: &'static str;
    fn from_text(s: &str) -> Option<Self>;
}

macro_rules! text_enum {
    ($t:ty, $what:literal, $parse:expr) => {
        impl TextEnum for $t {
            const WHAT: &'static str = $what;
            fn from_text(s: &str) -> Option<Self> {
                let parse: fn(&str) -> Option<Self> = $parse;
                parse(s)
            }
        }
    };
}

text_enum!(Provider, "provider", |s| s.parse().ok());
text_enum!(Status, "status", |s| s.parse().ok());
text_enum!(ConnectorState, "connector state", ConnectorState::parse);
text_enum!(Role, "role", Role::parse);
text_enum!(RunState, "run state", RunState::parse);
text_enum!(JobKind, "job kind", JobKind::parse);
text_enum!(TokenKind, "token kind", |s| match s {
    "api" => Some(TokenKind::Api),
    "session" => Some(TokenKind::Session),
    _ => None,
});

/// Typed getters over a row, so row mappers read like the struct they fill.
pub(crate) trait RowExt {
    fn ts(&self, idx: usize) -> rusqlite::Result<Timestamp>;
    fn ts_opt(&self, idx: usize) -> rusqlite::Result<Option<Timestamp>>;
    fn text_enum<T: TextEnum>(&self, idx: usize) -> rusqlite::Result<T>;
    fn json(&self, idx: usize) -> rusqlite::Result<serde_json::Value>;
    fn json_opt(&self, idx: usize) -> rusqlite::Result<Option<serde_json::Value>>;
    fn u32(&self, idx: usize) -> rusqlite::Result<u32>;
}

impl RowExt for Row<'_> {
    fn ts(&self, idx: usize) -> rusqlite::Result<Timestamp> {
        let micros: i64 = self.get(idx)?;
        DateTime::from_timestamp_micros(micros).ok_or_else(|| {
            conversion(
                idx,
                Type::Integer,
                format!("timestamp {micros} out of range"),
            )
        })
    }

    fn ts_opt(&self, idx: usize) -> rusqlite::Result<Option<Timestamp>> {
        match self.get::<_, Option<i64>>(idx)? {
            None => Ok(None),
            Some(_) => self.ts(idx).map(Some),
        }
    }

    fn text_enum<T: TextEnum>(&self, idx: usize) -> rusqlite::Result<T> {
        let s: String = self.get(idx)?;
        T::from_text(&s)
            .ok_or_else(|| conversion(idx, Type::Text, format!("unknown {} {s:?}", T::WHAT)))
    }

    fn json(&self, idx: usize) -> rusqlite::Result<serde_json::Value> {
        let s: String = self.get(idx)?;
        serde_json::from_str(&s).map_err(|e| conversion(idx, Type::Text, e.to_string()))
    }

    fn json_opt(&self, idx: usize) -> rusqlite::Result<Option<serde_json::Value>> {
        match self.get::<_, Option<String>>(idx)? {
            None => Ok(None),
            Some(_) => self.json(idx).map(Some),
        }
    }

    fn u32(&self, idx: usize) -> rusqlite::Result<u32> {
        let v: i64 = self.get(idx)?;
        u32::try_from(v).map_err(|e| conversion(idx, Type::Integer, e.to_string()))
    }
}

/// JSON values are kept as their text. (rusqlite's own `serde_json` mapping
/// stores a JSON string as bare text, which does not read back as JSON.)
pub(crate) fn json_text(v: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(format!("encoding json: {e}")))
}

/// A count or offset from the API as SQLite's signed integer; past
/// `i64::MAX` means "all", which saturating gives.
pub(crate) fn sql_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn count_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn extended_code(e: &rusqlite::Error) -> Option<i32> {
    e.sqlite_error().map(|f| f.extended_code)
}

/// A unique-constraint failure becomes `Conflict` with the caller's
/// message; anything else stays a backend failure.
pub(crate) fn on_unique(e: rusqlite::Error, message: impl FnOnce(&str) -> String) -> StoreError {
    match extended_code(&e) {
        Some(ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
            StoreError::Conflict(message(&e.to_string()))
        }
        _ => e.into(),
    }
}

/// A foreign-key failure means the row pointed at does not exist.
pub(crate) fn is_foreign_key(e: &rusqlite::Error) -> bool {
    extended_code(e) == Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// `%` and `_` in user search text match themselves; paired with
/// `ESCAPE '\'`.
pub(crate) fn like_pattern(search: &str) -> String {
    let mut p = String::with_capacity(search.len() + 2);
    p.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Search text after trimming, or none when only whitespace is left.
pub(crate) fn search_text(search: &Option<String>) -> Option<&str> {
    search.as_deref().map(str::trim).filter(|s| !s.is_empty())
}
