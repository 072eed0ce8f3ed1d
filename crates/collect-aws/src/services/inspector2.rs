//! Amazon Inspector: the collecting account's scanning status per resource
//! type in each region (`aws.inspector2.account_status`).

use super::util::{put, text};
use crate::calls::client;
use crate::context::RegionCtx;
use aws_sdk_inspector2::operation::batch_get_account_status::BatchGetAccountStatusOutput;
use aws_sdk_inspector2::types::{AccountState, State};
use aws_smithy_types::error::ErrorMetadata;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KINDS: &[&str] = &[ACCOUNT_STATUS];

pub const ACTIONS: &[&str] = &["inspector2:BatchGetAccountStatus"];

const ACCOUNT_STATUS: &str = "aws.inspector2.account_status";
const ACTION: &str = "inspector2:BatchGetAccountStatus";

pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(ACCOUNT_STATUS) {
        return;
    }
    let client = client!(aws_sdk_inspector2, ctx);
    let region = ctx.region.as_str();
    let account = ctx.account();
    let out = match client
        .batch_get_account_status()
        .account_ids(account)
        .send()
        .await
    {
        Ok(out) => out,
        Err(err) => {
            ctx.fail(ACCOUNT_STATUS, region, ACTION, None, &err);
            return;
        }
    };
    let Some(state) = out.accounts().iter().find(|a| a.account_id() == account) else {
        ctx.fail(
            ACCOUNT_STATUS,
            region,
            ACTION,
            None,
            &no_status(&out, account),
        );
        return;
    };
    let id = format!(
        "arn:{}:inspector2:{region}:{account}:account-status",
        ctx.partition()
    );
    ctx.emit(
        ACCOUNT_STATUS,
        region,
        id,
        account.to_owned(),
        BTreeMap::new(),
        Value::Object(statuses(state)),
    )
    .await;
}

/// Why the response has no status for the account: its failedAccounts
/// entry, or the plain fact.
fn no_status(out: &BatchGetAccountStatusOutput, account: &str) -> ErrorMetadata {
    match out
        .failed_accounts()
        .iter()
        .find(|f| f.account_id() == account)
    {
        Some(failed) => ErrorMetadata::builder()
            .code(failed.error_code().as_str())
            .message(failed.error_message())
            .build(),
        None => ErrorMetadata::builder()
            .code("NoAccountStatus")
            .message(format!(
                "BatchGetAccountStatus returned no status for account {account}"
            ))
            .build(),
    }
}

fn status(state: Option<&State>) -> Option<&str> {
    state.map(|s| s.status().as_str())
}

/// The record's fields from the account's entry.
fn statuses(account: &AccountState) -> Map<String, Value> {
    let resources = account.resource_state();
    let mut config = Map::new();
    put(&mut config, "status", status(account.state()));
    put(
        &mut config,
        "ec2_status",
        status(resources.and_then(|r| r.ec2())),
    );
    put(
        &mut config,
        "ecr_status",
        status(resources.and_then(|r| r.ecr())),
    );
    config.insert(
        "lambda_status".into(),
        text(status(resources.and_then(|r| r.lambda()))),
    );
    config.insert(
        "lambda_code_status".into(),
        text(status(resources.and_then(|r| r.lambda_code()))),
    );
    config
}
