//! IAM server certificates (`aws.iam.server_certificate`): the SSL/TLS
//! certificates stored in IAM, with their upload and expiry dates.

use super::util::{put, rfc3339};
use crate::context::RegionCtx;
use aws_sdk_iam::Client;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(super) const SERVER_CERTIFICATE: &str = "aws.iam.server_certificate";

/// Every server certificate (ListServerCertificates); the list gives all
/// the kind's fields, so there is no per-certificate call.
pub async fn server_certificates(ctx: &RegionCtx, client: &Client) {
    let listed = client
        .list_server_certificates()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let certificates = match listed {
        Ok(certificates) => certificates,
        Err(err) => {
            return ctx.fail(
                SERVER_CERTIFICATE,
                "global",
                "iam:ListServerCertificates",
                None,
                &err,
            );
        }
    };
    for certificate in certificates {
        let mut config = Map::new();
        config.insert(
            "server_certificate_id".into(),
            Value::String(certificate.server_certificate_id().to_owned()),
        );
        config.insert("path".into(), Value::String(certificate.path().to_owned()));
        put(
            &mut config,
            "upload_date",
            certificate.upload_date().and_then(rfc3339),
        );
        put(
            &mut config,
            "expiration",
            certificate.expiration().and_then(rfc3339),
        );
        ctx.emit(
            SERVER_CERTIFICATE,
            "global",
            certificate.arn().to_owned(),
            certificate.server_certificate_name().to_owned(),
            BTreeMap::new(),
            Value::Object(config),
        )
        .await;
    }
}
