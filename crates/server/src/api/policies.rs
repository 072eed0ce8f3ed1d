//! `/cspm/policies`, `/cspm/policy/{id}/controls`,
//! `/cspm/control/{controlId}/remediation`, and posture's `/cspm/mandates`:
//! the catalogue as the API shows it. Read-only, the same for every tenant.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use posture_model::Provider;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProviderQuery {
    /// AWS, Azure or GCP; all when absent.
    pub provider: Option<String>,
}

pub fn provider_filter(value: Option<&str>) -> ApiResult<Option<Provider>> {
    provider_field("provider", value)
}

/// A provider named by `field`; empty means none.
pub fn provider_field(field: &str, value: Option<&str>) -> ApiResult<Option<Provider>> {
    match value {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            ApiError::field(
                field,
                format!("{field}: expected AWS, Azure or GCP, got {v:?}"),
            )
        }),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyView {
    pub id: u32,
    pub name: String,
    pub description: String,
    pub provider: &'static str,
    pub controls_count: usize,
    /// posture: the policy's stable slug.
    pub slug: String,
}

#[utoipa::path(get, path = "/cspm/policies", params(ProviderQuery),
    responses((status = 200, body = [PolicyView])), tag = "policies")]
pub async fn policies(
    State(state): State<AppState>,
    _caller: Caller,
    ApiQuery(query): ApiQuery<ProviderQuery>,
) -> ApiResult<Json<Vec<PolicyView>>> {
    let provider = provider_filter(query.provider.as_deref())?;
    Ok(Json(
        state
            .catalog
            .policies
            .iter()
            .filter(|p| provider.is_none_or(|want| p.provider == want))
            .map(|p| PolicyView {
                id: p.id,
                name: p.name.clone(),
                description: p.description.clone(),
                provider: p.provider.api_name(),
                controls_count: p.controls.len(),
                slug: p.slug.clone(),
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyControl {
    pub control_id: u32,
    pub control_name: String,
    pub description: String,
    pub severity: String,
    pub remediation_available: bool,
    /// posture: the control's slug and resource kind.
    pub slug: String,
    pub resource_type: String,
}

#[utoipa::path(get, path = "/cspm/policy/{id}/controls",
    params(("id" = u32, Path, description = "The policy id")),
    responses((status = 200, body = [PolicyControl]), (status = 404, body = crate::error::ErrorBody)),
    tag = "policies")]
pub async fn policy_controls(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Vec<PolicyControl>>> {
    let policy = id
        .parse::<u32>()
        .ok()
        .and_then(|id| state.catalog.policies.iter().find(|p| p.id == id))
        .or_else(|| state.catalog.policies.iter().find(|p| p.slug == id))
        .ok_or_else(|| ApiError::not_found("policy"))?;
    Ok(Json(
        policy
            .controls
            .iter()
            .map(|&i| {
                let c = &state.catalog.controls[i];
                PolicyControl {
                    control_id: c.cid.0,
                    control_name: c.title.clone(),
                    description: c.rationale.clone(),
                    severity: c.severity.to_string(),
                    remediation_available: !c.remediation.console.is_empty()
                        || !c.remediation.cli.is_empty(),
                    slug: c.id.clone(),
                    resource_type: c.kind.to_string(),
                }
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemediationView {
    pub control_id: u32,
    pub control_name: String,
    pub severity: String,
    /// posture: why the control matters.
    pub rationale: String,
    /// Console steps, then CLI, then infrastructure as code, as one text.
    pub remediation: String,
    pub console: String,
    pub cli: String,
    pub iac: String,
    pub references: Vec<String>,
}

#[utoipa::path(get, path = "/cspm/control/{controlId}/remediation",
    params(("controlId" = u32, Path, description = "The control's CID")),
    responses((status = 200, body = RemediationView), (status = 404, body = crate::error::ErrorBody)),
    tag = "policies")]
pub async fn remediation(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(control_id): ApiPath<String>,
) -> ApiResult<Json<RemediationView>> {
    let c = state
        .catalog
        .control(&control_id)
        .ok_or_else(|| ApiError::not_found("control"))?;
    let r = &c.remediation;
    let mut text = format!("Console:\n{}", r.console.trim());
    if !r.cli.is_empty() {
        text.push_str(&format!("\n\nCLI:\n{}", r.cli.trim()));
    }
    if !r.iac.is_empty() {
        text.push_str(&format!("\n\nInfrastructure as code:\n{}", r.iac.trim()));
    }
    Ok(Json(RemediationView {
        control_id: c.cid.0,
        control_name: c.title.clone(),
        severity: c.severity.to_string(),
        rationale: c.rationale.clone(),
        remediation: text,
        console: r.console.clone(),
        cli: r.cli.clone(),
        iac: r.iac.clone(),
        references: c.references.clone(),
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MandateView {
    /// The number report configurations take as `mandateId`.
    pub id: u32,
    pub slug: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub description: String,
    pub providers: Vec<&'static str>,
    pub requirements_count: usize,
    pub controls_count: usize,
    /// posture: the policies holding the mandate's controls (see
    /// `/cspm/policy/{id}/controls`).
    pub policy_ids: Vec<u32>,
}

/// posture: the mandates a report can check.
#[utoipa::path(get, path = "/cspm/mandates", params(ProviderQuery),
    responses((status = 200, body = [MandateView])), tag = "policies")]
pub async fn mandates(
    State(state): State<AppState>,
    _caller: Caller,
    ApiQuery(query): ApiQuery<ProviderQuery>,
) -> ApiResult<Json<Vec<MandateView>>> {
    let provider = provider_filter(query.provider.as_deref())?;
    Ok(Json(
        state
            .catalog
            .mandates
            .iter()
            .filter(|m| provider.is_none_or(|want| m.providers.contains(&want)))
            .map(|m| MandateView {
                id: m.mid,
                slug: m.id.clone(),
                name: m.name.clone(),
                version: m.version.clone(),
                publisher: m.publisher.clone(),
                description: m.description.clone(),
                providers: m.providers.iter().map(|p| p.api_name()).collect(),
                requirements_count: m.requirements.len(),
                controls_count: m.control_ids().len(),
                policy_ids: mandate_policies(&state.catalog, m),
            })
            .collect(),
    ))
}

/// The policies holding at least one of the mandate's controls.
fn mandate_policies(
    catalog: &posture_catalog::Catalog,
    mandate: &posture_catalog::Mandate,
) -> Vec<u32> {
    let wanted: std::collections::HashSet<&str> = mandate.control_ids().into_iter().collect();
    catalog
        .policies
        .iter()
        .filter(|p| {
            p.controls.iter().any(|&i| {
                let c = &catalog.controls[i];
                wanted.contains(c.id.as_str()) || wanted.contains(c.cid.to_string().as_str())
            })
        })
        .map(|p| p.id)
        .collect()
}
