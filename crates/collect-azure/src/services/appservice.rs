//! Azure App Service (Microsoft.Web): web and function apps with their site
//! configuration (TLS, FTP, HTTP/2, remote debugging, runtimes), App
//! Service Authentication and the basic-auth publishing policies.

use super::compute::identity_type;
use super::json::{self, at, boolean_or, non_empty, string, string_or, text};
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Value, json};

pub const WEB_APP: &str = "azure.appservice.web_app";
pub const KINDS: &[&str] = &[WEB_APP];

pub const OPERATIONS: &[&str] = &[
    "Microsoft.Web/sites/read",
    "Microsoft.Web/sites/config/read",
    "Microsoft.Web/sites/basicPublishingCredentialsPolicies/read",
];

/// `Microsoft.Web/sites` and its configuration sub-resources.
const WEB_API: &str = "2023-12-01";

pub async fn collect(ctx: Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Web/sites");
    let Some(sites) = ctx.list(KINDS, &path, WEB_API).await else {
        return;
    };
    for_each_bounded(sites, ctx.fan_out(), |site| {
        let ctx = &ctx;
        async move { web_app(ctx, site).await }
    })
    .await;
}

/// A runtime version, null when empty (or `Off` for PHP).
fn version(config: &Value, field: &str) -> Value {
    match non_empty(config, field) {
        Value::String(s) if s == "Off" => Value::Null,
        value => value,
    }
}

async fn web_app(ctx: &Ctx, site: Value) {
    let (id, name) = json::id_and_name(&site);
    let region = json::region(&site);
    let mut config = json!({
        "resource_group": text(&site, "properties.resourceGroup"),
        "kind": text(&site, "kind").to_ascii_lowercase(),
        "state": text(&site, "properties.state"),
        "https_only": boolean_or(&site, "properties.httpsOnly", false),
        "client_cert_enabled": boolean_or(&site, "properties.clientCertEnabled", false),
        "client_cert_mode": string_or(&site, "properties.clientCertMode", "Required"),
        "public_network_access": non_empty(&site, "properties.publicNetworkAccess"),
        "identity_type": identity_type(&site),
    });
    let web_path = format!("{id}/config/web");
    match ctx.get(&web_path, WEB_API).await {
        Ok(web) => {
            let fields = [
                (
                    "min_tls_version",
                    string_or(&web, "properties.minTlsVersion", "1.2"),
                ),
                (
                    "scm_min_tls_version",
                    string_or(&web, "properties.scmMinTlsVersion", "1.2"),
                ),
                (
                    "ftps_state",
                    string_or(&web, "properties.ftpsState", "AllAllowed"),
                ),
                (
                    "http20_enabled",
                    boolean_or(&web, "properties.http20Enabled", false),
                ),
                (
                    "remote_debugging_enabled",
                    boolean_or(&web, "properties.remoteDebuggingEnabled", false),
                ),
                ("always_on", boolean_or(&web, "properties.alwaysOn", false)),
                (
                    "linux_fx_version",
                    non_empty(&web, "properties.linuxFxVersion"),
                ),
                (
                    "windows_fx_version",
                    non_empty(&web, "properties.windowsFxVersion"),
                ),
                ("php_version", version(&web, "properties.phpVersion")),
                ("python_version", version(&web, "properties.pythonVersion")),
                ("java_version", version(&web, "properties.javaVersion")),
                (
                    "net_framework_version",
                    version(&web, "properties.netFrameworkVersion"),
                ),
                ("node_version", version(&web, "properties.nodeVersion")),
                (
                    "ip_security_restrictions_default_action",
                    string(&web, "properties.ipSecurityRestrictionsDefaultAction"),
                ),
            ];
            for (field, value) in fields {
                config[field] = value;
            }
        }
        Err(err) => ctx.fail(WEB_APP, &region, Some(&id), &web_path, &err),
    }
    let auth_path = format!("{id}/config/authsettingsV2");
    match ctx.get(&auth_path, WEB_API).await {
        Ok(auth) => {
            config["auth_enabled"] = boolean_or(&auth, "properties.platform.enabled", false);
            config["auth_require_authentication"] = boolean_or(
                &auth,
                "properties.globalValidation.requireAuthentication",
                false,
            );
            let providers: Vec<&String> = at(&auth, "properties.identityProviders")
                .and_then(Value::as_object)
                .map(|providers| {
                    providers
                        .iter()
                        .filter(|(_, p)| {
                            let registered = at(p, "registration")
                                .and_then(Value::as_object)
                                .is_some_and(|r| !r.is_empty());
                            registered && at(p, "enabled") != Some(&json!(false))
                        })
                        .map(|(name, _)| name)
                        .collect()
                })
                .unwrap_or_default();
            config["auth_identity_providers"] = json!(providers);
        }
        Err(err) => ctx.fail(WEB_APP, &region, Some(&id), &auth_path, &err),
    }
    for (field, policy) in [
        ("basic_auth_ftp_allowed", "ftp"),
        ("basic_auth_scm_allowed", "scm"),
    ] {
        let path = format!("{id}/basicPublishingCredentialsPolicies/{policy}");
        match ctx.get(&path, WEB_API).await {
            Ok(value) => config[field] = boolean_or(&value, "properties.allow", true),
            Err(err) => ctx.fail(WEB_APP, &region, Some(&id), &path, &err),
        }
    }
    ctx.emit(WEB_APP, &region, &id, &name, json::tags(&site), config)
        .await;
}
