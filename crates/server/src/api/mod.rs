//! The HTTP API: `app(state)` assembles every route with its limits and
//! middleware; one module per area of the reference API.

pub mod connectors;
pub mod exports;
pub mod history;
pub mod openapi;
pub mod ops;
pub mod policies;
pub mod reports;
pub mod resources;
pub mod session;
pub mod summary;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The whole service as a router: drive it with `oneshot` in tests or serve
/// it with [`crate::serve`].
pub fn app(state: AppState) -> Router {
    let upload_limit = state.config.upload_body_limit_bytes;
    let cspm = Router::new()
        .route(
            "/cspm/connector/create-details",
            get(connectors::create_details),
        )
        .route(
            "/cspm/connector",
            get(connectors::list).post(connectors::create),
        )
        .route(
            "/cspm/connector/{id}",
            get(connectors::details).delete(connectors::delete),
        )
        .route("/cspm/connector/{id}/refresh", post(connectors::refresh))
        .route(
            "/cspm/connector/{id}/inventory",
            post(crate::offline::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/cspm/policies", get(policies::policies))
        .route("/cspm/policy/{id}/controls", get(policies::policy_controls))
        .route(
            "/cspm/control/{controlId}/remediation",
            get(policies::remediation),
        )
        .route("/cspm/mandates", get(policies::mandates))
        .route(
            "/cspm/report/configuration",
            get(reports::configurations).post(reports::create_configuration),
        )
        .route("/cspm/report/list", get(reports::list))
        .route("/cspm/report/list/export", get(exports::report_list))
        .route("/cspm/report/run", post(reports::run))
        .route(
            "/cspm/report/{id}",
            get(reports::details).delete(reports::delete),
        )
        .route("/cspm/report/{id}/export", get(exports::report_results))
        .route("/cspm/report/{id}/runs", get(history::runs))
        .route(
            "/cspm/report/{id}/control/{controlId}/resources",
            get(reports::control_resources),
        )
        .route("/cspm/resources", get(resources::list))
        .route("/cspm/resources/summary", get(resources::summary))
        .route("/cspm/resources/facets", get(resources::facets))
        .route("/cspm/resources/export", get(exports::resources))
        .route("/cspm/resources/{id}", get(resources::details))
        .route(
            "/cspm/resources/{id}/evaluations",
            get(resources::evaluations),
        )
        .route(
            "/cspm/resources/{id}/evaluations/export",
            get(exports::resource_evaluations),
        )
        .route("/cspm/summary", get(summary::summary))
        .route("/cspm/usage", get(summary::usage))
        .route("/cspm/usage/monthly", get(summary::monthly))
        .route("/auth/login", post(session::login))
        .route("/auth/logout", post(session::logout))
        .route("/auth/me", get(session::me))
        .route("/auth/tokens", post(session::create_token));
    Router::new()
        .merge(cspm)
        .merge(crate::portal::routes())
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.request_body_limit_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::record,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such endpoint; /openapi.json lists them".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
