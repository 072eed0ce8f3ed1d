//! AWS errors as data: a failed call becomes a collection error naming the
//! kind, region, API action and, when access was denied, the IAM permission.

use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use posture_model::{CollectionError, ResourceKind};

/// Error codes that mean "the caller lacks a permission".
const DENIED: [&str; 7] = [
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "Forbidden",
    "UnauthorizedAccess",
    "AuthFailure",
];

/// The error code of an SDK error, if the service sent one.
pub fn code<E: ProvideErrorMetadata>(err: &E) -> Option<&str> {
    err.code()
}

/// Whether the call failed because the caller lacks the permission.
pub fn is_denied(code: Option<&str>) -> bool {
    code.is_some_and(|c| DENIED.contains(&c))
}

/// The readable head of an SDK error chain, without the raw response dump.
fn short(text: &str) -> String {
    let head = text.split(" (").next().unwrap_or(text);
    head.chars().take(300).collect()
}

/// Builds the collection error for a failed call. `action` is the IAM action
/// (`s3:GetBucketPolicy`), which is also the permission when access was denied.
pub fn collection_error<E>(
    err: &E,
    kind: &ResourceKind,
    region: &str,
    action: &str,
    resource_id: Option<&str>,
) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error,
{
    let code = err.code();
    let message = match (code, err.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => short(&DisplayErrorContext(err).to_string()),
    };
    let message = match code {
        Some("OptInRequired") => format!("{message} (the region is not enabled for this account)"),
        _ => message,
    };
    CollectionError {
        kind: kind.clone(),
        region: region.to_owned(),
        resource_id: resource_id.map(str::to_owned),
        action: action.to_owned(),
        permission: is_denied(code).then(|| action.to_owned()),
        message,
    }
}
