//! Report and listing formats, one module each.

pub mod csv;
pub mod json;
pub mod report_table;
pub mod table;

/// One line for a collection error: what, where, which call, why, and the
/// missing permission when that is the reason.
pub fn describe_collection_error(e: &posture_model::CollectionError) -> String {
    let resource = e
        .resource_id
        .as_deref()
        .map(|r| format!(" {r}"))
        .unwrap_or_default();
    let permission = e
        .permission
        .as_deref()
        .map(|p| format!(" (missing permission {p})"))
        .unwrap_or_default();
    format!(
        "{} {}{resource}: {} {}{permission}",
        e.kind, e.region, e.action, e.message
    )
}
