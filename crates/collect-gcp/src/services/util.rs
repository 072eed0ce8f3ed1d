//! Google JSON value → record field helpers, shared by the services.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Characters left as they are in a URL path segment or query value.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one path segment or query value.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// A string field, or `""` when absent.
pub fn string(v: &Value) -> Value {
    Value::String(v.as_str().unwrap_or_default().to_owned())
}

/// A string field, or `null` when absent.
pub fn opt_string(v: &Value) -> Value {
    v.as_str()
        .map(|s| Value::String(s.to_owned()))
        .unwrap_or(Value::Null)
}

/// A bool field, `default` when absent.
pub fn bool_or(v: &Value, default: bool) -> Value {
    Value::Bool(v.as_bool().unwrap_or(default))
}

/// An int64 (Google carries them as strings), or `None`.
pub fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An int64 field, or `null`.
pub fn opt_int(v: &Value) -> Value {
    int(v).map(Value::from).unwrap_or(Value::Null)
}

/// An RFC 3339 timestamp normalized to UTC seconds (`2024-05-01T12:00:00Z`).
pub fn timestamp(v: &Value) -> Option<String> {
    let parsed = chrono::DateTime::parse_from_rfc3339(v.as_str()?).ok()?;
    Some(
        parsed
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    )
}

/// A timestamp field, or `null`.
pub fn opt_timestamp(v: &Value) -> Value {
    timestamp(v).map(Value::String).unwrap_or(Value::Null)
}

/// Milliseconds since the epoch (BigQuery's creationTime) as a timestamp, or `null`.
pub fn millis_timestamp(v: &Value) -> Value {
    int(v)
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| Value::String(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()))
        .unwrap_or(Value::Null)
}

/// A protobuf duration (`"7776000s"`, `"3.5s"`) in whole seconds, or `null`.
pub fn duration_seconds(v: &Value) -> Value {
    v.as_str()
        .and_then(|s| s.strip_suffix('s'))
        .and_then(|s| s.parse::<f64>().ok())
        .map(|secs| Value::from(secs.trunc() as i64))
        .unwrap_or(Value::Null)
}

/// A list of strings (empty when absent).
pub fn strings(v: &Value) -> Value {
    Value::Array(
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(|s| Value::String(s.to_owned())))
            .collect(),
    )
}

/// The elements of a list field (none when absent).
pub fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

/// Labels as tags.
pub fn labels(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// The last segment of a resource name or URL.
pub fn last_segment(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// The region of a zone (`us-central1-a` → `us-central1`), or the region itself.
pub fn zone_region(zone: &str) -> String {
    let zone = last_segment(zone);
    match zone.rsplit_once('-') {
        Some((region, suffix)) if suffix.len() == 1 && region.contains('-') => region.to_owned(),
        _ => zone.to_owned(),
    }
}

/// An allow policy's bindings: role, members, condition (null when unconditional).
pub fn bindings(policy: &Value) -> Value {
    Value::Array(
        items(&policy["bindings"])
            .map(|b| {
                let condition = if b["condition"].is_object() {
                    json!({
                        "title": string(&b["condition"]["title"]),
                        "expression": string(&b["condition"]["expression"]),
                    })
                } else {
                    Value::Null
                };
                json!({"role": string(&b["role"]), "members": strings(&b["members"]), "condition": condition})
            })
            .collect(),
    )
}

/// Bindings without conditions (kinds whose schema has none).
pub fn plain_bindings(policy: &Value) -> Vec<Value> {
    items(&policy["bindings"])
        .map(|b| json!({"role": string(&b["role"]), "members": strings(&b["members"])}))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalized() {
        assert_eq!(zone_region("us-central1-a"), "us-central1");
        assert_eq!(
            zone_region("https://www.googleapis.com/compute/v1/projects/p/zones/europe-west4-b"),
            "europe-west4"
        );
        assert_eq!(zone_region("us-central1"), "us-central1");
        assert_eq!(
            timestamp(&json!("2024-01-02T03:04:05.123-08:00")).as_deref(),
            Some("2024-01-02T11:04:05Z")
        );
        assert_eq!(
            millis_timestamp(&json!("1704067200000")),
            json!("2024-01-01T00:00:00Z")
        );
        assert_eq!(duration_seconds(&json!("7776000s")), json!(7776000));
        assert_eq!(duration_seconds(&json!("1.5s")), json!(1));
        assert_eq!(duration_seconds(&Value::Null), Value::Null);
        assert_eq!(int(&json!("42")), Some(42));
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }
}
