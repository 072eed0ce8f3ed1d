//! The web portal: static HTML, CSS and ES-module JavaScript embedded in
//! the binary ([`assets`]), served at `/` and at every client-side route
//! (the page's script draws the view the URL names), with assets under
//! `/portal/...`, ETags, and a strict Content-Security-Policy. The portal
//! talks only to the JSON API; it holds no logic the API lacks.

mod assets;

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use assets::{Asset, asset, assets};

/// Scripts, styles, images and fetches from this origin only; nothing
/// inline, no frames, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The paths the portal's router draws; each serves the same page.
const CLIENT_ROUTES: &[&str] = &[
    "/",
    "/login",
    "/overview",
    "/resources",
    "/connectors",
    "/policies",
    "/reports/{*rest}",
    "/policies/{*rest}",
];

/// The portal's routes, to merge into the API's router. Paths it does not
/// know fall through to the API's JSON 404.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut router = Router::new().route("/portal/{*path}", get(serve_asset));
    for path in CLIENT_ROUTES {
        router = router.route(path, get(serve_page));
    }
    router
}

async fn serve_page(headers: HeaderMap) -> Response {
    match asset("index.html") {
        Some(page) => respond(page, &headers),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn serve_asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match asset(&path) {
        Some(found) => respond(found, &headers),
        None => {
            crate::error::ApiError::NotFound(format!("no portal file {path:?}")).into_response()
        }
    }
}

/// The asset, or 304 when the browser's copy is current. Browsers revalidate
/// every time (`no-cache`): the ETag makes that a bodiless round trip, and a
/// new binary never leaves a stale script behind.
fn respond(found: &Asset, request: &HeaderMap) -> Response {
    let current = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == found.etag));
    let mut response = if current {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(found.bytes))
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(found.content_type),
    );
    if let Ok(etag) = HeaderValue::from_str(&found.etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
