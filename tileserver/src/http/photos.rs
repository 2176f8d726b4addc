//! `GET /photos/{name}`: a report photo, from whichever store holds it.

use super::AppState;
use super::error::ApiError;
use actix_web::{HttpResponse, web};

fn no_photo() -> ApiError {
    ApiError::not_found("name", "Không có ảnh này (no such photo)")
}

/// The photo's JPEG bytes; names are random and never reused, so it may be cached for good.
pub async fn photo(
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    if !crate::store::is_photo_name(&name) {
        return Err(no_photo());
    }
    let store = state.store.clone().ok_or_else(no_photo)?;
    let jpeg = web::block(move || store.photo(&name))
        .await??
        .ok_or_else(no_photo)?;
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .body(jpeg))
}
