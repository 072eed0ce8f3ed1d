//! `/cspm/summary` (connectors and assets at a glance) and `/cspm/usage`
//! (connectors active per day, and per calendar month: the billing basis),
//! computed from the connectors' state history.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use posture_model::Provider;
use posture_store::ConnectorState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSummary {
    pub total_connectors: usize,
    pub active_connectors: usize,
    pub total_assets: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub total_connectors: usize,
    /// Connectors Online now.
    pub active_connectors: usize,
    pub total_assets: i64,
    /// Keyed AWS, Azure, GCP.
    pub by_provider: BTreeMap<&'static str, ProviderSummary>,
}

#[utoipa::path(get, path = "/cspm/summary", responses((status = 200, body = Summary)), tag = "summary")]
pub async fn summary(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Summary>> {
    let tenant = caller.tenant();
    let connectors = state.db(move |s| s.connectors(tenant, None)).await?;
    let mut by_provider: BTreeMap<&'static str, ProviderSummary> = Provider::ALL
        .iter()
        .map(|p| (p.api_name(), ProviderSummary::default()))
        .collect();
    for c in &connectors {
        let entry = by_provider.entry(c.provider.api_name()).or_default();
        entry.total_connectors += 1;
        entry.total_assets += c.total_assets;
        if c.state == ConnectorState::Online {
            entry.active_connectors += 1;
        }
    }
    Ok(Json(Summary {
        total_connectors: connectors.len(),
        active_connectors: by_provider.values().map(|p| p.active_connectors).sum(),
        total_assets: by_provider.values().map(|p| p.total_assets).sum(),
        by_provider,
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct UsageQuery {
    /// YYYY-MM-DD; the first day of the current month when absent.
    pub start_date: Option<String>,
    /// YYYY-MM-DD, inclusive; today when absent.
    pub end_date: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DayUsageView {
    pub date: NaiveDate,
    pub assets_count: i64,
    /// Connectors that were Online at some time that day.
    pub connectors_count: i64,
}

/// The longest usage range one request answers.
const MAX_DAYS: i64 = 400;

fn date(field: &'static str, value: Option<&str>, default: NaiveDate) -> ApiResult<NaiveDate> {
    match value {
        None | Some("") => Ok(default),
        Some(v) => {
            // Accept a full timestamp too; only its date counts.
            let day = v.get(..10).unwrap_or(v);
            NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
                ApiError::field(
                    field,
                    format!("{field}: expected a date as YYYY-MM-DD, got {v:?}"),
                )
            })
        }
    }
}

pub fn range(state: &AppState, query: &UsageQuery) -> ApiResult<(NaiveDate, NaiveDate)> {
    let today = state.now().date_naive();
    let first = today.with_day(1).unwrap_or(today);
    let start = date("startDate", query.start_date.as_deref(), first)?;
    let end = date("endDate", query.end_date.as_deref(), today)?;
    if end < start {
        return Err(ApiError::field(
            "endDate",
            "endDate: must not be before startDate",
        ));
    }
    if (end - start).num_days() >= MAX_DAYS {
        return Err(ApiError::field(
            "endDate",
            format!("endDate: at most {MAX_DAYS} days per request"),
        ));
    }
    Ok((start, end))
}

#[utoipa::path(get, path = "/cspm/usage", params(UsageQuery),
    responses((status = 200, body = [DayUsageView]), (status = 400, body = crate::error::ErrorBody)),
    tag = "summary")]
pub async fn usage(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> ApiResult<Json<Vec<DayUsageView>>> {
    let (start, end) = range(&state, &query)?;
    let tenant = caller.tenant();
    let history = state.db(move |s| s.state_history(tenant)).await?;
    Ok(Json(
        posture_store::usage::daily(&history, start, end)
            .into_iter()
            .map(|d| DayUsageView {
                date: d.date,
                assets_count: d.assets,
                connectors_count: d.connectors,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonthUsageView {
    /// YYYY-MM.
    pub month: String,
    /// Connectors active on at least one day of the month: what is billed.
    pub connectors_count: i64,
}

/// posture: connectors active per calendar month, the billing basis.
#[utoipa::path(get, path = "/cspm/usage/monthly", params(UsageQuery),
    responses((status = 200, body = [MonthUsageView]), (status = 400, body = crate::error::ErrorBody)),
    tag = "summary")]
pub async fn monthly(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> ApiResult<Json<Vec<MonthUsageView>>> {
    let (start, end) = range(&state, &query)?;
    let tenant = caller.tenant();
    let history = state.db(move |s| s.state_history(tenant)).await?;
    Ok(Json(
        posture_store::usage::monthly(&history, start, end)
            .into_iter()
            .map(|m| MonthUsageView {
                month: format!("{:04}-{:02}", m.year, m.month),
                connectors_count: m.connectors,
            })
            .collect(),
    ))
}
