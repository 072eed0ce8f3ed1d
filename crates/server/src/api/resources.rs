//! `/cspm/resources`: resources found by report runs, with filters,
//! search, sorting and paging, the summary figures of the current filter,
//! and one resource's details and evaluations across every report.

use crate::api::policies::provider_filter;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use posture_model::Status;
use posture_store::{EvaluationQuery, ResourceQuery, ResourceRow, ResourceSort, ResourceTotals};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Largest page of resources or evaluations.
pub const MAX_PAGE: u64 = 100;
const DEFAULT_PAGE: u64 = 25;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ResourceListQuery {
    pub provider: Option<String>,
    pub cloud_account_id: Option<String>,
    pub resource_type: Option<String>,
    /// Case-insensitive substring of type, name or id.
    pub search: Option<String>,
    /// name, type, cloudAccountId, region, dateDiscovered, dateLastFound, failed.
    pub sort: Option<String>,
    /// asc or desc.
    pub order: Option<String>,
    /// Page size, 1 to 100.
    pub top: Option<u64>,
    pub skip: Option<u64>,
}

impl ResourceListQuery {
    pub fn to_store(&self, max_top: u64) -> ApiResult<ResourceQuery> {
        let sort = match self.sort.as_deref() {
            None | Some("") | Some("name") => ResourceSort::Name,
            Some("type") | Some("resourceType") => ResourceSort::Kind,
            Some("cloudAccountId") => ResourceSort::CloudAccount,
            Some("region") => ResourceSort::Region,
            Some("dateDiscovered") => ResourceSort::DateDiscovered,
            Some("dateLastFound") => ResourceSort::DateLastFound,
            Some("failed") => ResourceSort::Failed,
            Some(other) => {
                return Err(ApiError::field(
                    "sort",
                    format!(
                        "sort: expected name, type, cloudAccountId, region, dateDiscovered, dateLastFound or failed, got {other:?}"
                    ),
                ));
            }
        };
        let descending = match self.order.as_deref() {
            None | Some("") | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(ApiError::field(
                    "order",
                    format!("order: expected asc or desc, got {other:?}"),
                ));
            }
        };
        let top = page_size(self.top, max_top)?;
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(ResourceQuery {
            provider: provider_filter(self.provider.as_deref())?,
            cloud_account: text(&self.cloud_account_id),
            kind: text(&self.resource_type),
            search: text(&self.search),
            sort,
            descending,
            skip: self.skip.unwrap_or(0),
            top,
        })
    }
}

pub fn page_size(top: Option<u64>, max: u64) -> ApiResult<u64> {
    match top {
        None => Ok(DEFAULT_PAGE.min(max)),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::field(
            "top",
            format!("top: expected 1 to {max}, got {n}"),
        )),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationBrief {
    pub control_id: u32,
    pub status: String,
    pub evaluated_on: DateTime<Utc>,
    /// posture: the report it belongs to.
    pub report_id: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceItem {
    pub id: i64,
    /// The cloud's own id (ARN, resource ID, resource name).
    pub account_id: String,
    pub resource_name: String,
    pub resource_type: String,
    pub cloud_account_id: String,
    pub region: String,
    pub provider: &'static str,
    pub date_discovered: DateTime<Utc>,
    pub date_last_found: DateTime<Utc>,
    pub resource_evaluation: Vec<EvaluationBrief>,
    /// posture: failed and passed evaluations in current report results.
    pub failed: i64,
    pub passed: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotalsView {
    pub controls_failed: i64,
    pub controls_passed: i64,
    pub total_resources: i64,
    pub accounts_monitored: i64,
}

impl From<ResourceTotals> for TotalsView {
    fn from(t: ResourceTotals) -> Self {
        TotalsView {
            controls_failed: t.controls_failed,
            controls_passed: t.controls_passed,
            total_resources: t.resources,
            accounts_monitored: t.accounts,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceList {
    pub total: u64,
    pub data: Vec<ResourceItem>,
}

pub fn item(row: ResourceRow, evaluations: Vec<EvaluationBrief>) -> ResourceItem {
    ResourceItem {
        id: row.id,
        account_id: row.resource_id,
        resource_name: row.name,
        resource_type: row.kind,
        cloud_account_id: row.cloud_account,
        region: row.region,
        provider: row.provider.api_name(),
        date_discovered: row.first_discovered,
        date_last_found: row.last_found,
        resource_evaluation: evaluations,
        failed: row.failed,
        passed: row.passed,
    }
}

#[utoipa::path(get, path = "/cspm/resources", params(ResourceListQuery),
    responses((status = 200, body = ResourceList), (status = 400, body = crate::error::ErrorBody)),
    tag = "resources")]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ResourceListQuery>,
) -> ApiResult<Json<ResourceList>> {
    let tenant = caller.tenant();
    let query = query.to_store(MAX_PAGE)?;
    let page = state.db(move |s| s.resources(tenant, &query)).await?;
    let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    let evaluations = state.db(move |s| s.evaluations_of(tenant, &ids)).await?;
    let mut by_resource: HashMap<i64, Vec<EvaluationBrief>> = HashMap::new();
    for (id, e) in evaluations {
        by_resource.entry(id).or_default().push(EvaluationBrief {
            control_id: e.cid,
            status: e.status.to_string(),
            evaluated_on: e.evaluated_on,
            report_id: e.report,
        });
    }
    Ok(Json(ResourceList {
        total: page.total,
        data: page
            .rows
            .into_iter()
            .map(|row| {
                let evaluations = by_resource.remove(&row.id).unwrap_or_default();
                item(row, evaluations)
            })
            .collect(),
    }))
}

/// posture: the summary figures for the list's current filter.
#[utoipa::path(get, path = "/cspm/resources/summary", params(ResourceListQuery),
    responses((status = 200, body = TotalsView)), tag = "resources")]
pub async fn summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ResourceListQuery>,
) -> ApiResult<Json<TotalsView>> {
    let tenant = caller.tenant();
    let query = query.to_store(MAX_PAGE)?;
    let totals = state.db(move |s| s.resource_totals(tenant, &query)).await?;
    Ok(Json(totals.into()))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDetails {
    pub id: i64,
    pub resource_name: String,
    pub resource_type: String,
    /// The normalized configuration the controls checked.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// posture additions.
    pub resource_id: String,
    pub cloud_account_id: String,
    pub region: String,
    pub provider: &'static str,
    pub date_discovered: DateTime<Utc>,
    pub date_last_found: DateTime<Utc>,
    pub failed: i64,
    pub passed: i64,
}

/// One resource; answered as a one-element list, as the reference does.
#[utoipa::path(get, path = "/cspm/resources/{id}", params(("id" = i64, Path, description = "The resource number")),
    responses((status = 200, body = [ResourceDetails]), (status = 404, body = crate::error::ErrorBody)),
    tag = "resources")]
pub async fn details(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ResourceDetails>>> {
    let tenant = caller.tenant();
    let (row, details) = state.db(move |s| s.resource(tenant, id)).await?;
    Ok(Json(vec![ResourceDetails {
        id: row.id,
        resource_name: row.name,
        resource_type: row.kind,
        details,
        resource_id: row.resource_id,
        cloud_account_id: row.cloud_account,
        region: row.region,
        provider: row.provider.api_name(),
        date_discovered: row.first_discovered,
        date_last_found: row.last_found,
        failed: row.failed,
        passed: row.passed,
    }]))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationListQuery {
    /// PASS, FAIL or ERROR.
    pub result: Option<String>,
    pub report_id: Option<i64>,
    /// Case-insensitive substring of the control's CID or the report title.
    pub search: Option<String>,
    /// Page size, 1 to 100.
    pub top: Option<u64>,
    pub skip: Option<u64>,
}

impl EvaluationListQuery {
    pub fn to_store(&self) -> ApiResult<EvaluationQuery> {
        let status = match self.result.as_deref() {
            None | Some("") => None,
            Some(v) => Some(v.parse::<Status>().map_err(|_| {
                ApiError::field(
                    "result",
                    format!("result: expected PASS, FAIL or ERROR, got {v:?}"),
                )
            })?),
        };
        Ok(EvaluationQuery {
            status,
            report: self.report_id,
            search: self
                .search
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            skip: self.skip.unwrap_or(0),
            top: page_size(self.top, MAX_PAGE)?,
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationView {
    pub control_id: u32,
    pub control_name: String,
    pub severity: String,
    pub remediation_available: bool,
    pub report_id: i64,
    pub report_name: String,
    pub evaluated_on: DateTime<Utc>,
    pub result: String,
    pub message: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationList {
    pub total: u64,
    pub data: Vec<EvaluationView>,
}

pub fn evaluation_view(state: &AppState, e: posture_store::ResourceEvaluation) -> EvaluationView {
    let control = state.catalog.control(&e.cid.to_string());
    EvaluationView {
        control_id: e.cid,
        control_name: control.map(|c| c.title.clone()).unwrap_or_default(),
        severity: control.map(|c| c.severity.to_string()).unwrap_or_default(),
        remediation_available: control.is_some_and(|c| !c.remediation.console.is_empty()),
        report_id: e.report,
        report_name: e.report_title,
        evaluated_on: e.evaluated_on,
        result: e.status.to_string(),
        message: e.message,
    }
}

/// posture: a resource's evaluations across every report, filtered and paged.
#[utoipa::path(get, path = "/cspm/resources/{id}/evaluations",
    params(("id" = i64, Path, description = "The resource number"), EvaluationListQuery),
    responses((status = 200, body = EvaluationList), (status = 404, body = crate::error::ErrorBody)),
    tag = "resources")]
pub async fn evaluations(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<EvaluationListQuery>,
) -> ApiResult<Json<EvaluationList>> {
    let tenant = caller.tenant();
    let query = query.to_store()?;
    let (total, rows) = state
        .db(move |s| s.resource_evaluations(tenant, id, &query))
        .await?;
    Ok(Json(EvaluationList {
        total,
        data: rows
            .into_iter()
            .map(|e| evaluation_view(&state, e))
            .collect(),
    }))
}

/// posture: the values the list's filters can take.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FacetsView {
    /// AWS, Azure, GCP: the providers of listed resources.
    pub providers: Vec<&'static str>,
    pub cloud_account_ids: Vec<String>,
    pub resource_types: Vec<String>,
}

/// posture: the providers, cloud accounts and resource types the tenant's
/// resources hold, for the list's filter menus.
#[utoipa::path(get, path = "/cspm/resources/facets",
    responses((status = 200, body = FacetsView)), tag = "resources")]
pub async fn facets(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<FacetsView>> {
    let tenant = caller.tenant();
    let facets = state.db(move |s| s.resource_facets(tenant)).await?;
    Ok(Json(FacetsView {
        providers: facets.providers.iter().map(|p| p.api_name()).collect(),
        cloud_account_ids: facets.cloud_accounts,
        resource_types: facets.kinds,
    }))
}
