//! Cloud Functions v2: functions of every location (1st and 2nd gen) with
//! the IAM bindings of the function and, for 2nd gen, of its Cloud Run
//! service (Cloud Run Admin v2). Environment values are never read into a
//! record, only their names.

use super::util::{encode, items, labels, last_segment, opt_string, string, strings, timestamp};
use crate::api_error::ApiError;
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Value, json};

pub const FUNCTION: &str = "gcp.functions.function";
pub const KINDS: &[&str] = &[FUNCTION];
pub const APIS: &[&str] = &["cloudfunctions.googleapis.com", "run.googleapis.com"];
const FUNCTIONS_LIST: &str = "cloudfunctions.functions.list";
const FUNCTION_POLICY: &str = "cloudfunctions.functions.getIamPolicy";
const RUN_POLICY: &str = "run.services.getIamPolicy";
pub const PERMISSIONS: &[&str] = &[FUNCTIONS_LIST, FUNCTION_POLICY, RUN_POLICY];
const HOST: &str = "cloudfunctions.googleapis.com";

fn keys(v: &Value) -> Value {
    Value::Array(
        v.as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| Value::String(k.clone()))
            .collect(),
    )
}

fn tagged_bindings(policy: &Value, source: &str) -> Vec<Value> {
    items(&policy["bindings"])
        .map(|b| {
            json!({
                "source": source,
                "role": string(&b["role"]),
                "members": strings(&b["members"]),
                "condition_expression": opt_string(&b["condition"]["expression"]),
            })
        })
        .collect()
}

async fn policy(ctx: &Ctx, host: &str, name: &str, permission: &str) -> Result<Value, ApiError> {
    let url = ctx.client().url(host, &format!("/v2/{name}:getIamPolicy"));
    ctx.client().get(&url, permission).await
}

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(
        HOST,
        &format!("/v2/projects/{}/locations/-/functions", encode(&project)),
    );
    let list = match ctx.client().list(&url, "functions", FUNCTIONS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(FUNCTION, "*", FUNCTIONS_LIST, None, &e),
    };
    for_each_bounded(list, ctx.fan_out(), |f| {
        let (ctx, project) = (&ctx, &project);
        async move {
            let name = f["name"].as_str().unwrap_or_default().to_owned();
            let region = name.split('/').nth(3).unwrap_or("global").to_owned();
            let short = last_segment(&name).to_owned();
            let id = format!("//cloudfunctions.googleapis.com/projects/{project}/locations/{region}/functions/{short}");
            let own = match policy(ctx, HOST, &name, FUNCTION_POLICY).await {
                Ok(p) => p,
                Err(e) => return ctx.fail(FUNCTION, &region, FUNCTION_POLICY, Some(&id), &e),
            };
            let mut bindings = tagged_bindings(&own, "function");
            let environment = f["environment"].as_str().unwrap_or("GEN_2").to_owned();
            let service = &f["serviceConfig"];
            if environment == "GEN_2"
                && let Some(run) = service["service"].as_str()
            {
                    match policy(ctx, "run.googleapis.com", run, RUN_POLICY).await {
                        Ok(p) => bindings.extend(tagged_bindings(&p, "run_service")),
                        Err(e) => return ctx.fail(FUNCTION, &region, RUN_POLICY, Some(&id), &e),
                    }
            }
            let secrets: Vec<Value> = items(&service["secretEnvironmentVariables"])
                .map(|s| json!({"key": string(&s["key"]), "secret": string(&s["secret"]), "version": string(&s["version"])}))
                .collect();
            let has_connector = service["vpcConnector"].is_string();
            let config = json!({
                "environment": environment,
                "state": string(&f["state"]),
                "update_time": timestamp(&f["updateTime"]),
                "runtime": opt_string(&f["buildConfig"]["runtime"]),
                "url": opt_string(&f["url"]),
                "event_trigger_type": opt_string(&f["eventTrigger"]["eventType"]),
                "ingress_settings": service["ingressSettings"].as_str().unwrap_or("ALLOW_ALL"),
                "service_account_email": opt_string(&service["serviceAccountEmail"]),
                "vpc_connector": opt_string(&service["vpcConnector"]),
                "vpc_connector_egress_settings": if has_connector { opt_string(&service["vpcConnectorEgressSettings"]) } else { Value::Null },
                "environment_variable_names": keys(&service["environmentVariables"]),
                "build_environment_variable_names": keys(&f["buildConfig"]["environmentVariables"]),
                "secret_environment_variables": secrets,
                "secret_volume_count": items(&service["secretVolumes"]).count(),
                "kms_key_name": opt_string(&f["kmsKeyName"]),
                "iam_bindings": bindings,
            });
            ctx.emit(FUNCTION, &region, id, short, labels(&f["labels"]), config).await;
        }
    })
    .await;
}
