//! `/catalog`, `/style.json` and `/health`.

use super::{AppState, base_url};
use crate::layer::Layer;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

/// Every layer with its title, counts, version and links. Always 200.
pub async fn catalog(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let guards: Vec<_> = state
        .layers
        .iter()
        .map(|l| l.read().unwrap_or_else(std::sync::PoisonError::into_inner))
        .collect();
    let refs: Vec<&Layer> = guards.iter().map(|g| &**g).collect();
    let doc = crate::metadata::catalog(&state.config, &refs, &base_url(&state, &req));
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(doc)
}

/// The MapLibre style drawing every layer. Always 200.
pub async fn style(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let doc = crate::metadata::style(
        &state.config,
        state.base_map.as_ref(),
        &base_url(&state, &req),
    );
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(doc)
}

/// Liveness: 200 with the number of layers and features held.
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let features: usize = state
        .layers
        .iter()
        .map(|l| {
            l.read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .len()
        })
        .sum();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({
            "status": "ok",
            "layers": state.layers.names().len(),
            "features": features,
        }))
}
