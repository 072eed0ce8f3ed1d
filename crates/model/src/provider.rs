//! The three clouds posture knows.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A cloud provider. Serialized lowercase (`aws`); the REST API shows the
/// reference product's spelling (`AWS`, `Azure`, `GCP`), see [`Provider::api_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Aws,
    Azure,
    Gcp,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Aws, Provider::Azure, Provider::Gcp];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
        }
    }

    /// The spelling the reference API uses.
    pub fn api_name(self) -> &'static str {
        match self {
            Provider::Aws => "AWS",
            Provider::Azure => "Azure",
            Provider::Gcp => "GCP",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider {0:?} (expected aws, azure or gcp)")]
pub struct ProviderError(pub String);

impl FromStr for Provider {
    type Err = ProviderError;

    /// Accepts any case: `aws`, `AWS`, `Azure`, `gcp`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "aws" => Ok(Provider::Aws),
            "azure" => Ok(Provider::Azure),
            "gcp" => Ok(Provider::Gcp),
            _ => Err(ProviderError(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_case_and_rejects_others() {
        assert_eq!("AWS".parse(), Ok(Provider::Aws));
        assert_eq!("Azure".parse(), Ok(Provider::Azure));
        assert_eq!("gcp".parse(), Ok(Provider::Gcp));
        assert!("oracle".parse::<Provider>().is_err());
        assert_eq!(Provider::Gcp.api_name(), "GCP");
    }
}
