//! Route 53 Domains (`aws.route53.domain`), a global service whose API lives
//! in us-east-1 of the commercial partition only: every domain registered
//! with Route 53, with its tags, renewal, transfer lock, WHOIS privacy,
//! expiry and DNSSEC keys.

use super::util::{put, rfc3339, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_route53domains::Client;
use aws_sdk_route53domains::operation::get_domain_detail::GetDomainDetailOutput;
use aws_sdk_route53domains::types::DomainSummary;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[DOMAIN];

pub const ACTIONS: &[&str] = &[
    "route53domains:ListDomains",
    "route53domains:GetDomainDetail",
    "route53domains:ListTagsForDomain",
];

const DOMAIN: &str = "aws.route53.domain";

/// The only region that serves the Route 53 Domains API.
const API_REGION: &str = "us-east-1";

/// The region of records of global kinds.
const GLOBAL: &str = "global";

pub async fn collect(ctx: RegionCtx) {
    // Route 53 Domains exists in the commercial partition only: elsewhere
    // no domain can be registered with it.
    if !ctx.wants(DOMAIN) || ctx.partition() != "aws" {
        return;
    }
    let client = client!(
        aws_sdk_route53domains,
        ctx,
        &ctx.session.regional(API_REGION)
    );
    let mut domains = Vec::new();
    let mut pages = client.list_domains().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => domains.extend(page.domains().iter().cloned()),
            Err(err) => {
                ctx.fail(DOMAIN, GLOBAL, "route53domains:ListDomains", None, &err);
                return;
            }
        }
    }
    for summary in &domains {
        domain(&ctx, &client, summary).await;
    }
}

async fn domain(ctx: &RegionCtx, client: &Client, summary: &DomainSummary) {
    let Some(name) = summary.domain_name() else {
        return;
    };
    let id = format!(
        "arn:{}:route53domains::{}:domain/{name}",
        ctx.partition(),
        ctx.account()
    );
    let mut config = Map::new();
    config.insert("domain_name".into(), Value::String(name.to_owned()));
    put(&mut config, "transfer_lock", summary.transfer_lock());
    match client.get_domain_detail().domain_name(name).send().await {
        Ok(detail) => insert_detail(&mut config, &detail),
        Err(err) => ctx.fail(
            DOMAIN,
            GLOBAL,
            "route53domains:GetDomainDetail",
            Some(&id),
            &err,
        ),
    }
    let tags = match client.list_tags_for_domain().domain_name(name).send().await {
        Ok(out) => out
            .tag_list()
            .iter()
            .filter_map(|t| {
                Some((
                    t.key()?.to_owned(),
                    t.value().unwrap_or_default().to_owned(),
                ))
            })
            .collect(),
        Err(err) => {
            ctx.fail(
                DOMAIN,
                GLOBAL,
                "route53domains:ListTagsForDomain",
                Some(&id),
                &err,
            );
            BTreeMap::new()
        }
    };
    ctx.emit(
        DOMAIN,
        GLOBAL,
        id,
        name.to_owned(),
        tags,
        Value::Object(config),
    )
    .await;
}

fn insert_detail(config: &mut Map<String, Value>, detail: &GetDomainDetailOutput) {
    put(config, "auto_renew", detail.auto_renew());
    config.insert("status_list".into(), json!(detail.status_list()));
    config.insert(
        "creation_date".into(),
        detail
            .creation_date()
            .and_then(rfc3339)
            .map_or(Value::Null, Value::String),
    );
    put(
        config,
        "expiration_date",
        detail.expiration_date().and_then(rfc3339),
    );
    put(config, "admin_privacy", detail.admin_privacy());
    put(config, "registrant_privacy", detail.registrant_privacy());
    put(config, "tech_privacy", detail.tech_privacy());
    config.insert(
        "billing_privacy".into(),
        detail.billing_privacy().map_or(Value::Null, Value::Bool),
    );
    config.insert(
        "registrar_name".into(),
        text(detail.registrar_name().filter(|n| !n.is_empty())),
    );
    let name_servers: Vec<&str> = detail.nameservers().iter().map(|n| n.name()).collect();
    config.insert("name_servers".into(), json!(name_servers));
    config.insert(
        "dnssec_key_count".into(),
        Value::from(detail.dnssec_keys().len()),
    );
}
