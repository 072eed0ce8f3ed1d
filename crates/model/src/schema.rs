//! Kind schemas: the exact fields a kind's configuration has, with types.
//!
//! A schema is a flat map from field path to type. Paths are dotted, and
//! `[]` steps into the elements of a `list<object>`: `grants[].permission`.
//! The catalogue declares schemas (`kinds.toml`); collectors must produce
//! records that [`KindSchema::validate`] accepts; the linter checks that every
//! path a control reads is declared.

use crate::ResourceKind;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A scalar field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scalar {
    String,
    Int,
    Float,
    Bool,
    /// An RFC 3339 string.
    Timestamp,
    /// Any JSON value (policy documents, raw settings).
    Json,
}

/// The shape of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    Scalar(Scalar),
    /// An object whose fields are declared as child paths.
    Object,
    /// A list of scalars.
    List(Scalar),
    /// A list of objects whose fields are declared as `path[].child`.
    ListOfObjects,
    /// An object with free-form keys and scalar values.
    Map(Scalar),
}

/// A field's type: its shape and whether it may be `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldType {
    pub shape: Shape,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid field type {0:?}: expected string, int, float, bool, timestamp, json, object, list<T> or map<T>, optionally followed by ?"
)]
pub struct FieldTypeError(pub String);

fn parse_scalar(s: &str) -> Option<Scalar> {
    Some(match s {
        "string" => Scalar::String,
        "int" => Scalar::Int,
        "float" => Scalar::Float,
        "bool" => Scalar::Bool,
        "timestamp" => Scalar::Timestamp,
        "json" => Scalar::Json,
        _ => return None,
    })
}

impl FieldType {
    pub fn parse(text: &str) -> Result<FieldType, FieldTypeError> {
        let err = || FieldTypeError(text.to_owned());
        let trimmed = text.trim();
        let (body, nullable) = match trimmed.strip_suffix('?') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let inner = |prefix: &str| {
            body.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix('>'))
        };
        let shape = if body == "object" {
            Shape::Object
        } else if let Some(element) = inner("list<") {
            if element == "object" {
                Shape::ListOfObjects
            } else {
                Shape::List(parse_scalar(element).ok_or_else(err)?)
            }
        } else if let Some(value) = inner("map<") {
            Shape::Map(parse_scalar(value).ok_or_else(err)?)
        } else {
            Shape::Scalar(parse_scalar(body).ok_or_else(err)?)
        };
        Ok(FieldType { shape, nullable })
    }

    /// Whether this field has declared children (`object`, `list<object>`).
    pub fn has_children(&self) -> bool {
        matches!(self.shape, Shape::Object | Shape::ListOfObjects)
    }

    /// Whether any path below this field is acceptable (`json`, `map<T>`).
    pub fn is_open(&self) -> bool {
        matches!(self.shape, Shape::Scalar(Scalar::Json) | Shape::Map(_))
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scalar = |s: Scalar| match s {
            Scalar::String => "string",
            Scalar::Int => "int",
            Scalar::Float => "float",
            Scalar::Bool => "bool",
            Scalar::Timestamp => "timestamp",
            Scalar::Json => "json",
        };
        match self.shape {
            Shape::Scalar(s) => f.write_str(scalar(s))?,
            Shape::Object => f.write_str("object")?,
            Shape::List(s) => write!(f, "list<{}>", scalar(s))?,
            Shape::ListOfObjects => f.write_str("list<object>")?,
            Shape::Map(s) => write!(f, "map<{}>", scalar(s))?,
        }
        if self.nullable {
            f.write_str("?")?;
        }
        Ok(())
    }
}

/// One declared field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    pub field_type: FieldType,
    pub doc: String,
}

/// Whether a kind is collected per region or once per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Regional,
    Global,
}

/// The schema of one resource kind.
#[derive(Debug, Clone, PartialEq)]
pub struct KindSchema {
    pub kind: ResourceKind,
    pub title: String,
    pub description: String,
    /// How the resource id is formed, e.g. `arn:{partition}:s3:::{bucket}`.
    pub id_format: String,
    pub scope: Scope,
    /// Field path to field spec, sorted by path.
    pub fields: BTreeMap<String, FieldSpec>,
}

/// A record field that does not match its kind's schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field {path}: {message}")]
pub struct SchemaViolation {
    pub path: String,
    pub message: String,
}

impl KindSchema {
    /// The parent path of `path`, if any: `a[].b` → `a`, `a.b` → `a`.
    pub fn parent_of(path: &str) -> Option<&str> {
        let cut = path.rfind('.')?;
        let parent = &path[..cut];
        Some(parent.strip_suffix("[]").unwrap_or(parent))
    }

    /// Whether a check may read `path`: it is declared, or lies below a
    /// `json` or `map<T>` field.
    pub fn accepts_path(&self, path: &str) -> bool {
        if self.fields.contains_key(path) {
            return true;
        }
        let mut current = path;
        while let Some(parent) = Self::parent_of(current) {
            if let Some(spec) = self.fields.get(parent) {
                return spec.field_type.is_open();
            }
            current = parent;
        }
        false
    }

    /// Checks a configuration against the schema: every field declared, every
    /// value of its declared type. Missing fields are allowed (not collected).
    pub fn validate(&self, config: &serde_json::Map<String, Value>) -> Result<(), SchemaViolation> {
        // One path buffer for the whole walk: validation runs on every
        // resource of every scan, so it allocates nothing on success.
        let mut path = String::with_capacity(64);
        self.validate_object(config, &mut path)
    }

    fn validate_object(
        &self,
        object: &serde_json::Map<String, Value>,
        path: &mut String,
    ) -> Result<(), SchemaViolation> {
        let prefix_len = path.len();
        for (key, value) in object {
            path.truncate(prefix_len);
            if prefix_len > 0 {
                path.push('.');
            }
            path.push_str(key);
            let Some(spec) = self.fields.get(path.as_str()) else {
                return Err(SchemaViolation {
                    message: format!("is not in the schema of {}", self.kind),
                    path: path.clone(),
                });
            };
            self.validate_value(value, spec.field_type, path)?;
        }
        path.truncate(prefix_len);
        Ok(())
    }

    fn validate_value(
        &self,
        value: &Value,
        ty: FieldType,
        path: &mut String,
    ) -> Result<(), SchemaViolation> {
        let mismatch = |path: &str| SchemaViolation {
            path: path.to_owned(),
            message: format!("expected {ty}, found {}", describe(value)),
        };
        if value.is_null() {
            return if ty.nullable {
                Ok(())
            } else {
                Err(mismatch(path))
            };
        }
        match ty.shape {
            Shape::Scalar(s) => check_scalar(value, s)
                .then_some(())
                .ok_or_else(|| mismatch(path)),
            Shape::Object => match value {
                Value::Object(o) => self.validate_object(o, path),
                _ => Err(mismatch(path)),
            },
            Shape::List(s) => match value {
                Value::Array(items) if items.iter().all(|v| check_scalar(v, s)) => Ok(()),
                _ => Err(mismatch(path)),
            },
            Shape::ListOfObjects => match value {
                Value::Array(items) => {
                    let base_len = path.len();
                    path.push_str("[]");
                    for item in items {
                        match item {
                            Value::Object(o) => self.validate_object(o, path)?,
                            _ => {
                                path.truncate(base_len);
                                return Err(mismatch(path));
                            }
                        }
                    }
                    path.truncate(base_len);
                    Ok(())
                }
                _ => Err(mismatch(path)),
            },
            Shape::Map(s) => match value {
                Value::Object(o) if o.values().all(|v| check_scalar(v, s)) => Ok(()),
                _ => Err(mismatch(path)),
            },
        }
    }
}

fn check_scalar(value: &Value, scalar: Scalar) -> bool {
    match scalar {
        Scalar::String => value.is_string(),
        Scalar::Int => value.is_i64() || value.is_u64(),
        Scalar::Float => value.is_number(),
        Scalar::Bool => value.is_boolean(),
        Scalar::Timestamp => value
            .as_str()
            .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
        Scalar::Json => true,
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an int",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> KindSchema {
        let field = |t: &str| FieldSpec {
            field_type: FieldType::parse(t).expect("valid type"),
            doc: String::new(),
        };
        KindSchema {
            kind: ResourceKind::parse("aws.s3.bucket").expect("valid kind"),
            title: "S3 bucket".into(),
            description: String::new(),
            id_format: String::new(),
            scope: Scope::Regional,
            fields: [
                ("created", field("timestamp")),
                ("versioning", field("object?")),
                ("versioning.status", field("string?")),
                ("grants", field("list<object>")),
                ("grants[].permission", field("string")),
                ("policy", field("json?")),
                ("ports", field("list<int>")),
                ("labels", field("map<string>")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        }
    }

    fn check(config: serde_json::Value, expected: Result<(), &str>) {
        let config = config.as_object().expect("object").clone();
        let got = schema().validate(&config).map_err(|e| e.to_string());
        assert_eq!(got, expected.map_err(str::to_owned));
    }

    #[test]
    fn validates_types_nulls_and_unknown_fields() {
        check(
            json!({"versioning": {"status": "Enabled"}, "grants": [{"permission": "READ"}]}),
            Ok(()),
        );
        check(
            json!({"versioning": null, "policy": {"Statement": []}, "ports": [22]}),
            Ok(()),
        );
        check(
            json!({"created": "2024-01-01T00:00:00Z", "labels": {"a": "b"}}),
            Ok(()),
        );
        check(json!({}), Ok(()));
        check(
            json!({"nope": 1}),
            Err("field nope: is not in the schema of aws.s3.bucket"),
        );
        check(
            json!({"versioning": {"status": 1}}),
            Err("field versioning.status: expected string?, found an int"),
        );
        check(
            json!({"grants": [{"permission": null}]}),
            Err("field grants[].permission: expected string, found null"),
        );
        check(
            json!({"created": "yesterday"}),
            Err("field created: expected timestamp, found a string"),
        );
        check(
            json!({"ports": ["22"]}),
            Err("field ports: expected list<int>, found a list"),
        );
    }

    #[test]
    fn accepts_declared_paths_and_paths_below_open_fields() {
        let s = schema();
        assert!(s.accepts_path("versioning.status"));
        assert!(s.accepts_path("grants[].permission"));
        assert!(s.accepts_path("policy.Statement"));
        assert!(s.accepts_path("labels.team"));
        assert!(!s.accepts_path("versioning.mfa"));
        assert!(!s.accepts_path("grants[].grantee"));
    }

    #[test]
    fn parses_and_prints_types() {
        for t in [
            "string",
            "int?",
            "list<object>",
            "map<bool>",
            "json?",
            "list<timestamp>",
        ] {
            assert_eq!(FieldType::parse(t).expect("valid").to_string(), t);
        }
        for bad in ["str", "list<>", "list<list<int>>", "map<object>"] {
            assert!(FieldType::parse(bad).is_err(), "{bad}");
        }
    }
}
