//! `/tiles/base` (TileJSON) and `/tiles/base/{z}/{x}/{y}`: the base map's MBTiles file, tiles
//! passed through as stored (gzip when the client takes it, unpacked otherwise).

use super::tiles::conditional_tile;
use super::{ApiError, AppState, base_url};
use crate::base_map::{BaseMap, MbTiles};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use std::io::Read;

fn mbtiles(state: &AppState) -> Result<&MbTiles, ApiError> {
    match &state.base_map {
        Some(BaseMap::MbTiles(file)) => Ok(file),
        _ => Err(ApiError::not_found(
            "layers",
            "this server has no MBTiles base map (see [base] in the city configuration)",
        )),
    }
}

/// TileJSON of the base map: 200, or 404 when the server has no MBTiles base map.
pub async fn tilejson(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let file = mbtiles(&state)?;
    let doc = crate::metadata::base_tilejson(&state.config, file, &base_url(&state, &req));
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(doc))
}

/// One base map tile: 200 with the stored bytes, 204 when the file has no such tile, 304 for a
/// matching `If-None-Match`, 400 for a malformed z/x/y, 404 without an MBTiles base map.
pub async fn tile(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (z, x, y) = path.into_inner();
    let tile = super::tiles::parse_tile_id(&z, &x, &y)?;
    mbtiles(&state)?;
    let state_ref = state.clone();
    let stored = web::block(move || {
        mbtiles(&state_ref)
            .ok()
            .map(|f| f.tile(tile.z, tile.x, tile.y))
    })
    .await
    .map_err(|e| ApiError::internal(format!("tile worker failed: {e}")))?
    .transpose()
    .map_err(|e| {
        tracing::error!(%tile, error = %e, "base map tile read failed");
        ApiError::internal(e.to_string())
    })?
    .flatten();
    let cache_control = (header::CACHE_CONTROL, state.options.cache_control.clone());
    let Some(stored) = stored else {
        return Ok(HttpResponse::NoContent()
            .insert_header(cache_control)
            .finish());
    };
    let format = mbtiles(&state)?.metadata().format;
    let hash = xxhash_rust::xxh3::xxh3_64(&stored.data);
    let mut answer = conditional_tile(
        &req,
        &state.options.cache_control,
        format.content_type(),
        hash,
        stored.gzipped,
    );
    if answer.not_modified {
        return Ok(answer.response.finish());
    }
    if answer.gzip || !stored.gzipped {
        return Ok(answer.response.body(stored.data));
    }
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&stored.data[..])
        .read_to_end(&mut raw)
        .map_err(|e| {
            tracing::error!(%tile, error = %e, "base map tile is not valid gzip");
            ApiError::internal(format!("base map tile {tile} is damaged: {e}"))
        })?;
    Ok(answer.response.body(raw))
}
