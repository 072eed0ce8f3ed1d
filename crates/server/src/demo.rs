//! `posture serve --demo`: a demo tenant with an offline AWS connector
//! holding the bundled sample estate and a report per AWS mandate, runs
//! queued, so a newcomer sees a populated portal at once. Azure and GCP
//! samples join when their catalogues exist.

use crate::admin::{AdminError, Credentials, create_tenant, create_user};
use crate::offline::{check_inventory, inventory_path, replace_file};
use crate::state::AppState;
use posture_model::Provider;
use posture_store::{ConnectorState, NewConnector, NewReport, Role, StateChange, StoreError};

/// The bundled AWS sample inventory (examples/aws-sample.jsonl).
pub const AWS_SAMPLE: &[u8] = include_bytes!("../../../examples/aws-sample.jsonl");
pub const DEMO_TENANT: &str = "demo";
pub const DEMO_EMAIL: &str = "demo@posture.local";
const AWS_SAMPLE_ACCOUNT: &str = "123456789012";

/// Loads the demo tenant; `None` when it exists already.
pub fn load(state: &AppState) -> Result<Option<Credentials>, AdminError> {
    let store = state.store.as_ref();
    let now = state.now();
    match store.tenant_by_name(DEMO_TENANT) {
        Ok(_) => return Ok(None),
        Err(StoreError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let tenant = create_tenant(store, DEMO_TENANT, now)?;
    let credentials = create_user(store, DEMO_TENANT, DEMO_EMAIL, Role::Admin, now)?;
    let uuid = uuid::Uuid::new_v4().to_string();
    let connector = store.create_connector(&NewConnector {
        tenant: tenant.id,
        uuid,
        provider: Provider::Aws,
        scope: AWS_SAMPLE_ACCOUNT.into(),
        name: "Northwind Analytics (sample)".into(),
        description: "The bundled sample estate, uploaded as an offline inventory".into(),
        settings: serde_json::json!({}),
        secret: None,
        offline: true,
        created_at: now,
    })?;
    let (resources, _) = check_inventory(AWS_SAMPLE, Provider::Aws, AWS_SAMPLE_ACCOUNT)
        .map_err(|e| AdminError::Invalid(format!("the bundled sample: {e:?}")))?;
    replace_file(
        &inventory_path(&state.config, tenant.id, connector.id),
        AWS_SAMPLE,
    )
    .map_err(|e| AdminError::Invalid(format!("storing the sample: {e:?}")))?;
    store.set_connector_state(
        tenant.id,
        connector.id,
        &StateChange {
            state: ConnectorState::Online,
            error: None,
            error_message: None,
            at: now,
            synced: true,
            total_assets: Some(resources as i64),
        },
    )?;
    for mandate in state
        .catalog
        .mandates
        .iter()
        .filter(|m| m.providers.contains(&Provider::Aws))
    {
        let report = store.create_report(&NewReport {
            tenant: tenant.id,
            title: format!("{} (sample)", mandate.name),
            description: format!("{} on the sample estate", mandate.label()),
            provider: Provider::Aws,
            mandate: mandate.id.clone(),
            mandate_mid: mandate.mid,
            connector: connector.id,
            policies: Vec::new(),
            format: "json".into(),
            report_type: "compliance".into(),
            created_at: now,
        })?;
        store.request_run(tenant.id, report.id, now, state.config.min_run_interval)?;
    }
    state.jobs.notify_one();
    Ok(Some(credentials))
}
