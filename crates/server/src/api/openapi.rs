//! The OpenAPI document, generated from the handlers' annotations and
//! served at `/openapi.json`.

use super::{connectors, exports, history, policies, reports, resources, session, summary};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "posture",
        description = "Cloud Security Posture Management. The `/cspm/...` paths keep the reference product's paths, methods, parameters and field names; fields and endpoints marked `posture` are additions. Every call but login needs `Authorization: Bearer <token>` (or the portal's session cookie) and is scoped to the caller's tenant."
    ),
    paths(
        connectors::create_details, connectors::create, connectors::list, connectors::details,
        connectors::delete, connectors::refresh, crate::offline::upload,
        policies::policies, policies::policy_controls, policies::remediation, policies::mandates,
        reports::configurations, reports::create_configuration, reports::list, reports::run,
        reports::details, reports::delete, reports::control_resources, history::runs,
        resources::list, resources::summary, resources::facets, resources::details, resources::evaluations,
        summary::summary, summary::usage, summary::monthly,
        exports::report_list, exports::resources, exports::resource_evaluations, exports::report_results,
        session::login, session::logout, session::me, session::create_token,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON text.
pub fn document() -> String {
    ApiDoc::openapi()
        .to_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
