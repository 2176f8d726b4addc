//! `/api/places?q=`: place search by name (wards, streets, cameras…), for the map's search box.

use super::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

/// Most places returned.
const LIMIT: usize = 10;

#[derive(Deserialize)]
pub struct PlaceParams {
    q: Option<String>,
}

/// Places whose name contains every word typed, in the configuration's layer order.
pub async fn search(
    state: web::Data<AppState>,
    params: web::Query<PlaceParams>,
) -> Result<HttpResponse, ApiError> {
    let query = params.q.as_deref().unwrap_or("").trim();
    if query.is_empty() || query.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "q",
            "Nhập từ 1 đến 100 ký tự để tìm (q must be 1 to 100 characters)",
        ));
    }
    let mut places = Vec::new();
    for layer in state.layers.iter() {
        if places.len() >= LIMIT {
            break;
        }
        let layer = layer
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        places.extend(crate::places::search(&layer, query, LIMIT - places.len()));
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(json!({ "places": places })))
}
