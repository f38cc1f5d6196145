//! The whole HTTP surface in one router: HTML pages and server functions (leptos),
//! static files, `/healthz`, REST API v1, `/ws`; with security headers, compression,
//! request tracing.

use app::state::AppState;
use app::{shell, App};
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http::{header, HeaderValue, StatusCode};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::trace::TraceLayer;

pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let options = state.leptos_options.clone();
    let leptos = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .with_state(state.clone())
        // Server functions read their bodies under axum's limit (2 MB by default): the CSV
        // import sends up to 20 MB of text (the guard in front stops anything over 32 MB).
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::text_guard::MAX_TEXT_BODY,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), viewer_zone));

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/ws", get(crate::ws::handler))
        .route("/sw.js", get(crate::worker::service_worker))
        .route("/stock/reserve", post(crate::forms::reserve))
        .route(
            "/unsubscribe/{id}/{token}",
            get(crate::unsubscribe::show).post(crate::unsubscribe::confirm),
        )
        .nest("/api/v1", crate::rest::router())
        .with_state(state.clone())
        .merge(leptos)
        .layer(middleware::from_fn_with_state(
            state,
            crate::worker::versioned_assets,
        ))
        .layer(middleware::from_fn(
            crate::text_guard::refuse_control_characters,
        ))
        .layer(middleware::from_fn(security_headers))
        // Streamed answers (the import's progress) must reach the browser chunk by chunk;
        // a compressor would hold them back until its buffer fills.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/octet-stream")),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Alive: the process answers requests. It does not touch the database, so an
/// orchestrator restarts only an instance that is stuck, not every instance when the
/// database blinks (that is what `/readyz` says).
async fn healthz() -> Response {
    axum::Json(serde_json::json!({ "status": "ok" })).into_response()
}

/// Ready for traffic: the database answers, its schema is this build's (migrations
/// current), and the instance is not shutting down. 503 otherwise, with the reason, so
/// a load balancer sends requests elsewhere while an instance starts, drains or loses
/// its database.
async fn readyz(State(state): State<AppState>) -> Response {
    let expected = app::db::schema_version(state.db.backend);
    let (status, body) = if *state.hub.shutdown_signal().borrow() {
        (StatusCode::SERVICE_UNAVAILABLE, ("draining", None))
    } else {
        let applied = match state.db.pool.acquire().await {
            Ok(mut conn) => app::db::applied_schema_version(&mut conn).await,
            Err(e) => Err(e),
        };
        match applied {
            Ok(v) if v == expected => (StatusCode::OK, ("ready", Some(v))),
            Ok(v) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ("migrations_pending", Some(v)),
            ),
            Err(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ("database_unreachable", None),
            ),
        }
    };
    (
        status,
        axum::Json(crate::openapi::Readiness {
            status: body.0.into(),
            schema_version: body.1,
            expected_schema_version: expected,
        }),
    )
        .into_response()
}

/// Pages are rendered in the viewer's zone: their home shop's, else the company's. The
/// zone goes into the request's extensions, where the shell reads it (`app::time`).
/// Only page loads pay for the lookup; static files and server functions don't.
async fn viewer_zone(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let page =
        req.method() == http::Method::GET && !path.starts_with("/pkg/") && !path.contains('.');
    if page {
        let home = app::auth::service::authenticate(&state.db, req.headers())
            .await
            .ok()
            .and_then(|c| c.home_location_id);
        let zone = match state.db.pool.acquire().await {
            Ok(mut conn) => app::time::zones::of_employee(&mut conn, home).await.ok(),
            Err(_) => None,
        };
        if let Some(zone) = zone {
            req.extensions_mut().insert(app::time::ViewerZone(zone));
        }
    }
    next.run(req).await
}

/// Headers every response carries. HTML pages set their own CSP (with the hydration
/// script's nonce, see `app::ui::security`); everything else gets a locked-down one.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    res
}

/// Serves `state` on a free loopback port in the background; returns the base URL.
/// (Integration tests and the benchmark start their instances with it.)
pub async fn spawn_on_free_port(state: AppState) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = app(state);
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, service).await;
    });
    Ok(format!("http://{addr}"))
}
