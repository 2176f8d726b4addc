//! `POST /api/cameras/status`: operators and monitoring systems report camera status in batches.

use super::auth::require;
use super::request_body::{MAX_BULK_JSON_BYTES, json_object_up_to};
use super::{ApiError, AppState};
use crate::cameras::CameraError;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use std::sync::Arc;

impl From<CameraError> for ApiError {
    fn from(e: CameraError) -> Self {
        match e {
            CameraError::Invalid(errors) => ApiError::invalid(errors),
            CameraError::Store(err) => err.into(),
            CameraError::Config(_) => ApiError::internal(e.to_string()),
        }
    }
}

/// Stores a batch `{"updates": [{id, status, at?}, …]}`, all or nothing.
///
/// 200 `{"changed", "unchanged", "stale"}` once stored; 400 naming each bad field (e.g.
/// `updates[2].status`); 401 without a session or token; 403 for a role that may not; 404 when
/// the server has no cameras.
pub async fn report_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let service = state
        .cameras
        .clone()
        .ok_or_else(|| ApiError::not_found("path", "this server has no [cameras] section"))?;
    let who = require(&state, &req).await?;
    if !who.can_report_camera_status() {
        return Err(ApiError::forbidden(format!(
            "Vai trò {} không được cập nhật trạng thái camera (role {} may not report camera status)",
            who.user.role, who.user.role
        )));
    }
    let body = Value::Object(json_object_up_to(payload, MAX_BULK_JSON_BYTES).await?);
    let by = who.user.username.clone();
    let worker = Arc::clone(&service);
    let summary = web::block(move || worker.report(&body, &by, chrono::Utc::now())).await??;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(summary))
}
