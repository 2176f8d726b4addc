//! `GET /api/stats`: city statistics for a date range (see `crate::stats`).

use super::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct StatsParams {
    from: Option<String>,
    to: Option<String>,
}

/// 200 with the statistics; 400 naming `from` or `to` for a bad date or range; 404 without a
/// data store.
pub async fn stats(
    state: web::Data<AppState>,
    params: web::Query<StatsParams>,
) -> Result<HttpResponse, ApiError> {
    let store = state
        .store
        .clone()
        .ok_or_else(|| ApiError::not_found("path", "this server has no data store"))?;
    let now = chrono::Utc::now();
    let today = now.with_timezone(&state.config.timezone()).date_naive();
    let range = crate::stats::parse_range(params.from.as_deref(), params.to.as_deref(), today)
        .map_err(ApiError::invalid)?;
    let worker = state.clone();
    let doc = web::block(move || {
        crate::stats::city_stats(&worker.config, &*store, &worker.layers, range, now)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(doc))
}
