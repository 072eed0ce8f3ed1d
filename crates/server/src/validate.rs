//! Connector fields as typed values: each type is built only by a `parse`
//! that checks the cloud provider's documented format, so a malformed role
//! ARN or key file is refused at the API with a message naming the field,
//! instead of failing later inside a collector.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::secrets::Secret;

/// A field that failed validation. `message` is complete on its own, starting
/// with the field's name ("roleArn: expected …"); it may quote the value, but
/// never a secret one. `field` lets a form highlight the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_error(field: &'static str, message: impl fmt::Display) -> FieldError {
    FieldError {
        field,
        message: format!("{field}: {message}"),
    }
}

/// A user's value quoted for an error message: escaped, so control characters
/// cannot forge log lines, and cut short, so a pasted blob cannot flood them.
fn quoted(value: &str) -> String {
    const MAX_CHARS: usize = 80;
    match value.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{:?}…", &value[..end]),
        None => format!("{value:?}"),
    }
}

/// `[\w+=,.@-]`, the characters AWS allows in IAM names (`\w` is ASCII).
fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The read-only string accessors every validated text type shares.
macro_rules! text_type {
    ($ty:ident) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }
    };
}

/// An IAM role ARN: `arn:<partition>:iam::<account>:role/<path/><name>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleArn(String, &'static str, AwsAccountId);
text_type!(RoleArn);

const PARTITIONS: [&str; 3] = ["aws", "aws-us-gov", "aws-cn"];

impl RoleArn {
    pub fn parse(field: &'static str, text: &str) -> Result<RoleArn, FieldError> {
        let text = text.trim();
        let shape = || {
            let example = "arn:aws:iam::123456789012:role/posture-audit";
            field_error(
                field,
                format!(
                    "expected an IAM role ARN such as {example}, got {}",
                    quoted(text)
                ),
            )
        };
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let [arn, partition, service, region, account, resource] = parts[..] else {
            return Err(shape());
        };
        if arn != "arn" || service != "iam" || !region.is_empty() {
            return Err(shape());
        }
        let Some(role) = resource.strip_prefix("role/") else {
            return Err(shape());
        };
        let Some(&partition) = PARTITIONS.iter().find(|p| **p == partition) else {
            let message = format!(
                "unknown partition {} (expected aws, aws-us-gov or aws-cn)",
                quoted(partition)
            );
            return Err(field_error(field, message));
        };
        if !is_account_id(account) {
            let message = format!("the account id must be 12 digits, got {}", quoted(account));
            return Err(field_error(field, message));
        }
        let account = AwsAccountId(account.to_owned());
        // After `role/` comes an optional IAM path (`/` or `/a/b/`, at most
        // 512 characters of printable ASCII) and then the role name.
        if let Some((path, _)) = role.rsplit_once('/') {
            let printable = |c: char| c.is_ascii_graphic() && c != '/';
            if path.len() > 510
                || path
                    .split('/')
                    .any(|s| s.is_empty() || !s.chars().all(printable))
            {
                let message =
                    "the role path must be non-empty segments of printable ASCII separated by /";
                return Err(field_error(
                    field,
                    format!("{message}, got {}", quoted(path)),
                ));
            }
        }
        let name = role.rsplit('/').next().unwrap_or(role);
        if name.is_empty() || name.len() > 64 || !name.chars().all(is_iam_name_char) {
            let message = "the role name must be 1-64 letters, digits and +=,.@_-";
            return Err(field_error(
                field,
                format!("{message}, got {}", quoted(name)),
            ));
        }
        Ok(RoleArn(text.to_owned(), partition, account))
    }

    pub fn partition(&self) -> &str {
        self.1
    }

    pub fn account_id(&self) -> &AwsAccountId {
        &self.2
    }
}

/// A 12-digit AWS account id (leading zeros are significant).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AwsAccountId(String);
text_type!(AwsAccountId);

impl AwsAccountId {
    pub fn parse(field: &'static str, text: &str) -> Result<AwsAccountId, FieldError> {
        let text = text.trim();
        if is_account_id(text) {
            Ok(AwsAccountId(text.to_owned()))
        } else {
            Err(field_error(
                field,
                format!("expected a 12-digit AWS account id, got {}", quoted(text)),
            ))
        }
    }
}

/// The external ID a role's trust policy requires: 2-1224 characters of
/// `[\w+=,.@:/-]`. AWS does not treat it as a secret, so messages quote it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalId(String);
text_type!(ExternalId);

impl ExternalId {
    pub fn parse(field: &'static str, text: &str) -> Result<ExternalId, FieldError> {
        let text = text.trim();
        let len = text.chars().count();
        if (2..=1224).contains(&len)
            && text
                .chars()
                .all(|c| is_iam_name_char(c) || c == ':' || c == '/')
        {
            Ok(ExternalId(text.to_owned()))
        } else {
            let message = "expected 2-1224 letters, digits and +=,.@:/_-";
            Err(field_error(
                field,
                format!("{message}, got {}", quoted(text)),
            ))
        }
    }
}

/// An Azure application (client), directory (tenant) or subscription id: a
/// hyphenated GUID, stored in lowercase so that equal ids compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AzureId(String);
text_type!(AzureId);

impl AzureId {
    pub fn parse(field: &'static str, text: &str) -> Result<AzureId, FieldError> {
        let text = text.trim();
        // The uuid crate also accepts the simple, braced and URN forms; the
        // Azure portal only ever shows the hyphenated one, so anything else is
        // more likely a paste of the wrong value.
        let hyphenated = text.len() == 36
            && text
                .char_indices()
                .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
        match uuid::Uuid::parse_str(text) {
            Ok(id) if hyphenated && !id.is_nil() => Ok(AzureId(id.hyphenated().to_string())),
            Ok(_) if hyphenated => Err(field_error(field, "must not be the nil GUID")),
            _ => {
                let example = "01234567-89ab-cdef-0123-456789abcdef";
                Err(field_error(
                    field,
                    format!("expected a GUID such as {example}, got {}", quoted(text)),
                ))
            }
        }
    }
}

/// A Google Cloud project id: 6-30 lowercase letters, digits and hyphens,
/// starting with a letter and not ending with a hyphen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GcpProjectId(String);
text_type!(GcpProjectId);

impl GcpProjectId {
    pub fn parse(field: &'static str, text: &str) -> Result<GcpProjectId, FieldError> {
        let text = text.trim();
        let ok = (6..=30).contains(&text.len())
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && !text.ends_with('-')
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(GcpProjectId(text.to_owned()))
        } else {
            let rule = "expected 6-30 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen";
            Err(field_error(field, format!("{rule}, got {}", quoted(text))))
        }
    }
}

/// Key files are about 2.3 KB; anything far larger is not one.
const MAX_KEY_FILE_BYTES: usize = 64 * 1024;

/// A Google service account key file (JSON). The original text is kept, to be
/// sealed as it was given; `Debug` shows the identity but not the key.
#[derive(Debug, Clone)]
pub struct GcpServiceAccount {
    project_id: String,
    client_email: String,
    json: Secret,
}

impl GcpServiceAccount {
    pub fn parse(field: &'static str, json_text: &str) -> Result<GcpServiceAccount, FieldError> {
        if json_text.len() > MAX_KEY_FILE_BYTES {
            let message = format!(
                "too large for a key file ({} bytes, at most {MAX_KEY_FILE_BYTES})",
                json_text.len()
            );
            return Err(field_error(field, message));
        }
        // serde_json's own messages may quote the input, which holds a private
        // key, so only the position is reported.
        let value: Value = serde_json::from_str(json_text).map_err(|error| {
            field_error(
                field,
                format!(
                    "not valid JSON (line {} column {})",
                    error.line(),
                    error.column()
                ),
            )
        })?;
        let Some(object) = value.as_object() else {
            return Err(field_error(
                field,
                "expected a JSON object (a service account key file)",
            ));
        };
        let member_error = |name: &str, message: &str| FieldError {
            field,
            message: format!("{field}.{name}: {message}"),
        };
        let member = |name: &str| match object.get(name) {
            None | Some(Value::Null) => Err(member_error(name, "missing")),
            Some(Value::String(text)) if text.trim().is_empty() => {
                Err(member_error(name, "must not be empty"))
            }
            Some(Value::String(text)) => Ok(text.as_str()),
            Some(_) => Err(member_error(name, "expected a string")),
        };
        let kind = member("type")?;
        if kind != "service_account" {
            return Err(member_error(
                "type",
                &format!("expected \"service_account\", got {}", quoted(kind)),
            ));
        }
        let project_id = member("project_id")?;
        member("private_key_id")?;
        if !member("private_key")?
            .trim_start()
            .starts_with("-----BEGIN PRIVATE KEY-----")
        {
            return Err(member_error(
                "private_key",
                "expected a PEM key starting with -----BEGIN PRIVATE KEY-----",
            ));
        }
        let client_email = member("client_email")?;
        if !matches!(client_email.split_once('@'), Some((user, domain)) if !user.is_empty() && !domain.is_empty())
        {
            let example = "posture@my-project.iam.gserviceaccount.com";
            return Err(member_error(
                "client_email",
                &format!(
                    "expected an email such as {example}, got {}",
                    quoted(client_email)
                ),
            ));
        }
        member("client_id")?;
        let token_uri = member("token_uri")?;
        // https, or plain http to this machine only (a local token endpoint:
        // a proxy on loopback, tests).
        let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
            .iter()
            .any(|prefix| token_uri.starts_with(prefix));
        if !loopback && token_uri.strip_prefix("https://").is_none_or(str::is_empty) {
            let example = "https://oauth2.googleapis.com/token";
            return Err(member_error(
                "token_uri",
                &format!(
                    "expected an https URL such as {example}, got {}",
                    quoted(token_uri)
                ),
            ));
        }
        Ok(GcpServiceAccount {
            project_id: project_id.to_owned(),
            client_email: client_email.to_owned(),
            json: Secret::new(json_text),
        })
    }

    /// The project the key belongs to. Not a `GcpProjectId`: legacy
    /// domain-scoped projects (`example.com:my-project`) break that rule.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    pub fn client_email(&self) -> &str {
        &self.client_email
    }

    /// The key file exactly as given.
    pub fn json(&self) -> &Secret {
        &self.json
    }
}

/// A display name: trimmed, 1-128 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);
text_type!(Name);

impl Name {
    pub fn parse(field: &'static str, text: &str) -> Result<Name, FieldError> {
        let text = text.trim();
        let len = text.chars().count();
        if len == 0 {
            Err(field_error(field, "must not be empty"))
        } else if len > 128 {
            Err(field_error(
                field,
                format!("at most 128 characters, got {len}"),
            ))
        } else if text.chars().any(char::is_control) {
            Err(field_error(field, "must not contain control characters"))
        } else {
            Ok(Name(text.to_owned()))
        }
    }
}

/// Free text: trimmed, at most 1024 characters; line breaks and tabs are the
/// only control characters allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Description(String);
text_type!(Description);

impl Description {
    pub fn parse(field: &'static str, text: &str) -> Result<Description, FieldError> {
        let text = text.trim();
        let len = text.chars().count();
        if len > 1024 {
            Err(field_error(
                field,
                format!("at most 1024 characters, got {len}"),
            ))
        } else if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            Err(field_error(
                field,
                "must not contain control characters other than line breaks and tabs",
            ))
        } else {
            Ok(Description(text.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests;
