//! How to reach an Azure subscription: the app registration's credentials,
//! the subscription, the cloud (and explicit endpoint overrides for
//! sovereign clouds, private endpoints and tests), and client behaviour.
//! Typed options checked by [`AzureOptions::validate`]; the CLI fills them
//! from flags and the environment.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// An Azure cloud: decides the default authority, Resource Manager and
/// Microsoft Graph endpoints, and the token audiences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AzureCloud {
    #[default]
    Public,
    UsGovernment,
    China,
}

impl AzureCloud {
    /// The short name the CLI accepts (`public`, `usgov`, `china`).
    pub fn name(self) -> &'static str {
        match self {
            AzureCloud::Public => "public",
            AzureCloud::UsGovernment => "usgov",
            AzureCloud::China => "china",
        }
    }

    /// The Microsoft Entra authority host that issues tokens.
    pub fn authority_host(self) -> &'static str {
        match self {
            AzureCloud::Public => "https://login.microsoftonline.com",
            AzureCloud::UsGovernment => "https://login.microsoftonline.us",
            AzureCloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The Azure Resource Manager endpoint.
    pub fn arm_endpoint(self) -> &'static str {
        match self {
            AzureCloud::Public => "https://management.azure.com",
            AzureCloud::UsGovernment => "https://management.usgovcloudapi.net",
            AzureCloud::China => "https://management.chinacloudapi.cn",
        }
    }

    /// The Microsoft Graph endpoint.
    pub fn graph_endpoint(self) -> &'static str {
        match self {
            AzureCloud::Public => "https://graph.microsoft.com",
            AzureCloud::UsGovernment => "https://graph.microsoft.us",
            AzureCloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The token scope for Resource Manager. It names the cloud's ARM
    /// audience, which stays the same when only the endpoint is overridden
    /// (a private endpoint still accepts tokens for the public audience).
    pub fn arm_scope(self) -> String {
        format!("{}/.default", self.arm_endpoint())
    }

    /// The DNS suffix of Key Vault hosts (`myvault.vault.azure.net`).
    pub fn key_vault_dns_suffix(self) -> &'static str {
        match self {
            AzureCloud::Public => ".vault.azure.net",
            AzureCloud::UsGovernment => ".vault.usgovcloudapi.net",
            AzureCloud::China => ".vault.azure.cn",
        }
    }

    /// The token scope for Key Vault's data plane.
    pub fn key_vault_scope(self) -> String {
        format!("https://{}/.default", &self.key_vault_dns_suffix()[1..])
    }

    /// The token scope for Microsoft Graph (application permissions).
    pub fn graph_scope(self) -> String {
        format!("{}/.default", self.graph_endpoint())
    }
}

impl fmt::Display for AzureCloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AzureCloud {
    type Err = String;

    /// Accepts `public`, `usgov`, `china` in any case, and the az CLI's
    /// cloud names (`AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "public" | "azurecloud" => Ok(AzureCloud::Public),
            "usgov" | "usgovernment" | "azureusgovernment" => Ok(AzureCloud::UsGovernment),
            "china" | "azurechinacloud" => Ok(AzureCloud::China),
            _ => Err(format!(
                "unknown Azure cloud {s:?} (expected public, usgov or china)"
            )),
        }
    }
}

/// Everything needed to reach one subscription with an app registration's
/// client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AzureOptions {
    /// Directory (tenant) ID of the app registration.
    pub tenant_id: String,
    /// Application (client) ID of the app registration.
    pub client_id: String,
    /// A client secret's value (never printed by `Debug`).
    pub client_secret: String,
    /// The subscription the connector reads.
    pub subscription_id: String,
    pub cloud: AzureCloud,
    /// Overrides the cloud's authority host (`https://login.microsoftonline.com`).
    pub authority_host: Option<String>,
    /// Overrides the cloud's Resource Manager endpoint.
    pub arm_endpoint: Option<String>,
    /// Overrides the cloud's Microsoft Graph endpoint.
    pub graph_endpoint: Option<String>,
    /// Attempts per call, the first included (throttling and server errors
    /// are retried).
    pub max_attempts: u32,
    /// Time limit of one HTTP attempt.
    pub timeout: Duration,
}

impl fmt::Debug for AzureOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureOptions")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("subscription_id", &self.subscription_id)
            .field("cloud", &self.cloud)
            .field("authority_host", &self.authority_host)
            .field("arm_endpoint", &self.arm_endpoint)
            .field("graph_endpoint", &self.graph_endpoint)
            .field("max_attempts", &self.max_attempts)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl AzureOptions {
    /// Options for the public cloud with the default client behaviour.
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        subscription_id: impl Into<String>,
    ) -> Self {
        AzureOptions {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            subscription_id: subscription_id.into(),
            cloud: AzureCloud::Public,
            authority_host: None,
            arm_endpoint: None,
            graph_endpoint: None,
            max_attempts: 5,
            timeout: Duration::from_secs(60),
        }
    }

    /// The authority host in use, without a trailing slash.
    pub fn authority(&self) -> String {
        trimmed(self.authority_host.as_deref(), self.cloud.authority_host())
    }

    /// The Resource Manager endpoint in use, without a trailing slash.
    pub fn arm(&self) -> String {
        trimmed(self.arm_endpoint.as_deref(), self.cloud.arm_endpoint())
    }

    /// The Microsoft Graph endpoint in use, without a trailing slash.
    pub fn graph(&self) -> String {
        trimmed(self.graph_endpoint.as_deref(), self.cloud.graph_endpoint())
    }

    /// The OAuth2 token endpoint of the tenant.
    pub fn token_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority(), self.tenant_id)
    }

    /// Checks every value's shape before any network call, with a message
    /// that says which value is wrong and where to find the right one.
    pub fn validate(&self) -> Result<(), String> {
        check_guid(
            "tenant ID",
            &self.tenant_id,
            "the app registration's Directory (tenant) ID",
        )?;
        check_guid(
            "client ID",
            &self.client_id,
            "the app registration's Application (client) ID",
        )?;
        check_guid(
            "subscription ID",
            &self.subscription_id,
            "the Subscription ID shown by `az account show --query id`",
        )?;
        if self.client_secret.trim().is_empty() {
            return Err(
                "the client secret is empty: give the secret's Value (not its Secret ID)".into(),
            );
        }
        for (label, value) in [
            ("authority host", &self.authority_host),
            ("ARM endpoint", &self.arm_endpoint),
            ("Graph endpoint", &self.graph_endpoint),
        ] {
            if let Some(url) = value {
                check_endpoint(label, url)?;
            }
        }
        if self.max_attempts == 0 {
            return Err("max attempts must be at least 1".into());
        }
        if self.timeout.is_zero() {
            return Err("the call timeout must be longer than zero".into());
        }
        Ok(())
    }
}

fn trimmed(value: Option<&str>, default: &str) -> String {
    value.unwrap_or(default).trim_end_matches('/').to_owned()
}

/// Whether `value` is a GUID: 8-4-4-4-12 hexadecimal digits.
pub fn is_guid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn check_guid(label: &str, value: &str, hint: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("the {label} is missing: give {hint}"));
    }
    if !is_guid(value) {
        return Err(format!(
            "the {label} {value:?} is not a GUID (like 00000000-0000-0000-0000-000000000000): give {hint}"
        ));
    }
    Ok(())
}

fn check_endpoint(label: &str, url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            format!(
                "the {label} {url:?} must start with https:// (or http:// for a local test server)"
            )
        })?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(format!("the {label} {url:?} has no host name"));
    }
    if rest.contains('?') || rest.contains('#') {
        return Err(format!(
            "the {label} {url:?} must not have a query or fragment"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUID: &str = "3f2b6c1e-8d4a-4e0b-9c51-7a1d2e3f4a5b";

    fn options() -> AzureOptions {
        AzureOptions::new(GUID, GUID, "s3cr3t", GUID)
    }

    #[test]
    fn clouds_parse_and_give_their_endpoints() {
        assert_eq!("public".parse(), Ok(AzureCloud::Public));
        assert_eq!("USGov".parse(), Ok(AzureCloud::UsGovernment));
        assert_eq!("AzureChinaCloud".parse(), Ok(AzureCloud::China));
        assert!("germany".parse::<AzureCloud>().is_err());
        assert_eq!(
            AzureCloud::UsGovernment.arm_scope(),
            "https://management.usgovcloudapi.net/.default"
        );
        assert_eq!(
            AzureCloud::China.graph_endpoint(),
            "https://microsoftgraph.chinacloudapi.cn"
        );
    }

    #[test]
    fn overrides_replace_the_clouds_endpoints() {
        let mut o = options();
        assert_eq!(
            o.token_url(),
            format!("https://login.microsoftonline.com/{GUID}/oauth2/v2.0/token")
        );
        o.authority_host = Some("http://127.0.0.1:8080/".into());
        o.arm_endpoint = Some("http://127.0.0.1:8080".into());
        assert_eq!(
            o.token_url(),
            format!("http://127.0.0.1:8080/{GUID}/oauth2/v2.0/token")
        );
        assert_eq!(o.arm(), "http://127.0.0.1:8080");
        assert_eq!(o.graph(), "https://graph.microsoft.com");
    }

    #[test]
    fn validation_names_the_bad_value() {
        let check = |edit: fn(&mut AzureOptions), needle: &str| {
            let mut o = options();
            edit(&mut o);
            let message = o.validate().expect_err("invalid options");
            assert!(message.contains(needle), "{message}");
        };
        assert_eq!(options().validate(), Ok(()));
        check(
            |o| o.tenant_id = "contoso".into(),
            "tenant ID \"contoso\" is not a GUID",
        );
        check(|o| o.client_id.clear(), "client ID is missing");
        check(
            |o| o.subscription_id = format!("{GUID}x"),
            "subscription ID",
        );
        check(|o| o.client_secret = " ".into(), "client secret is empty");
        check(
            |o| o.arm_endpoint = Some("management.azure.com".into()),
            "ARM endpoint",
        );
        check(|o| o.max_attempts = 0, "max attempts");
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let printed = format!("{:?}", options());
        assert!(!printed.contains("s3cr3t"));
        assert!(printed.contains("<redacted>"));
    }
}
