//! Resource kinds: `provider.service.resource`, e.g. `aws.s3.bucket`.

use crate::Provider;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// A validated resource kind name. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ResourceKind(Arc<str>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid resource kind {0:?}: expected provider.service.resource in lowercase snake_case, e.g. aws.s3.bucket"
)]
pub struct KindError(pub String);

impl ResourceKind {
    pub fn parse(s: &str) -> Result<Self, KindError> {
        let parts: Vec<&str> = s.split('.').collect();
        let valid_part = |p: &str| {
            !p.is_empty()
                && p.starts_with(|c: char| c.is_ascii_lowercase())
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if parts.len() != 3
            || !parts.iter().all(|p| valid_part(p))
            || parts[0].parse::<Provider>().is_err()
        {
            return Err(KindError(s.to_owned()));
        }
        Ok(ResourceKind(Arc::from(s)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn provider(&self) -> Provider {
        // parse() guarantees a known provider prefix.
        self.0
            .split('.')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(Provider::Aws)
    }

    pub fn service(&self) -> &str {
        self.0.split('.').nth(1).unwrap_or_default()
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ResourceKind {
    type Err = KindError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResourceKind::parse(s)
    }
}

impl<'de> Deserialize<'de> for ResourceKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ResourceKind::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_three_snake_case_parts_of_a_known_provider() {
        let kind = ResourceKind::parse("aws.iam.password_policy").expect("valid");
        assert_eq!(kind.provider(), Provider::Aws);
        assert_eq!(kind.service(), "iam");
        for bad in [
            "aws.s3",
            "aws.S3.bucket",
            "oracle.db.x",
            "aws..bucket",
            "aws.s3.bucket.x",
            "",
        ] {
            assert!(
                ResourceKind::parse(bad).is_err(),
                "{bad} should be rejected"
            );
        }
    }
}
