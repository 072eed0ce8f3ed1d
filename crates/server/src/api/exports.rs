//! CSV exports, streamed as they are produced (RFC 4180, formula cells
//! neutralized): the report list with every column, the resource list for
//! the current filter, a resource's evaluations for the current selection,
//! and a report's results.

use crate::api::reports::list_items;
use crate::api::resources::{EvaluationListQuery, ResourceListQuery, evaluation_view};
use crate::auth::Caller;
use crate::csv_export::CsvRows;
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use posture_store::{Store, TenantId};
use std::sync::Arc;

/// Bytes buffered before a chunk is sent.
const CHUNK: usize = 64 * 1024;

/// Where rows go; `false` when the client went away.
pub type Sink<'a> = dyn FnMut(&[String]) -> bool + 'a;

/// Streams the rows `produce` emits as a CSV attachment.
pub fn stream_csv<F>(filename: &str, header: &'static [&'static str], produce: F) -> Response
where
    F: FnOnce(&mut Sink<'_>) -> Result<(), String> + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let mut csv = match CsvRows::chunked(header) {
            Ok(csv) => csv,
            Err(e) => {
                let _ = sender.blocking_send(Err(e));
                return;
            }
        };
        let mut failure: Option<std::io::Error> = None;
        let mut sink = |cells: &[String]| -> bool {
            if let Err(e) = csv.row(cells) {
                failure = Some(e);
                return false;
            }
            if csv.buffered_len() >= CHUNK {
                return match csv.take() {
                    Ok(chunk) => sender.blocking_send(Ok(chunk)).is_ok(),
                    Err(e) => {
                        failure = Some(e);
                        false
                    }
                };
            }
            true
        };
        let produced = produce(&mut sink).and_then(|()| match failure {
            Some(e) => Err(format!("writing CSV: {e}")),
            None => Ok(()),
        });
        match produced {
            Ok(()) => match csv.take() {
                Ok(chunk) => {
                    let _ = sender.blocking_send(Ok(chunk));
                }
                Err(e) => {
                    let _ = sender.blocking_send(Err(e));
                }
            },
            Err(e) => {
                // The status is sent already: abort the body so the client
                // sees a broken transfer, not a short file.
                tracing::error!(error = %e, "export failed midway");
                let _ = sender.blocking_send(Err(std::io::Error::other(e)));
            }
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

const REPORT_LIST: &[&str] = &[
    "Report ID",
    "Name",
    "Provider",
    "Mandate",
    "Connector",
    "State",
    "Pass",
    "Fail",
    "Pass %",
    "Fail %",
    "Last Run On",
    "Last Run State",
    "Type",
];

#[utoipa::path(get, path = "/cspm/report/list/export", params(crate::api::policies::ProviderQuery),
    responses((status = 200, content_type = "text/csv", body = String)), tag = "exports")]
pub async fn report_list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<crate::api::policies::ProviderQuery>,
) -> ApiResult<Response> {
    let provider = crate::api::policies::provider_filter(query.provider.as_deref())?;
    let items = list_items(&state, caller.tenant(), provider).await?;
    Ok(stream_csv("reports.csv", REPORT_LIST, move |sink| {
        for r in items {
            let row = [
                r.report_id.to_string(),
                r.title,
                r.cloud_type.to_string(),
                r.mandate_name,
                r.connector_name,
                r.state.to_string(),
                opt(r.pass_count),
                opt(r.fail_count),
                opt(r.pass_percent.map(|p| format!("{p:.1}"))),
                opt(r.fail_percent.map(|p| format!("{p:.1}"))),
                opt(r.last_run_date.map(|d| d.to_rfc3339())),
                opt(r.last_run_state),
                r.report_type,
            ];
            if !sink(&row) {
                break;
            }
        }
        Ok(())
    }))
}

const RESOURCES: &[&str] = &[
    "ID",
    "Type",
    "Name",
    "Resource ID",
    "Provider",
    "Cloud Account Id",
    "Region",
    "Date Discovered",
    "Last Found",
    "Failed",
    "Passed",
];

/// Every resource the filter matches (paging ignored).
#[utoipa::path(get, path = "/cspm/resources/export", params(ResourceListQuery),
    responses((status = 200, content_type = "text/csv", body = String)), tag = "exports")]
pub async fn resources(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ResourceListQuery>,
) -> ApiResult<Response> {
    let query = query.to_store(u64::MAX)?;
    let tenant = caller.tenant();
    let store: Arc<dyn Store> = Arc::clone(&state.store);
    Ok(stream_csv("resources.csv", RESOURCES, move |sink| {
        let mut each = |r: posture_store::ResourceRow| {
            let row = [
                r.id.to_string(),
                r.kind,
                r.name,
                r.resource_id,
                r.provider.api_name().to_string(),
                r.cloud_account,
                r.region,
                r.first_discovered.to_rfc3339(),
                r.last_found.to_rfc3339(),
                r.failed.to_string(),
                r.passed.to_string(),
            ];
            sink(&row)
        };
        store
            .export_resources(tenant, &query, &mut each)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }))
}

const EVALUATIONS: &[&str] = &[
    "CID",
    "Control",
    "Severity",
    "Report",
    "Date Evaluated",
    "Result",
    "Message",
];

/// A resource's evaluations for the current selection (one page of at most
/// 100, as the portal shows it).
#[utoipa::path(get, path = "/cspm/resources/{id}/evaluations/export",
    params(("id" = i64, Path, description = "The resource number"), EvaluationListQuery),
    responses((status = 200, content_type = "text/csv", body = String)), tag = "exports")]
pub async fn resource_evaluations(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<EvaluationListQuery>,
) -> ApiResult<Response> {
    let tenant = caller.tenant();
    let query = query.to_store()?;
    let (_, rows) = state
        .db(move |s| s.resource_evaluations(tenant, id, &query))
        .await?;
    let views: Vec<_> = rows
        .into_iter()
        .map(|e| evaluation_view(&state, e))
        .collect();
    Ok(stream_csv(
        &format!("resource-{id}-evaluations.csv"),
        EVALUATIONS,
        move |sink| {
            for e in views {
                let row = [
                    e.control_id.to_string(),
                    e.control_name,
                    e.severity,
                    e.report_name,
                    e.evaluated_on.to_rfc3339(),
                    e.result,
                    opt(e.message),
                ];
                if !sink(&row) {
                    break;
                }
            }
            Ok(())
        },
    ))
}

const REPORT_RESULTS: &[&str] = &[
    "CID",
    "Control",
    "Severity",
    "Control Result",
    "Resource ID",
    "Resource Name",
    "Resource Type",
    "Region",
    "Result",
    "Message",
];

/// A report's current results: one row per evaluated resource and control.
#[utoipa::path(get, path = "/cspm/report/{id}/export", params(("id" = i64, Path, description = "The report id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = crate::error::ErrorBody)),
    tag = "exports")]
pub async fn report_results(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let tenant: TenantId = caller.tenant();
    let outcomes = state.db(move |s| s.control_outcomes(tenant, id)).await?;
    let store: Arc<dyn Store> = Arc::clone(&state.store);
    let catalog = Arc::clone(&state.catalog);
    Ok(stream_csv(
        &format!("report-{id}.csv"),
        REPORT_RESULTS,
        move |sink| {
            for o in outcomes {
                let control = catalog.control(&o.cid.to_string());
                let title = control.map(|c| c.title.clone()).unwrap_or_default();
                let severity = control.map(|c| c.severity.to_string()).unwrap_or_default();
                let rows = store
                    .control_resources(tenant, id, o.cid)
                    .map_err(|e| e.to_string())?;
                for r in rows {
                    let row = [
                        o.cid.to_string(),
                        title.clone(),
                        severity.clone(),
                        o.status.to_string(),
                        r.resource_id,
                        r.name,
                        r.kind,
                        r.region,
                        r.status.to_string(),
                        opt(r.message),
                    ];
                    if !sink(&row) {
                        return Ok(());
                    }
                }
            }
            Ok(())
        },
    ))
}
