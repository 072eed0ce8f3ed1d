//! `/cspm/connector`: create-details, create (validated field by field,
//! credentials sealed), list (with refresh), details, delete, and the
//! inventory upload of offline connectors.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::jobs;
use crate::state::AppState;
use crate::validate::{
    AwsAccountId, AzureId, Description, ExternalId, GcpProjectId, GcpServiceAccount, Name, RoleArn,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use posture_model::Provider;
use posture_store::{Connector, ConnectorState, JobKind, NewConnector, StateChange};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CreateDetailsQuery {
    /// `aws` (the only provider whose connector needs details first).
    pub provider: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateDetails {
    pub provider: &'static str,
    /// The platform's AWS account: the customer's role must trust it.
    pub base_account_id: String,
    /// The external ID the role's trust policy must require for this tenant.
    pub external_id: String,
    /// posture: a CloudFormation template creating that role (trusting the
    /// platform's account, requiring this tenant's external ID, with the
    /// read-only policy posture needs).
    #[schema(value_type = Object)]
    pub role_template: serde_json::Value,
}

/// What the customer needs to create the IAM role.
#[utoipa::path(get, path = "/cspm/connector/create-details", params(CreateDetailsQuery),
    responses((status = 200, body = CreateDetails)), tag = "connectors")]
pub async fn create_details(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<CreateDetailsQuery>,
) -> ApiResult<Json<CreateDetails>> {
    let provider = parse_provider("provider", query.provider.as_deref().unwrap_or("aws"))?;
    if provider != Provider::Aws {
        return Err(ApiError::field(
            "provider",
            "provider: create-details exists for aws only; Azure and GCP connectors need no details first",
        ));
    }
    let tenant = caller.tenant();
    let tenant = state.db(move |s| s.tenant(tenant)).await?;
    let base_account_id = state.config.platform_aws_account.clone();
    let role_template =
        posture_collect_aws::permissions::role_template(&base_account_id, &tenant.external_id);
    Ok(Json(CreateDetails {
        provider: Provider::Aws.api_name(),
        base_account_id,
        external_id: tenant.external_id,
        role_template,
    }))
}

/// The create body: the reference API's fields, plus `offline` and
/// `accountId` for connectors whose inventory is uploaded.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateConnector {
    pub name: Option<String>,
    pub description: Option<String>,
    pub provider: Option<String>,
    pub arn: Option<String>,
    pub external_id: Option<String>,
    pub is_china_region: Option<bool>,
    pub is_gov_cloud: Option<bool>,
    pub application_id: Option<String>,
    pub directory_id: Option<String>,
    pub subscription_id: Option<String>,
    /// The Azure client secret; write-only.
    pub authentication_key: Option<String>,
    pub project_id: Option<String>,
    /// The GCP service-account key file, as JSON text; write-only.
    pub gcp_config_json: Option<String>,
    /// posture: inventories are uploaded, nothing is collected.
    pub offline: Option<bool>,
    /// posture, offline connectors: the AWS account, Azure subscription or
    /// GCP project the uploads describe.
    pub account_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    pub message: String,
    pub id: i64,
    pub connector_id: String,
}

/// Creates a connector; it is checked in the background (Pending, then
/// Online or Offline).
#[utoipa::path(post, path = "/cspm/connector", request_body = CreateConnector,
    responses((status = 201, body = Created), (status = 400, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)), tag = "connectors")]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateConnector>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    caller.require_admin()?;
    let tenant = caller.tenant();
    let tenant_row = state.db(move |s| s.tenant(tenant)).await?;
    let uuid = uuid::Uuid::new_v4().to_string();
    let new = validate_create(&state, &tenant_row, &uuid, body)?;
    let offline = new.offline;
    let connector = state.db(move |s| s.create_connector(&new)).await?;
    if !offline {
        jobs::enqueue(
            &state,
            Some(tenant),
            JobKind::ValidateConnector,
            connector.id,
        )
        .await?;
    }
    tracing::info!(tenant = tenant.0, connector = connector.id, provider = %connector.provider, "connector created");
    Ok((
        StatusCode::CREATED,
        Json(Created {
            message: format!("connector {} created", connector.name),
            id: connector.id,
            connector_id: connector.uuid,
        }),
    ))
}

fn parse_provider(field: &'static str, value: &str) -> ApiResult<Provider> {
    value.parse().map_err(|_| {
        ApiError::field(
            field,
            format!("{field}: expected AWS, Azure or GCP, got {value:?}"),
        )
    })
}

fn required<'a>(field: &'static str, value: &'a Option<String>) -> ApiResult<&'a str> {
    match value.as_deref() {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(ApiError::field(field, format!("{field}: required"))),
    }
}

fn validate_create(
    state: &AppState,
    tenant: &posture_store::Tenant,
    uuid: &str,
    body: CreateConnector,
) -> ApiResult<NewConnector> {
    let name = Name::parse("name", required("name", &body.name)?)?;
    let description = Description::parse("description", body.description.as_deref().unwrap_or(""))?;
    let provider = parse_provider("provider", required("provider", &body.provider)?)?;
    let offline = body.offline.unwrap_or(false);
    let aad = sealing_context(tenant.id, uuid);
    let (scope, settings, secret) = if offline {
        let account = required("accountId", &body.account_id)?;
        let scope = match provider {
            Provider::Aws => AwsAccountId::parse("accountId", account)?
                .as_str()
                .to_string(),
            Provider::Azure => AzureId::parse("accountId", account)?.as_str().to_string(),
            Provider::Gcp => GcpProjectId::parse("accountId", account)?
                .as_str()
                .to_string(),
        };
        (scope, json!({}), None)
    } else {
        match provider {
            Provider::Aws => {
                let arn = RoleArn::parse("arn", required("arn", &body.arn)?)?;
                let external =
                    ExternalId::parse("externalId", required("externalId", &body.external_id)?)?;
                if external.as_str() != tenant.external_id {
                    return Err(ApiError::field(
                        "externalId",
                        "externalId: must be the external ID create-details gives for this tenant",
                    ));
                }
                let gov = body.is_gov_cloud.unwrap_or(false);
                let china = body.is_china_region.unwrap_or(false);
                let expected = match (gov, china) {
                    (true, true) => {
                        return Err(ApiError::field(
                            "isGovCloud",
                            "isGovCloud: an account cannot be both GovCloud and China",
                        ));
                    }
                    (true, false) => "aws-us-gov",
                    (false, true) => "aws-cn",
                    (false, false) => "aws",
                };
                if arn.partition() != expected {
                    return Err(ApiError::field(
                        "arn",
                        format!(
                            "arn: the role is in partition {}, but isGovCloud/isChinaRegion say {expected}",
                            arn.partition()
                        ),
                    ));
                }
                let settings = json!({
                    "arn": arn.as_str(),
                    "externalId": external.as_str(),
                    "isChinaRegion": china,
                    "isGovCloud": gov,
                });
                (arn.account_id().to_string(), settings, None)
            }
            Provider::Azure => {
                let application = AzureId::parse(
                    "applicationId",
                    required("applicationId", &body.application_id)?,
                )?;
                let directory =
                    AzureId::parse("directoryId", required("directoryId", &body.directory_id)?)?;
                let subscription = AzureId::parse(
                    "subscriptionId",
                    required("subscriptionId", &body.subscription_id)?,
                )?;
                let key = required("authenticationKey", &body.authentication_key)?;
                let sealed = state.config.secret_key.seal(key.as_bytes(), &aad);
                let settings = json!({
                    "applicationId": application.as_str(),
                    "directoryId": directory.as_str(),
                    "subscriptionId": subscription.as_str(),
                });
                (subscription.as_str().to_string(), settings, Some(sealed))
            }
            Provider::Gcp => {
                let project =
                    GcpProjectId::parse("projectId", required("projectId", &body.project_id)?)?;
                let key_json = required("gcpConfigJson", &body.gcp_config_json)?;
                let account = GcpServiceAccount::parse("gcpConfigJson", key_json)?;
                let sealed = state.config.secret_key.seal(key_json.as_bytes(), &aad);
                let settings = json!({
                    "projectId": project.as_str(),
                    "clientEmail": account.client_email(),
                });
                (project.as_str().to_string(), settings, Some(sealed))
            }
        }
    };
    Ok(NewConnector {
        tenant: tenant.id,
        uuid: uuid.to_string(),
        provider,
        scope,
        name: name.as_str().to_string(),
        description: description.as_str().to_string(),
        settings,
        secret,
        offline,
        created_at: state.now(),
    })
}

/// Binds a sealed credential to its tenant and connector: copied to another
/// row, it no longer opens.
pub fn sealing_context(tenant: posture_store::TenantId, uuid: &str) -> Vec<u8> {
    format!("posture-connector:{}:{uuid}", tenant.0).into_bytes()
}

/// A connector as the API shows it: the reference fields (credentials
/// never), plus what posture adds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectorView {
    pub id: i64,
    pub connector_id: String,
    pub name: String,
    pub description: String,
    pub provider: &'static str,
    pub state: &'static str,
    pub arn: Option<String>,
    pub external_id: Option<String>,
    pub base_account_id: Option<String>,
    pub aws_account_id: Option<String>,
    pub is_china_region: bool,
    pub is_gov_cloud: bool,
    pub application_id: Option<String>,
    pub directory_id: Option<String>,
    pub subscription_id: Option<String>,
    pub project_id: Option<String>,
    pub client_email: Option<String>,
    /// The AWS account, Azure subscription or GCP project.
    pub cloud_account_id: String,
    pub offline: bool,
    pub total_assets: i64,
    pub error: Option<String>,
    #[serde(rename = "error_message")]
    pub error_message: Option<String>,
    pub last_synced_on: Option<chrono::DateTime<chrono::Utc>>,
    pub date_created: chrono::DateTime<chrono::Utc>,
    pub groups: Vec<String>,
}

pub fn view(state: &AppState, c: &Connector) -> ConnectorView {
    let text = |key: &str| {
        c.settings
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let flag = |key: &str| {
        c.settings
            .get(key)
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    };
    let aws = c.provider == Provider::Aws;
    ConnectorView {
        id: c.id,
        connector_id: c.uuid.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        provider: c.provider.api_name(),
        state: c.state.as_str(),
        arn: text("arn"),
        external_id: text("externalId"),
        base_account_id: (aws && !c.offline).then(|| state.config.platform_aws_account.clone()),
        aws_account_id: aws.then(|| c.scope.clone()),
        is_china_region: flag("isChinaRegion"),
        is_gov_cloud: flag("isGovCloud"),
        application_id: text("applicationId"),
        directory_id: text("directoryId"),
        subscription_id: text("subscriptionId"),
        project_id: text("projectId"),
        client_email: text("clientEmail"),
        cloud_account_id: c.scope.clone(),
        offline: c.offline,
        total_assets: c.total_assets,
        error: c.error.clone(),
        error_message: c.error_message.clone(),
        last_synced_on: c.last_synced_on,
        date_created: c.created_at,
        groups: Vec::new(),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only this connector.
    pub id: Option<i64>,
    /// Re-check the listed connectors (Refreshing, then Online or Offline).
    pub refresh: Option<bool>,
    pub provider: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConnectorList {
    pub connectors: Vec<ConnectorView>,
}

#[utoipa::path(get, path = "/cspm/connector", params(ListQuery),
    responses((status = 200, body = ConnectorList)), tag = "connectors")]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<ConnectorList>> {
    let tenant = caller.tenant();
    let provider = match query.provider.as_deref() {
        Some(p) => Some(parse_provider("provider", p)?),
        None => None,
    };
    let mut connectors = match query.id {
        Some(id) => vec![state.db(move |s| s.connector(tenant, id)).await?],
        None => state.db(move |s| s.connectors(tenant, provider)).await?,
    };
    if query.refresh.unwrap_or(false) {
        caller.require_admin()?;
        for c in connectors.iter_mut().filter(|c| !c.offline) {
            *c = refresh_one(&state, tenant, c.id).await?;
        }
    }
    Ok(Json(ConnectorList {
        connectors: connectors.iter().map(|c| view(&state, c)).collect(),
    }))
}

async fn refresh_one(
    state: &AppState,
    tenant: posture_store::TenantId,
    id: i64,
) -> ApiResult<Connector> {
    let at = state.now();
    let change = StateChange {
        state: ConnectorState::Refreshing,
        error: None,
        error_message: None,
        at,
        synced: false,
        total_assets: None,
    };
    let connector = state
        .db(move |s| s.set_connector_state(tenant, id, &change))
        .await?;
    jobs::enqueue(state, Some(tenant), JobKind::RefreshConnector, id).await?;
    Ok(connector)
}

/// Finds a connector by its number or its UUID.
async fn find(state: &AppState, caller: &Caller, key: &str) -> ApiResult<Connector> {
    let tenant = caller.tenant();
    if let Ok(id) = key.parse::<i64>() {
        return state.db(move |s| s.connector(tenant, id)).await;
    }
    let key = key.to_string();
    let all = state.db(move |s| s.connectors(tenant, None)).await?;
    all.into_iter()
        .find(|c| c.uuid.eq_ignore_ascii_case(&key))
        .ok_or_else(|| ApiError::not_found("connector"))
}

#[utoipa::path(get, path = "/cspm/connector/{id}",
    params(("id" = String, Path, description = "The connector's id or connectorId")),
    responses((status = 200, body = ConnectorView), (status = 404, body = crate::error::ErrorBody)),
    tag = "connectors")]
pub async fn details(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ConnectorView>> {
    let connector = find(&state, &caller, &id).await?;
    Ok(Json(view(&state, &connector)))
}

#[utoipa::path(delete, path = "/cspm/connector/{id}",
    params(("id" = String, Path, description = "The connector's id or connectorId")),
    responses((status = 200, description = "Deleted"), (status = 404, body = crate::error::ErrorBody)),
    tag = "connectors")]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require_admin()?;
    let connector = find(&state, &caller, &id).await?;
    let tenant = caller.tenant();
    let at = state.now();
    let cid = connector.id;
    state
        .db(move |s| s.delete_connector(tenant, cid, at))
        .await?;
    let upload = crate::offline::inventory_path(&state.config, tenant, cid);
    if let Err(e) = std::fs::remove_file(&upload)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %upload.display(), error = %e, "removing an uploaded inventory");
    }
    Ok(Json(
        json!({ "message": format!("connector {} deleted", connector.name) }),
    ))
}

/// Refreshes one connector (the reference does it through the list's
/// `?refresh=true`; this is the same for one).
#[utoipa::path(post, path = "/cspm/connector/{id}/refresh",
    params(("id" = String, Path, description = "The connector's id or connectorId")),
    responses((status = 202, body = ConnectorView)), tag = "connectors")]
pub async fn refresh(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<(StatusCode, Json<ConnectorView>)> {
    caller.require_admin()?;
    let connector = find(&state, &caller, &id).await?;
    if connector.offline {
        return Err(ApiError::Conflict(
            "an offline connector is refreshed by uploading an inventory".into(),
        ));
    }
    let connector = refresh_one(&state, caller.tenant(), connector.id).await?;
    Ok((StatusCode::ACCEPTED, Json(view(&state, &connector))))
}
