//! Helpers every service collector shares: turning SDK values into the
//! JSON fields of a record without guessing at what the API left out, and
//! reading tags in batches.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// An SDK timestamp as RFC 3339, UTC.
pub(crate) fn rfc3339(t: &DateTime) -> Option<String> {
    t.fmt(Format::DateTime).ok()
}

/// Sets `key` to `value` when the API returned it. A field the API left out
/// stays out of the record: not collected, never guessed.
pub(crate) fn put<V: Into<Value>>(config: &mut Map<String, Value>, key: &str, value: Option<V>) {
    if let Some(value) = value {
        config.insert(key.to_owned(), value.into());
    }
}

/// The value as a JSON string, or `null` when the API returned none: for
/// fields whose schema type is `string?`.
pub(crate) fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// Like [`text`], and an empty string is null too: for APIs that send ""
/// for "none".
pub(crate) fn non_empty_text(value: Option<&str>) -> Value {
    text(value.filter(|s| !s.is_empty()))
}

/// Parses a JSON policy document returned as a string (URL-decoded already);
/// `null` when absent or not JSON.
pub(crate) fn json_document(document: Option<&str>) -> Value {
    document
        .and_then(|d| serde_json::from_str::<Value>(d).ok())
        .unwrap_or(Value::Null)
}

/// A timestamp the API returned as text (ISO 8601 / RFC 3339, with or
/// without an offset) as RFC 3339 UTC; `None` when it does not parse.
pub(crate) fn rfc3339_text(text: &str) -> Option<String> {
    let parsed = chrono::DateTime::parse_from_rfc3339(text).ok()?;
    let time = DateTime::from_secs_and_nanos(parsed.timestamp(), parsed.timestamp_subsec_nanos());
    rfc3339(&time)
}

/// The tags of many resources, by key, read `batch` keys per call (the
/// API's limit): `read` asks for one batch and returns its `(key, tags)`
/// pairs. A batch that cannot be read is recorded by `failed` on each of
/// its keys, which then have no entry.
pub(crate) async fn tags_in_batches<'k, R, F, E>(
    keys: &[&'k str],
    batch: usize,
    read: R,
    failed: impl Fn(&str, &E),
) -> HashMap<String, BTreeMap<String, String>>
where
    R: Fn(&[&'k str]) -> F,
    F: Future<Output = Result<Vec<(String, BTreeMap<String, String>)>, E>>,
{
    let mut tags = HashMap::new();
    for keys in keys.chunks(batch) {
        match read(keys).await {
            Ok(sets) => tags.extend(sets),
            Err(err) => {
                for key in keys {
                    failed(key, &err);
                }
            }
        }
    }
    tags
}
