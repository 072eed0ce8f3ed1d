//! OpenSearch Service: every domain of a region (`aws.opensearch.domain`,
//! OpenSearch and legacy Elasticsearch) from ListDomainNames and
//! DescribeDomains (five domains a call), with its tags (ListTags).

use super::util::{json_document, put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_opensearch::Client;
use aws_sdk_opensearch::types::{
    AdvancedSecurityOptions, ClusterConfig, DomainEndpointOptions, DomainStatus, LogType,
    ServiceSoftwareOptions, VpcDerivedInfo,
};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[DOMAIN];

pub const ACTIONS: &[&str] = &["es:ListDomainNames", "es:DescribeDomains", "es:ListTags"];

const DOMAIN: &str = "aws.opensearch.domain";

/// DescribeDomains takes at most five domain names.
const DESCRIBE_BATCH: usize = 5;

/// The log types of LogPublishingOptions and their record keys.
const LOG_TYPES: [(LogType, &str); 4] = [
    (LogType::IndexSlowLogs, "index_slow_logs"),
    (LogType::SearchSlowLogs, "search_slow_logs"),
    (LogType::EsApplicationLogs, "es_application_logs"),
    (LogType::AuditLogs, "audit_logs"),
];

pub async fn collect(ctx: RegionCtx) {
    let client = client!(aws_sdk_opensearch, ctx);
    // ListDomainNames is not paginated: one call returns every domain.
    let names: Vec<String> = match client.list_domain_names().send().await {
        Ok(out) => out
            .domain_names()
            .iter()
            .filter_map(|d| d.domain_name().map(str::to_owned))
            .collect(),
        Err(err) => {
            return ctx.fail(DOMAIN, &ctx.region, "es:ListDomainNames", None, &err);
        }
    };
    for batch in names.chunks(DESCRIBE_BATCH) {
        describe(&ctx, &client, batch).await;
    }
}

fn arn(ctx: &RegionCtx, name: &str) -> String {
    format!(
        "arn:{}:es:{}:{}:domain/{name}",
        ctx.partition(),
        ctx.region,
        ctx.account()
    )
}

async fn describe(ctx: &RegionCtx, client: &Client, names: &[String]) {
    let statuses = match client
        .describe_domains()
        .set_domain_names(Some(names.to_vec()))
        .send()
        .await
    {
        Ok(out) => out.domain_status_list().to_vec(),
        Err(err) => {
            // Each domain is known to exist but could not be read.
            for name in names {
                let id = arn(ctx, name);
                ctx.fail(DOMAIN, &ctx.region, "es:DescribeDomains", Some(&id), &err);
                let mut config = Map::new();
                config.insert("domain_name".into(), json!(name));
                ctx.emit(
                    DOMAIN,
                    &ctx.region,
                    id,
                    name.clone(),
                    BTreeMap::new(),
                    Value::Object(config),
                )
                .await;
            }
            return;
        }
    };
    for status in statuses {
        let name = status.domain_name().to_owned();
        let id = arn(ctx, &name);
        let tags = tags(ctx, client, &id).await;
        ctx.emit(
            DOMAIN,
            &ctx.region,
            id,
            name,
            tags,
            Value::Object(domain_config(&status)),
        )
        .await;
    }
}

async fn tags(ctx: &RegionCtx, client: &Client, arn: &str) -> BTreeMap<String, String> {
    match client.list_tags().arn(arn).send().await {
        Ok(out) => out
            .tag_list()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect(),
        Err(err) => {
            ctx.fail(DOMAIN, &ctx.region, "es:ListTags", Some(arn), &err);
            BTreeMap::new()
        }
    }
}

fn domain_config(d: &DomainStatus) -> Map<String, Value> {
    let mut config = Map::new();
    config.insert("domain_name".into(), json!(d.domain_name()));
    config.insert("domain_id".into(), json!(d.domain_id()));
    put(&mut config, "engine_version", d.engine_version());
    put(&mut config, "created", d.created());
    put(&mut config, "deleted", d.deleted());
    put(&mut config, "processing", d.processing());
    config.insert("endpoint".into(), text(d.endpoint()));
    config.insert(
        "vpc_endpoint".into(),
        text(d.endpoints().and_then(|e| e.get("vpc")).map(String::as_str)),
    );
    config.insert(
        "ip_address_type".into(),
        text(d.ip_address_type().map(|t| t.as_str())),
    );
    config.insert(
        "access_policies".into(),
        json_document(d.access_policies().filter(|p| !p.trim().is_empty())),
    );
    put(
        &mut config,
        "cluster_config",
        d.cluster_config().map(cluster),
    );
    config.insert(
        "vpc_options".into(),
        d.vpc_options().map_or(Value::Null, vpc),
    );
    if let Some(e) = d.encryption_at_rest_options() {
        let mut at_rest = Map::new();
        put(&mut at_rest, "enabled", e.enabled());
        match (e.kms_key_id(), e.enabled()) {
            (Some(key), _) => put(&mut at_rest, "kms_key_id", Some(key)),
            (None, Some(false)) => {
                at_rest.insert("kms_key_id".into(), Value::Null);
            }
            // Enabled (or unknown) and no key named: not collected.
            (None, _) => {}
        }
        config.insert("encryption_at_rest".into(), Value::Object(at_rest));
    }
    put(
        &mut config,
        "node_to_node_encryption_enabled",
        d.node_to_node_encryption_options()
            .and_then(|n| n.enabled()),
    );
    put(
        &mut config,
        "domain_endpoint_options",
        d.domain_endpoint_options().map(endpoint_options),
    );
    put(
        &mut config,
        "advanced_security_options",
        d.advanced_security_options().map(security_options),
    );
    config.insert("log_publishing_options".into(), log_publishing(d));
    config.insert(
        "cognito_enabled".into(),
        json!(
            d.cognito_options()
                .and_then(|c| c.enabled())
                .unwrap_or(false)
        ),
    );
    config.insert(
        "auto_tune_state".into(),
        text(
            d.auto_tune_options()
                .and_then(|a| a.state())
                .map(|s| s.as_str()),
        ),
    );
    put(
        &mut config,
        "service_software_options",
        d.service_software_options().map(software),
    );
    config
}

fn cluster(c: &ClusterConfig) -> Value {
    let mut config = Map::new();
    put(
        &mut config,
        "instance_type",
        c.instance_type().map(|t| t.as_str()),
    );
    put(&mut config, "instance_count", c.instance_count());
    put(
        &mut config,
        "dedicated_master_enabled",
        c.dedicated_master_enabled(),
    );
    config.insert(
        "dedicated_master_type".into(),
        text(c.dedicated_master_type().map(|t| t.as_str())),
    );
    config.insert(
        "dedicated_master_count".into(),
        json!(c.dedicated_master_count()),
    );
    put(
        &mut config,
        "zone_awareness_enabled",
        c.zone_awareness_enabled(),
    );
    config.insert(
        "availability_zone_count".into(),
        json!(
            c.zone_awareness_config()
                .and_then(|z| z.availability_zone_count())
        ),
    );
    config.insert(
        "multi_az_with_standby_enabled".into(),
        json!(c.multi_az_with_standby_enabled().unwrap_or(false)),
    );
    config.insert(
        "warm_enabled".into(),
        json!(c.warm_enabled().unwrap_or(false)),
    );
    Value::Object(config)
}

fn vpc(v: &VpcDerivedInfo) -> Value {
    let mut config = Map::new();
    put(&mut config, "vpc_id", v.vpc_id());
    config.insert("subnet_ids".into(), json!(v.subnet_ids()));
    config.insert("availability_zones".into(), json!(v.availability_zones()));
    config.insert("security_group_ids".into(), json!(v.security_group_ids()));
    Value::Object(config)
}

fn endpoint_options(e: &DomainEndpointOptions) -> Value {
    let mut config = Map::new();
    put(&mut config, "enforce_https", e.enforce_https());
    put(
        &mut config,
        "tls_security_policy",
        e.tls_security_policy().map(|p| p.as_str()),
    );
    config.insert(
        "custom_endpoint_enabled".into(),
        json!(e.custom_endpoint_enabled().unwrap_or(false)),
    );
    config.insert("custom_endpoint".into(), text(e.custom_endpoint()));
    config.insert(
        "custom_endpoint_certificate_arn".into(),
        text(e.custom_endpoint_certificate_arn()),
    );
    Value::Object(config)
}

fn security_options(a: &AdvancedSecurityOptions) -> Value {
    let mut config = Map::new();
    put(&mut config, "enabled", a.enabled());
    config.insert(
        "internal_user_database_enabled".into(),
        json!(a.internal_user_database_enabled().unwrap_or(false)),
    );
    config.insert(
        "anonymous_auth_enabled".into(),
        json!(a.anonymous_auth_enabled().unwrap_or(false)),
    );
    config.insert(
        "saml_enabled".into(),
        json!(a.saml_options().and_then(|s| s.enabled()).unwrap_or(false)),
    );
    Value::Object(config)
}

/// One entry per log type; a type the domain does not publish is disabled.
fn log_publishing(d: &DomainStatus) -> Value {
    let options = d.log_publishing_options();
    let mut config = Map::new();
    for (log_type, key) in LOG_TYPES {
        let mut entry = Map::new();
        match options.and_then(|o| o.get(&log_type)) {
            Some(option) => {
                put(&mut entry, "enabled", option.enabled());
                entry.insert(
                    "cloudwatch_log_group_arn".into(),
                    text(option.cloud_watch_logs_log_group_arn()),
                );
            }
            None => {
                entry.insert("enabled".into(), json!(false));
                entry.insert("cloudwatch_log_group_arn".into(), Value::Null);
            }
        }
        config.insert(key.into(), Value::Object(entry));
    }
    Value::Object(config)
}

fn software(s: &ServiceSoftwareOptions) -> Value {
    let mut config = Map::new();
    put(&mut config, "current_version", s.current_version());
    config.insert(
        "new_version".into(),
        text(s.new_version().filter(|v| !v.is_empty())),
    );
    put(&mut config, "update_available", s.update_available());
    config.insert(
        "update_status".into(),
        text(s.update_status().map(|u| u.as_str())),
    );
    // The API reports "no automated update" as the epoch.
    config.insert(
        "automated_update_date".into(),
        json!(
            s.automated_update_date()
                .filter(|t| t.secs() > 0)
                .and_then(rfc3339)
        ),
    );
    Value::Object(config)
}
