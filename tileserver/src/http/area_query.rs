//! `POST /api/query/area`: the planned land use inside a polygon (see `crate::area_query`).

use super::request_body::{MAX_BULK_JSON_BYTES, json_object_up_to};
use super::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde_json::Value;
use std::sync::PoisonError;

/// Body: a GeoJSON Polygon or MultiPolygon (or a Feature holding one), longitude/latitude.
/// 200 with areas by land-use code and the zones cut to the polygon; 400 naming `geometry`;
/// 404 when the configuration names no planning layer.
pub async fn area(
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let planning = state
        .config
        .planning
        .clone()
        .ok_or_else(|| ApiError::not_found("path", "this server has no [planning] section"))?;
    let body = Value::Object(json_object_up_to(payload, MAX_BULK_JSON_BYTES).await?);
    let area = crate::area_query::parse_area(&body).map_err(ApiError::invalid)?;
    let worker = state.clone();
    let doc = web::block(move || {
        let layer = worker
            .layers
            .get(&planning.layer)
            .map(|l| l.read().unwrap_or_else(PoisonError::into_inner));
        layer.map(|l| {
            crate::area_query::planned_land_use(
                &l,
                &area,
                &planning.code_attribute,
                &planning.name_attribute,
            )
        })
    })
    .await?
    .ok_or_else(|| ApiError::internal("the planning layer is missing"))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(doc))
}
