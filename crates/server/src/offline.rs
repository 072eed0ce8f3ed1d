//! Offline connectors, for air-gapped estates: their inventories are
//! uploaded (`posture collect` output) instead of collected. An upload is
//! checked line by line before it replaces the previous one, so a bad file
//! changes nothing.

use crate::auth::Caller;
use crate::config::ServerConfig;
use crate::error::{ApiError, ApiResult};
use crate::extract::read_body;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Request, State};
use posture_inventory::{InventoryReader, parse_resource};
use posture_store::{ConnectorState, StateChange, TenantId};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Where a connector's current inventory lives.
pub fn inventory_path(config: &ServerConfig, tenant: TenantId, connector: i64) -> PathBuf {
    config
        .inventories_dir()
        .join(tenant.0.to_string())
        .join(format!("{connector}.jsonl"))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Uploaded {
    pub message: String,
    pub resources: usize,
    pub collection_errors: usize,
}

/// Replaces an offline connector's inventory with the uploaded one.
#[utoipa::path(post, path = "/cspm/connector/{id}/inventory",
    params(("id" = i64, Path, description = "The offline connector's id")),
    request_body(content = String, content_type = "application/x-ndjson",
        description = "A posture inventory (JSON Lines), as `posture collect` writes it"),
    responses((status = 200, body = Uploaded), (status = 400, body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody)),
    tag = "connectors")]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    crate::extract::ApiPath(id): crate::extract::ApiPath<i64>,
    request: Request,
) -> ApiResult<Json<Uploaded>> {
    caller.require_admin()?;
    let tenant = caller.tenant();
    let connector = state.db(move |s| s.connector(tenant, id)).await?;
    if !connector.offline {
        return Err(ApiError::Conflict(
            "this connector collects from the cloud; inventories are uploaded to offline connectors".into(),
        ));
    }
    let body = read_body(request, &state).await?;
    let target = inventory_path(&state.config, tenant, id);
    let provider = connector.provider;
    let scope = connector.scope.clone();
    let (resources, errors) = tokio::task::spawn_blocking(move || {
        let (resources, errors) = check_inventory(&body, provider, &scope)?;
        replace_file(&target, &body)?;
        Ok::<_, ApiError>((resources, errors))
    })
    .await
    .map_err(|e| ApiError::internal("upload task", e))??;
    let change = StateChange {
        state: ConnectorState::Online,
        error: None,
        error_message: None,
        at: state.now(),
        synced: true,
        total_assets: Some(resources as i64),
    };
    state
        .db(move |s| s.set_connector_state(tenant, id, &change))
        .await?;
    Ok(Json(Uploaded {
        message: format!("inventory of {resources} resources stored; run a report to evaluate it"),
        resources,
        collection_errors: errors,
    }))
}

/// Reads the whole inventory as the engine will; any bad line refuses it.
pub fn check_inventory(
    body: &[u8],
    provider: posture_model::Provider,
    scope: &str,
) -> ApiResult<(usize, usize)> {
    let bad = |e: posture_inventory::InventoryError| {
        ApiError::field("inventory", format!("inventory: {e}"))
    };
    let mut reader = InventoryReader::open(body).map_err(bad)?;
    let header = reader.header().clone();
    if header.provider != provider {
        return Err(ApiError::field(
            "inventory",
            format!(
                "inventory: it describes {}, but the connector is {}",
                header.provider.api_name(),
                provider.api_name()
            ),
        ));
    }
    if header.account_id != scope {
        return Err(ApiError::field(
            "inventory",
            format!(
                "inventory: it describes account {}, but the connector is for {scope}",
                header.account_id
            ),
        ));
    }
    let mut resources = 0;
    while let Some(line) = reader.next_line().map_err(bad)? {
        parse_resource(&line, &header).map_err(bad)?;
        resources += 1;
    }
    Ok((resources, header.errors.len()))
}

/// Writes beside the target and renames over it: readers see the old file
/// or the new one, never half of one.
pub fn replace_file(target: &std::path::Path, bytes: &[u8]) -> ApiResult<()> {
    let dir = target
        .parent()
        .ok_or_else(|| ApiError::internal("storing the inventory", "no parent directory"))?;
    std::fs::create_dir_all(dir).map_err(|e| ApiError::internal("storing the inventory", e))?;
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| ApiError::internal("storing the inventory", e))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| ApiError::internal("storing the inventory", e))?;
    file.persist(target)
        .map_err(|e| ApiError::internal("storing the inventory", e.error))?;
    Ok(())
}
