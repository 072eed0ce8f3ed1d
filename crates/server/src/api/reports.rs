//! `/cspm/report/...`: report configurations (one mandate on one
//! connector), the report list, runs (at most one an hour), details with
//! the requirement tree and per-control results, a control's resources,
//! and deletion.

use crate::api::policies::provider_filter;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::summary::RunSummary;
use crate::validate::{Description, Name};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use posture_model::Provider;
use posture_store::{NewReport, Report, Run, RunState, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateConfiguration {
    pub title: Option<String>,
    pub description: Option<String>,
    /// AWS, Azure or GCP.
    #[serde(rename = "cloudtype", alias = "cloudType")]
    pub cloudtype: Option<String>,
    /// The mandate's number (see `/cspm/mandates`).
    pub mandate_id: Option<u32>,
    /// One report is configured per connector.
    pub connector_ids: Option<Vec<i64>>,
    /// Policy ids or slugs, recorded with the report; the mandate decides
    /// which controls run.
    pub policies: Option<Vec<String>>,
    pub format: Option<String>,
    #[serde(rename = "type")]
    pub report_type: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationCreated {
    pub message: String,
    /// The new reports, one per connector; each has its first run queued.
    pub report_ids: Vec<i64>,
}

#[utoipa::path(post, path = "/cspm/report/configuration", request_body = CreateConfiguration,
    responses((status = 201, body = ConfigurationCreated), (status = 400, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)), tag = "reports")]
pub async fn create_configuration(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateConfiguration>,
) -> ApiResult<(StatusCode, Json<ConfigurationCreated>)> {
    caller.require_admin()?;
    let tenant = caller.tenant();
    let news = validate_configuration(&state, tenant, body).await?;
    let created = state
        .db(move |s| {
            let mut created = Vec::new();
            for new in &news {
                match s.create_report(new) {
                    Ok(report) => created.push(report.id),
                    Err(e) => {
                        // All or nothing: undo the ones already made.
                        for id in &created {
                            let _ = s.delete_report(tenant, *id);
                        }
                        return Err(e);
                    }
                }
            }
            Ok(created)
        })
        .await?;
    let now = state.now();
    let interval = state.config.min_run_interval;
    for &id in &created {
        state
            .db(move |s| s.request_run(tenant, id, now, interval))
            .await?;
    }
    state.jobs.notify_one();
    Ok((
        StatusCode::CREATED,
        Json(ConfigurationCreated {
            message: format!(
                "{} report(s) configured; the first run is queued",
                created.len()
            ),
            report_ids: created,
        }),
    ))
}

async fn validate_configuration(
    state: &AppState,
    tenant: TenantId,
    body: CreateConfiguration,
) -> ApiResult<Vec<NewReport>> {
    let title = Name::parse("title", body.title.as_deref().unwrap_or(""))?;
    let description = Description::parse("description", body.description.as_deref().unwrap_or(""))?;
    let provider = crate::api::policies::provider_field("cloudtype", body.cloudtype.as_deref())?
        .ok_or_else(|| ApiError::field("cloudtype", "cloudtype: required (AWS, Azure or GCP)"))?;
    let mid = body
        .mandate_id
        .ok_or_else(|| ApiError::field("mandateId", "mandateId: required"))?;
    let mandate = state
        .catalog
        .mandates
        .iter()
        .find(|m| m.mid == mid)
        .ok_or_else(|| ApiError::field("mandateId", format!("mandateId: no mandate {mid}")))?;
    if !mandate.providers.contains(&provider) {
        return Err(ApiError::field(
            "mandateId",
            format!(
                "mandateId: {} has no controls for {}",
                mandate.name,
                provider.api_name()
            ),
        ));
    }
    let connector_ids = body.connector_ids.unwrap_or_default();
    if connector_ids.is_empty() {
        return Err(ApiError::field(
            "connectorIds",
            "connectorIds: name at least one connector",
        ));
    }
    let mut unique = connector_ids.clone();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != connector_ids.len() {
        return Err(ApiError::field(
            "connectorIds",
            "connectorIds: a connector is listed twice",
        ));
    }
    let connectors = state.db(move |s| s.connectors(tenant, None)).await?;
    for (i, id) in connector_ids.iter().enumerate() {
        let field = format!("connectorIds[{i}]");
        let connector = connectors
            .iter()
            .find(|c| c.id == *id)
            .ok_or_else(|| ApiError::field(field.clone(), format!("{field}: no connector {id}")))?;
        if connector.provider != provider {
            return Err(ApiError::field(
                field.clone(),
                format!(
                    "{field}: connector {id} is {}, the report is {}",
                    connector.provider.api_name(),
                    provider.api_name()
                ),
            ));
        }
    }
    let policies = body.policies.unwrap_or_default();
    for (i, p) in policies.iter().enumerate() {
        let known = state.catalog.policies.iter().any(|policy| {
            policy.provider == provider && (policy.slug == *p || policy.id.to_string() == *p)
        });
        if !known {
            let field = format!("policies[{i}]");
            return Err(ApiError::field(
                field.clone(),
                format!("{field}: no {} policy {p:?}", provider.api_name()),
            ));
        }
    }
    let short = |field: &'static str, value: Option<String>, default: &str| -> ApiResult<String> {
        let value = value.unwrap_or_else(|| default.to_string());
        if value.len() > 32 || value.chars().any(char::is_control) {
            return Err(ApiError::field(
                field,
                format!("{field}: at most 32 printable characters"),
            ));
        }
        Ok(value)
    };
    let format = short("format", body.format, "json")?;
    let report_type = short("type", body.report_type, "compliance")?;
    let now = state.now();
    Ok(connector_ids
        .iter()
        .map(|&connector| NewReport {
            tenant,
            title: title.as_str().to_string(),
            description: description.as_str().to_string(),
            provider,
            mandate: mandate.id.clone(),
            mandate_mid: mandate.mid,
            connector,
            policies: policies.clone(),
            format: format.clone(),
            report_type: report_type.clone(),
            created_at: now,
        })
        .collect())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub cloudtype: &'static str,
    pub mandate_id: u32,
    pub connector_ids: Vec<i64>,
    pub policies: Vec<String>,
    pub format: String,
    #[serde(rename = "type")]
    pub report_type: String,
    pub date_created: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConfigurationList {
    pub configurations: Vec<ConfigurationView>,
}

#[utoipa::path(get, path = "/cspm/report/configuration", params(crate::api::policies::ProviderQuery),
    responses((status = 200, body = ConfigurationList)), tag = "reports")]
pub async fn configurations(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<crate::api::policies::ProviderQuery>,
) -> ApiResult<Json<ConfigurationList>> {
    let provider = provider_filter(query.provider.as_deref())?;
    let tenant = caller.tenant();
    let reports = state.db(move |s| s.reports(tenant, provider)).await?;
    Ok(Json(ConfigurationList {
        configurations: reports
            .into_iter()
            .map(|r| ConfigurationView {
                id: r.id,
                title: r.title,
                description: r.description,
                cloudtype: r.provider.api_name(),
                mandate_id: r.mandate_mid,
                connector_ids: vec![r.connector],
                policies: r.policies,
                format: r.format,
                report_type: r.report_type,
                date_created: r.created_at,
            })
            .collect(),
    }))
}

/// A report as the Overview lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportListItem {
    pub report_id: i64,
    pub title: String,
    pub cloud_type: &'static str,
    pub report_type: String,
    /// When the results shown were produced.
    pub last_run_date: Option<DateTime<Utc>>,
    pub mandate_id: u32,
    pub mandate_name: String,
    pub connector_id: i64,
    pub connector_name: String,
    /// pending until a run finished; then complete (or running while a
    /// new run is under way, its previous results still shown).
    pub state: &'static str,
    /// The latest run's state, and its error when it failed.
    pub last_run_state: Option<&'static str>,
    pub last_run_error: Option<String>,
    pub pass_count: Option<usize>,
    pub fail_count: Option<usize>,
    pub pass_percent: Option<f64>,
    pub fail_percent: Option<f64>,
    /// posture: when the hourly limit next allows a run (absent when a run
    /// may be requested now).
    pub next_run_at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub struct Loaded {
    pub report: Report,
    pub current: Option<Run>,
    pub summary: Option<RunSummary>,
}

pub async fn load(state: &AppState, tenant: TenantId, id: i64) -> ApiResult<Loaded> {
    let report = state.db(move |s| s.report(tenant, id)).await?;
    let current = match report.current_run {
        Some(run) => Some(state.db(move |s| s.run(tenant, run)).await?),
        None => None,
    };
    let summary = current
        .as_ref()
        .and_then(|r| r.summary.clone())
        .and_then(|v| serde_json::from_value(v).ok());
    Ok(Loaded {
        report,
        current,
        summary,
    })
}

pub fn report_state(report: &Report) -> &'static str {
    let in_progress = report
        .latest_run
        .as_ref()
        .is_some_and(|r| matches!(r.state, RunState::Queued | RunState::Running));
    match (report.current_run.is_some(), in_progress) {
        (false, _) => "pending",
        (true, true) => "running",
        (true, false) => "complete",
    }
}

pub async fn list_items(
    state: &AppState,
    tenant: TenantId,
    provider: Option<Provider>,
) -> ApiResult<Vec<ReportListItem>> {
    let reports = state.db(move |s| s.reports(tenant, provider)).await?;
    let connectors = state.db(move |s| s.connectors(tenant, None)).await?;
    let mut items = Vec::with_capacity(reports.len());
    for r in reports {
        let loaded = load(state, tenant, r.id).await?;
        let report = loaded.report;
        let mandate = state
            .catalog
            .mandates
            .iter()
            .find(|m| m.id == report.mandate);
        items.push(ReportListItem {
            report_id: report.id,
            title: report.title.clone(),
            cloud_type: report.provider.api_name(),
            report_type: report.report_type.clone(),
            last_run_date: loaded.current.as_ref().and_then(|r| r.finished_at),
            mandate_id: report.mandate_mid,
            mandate_name: mandate
                .map(|m| m.label())
                .unwrap_or_else(|| report.mandate.clone()),
            connector_id: report.connector,
            connector_name: connectors
                .iter()
                .find(|c| c.id == report.connector)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            state: report_state(&report),
            last_run_state: report.latest_run.as_ref().map(|r| r.state.as_str()),
            last_run_error: report.latest_run.as_ref().and_then(|r| r.error.clone()),
            pass_count: loaded.summary.as_ref().map(|s| s.controls.pass),
            fail_count: loaded.summary.as_ref().map(|s| s.controls.fail),
            pass_percent: loaded.summary.as_ref().and_then(|s| s.pass_percent),
            fail_percent: loaded.summary.as_ref().and_then(|s| s.fail_percent),
            next_run_at: report
                .last_requested_at
                .map(|last| last + state.config.min_run_interval)
                .filter(|due| *due > state.now()),
        });
    }
    Ok(items)
}

#[utoipa::path(get, path = "/cspm/report/list", params(crate::api::policies::ProviderQuery),
    responses((status = 200, body = [ReportListItem])), tag = "reports")]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<crate::api::policies::ProviderQuery>,
) -> ApiResult<Json<Vec<ReportListItem>>> {
    let provider = provider_filter(query.provider.as_deref())?;
    Ok(Json(list_items(&state, caller.tenant(), provider).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct RunQuery {
    pub report_config_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunQueued {
    pub message: String,
    pub run_id: i64,
}

/// Runs a report again; at most once an hour per report (429 with
/// Retry-After otherwise).
#[utoipa::path(post, path = "/cspm/report/run", params(RunQuery),
    responses((status = 202, body = RunQueued), (status = 429, body = crate::error::ErrorBody)),
    tag = "reports")]
pub async fn run(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<RunQuery>,
) -> ApiResult<(StatusCode, Json<RunQueued>)> {
    caller.require_admin()?;
    let id = query
        .report_config_id
        .ok_or_else(|| ApiError::field("reportConfigId", "reportConfigId: required"))?;
    let tenant = caller.tenant();
    let now = state.now();
    let interval = state.config.min_run_interval;
    let run = state
        .db(move |s| s.request_run(tenant, id, now, interval))
        .await?;
    state.jobs.notify_one();
    Ok((
        StatusCode::ACCEPTED,
        Json(RunQueued {
            message: "the run is queued".into(),
            run_id: run.id,
        }),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequirementView {
    pub requirement_id: String,
    pub requirement_name: String,
    pub pass_count: usize,
    pub fail_count: usize,
    /// posture: the tree and the rest of the rollup.
    pub parent_id: Option<String>,
    pub depth: usize,
    pub status: String,
    pub manual: bool,
    pub error_count: usize,
    pub not_applicable_count: usize,
    pub controls: Vec<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControlView {
    pub control_id: u32,
    pub control_name: String,
    pub severity: String,
    pub status: String,
    /// Resources that passed, failed, or could not be checked.
    pub pass_count: i64,
    pub fail_count: i64,
    pub error_count: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportDetails {
    pub title: String,
    pub report_id: i64,
    pub account_id: String,
    pub mandates_count: usize,
    pub requirements_count: usize,
    pub controls_count: usize,
    pub total_evaluations_count: usize,
    pub policies_count: usize,
    pub pass_count: usize,
    pub fail_count: usize,
    pub pass_percent: Option<f64>,
    pub fail_percent: Option<f64>,
    pub cloud_type: &'static str,
    pub report_type: String,
    pub mandate_name: String,
    pub last_run_date: Option<DateTime<Utc>>,
    /// posture keeps no data lake link yet.
    pub data_lake_search_url: Option<String>,
    pub requirements: Vec<RequirementView>,
    /// posture additions.
    pub state: &'static str,
    pub error_count: usize,
    pub not_applicable_count: usize,
    pub manual_count: usize,
    pub resources_count: usize,
    pub controls: Vec<ControlView>,
    pub collection_errors: Vec<String>,
    pub last_run_state: Option<&'static str>,
    pub last_run_error: Option<String>,
}

#[utoipa::path(get, path = "/cspm/report/{id}", params(("id" = i64, Path, description = "The report id")),
    responses((status = 200, body = ReportDetails), (status = 404, body = crate::error::ErrorBody)),
    tag = "reports")]
pub async fn details(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReportDetails>> {
    let tenant = caller.tenant();
    let loaded = load(&state, tenant, id).await?;
    let report = &loaded.report;
    let connector_id = report.connector;
    let connector = state.db(move |s| s.connector(tenant, connector_id)).await?;
    let outcomes = state.db(move |s| s.control_outcomes(tenant, id)).await?;
    let mandate = state
        .catalog
        .mandates
        .iter()
        .find(|m| m.id == report.mandate);
    let summary = loaded.summary.clone();
    let counts = summary
        .as_ref()
        .map(|s| s.controls.clone())
        .unwrap_or_default();
    let controls: Vec<ControlView> = outcomes
        .iter()
        .map(|o| {
            let control = state.catalog.control(&o.cid.to_string());
            ControlView {
                control_id: o.cid,
                control_name: control.map(|c| c.title.clone()).unwrap_or_default(),
                severity: control.map(|c| c.severity.to_string()).unwrap_or_default(),
                status: o.status.to_string(),
                pass_count: o.pass,
                fail_count: o.fail,
                error_count: o.error,
            }
        })
        .collect();
    let requirements: Vec<RequirementView> = summary
        .as_ref()
        .map(|s| {
            s.requirements
                .iter()
                .map(|r| RequirementView {
                    requirement_id: r.id.clone(),
                    requirement_name: r.title.clone(),
                    pass_count: r.counts.pass,
                    fail_count: r.counts.fail,
                    parent_id: r.parent_id.clone(),
                    depth: r.depth,
                    status: r.status.to_string(),
                    manual: r.manual,
                    error_count: r.counts.error,
                    not_applicable_count: r.counts.not_applicable,
                    controls: r.controls.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let evaluations = summary.as_ref().map(|s| &s.evaluations);
    Ok(Json(ReportDetails {
        title: report.title.clone(),
        report_id: report.id,
        account_id: connector.scope.clone(),
        mandates_count: 1,
        requirements_count: mandate.map(|m| m.requirements.len()).unwrap_or(0),
        controls_count: mandate.map(|m| m.control_ids().len()).unwrap_or(0),
        total_evaluations_count: evaluations.map(|e| e.pass + e.fail + e.error).unwrap_or(0),
        policies_count: report.policies.len(),
        pass_count: counts.pass,
        fail_count: counts.fail,
        pass_percent: summary.as_ref().and_then(|s| s.pass_percent),
        fail_percent: summary.as_ref().and_then(|s| s.fail_percent),
        cloud_type: report.provider.api_name(),
        report_type: report.report_type.clone(),
        mandate_name: mandate
            .map(|m| m.label())
            .unwrap_or_else(|| report.mandate.clone()),
        last_run_date: loaded.current.as_ref().and_then(|r| r.finished_at),
        data_lake_search_url: None,
        requirements,
        state: report_state(report),
        error_count: counts.error,
        not_applicable_count: counts.not_applicable,
        manual_count: counts.manual,
        resources_count: summary.as_ref().map(|s| s.resources).unwrap_or(0),
        controls,
        collection_errors: summary.map(|s| s.collection_errors).unwrap_or_default(),
        last_run_state: report.latest_run.as_ref().map(|r| r.state.as_str()),
        last_run_error: report.latest_run.as_ref().and_then(|r| r.error.clone()),
    }))
}

#[utoipa::path(delete, path = "/cspm/report/{id}", params(("id" = i64, Path, description = "The report id")),
    responses((status = 200, description = "Deleted"), (status = 404, body = crate::error::ErrorBody)),
    tag = "reports")]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require_admin()?;
    let tenant = caller.tenant();
    state.db(move |s| s.delete_report(tenant, id)).await?;
    Ok(Json(json!({ "message": format!("report {id} deleted") })))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControlResourceView {
    pub resource_id: String,
    pub resource_name: String,
    pub resource_type: String,
    pub region: String,
    pub status: String,
    /// posture: the resource's number for `/cspm/resources/{id}`, and why
    /// it failed or could not be checked.
    pub id: i64,
    pub message: Option<String>,
}

#[utoipa::path(get, path = "/cspm/report/{id}/control/{controlId}/resources",
    params(("id" = i64, Path, description = "The report id"), ("controlId" = u32, Path, description = "The control's CID")),
    responses((status = 200, body = [ControlResourceView]), (status = 404, body = crate::error::ErrorBody)),
    tag = "reports")]
pub async fn control_resources(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, control_id)): ApiPath<(i64, String)>,
) -> ApiResult<Json<Vec<ControlResourceView>>> {
    let cid = state
        .catalog
        .control(&control_id)
        .ok_or_else(|| ApiError::not_found("control"))?
        .cid
        .0;
    let tenant = caller.tenant();
    let rows = state
        .db(move |s| s.control_resources(tenant, id, cid))
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ControlResourceView {
                resource_id: r.resource_id,
                resource_name: r.name,
                resource_type: r.kind,
                region: r.region,
                status: r.status.to_string(),
                id: r.resource,
                message: r.message,
            })
            .collect(),
    ))
}
