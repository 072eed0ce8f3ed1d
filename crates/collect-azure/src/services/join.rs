//! Joining sub-resources onto a record: each field read with its own call,
//! inserted when the call succeeds, reported as a collection error for that
//! one resource when it fails (the rest of the record is still emitted).

use super::json::text;
use crate::api::ApiError;
use crate::context::Ctx;
use serde_json::{Map, Value, json};

/// Reads the sub-resources of one record, inserting each field that could
/// be read and recording a collection error for each that could not.
pub struct Joiner<'a> {
    pub ctx: &'a Ctx,
    pub kind: &'static str,
    pub region: &'a str,
    pub id: &'a str,
    pub config: Map<String, Value>,
}

impl Joiner<'_> {
    /// GETs `path` and inserts `field` = `shape(response)`; a 404 gives
    /// `shape(None)`.
    pub async fn get(
        &mut self,
        field: &str,
        path: String,
        api_version: &str,
        shape: impl FnOnce(Option<&Value>) -> Value,
    ) -> Option<Value> {
        match self.ctx.get_optional(&path, api_version).await {
            Ok(value) => {
                self.config.insert(field.into(), shape(value.as_ref()));
                value
            }
            Err(err) => {
                self.fail(&path, &err);
                None
            }
        }
    }

    /// Lists `path` and inserts `field` = `shape(items)`.
    pub async fn list(
        &mut self,
        field: &str,
        path: String,
        api_version: &str,
        shape: impl FnOnce(&[Value]) -> Value,
    ) {
        match self.ctx.list_under(&path, api_version).await {
            Ok(items) => {
                self.config.insert(field.into(), shape(&items));
            }
            Err(err) => self.fail(&path, &err),
        }
    }

    pub fn fail(&self, path: &str, err: &ApiError) {
        self.ctx
            .fail(self.kind, self.region, Some(self.id), path, err);
    }
}

/// `value[]` firewall rules as the database kinds list them.
pub fn firewall_rules(items: &[Value]) -> Value {
    json!(
        items
            .iter()
            .map(|r| json!({
                "name": text(r, "name"),
                "start_ip_address": text(r, "properties.startIpAddress"),
                "end_ip_address": text(r, "properties.endIpAddress"),
            }))
            .collect::<Vec<_>>()
    )
}
