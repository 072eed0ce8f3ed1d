//! One report run: collect the kinds the mandate needs (or take the
//! connector's uploaded inventory), evaluate, stage resources and
//! evaluations, and publish them in one transaction. Until publication the
//! report shows its previous results; a failed run leaves them in place,
//! and an interrupted one is retried from scratch by the next worker.

use super::collect_cloud::collect_to_file;
use super::connect::connect;
use super::{JobError, JobResult, MAX_ATTEMPTS};
use crate::state::AppState;
use crate::summary::RunSummary;
use posture_engine::{Options, Report, Selection};
use posture_inventory::{InventoryReader, parse_resource};
use posture_model::Provider;
use posture_store::{
    Connector, ConnectorState, ControlOutcome, Job, RunEvaluation, RunOutcome, RunResource,
    RunState, StateChange,
};
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Rows per staging write.
const BATCH: usize = 2000;

pub async fn run(state: &AppState, job: &Job) -> JobResult {
    let run_id = job.subject;
    let (tenant, run) = state.db(move |s| s.run_for_job(run_id)).await?;
    if matches!(run.state, RunState::Succeeded | RunState::Failed) {
        return Ok(());
    }
    if job.attempt > MAX_ATTEMPTS {
        let at = state.now();
        let error = format!("gave up after {MAX_ATTEMPTS} interrupted attempts");
        state.db(move |s| s.fail_run(run_id, &error, at)).await?;
        return Err(JobError(format!("run {run_id}: gave up")));
    }
    // A retry starts clean: whatever an interrupted attempt staged goes.
    state
        .db(move |s| {
            s.clear_run_staging(run_id)?;
            s.mark_run_running(run_id)
        })
        .await?;
    match execute(state, tenant, run.report, run_id).await {
        Ok(()) => Ok(()),
        Err(e) => {
            let at = state.now();
            let message = e.0.clone();
            state.db(move |s| s.fail_run(run_id, &message, at)).await?;
            Err(e)
        }
    }
}

async fn execute(
    state: &AppState,
    tenant: posture_store::TenantId,
    report_id: i64,
    run_id: i64,
) -> JobResult {
    let report = state.db(move |s| s.report(tenant, report_id)).await?;
    let connector_id = report.connector;
    let connector = state.db(move |s| s.connector(tenant, connector_id)).await?;
    let catalog = std::sync::Arc::clone(&state.catalog);
    let mandate = catalog
        .mandates
        .iter()
        .find(|m| m.id == report.mandate)
        .ok_or_else(|| {
            JobError(format!(
                "mandate {} is no longer in the catalogue",
                report.mandate
            ))
        })?;
    let provider = report.provider;
    let kinds = Selection::mandate(&catalog, mandate, provider)
        .kinds()
        .into_iter()
        .cloned()
        .collect();

    let spool = tempfile::Builder::new()
        .prefix(&format!("run-{run_id}-"))
        .suffix(".jsonl")
        .tempfile_in(ensure_dir(&state.config.spool_dir())?)
        .map_err(|e| JobError(format!("creating the run's inventory spool: {e}")))?;
    let inventory: PathBuf = if connector.offline {
        let path = crate::offline::inventory_path(&state.config, tenant, connector.id);
        if !path.exists() {
            return Err(JobError(
                "no inventory has been uploaded to this offline connector yet".into(),
            ));
        }
        path
    } else {
        collect(state, &connector, kinds, spool.path()).await?;
        spool.path().to_path_buf()
    };

    let now = state.now();
    let evaluated = {
        let catalog = std::sync::Arc::clone(&state.catalog);
        let mandate_id = report.mandate.clone();
        let path = inventory.clone();
        tokio::task::spawn_blocking(move || evaluate(&catalog, &mandate_id, provider, &path, now))
            .await
            .map_err(|e| JobError(format!("evaluation task: {e}")))??
    };
    let report_result = evaluated;
    let cid = |position: usize| catalog.controls[position].cid.0;
    // Staging reads the inventory once more for the resources' details,
    // and counts them on the way.
    let total_assets = stage(state, run_id, &report_result, &cid, &inventory, provider).await?;

    let outcome = RunOutcome {
        finished_at: state.now(),
        controls: report_result
            .controls
            .iter()
            .map(|c| ControlOutcome {
                cid: cid(c.control),
                status: c.status,
                pass: c.counts.pass as i64,
                fail: c.counts.fail as i64,
                error: c.counts.error as i64,
            })
            .collect(),
        summary: serde_json::to_value(RunSummary::of(&report_result))
            .map_err(|e| JobError(format!("serializing the run summary: {e}")))?,
        total_assets: total_assets as i64,
    };
    let finished_at = outcome.finished_at;
    state.db(move |s| s.publish_run(run_id, &outcome)).await?;
    let change = StateChange {
        state: ConnectorState::Online,
        error: None,
        error_message: None,
        at: finished_at,
        synced: true,
        total_assets: Some(total_assets as i64),
    };
    // The connector may have been deleted meanwhile; its results went with it.
    let _ = state
        .db(move |s| s.set_connector_state(tenant, connector_id, &change))
        .await;
    tracing::info!(
        run = run_id,
        report = report_id,
        resources = total_assets,
        "run published"
    );
    Ok(())
}

fn ensure_dir(dir: &Path) -> Result<&Path, JobError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| JobError(format!("creating {}: {e}", dir.display())))?;
    Ok(dir)
}

async fn collect(
    state: &AppState,
    connector: &Connector,
    kinds: std::collections::BTreeSet<posture_model::ResourceKind>,
    out: &Path,
) -> JobResult {
    let session = connect(state, connector).await.map_err(|f| {
        JobError(format!(
            "connecting to {}: {}",
            connector.provider.api_name(),
            f.message
        ))
    })?;
    let regions = match connector.provider {
        Provider::Aws => {
            (!state.config.aws_regions.is_empty()).then(|| state.config.aws_regions.clone())
        }
        Provider::Azure | Provider::Gcp => None,
    };
    collect_to_file(
        session,
        kinds,
        regions,
        state.config.collect_concurrency,
        out,
    )
    .await
    .map_err(JobError)?;
    Ok(())
}

fn evaluate(
    catalog: &posture_catalog::Catalog,
    mandate_id: &str,
    provider: Provider,
    path: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Report, JobError> {
    let mandate = catalog
        .mandates
        .iter()
        .find(|m| m.id == mandate_id)
        .ok_or_else(|| JobError(format!("mandate {mandate_id} is not in the catalogue")))?;
    let selection = Selection::mandate(catalog, mandate, provider);
    let open = || {
        File::open(path)
            .map(BufReader::new)
            .map_err(|e| JobError(format!("opening the inventory: {e}")))
    };
    let reader = InventoryReader::open(open()?)
        .map_err(|e| JobError(format!("reading the inventory: {e}")))?;
    let report = posture_engine::evaluate(reader, &selection, &Options::at(now))
        .map_err(|e| JobError(format!("evaluating: {e}")))?;
    Ok(report)
}

/// Stages the evaluated resources (with their configuration from the
/// inventory) and their evaluations.
async fn stage(
    state: &AppState,
    run_id: i64,
    report: &Report,
    cid: &(dyn Fn(usize) -> u32 + Sync),
    inventory: &Path,
    provider: Provider,
) -> Result<usize, JobError> {
    let account = report.header.account_id.clone();
    let index: HashMap<(String, String), u32> = report
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                (r.resource_type.to_string(), r.resource_id.clone()),
                i as u32,
            )
        })
        .collect();
    let mut details: HashMap<u32, serde_json::Value> = HashMap::new();
    let mut total = 0usize;
    {
        let file =
            File::open(inventory).map_err(|e| JobError(format!("opening the inventory: {e}")))?;
        let mut reader = InventoryReader::open(BufReader::new(file))
            .map_err(|e| JobError(format!("reading the inventory: {e}")))?;
        let header = reader.header().clone();
        while let Some(line) = reader
            .next_line()
            .map_err(|e| JobError(format!("reading the inventory: {e}")))?
        {
            let resource = parse_resource(&line, &header)
                .map_err(|e| JobError(format!("reading the inventory: {e}")))?;
            total += 1;
            if let Some(&i) = index.get(&(resource.kind.to_string(), resource.id.clone())) {
                details.insert(i, serde_json::Value::Object(resource.config));
            }
        }
    }
    let mut rows: Vec<RunResource> = report
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| RunResource {
            index: i as u32,
            provider,
            cloud_account: account.clone(),
            resource_id: r.resource_id.clone(),
            kind: r.resource_type.to_string(),
            name: r.resource_name.clone(),
            region: r.region.clone(),
            details: details
                .remove(&(i as u32))
                .unwrap_or(serde_json::Value::Null),
        })
        .collect();
    while !rows.is_empty() {
        let batch: Vec<RunResource> = rows.drain(..rows.len().min(BATCH)).collect();
        state
            .db(move |s| s.put_run_resources(run_id, &batch))
            .await?;
    }
    let mut evaluations: Vec<RunEvaluation> = report
        .controls
        .iter()
        .flat_map(|c| {
            c.evaluations.iter().map(move |e| RunEvaluation {
                resource: e.resource,
                cid: cid(c.control),
                status: e.status,
                message: report.message(e).map(str::to_string),
            })
        })
        .collect();
    while !evaluations.is_empty() {
        let batch: Vec<RunEvaluation> = evaluations.drain(..evaluations.len().min(BATCH)).collect();
        state
            .db(move |s| s.put_run_evaluations(run_id, &batch))
            .await?;
    }
    Ok(total)
}
