//! Diagnostic settings (`Microsoft.Insights/diagnosticSettings`), which
//! several families join to their resources: listing them under a resource
//! and reading which log categories they enable.

use super::json::{array, at, text};
use crate::api::ApiError;
use crate::context::Ctx;
use serde_json::Value;
use std::collections::BTreeSet;

/// `Microsoft.Insights/diagnosticSettings`.
pub const DIAGNOSTIC_SETTINGS_API: &str = "2021-05-01-preview";

/// The operation listing diagnostic settings needs.
pub const OPERATION: &str = "Microsoft.Insights/diagnosticSettings/read";

/// The diagnostic settings of the resource `resource_id`.
pub async fn list(ctx: &Ctx, resource_id: &str) -> Result<Vec<Value>, ApiError> {
    ctx.list_under(&path(resource_id), DIAGNOSTIC_SETTINGS_API)
        .await
}

/// The path of the diagnostic settings of `resource_id`.
pub fn path(resource_id: &str) -> String {
    format!("{resource_id}/providers/Microsoft.Insights/diagnosticSettings")
}

/// The log categories one setting enables: `logs[]` entries with
/// `enabled == true`, a category as is, a category group through `group`.
pub fn enabled_categories(
    setting: &Value,
    group: impl Fn(&str) -> Vec<&'static str>,
) -> BTreeSet<String> {
    let mut categories = BTreeSet::new();
    for log in array(setting, "properties.logs") {
        if at(log, "enabled") != Some(&Value::Bool(true)) {
            continue;
        }
        match (at(log, "category"), at(log, "categoryGroup")) {
            (Some(Value::String(category)), _) => {
                categories.insert(category.clone());
            }
            (_, Some(Value::String(name))) => {
                categories.extend(group(name).into_iter().map(str::to_owned));
            }
            _ => {}
        }
    }
    categories
}

/// The union over every setting.
pub fn union_of_categories(
    settings: &[Value],
    group: impl Fn(&str) -> Vec<&'static str> + Copy,
) -> Vec<String> {
    settings
        .iter()
        .flat_map(|s| enabled_categories(s, group))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The destination fields every setting has, for records that list them.
pub fn destinations(setting: &Value) -> (Value, Value, Value) {
    let field = |name: &str| match text(setting, &format!("properties.{name}")) {
        "" => Value::Null,
        value => Value::String(value.to_owned()),
    };
    (
        field("workspaceId"),
        field("storageAccountId"),
        field("eventHubAuthorizationRuleId"),
    )
}
