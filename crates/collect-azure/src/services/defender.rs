//! Microsoft Defender for Cloud (Microsoft.Security): the plans' pricing
//! tiers, the security contact and its alert notifications, the legacy
//! auto-provisioning setting and the integrations. All subscription-level
//! (region `global`); the aggregate records are emitted also when their
//! lists are empty, so that a control fails instead of finding nothing.

use super::json::{self, GLOBAL, array, at, boolean, boolean_or, string, string_or, strings, text};
use crate::context::Ctx;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const PLAN: &str = "azure.defender.plan";
pub const CONTACTS: &str = "azure.defender.security_contacts";
pub const AUTO_PROVISIONING: &str = "azure.defender.auto_provisioning";
pub const INTEGRATIONS: &str = "azure.defender.integrations";
pub const KINDS: &[&str] = &[PLAN, CONTACTS, AUTO_PROVISIONING, INTEGRATIONS];

pub const OPERATIONS: &[&str] = &[
    "Microsoft.Security/pricings/read",
    "Microsoft.Security/securityContacts/read",
    "Microsoft.Security/autoProvisioningSettings/read",
    "Microsoft.Security/settings/read",
];

/// `Microsoft.Security/pricings`.
const PRICINGS_API: &str = "2024-01-01";
/// `Microsoft.Security/securityContacts` (the version with notification sources).
const CONTACTS_API: &str = "2023-12-01-preview";
/// `Microsoft.Security/autoProvisioningSettings`.
const AUTO_PROVISIONING_API: &str = "2017-08-01-preview";
/// `Microsoft.Security/settings`.
const SETTINGS_API: &str = "2022-05-01";

pub async fn collect(ctx: Ctx) {
    if ctx.wants(PLAN) {
        plans(&ctx).await;
    }
    if ctx.wants(CONTACTS) {
        contacts(&ctx).await;
    }
    if ctx.wants(AUTO_PROVISIONING) {
        auto_provisioning(&ctx).await;
    }
    if ctx.wants(INTEGRATIONS) {
        integrations(&ctx).await;
    }
}

async fn plans(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Security/pricings");
    let Some(plans) = ctx.list(&[PLAN], &path, PRICINGS_API).await else {
        return;
    };
    for plan in plans {
        let (id, name) = json::id_and_name(&plan);
        let extensions: Vec<Value> = array(&plan, "properties.extensions")
            .iter()
            .map(|e| {
                json!({
                    "name": text(e, "name"),
                    "enabled": text(e, "isEnabled").eq_ignore_ascii_case("true")
                        || at(e, "isEnabled") == Some(&json!(true)),
                })
            })
            .collect();
        let config = json!({
            "pricing_tier": string_or(&plan, "properties.pricingTier", "Free"),
            "sub_plan": string(&plan, "properties.subPlan"),
            "enablement_time": string(&plan, "properties.enablementTime"),
            "deprecated": boolean_or(&plan, "properties.deprecated", false),
            "replaced_by": strings(&plan, "properties.replacedBy"),
            "extensions": extensions,
        });
        ctx.emit(PLAN, GLOBAL, &id, &name, BTreeMap::new(), config)
            .await;
    }
}

async fn contacts(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Security/securityContacts");
    let Some(list) = ctx.list(&[CONTACTS], &path, CONTACTS_API).await else {
        return;
    };
    let chosen = list
        .iter()
        .find(|c| text(c, "name") == "default")
        .or_else(|| list.first());
    let contact = chosen.map_or(Value::Null, |c| {
        let source = |kind: &str| {
            array(c, "properties.notificationsSources")
                .iter()
                .find(|s| text(s, "sourceType") == kind)
                .cloned()
        };
        let alert = source("Alert");
        let attack_path = source("AttackPath");
        json!({
            "name": text(c, "name"),
            "emails": json::split(text(c, "properties.emails"), &[';', ',']),
            "phone": json::non_empty(c, "properties.phone"),
            "is_enabled": boolean_or(c, "properties.isEnabled", false),
            "alert_notifications": alert.is_some(),
            "alert_minimal_severity": alert.as_ref().map_or(Value::Null, |s| string(s, "minimalSeverity")),
            "attack_path_minimal_risk_level": attack_path.as_ref().map_or(Value::Null, |s| string(s, "minimalRiskLevel")),
            "notify_roles_state": string_or(c, "properties.notificationsByRole.state", "Off"),
            "notify_roles": strings(c, "properties.notificationsByRole.roles"),
        })
    });
    ctx.emit(
        CONTACTS,
        GLOBAL,
        &path,
        "securityContacts",
        BTreeMap::new(),
        json!({ "contact": contact }),
    )
    .await;
}

async fn auto_provisioning(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Security/autoProvisioningSettings");
    let Some(list) = ctx
        .list(&[AUTO_PROVISIONING], &path, AUTO_PROVISIONING_API)
        .await
    else {
        return;
    };
    let settings: Vec<Value> = list
        .iter()
        .map(|s| json!({"name": text(s, "name"), "auto_provision": string_or(s, "properties.autoProvision", "Off")}))
        .collect();
    ctx.emit(
        AUTO_PROVISIONING,
        GLOBAL,
        &path,
        "autoProvisioningSettings",
        BTreeMap::new(),
        json!({ "settings": settings }),
    )
    .await;
}

async fn integrations(ctx: &Ctx) {
    let path = ctx.subscription_path("/providers/Microsoft.Security/settings");
    let Some(list) = ctx.list(&[INTEGRATIONS], &path, SETTINGS_API).await else {
        return;
    };
    let enabled = |name: &str| {
        list.iter()
            .find(|s| text(s, "name") == name)
            .map_or(Value::Null, |s| boolean(s, "properties.enabled"))
    };
    let config = json!({
        "mcas_enabled": enabled("MCAS"),
        "wdatp_enabled": enabled("WDATP"),
        "wdatp_unified_solution_enabled": enabled("WDATP_UNIFIED_SOLUTION"),
        "sentinel_enabled": enabled("Sentinel"),
    });
    ctx.emit(
        INTEGRATIONS,
        GLOBAL,
        &path,
        "settings",
        BTreeMap::new(),
        config,
    )
    .await;
}
