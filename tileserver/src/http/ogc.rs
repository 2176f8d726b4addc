//! `/ogc/…`: OGC API – Features over the layers (see `crate::ogc_features`).

use super::{ApiError, AppState, base_url};
use crate::layer::Layer;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::sync::{PoisonError, RwLockReadGuard};

const GEOJSON: &str = "application/geo+json";

fn answer(doc: serde_json::Value, content_type: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .content_type(content_type)
        .body(doc.to_string())
}

fn layer<'a>(state: &'a AppState, id: &str) -> Result<RwLockReadGuard<'a, Layer>, ApiError> {
    state
        .layers
        .get(id)
        .map(|l| l.read().unwrap_or_else(PoisonError::into_inner))
        .ok_or_else(|| ApiError::not_found("collectionId", format!("no collection {id:?}")))
}

/// The landing page.
pub async fn landing(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    answer(
        crate::ogc_features::landing(&state.config, &base_url(&state, &req)),
        "application/json",
    )
}

/// The conformance classes.
pub async fn conformance() -> HttpResponse {
    answer(crate::ogc_features::conformance(), "application/json")
}

/// Every collection (one per layer).
pub async fn collections(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let guards: Vec<_> = state
        .layers
        .iter()
        .map(|l| l.read().unwrap_or_else(PoisonError::into_inner))
        .collect();
    let refs: Vec<&Layer> = guards.iter().map(|g| &**g).collect();
    answer(
        crate::ogc_features::collections(&state.config, &refs, &base_url(&state, &req)),
        "application/json",
    )
}

/// One collection; 404 naming `collectionId` for an unknown one.
pub async fn collection(
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let layer = layer(&state, &id)?;
    Ok(answer(
        crate::ogc_features::collection(&state.config, &layer, &base_url(&state, &req)),
        "application/json",
    ))
}

#[derive(Deserialize)]
pub struct ItemsParams {
    bbox: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// A page of items: `bbox`, `limit` (1–10000, default 100), `offset`; 400 naming the parameter.
pub async fn items(
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<ItemsParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = crate::ogc_features::parse_items_query(
        params.bbox.as_deref(),
        params.limit.as_deref(),
        params.offset.as_deref(),
    )
    .map_err(ApiError::invalid)?;
    let base = base_url(&state, &req);
    let layer = layer(&state, &id)?;
    Ok(answer(
        crate::ogc_features::items(&layer, query, &base),
        GEOJSON,
    ))
}

/// One item by id; 404 naming `featureId`.
pub async fn item(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, fid) = path.into_inner();
    let layer = layer(&state, &id)?;
    let feature = fid
        .parse::<u64>()
        .ok()
        .and_then(|n| layer.feature(n))
        .ok_or_else(|| ApiError::not_found("featureId", format!("no feature {fid:?} in {id:?}")))?;
    Ok(answer(
        crate::ogc_features::feature_json(&layer, feature),
        GEOJSON,
    ))
}
