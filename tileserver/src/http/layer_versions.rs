//! `GET /api/layers/{layer}/versions` (public: what versions exist, which is served, where
//! their tiles are) and `POST …/versions/{n}/activate` (planners and admins switch the served
//! version).

use super::auth::require;
use super::{ApiError, AppState, base_url};
use crate::layer_versions::{LayerVersions, VersionError};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;
use std::sync::Arc;

impl From<VersionError> for ApiError {
    fn from(e: VersionError) -> Self {
        match e {
            VersionError::UnknownLayer(_) => ApiError::not_found("layer", e.to_string()),
            VersionError::UnknownVersion { .. } => ApiError::not_found("version", e.to_string()),
            VersionError::Store(err) => err.into(),
            VersionError::Corrupt { .. } => ApiError::internal(e.to_string()),
        }
    }
}

fn service(state: &AppState) -> Result<Arc<LayerVersions>, ApiError> {
    state
        .layer_versions
        .clone()
        .ok_or_else(|| ApiError::not_found("path", "this server keeps no layer versions"))
}

/// The layer's versions, newest first, ending with version 0 (the configured file).
pub async fn list(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let versions = service(&state)?;
    let layer = path.into_inner();
    let worker = Arc::clone(&versions);
    let name = layer.clone();
    let stored = web::block(move || worker.list(&name)).await??;
    let served = versions.served(&layer);
    let base = base_url(&state, &req);
    let tiles = |v: u64| {
        if v == served {
            format!("{base}/tiles/{layer}/{{z}}/{{x}}/{{y}}")
        } else {
            format!("{base}/tiles/{layer}@{v}/{{z}}/{{x}}/{{y}}")
        }
    };
    let file = state
        .config
        .layers
        .iter()
        .find(|l| l.name == layer)
        .map(|l| l.file.display().to_string())
        .unwrap_or_default();
    let mut items: Vec<_> = stored
        .iter()
        .map(|v| {
            json!({
                "version": v.version,
                "served": v.version == served,
                "imported_at": v.imported_at,
                "source_file": v.source_file,
                "source_format": v.source_format,
                "source_crs": v.source_crs,
                "features": v.features,
                "repaired": v.repaired,
                "rejected": v.rejected,
                "source_layer": if v.version == served { layer.clone() } else { format!("{layer}@{}", v.version) },
                "tiles": [tiles(v.version)],
            })
        })
        .collect();
    items.push(json!({
        "version": 0,
        "served": served == 0,
        "source_file": file,
        "source_format": "GeoJSON",
        "source_layer": if served == 0 { layer.clone() } else { format!("{layer}@0") },
        "tiles": [tiles(0)],
    }));
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(json!({ "layer": layer, "served": served, "versions": items })))
}

/// Switches the served version; 200 once stored and swapped in.
pub async fn activate(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let versions = service(&state)?;
    let (layer, version) = path.into_inner();
    let version: u64 = version.parse().map_err(|_| {
        ApiError::bad_request(
            "version",
            format!("version must be a positive integer, got {version:?}"),
        )
    })?;
    let who = require(&state, &req).await?;
    if !who.can_change_planning_data() {
        return Err(ApiError::forbidden(format!(
            "Vai trò {} không được thay đổi dữ liệu quy hoạch (role {} may not change planning data)",
            who.user.role, who.user.role
        )));
    }
    if version == 0 {
        return Err(ApiError::bad_request(
            "version",
            "version 0 is the configured file; import it to serve it again",
        ));
    }
    let by = who.user.username.clone();
    let worker = Arc::clone(&versions);
    let name = layer.clone();
    web::block(move || worker.activate(&name, version, &by)).await??;
    tracing::info!(layer = %layer, version, by = %who.user.username, "layer version switched");
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({ "layer": layer, "served": version })))
}
