//! How to reach an AWS account: credentials source, role to assume, scope
//! and client behaviour. Typed options; the CLI fills them from flags and
//! the environment.

use std::time::Duration;

/// The AWS partition; decides where global services (IAM, S3's account
/// settings, Route 53) are called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Partition {
    #[default]
    Commercial,
    GovCloud,
    China,
}

impl Partition {
    pub fn id(self) -> &'static str {
        match self {
            Partition::Commercial => "aws",
            Partition::GovCloud => "aws-us-gov",
            Partition::China => "aws-cn",
        }
    }

    /// The region global services are called in.
    pub fn home_region(self) -> &'static str {
        match self {
            Partition::Commercial => "us-east-1",
            Partition::GovCloud => "us-gov-west-1",
            Partition::China => "cn-north-1",
        }
    }

    /// The partition of a role ARN (`arn:aws-cn:iam::...`).
    pub fn of_arn(arn: &str) -> Option<Partition> {
        match arn.split(':').nth(1)? {
            "aws" => Some(Partition::Commercial),
            "aws-us-gov" => Some(Partition::GovCloud),
            "aws-cn" => Some(Partition::China),
            _ => None,
        }
    }
}

/// The connector model: a role in the customer's account, assumed with an
/// external ID.
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: String,
}

impl std::fmt::Debug for AssumeRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The external ID is a shared secret of sorts: keep it out of logs.
        f.debug_struct("AssumeRole")
            .field("role_arn", &self.role_arn)
            .field(
                "external_id",
                &self.external_id.as_ref().map(|_| "<redacted>"),
            )
            .field("session_name", &self.session_name)
            .finish()
    }
}

/// Explicit access keys, instead of the default credential chain.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl AccessKeys {
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        AccessKeys {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
        }
    }
}

impl std::fmt::Debug for AccessKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKeys")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// Everything the AWS collector needs to know before its first call.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// A named profile of the shared config/credentials files; `None` uses
    /// the default credential chain (environment, profile, SSO, web
    /// identity, container and instance metadata).
    pub profile: Option<String>,
    /// Explicit keys; when set, the default chain and `profile` are not used.
    pub access_keys: Option<AccessKeys>,
    pub assume_role: Option<AssumeRole>,
    pub partition: Partition,
    /// Send every call here instead of AWS (moto, LocalStack, a proxy).
    pub endpoint_url: Option<String>,
    pub max_attempts: u32,
    pub call_timeout: Duration,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            access_keys: None,
            assume_role: None,
            partition: Partition::Commercial,
            endpoint_url: None,
            max_attempts: 8,
            call_timeout: Duration::from_secs(30),
        }
    }
}

/// Checks a role ARN's shape: `arn:<partition>:iam::<12 digits>:role/<path/name>`.
pub fn validate_role_arn(arn: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && Partition::of_arn(arn).is_some()
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5]
            .strip_prefix("role/")
            .is_some_and(|name| !name.is_empty());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{arn:?} is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_are_checked() {
        assert!(validate_role_arn("arn:aws:iam::123456789012:role/posture").is_ok());
        assert!(validate_role_arn("arn:aws-cn:iam::123456789012:role/path/posture").is_ok());
        for bad in [
            "arn:aws:iam::12345:role/x",
            "arn:aws:iam::123456789012:user/x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:role/",
            "role/x",
        ] {
            assert!(validate_role_arn(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Partition::of_arn("arn:aws-us-gov:iam::1:role/x"),
            Some(Partition::GovCloud)
        );
    }
}
