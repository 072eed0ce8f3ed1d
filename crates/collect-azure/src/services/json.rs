//! Reading ARM and Graph JSON into normalized fields: dotted-path lookups,
//! typed values with the kind's null rules, names, regions, tags and the
//! Unix-seconds timestamps Key Vault uses.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The region of subscription-level settings and Entra ID objects.
pub const GLOBAL: &str = "global";

/// The value at a dotted path (`properties.networkAcls.defaultAction`).
pub fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |v, key| v.get(key))
        .filter(|v| !v.is_null())
}

/// A string, or null when absent.
pub fn string(value: &Value, path: &str) -> Value {
    match at(value, path) {
        Some(Value::String(s)) => json!(s),
        _ => Value::Null,
    }
}

/// A string, or null when absent or empty.
pub fn non_empty(value: &Value, path: &str) -> Value {
    match at(value, path) {
        Some(Value::String(s)) if !s.trim().is_empty() => json!(s),
        _ => Value::Null,
    }
}

/// A string, or `default` when absent.
pub fn string_or(value: &Value, path: &str, default: &str) -> Value {
    match at(value, path) {
        Some(Value::String(s)) => json!(s),
        _ => json!(default),
    }
}

/// A string slice, empty when absent.
pub fn text<'a>(value: &'a Value, path: &str) -> &'a str {
    at(value, path).and_then(Value::as_str).unwrap_or_default()
}

/// A boolean (also from the strings "true"/"false" some APIs send), or
/// null when absent.
pub fn boolean(value: &Value, path: &str) -> Value {
    match at(value, path) {
        Some(Value::Bool(b)) => json!(b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => json!(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => json!(false),
        _ => Value::Null,
    }
}

/// A boolean, or `default` when absent.
pub fn boolean_or(value: &Value, path: &str, default: bool) -> Value {
    match boolean(value, path) {
        Value::Null => json!(default),
        b => b,
    }
}

/// An integer (also from a numeric string), or null when absent.
pub fn integer(value: &Value, path: &str) -> Value {
    match at(value, path) {
        Some(Value::Number(n)) => n.as_i64().map_or(Value::Null, |i| json!(i)),
        Some(Value::String(s)) => s.trim().parse::<i64>().map_or(Value::Null, |i| json!(i)),
        _ => Value::Null,
    }
}

/// An integer, or `default` when absent.
pub fn integer_or(value: &Value, path: &str, default: i64) -> Value {
    match integer(value, path) {
        Value::Null => json!(default),
        i => i,
    }
}

/// The array at `path`, empty when absent.
pub fn array<'a>(value: &'a Value, path: &str) -> &'a [Value] {
    at(value, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The strings of the array at `path`, empty when absent.
pub fn strings(value: &Value, path: &str) -> Vec<String> {
    array(value, path)
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Each item's string at `field` (`ipRules[].value`).
pub fn strings_of(value: &Value, path: &str, field: &str) -> Vec<String> {
    array(value, path)
        .iter()
        .filter_map(|item| at(item, field).and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// Splits a separated list, trimming and dropping empty entries.
pub fn split(text: &str, separators: &[char]) -> Vec<String> {
    text.split(|c| separators.contains(&c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An RFC 3339 timestamp from Unix seconds, or null when absent.
pub fn unix_time(value: &Value, path: &str) -> Value {
    at(value, path)
        .and_then(Value::as_i64)
        .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0))
        .map_or(Value::Null, |t| {
            json!(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        })
}

/// The resource's `location`, lowercased, without spaces (`eastus`).
pub fn region(resource: &Value) -> String {
    text(resource, "location")
        .to_ascii_lowercase()
        .replace(' ', "")
}

/// The resource's ARM ID and name.
pub fn id_and_name(resource: &Value) -> (String, String) {
    (
        text(resource, "id").to_owned(),
        text(resource, "name").to_owned(),
    )
}

/// The ARM `tags` object.
pub fn tags(resource: &Value) -> BTreeMap<String, String> {
    at(resource, "tags")
        .and_then(Value::as_object)
        .map(|tags| {
            tags.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The segment after `/{segment}/` in an ARM ID, compared without case
/// (`resourceGroups`, `servers`).
pub fn id_segment<'a>(id: &'a str, segment: &str) -> Option<&'a str> {
    let mut parts = id.split('/');
    while let Some(part) = parts.next() {
        if part.eq_ignore_ascii_case(segment) {
            return parts.next();
        }
    }
    None
}

/// ON/OFF (any case) as a boolean; null for anything else.
pub fn on_off(text: Option<&str>) -> Value {
    match text.map(str::trim) {
        Some(t) if t.eq_ignore_ascii_case("on") || t.eq_ignore_ascii_case("true") => json!(true),
        Some(t) if t.eq_ignore_ascii_case("off") || t.eq_ignore_ascii_case("false") => json!(false),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_paths_with_null_rules() {
        let v = json!({"location": "East US", "properties": {"a": {"b": "x"}, "n": null, "f": "False", "i": "7", "t": 1700000000}, "tags": {"env": "prod"}});
        assert_eq!(string(&v, "properties.a.b"), json!("x"));
        assert_eq!(string(&v, "properties.n"), Value::Null);
        assert_eq!(boolean_or(&v, "properties.missing", true), json!(true));
        assert_eq!(boolean(&v, "properties.f"), json!(false));
        assert_eq!(integer(&v, "properties.i"), json!(7));
        assert_eq!(unix_time(&v, "properties.t"), json!("2023-11-14T22:13:20Z"));
        assert_eq!(region(&v), "eastus");
        assert_eq!(tags(&v).get("env").map(String::as_str), Some("prod"));
        assert_eq!(split("a; b,,c", &[';', ',']), ["a", "b", "c"]);
        assert_eq!(
            id_segment(
                "/subscriptions/s/resourceGroups/rg-1/providers/x",
                "resourcegroups"
            ),
            Some("rg-1")
        );
        assert_eq!(on_off(Some("ON")), json!(true));
    }
}
