//! `/tiles/{layers}` (TileJSON) and `/tiles/{layers}/{z}/{x}/{y}` (vector tiles).

use super::negotiate::{accepts_gzip, etag_matches};
use super::{ApiError, AppState, base_url};
use crate::layer::{Layer, RegistryError};
use crate::tile::{TileId, TileIdError};
use crate::tile_cache::TileContent;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use std::sync::{Arc, RwLock};

/// MIME type of Mapbox Vector Tiles.
pub const MVT_CONTENT_TYPE: &str = "application/vnd.mapbox-vector-tile";

fn resolve(state: &AppState, list: &str) -> Result<Vec<Arc<RwLock<Layer>>>, ApiError> {
    if list.contains('@') {
        return resolve_versions(state, list);
    }
    state.layers.resolve(list).map_err(|e| match e {
        RegistryError::UnknownLayer(_) => ApiError::not_found("layers", e.to_string()),
        RegistryError::Repeated(_) | RegistryError::Empty => {
            ApiError::bad_request("layers", e.to_string())
        }
    })
}

/// The layers of `list`; a stored version (which may read the store) is resolved on the
/// blocking pool, never on the async worker.
async fn resolve_off_worker(
    state: &web::Data<AppState>,
    list: String,
) -> Result<Vec<Arc<RwLock<Layer>>>, ApiError> {
    if list.contains('@') {
        let state = state.clone();
        web::block(move || resolve(&state, &list)).await?
    } else {
        resolve(state, &list)
    }
}

/// One layer at a stored version, `planning@2`: for comparing versions side by side. May read
/// the store, so call it off the async workers.
fn resolve_versions(state: &AppState, list: &str) -> Result<Vec<Arc<RwLock<Layer>>>, ApiError> {
    let bad = || {
        ApiError::bad_request(
            "layers",
            format!("{list:?}: a layer version is one name@number, alone in the list"),
        )
    };
    let (name, version) = list.split_once('@').ok_or_else(bad)?;
    let version: u64 = version.parse().map_err(|_| bad())?;
    if name.contains(',') {
        return Err(bad());
    }
    let versions = state
        .layer_versions
        .as_ref()
        .ok_or_else(|| ApiError::not_found("layers", "this server keeps no layer versions"))?;
    Ok(vec![versions.compare_layer(name, version)?])
}

/// TileJSON 3.0.0 for a comma-separated list of layers.
///
/// 200 with the document; 404 for an unknown layer; 400 for an empty or repeated name.
pub async fn tilejson(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let layers = resolve_off_worker(&state, path.into_inner()).await?;
    let guards: Vec<_> = layers
        .iter()
        .map(|l| l.read().unwrap_or_else(std::sync::PoisonError::into_inner))
        .collect();
    let refs: Vec<&Layer> = guards.iter().map(|g| &**g).collect();
    let doc = crate::metadata::tilejson(&state.config, &refs, &base_url(&state, &req));
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(doc))
}

fn parse_coordinate(field: &str, text: &str) -> Result<u32, ApiError> {
    text.parse::<u32>().map_err(|_| {
        ApiError::bad_request(
            field,
            format!("{field} must be a non-negative integer, got {text:?}"),
        )
    })
}

/// A tile address from URL segments; `y` may end in a file extension (`.mvt`, `.pbf`, `.png`…).
/// 400 naming the bad coordinate otherwise.
pub(super) fn parse_tile_id(z: &str, x: &str, y: &str) -> Result<TileId, ApiError> {
    let y = y
        .split_once('.')
        .filter(|(_, ext)| ["mvt", "pbf", "png", "jpg", "jpeg", "webp"].contains(ext))
        .map_or(y, |(y, _)| y);
    let (z, x, y) = (
        parse_coordinate("z", z)?,
        parse_coordinate("x", x)?,
        parse_coordinate("y", y)?,
    );
    TileId::new(z, x, y).map_err(|e| {
        let field = match e {
            TileIdError::Zoom(_) => "z",
            TileIdError::X { .. } => "x",
            TileIdError::Y { .. } => "y",
        };
        ApiError::bad_request(field, e.to_string())
    })
}

/// One vector tile holding one MVT layer per named layer.
///
/// - 200 with the tile (gzip-encoded when the client accepts it), a strong ETag and
///   Cache-Control;
/// - 204 when no layer has anything in the tile;
/// - 304 when `If-None-Match` holds the tile's ETag;
/// - 400 for a malformed or out-of-range z/x/y (`y` may end in `.mvt` or `.pbf`);
/// - 404 for an unknown layer.
pub async fn tile(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (list, z, x, y) = path.into_inner();
    let tile = parse_tile_id(&z, &x, &y)?;
    let layers = resolve_off_worker(&state, list).await?;

    let state_ref = state.clone();
    let content = web::block(move || state_ref.tiles.get(&layers, tile))
        .await
        .map_err(|e| ApiError::internal(format!("tile worker failed: {e}")))?
        .map_err(|e| {
            tracing::error!(%tile, error = %e, "tile build failed");
            ApiError::internal(e.to_string())
        })?;

    let cache_control = (header::CACHE_CONTROL, state.options.cache_control.clone());
    let TileContent::Tile(encoded) = content else {
        return Ok(HttpResponse::NoContent()
            .insert_header(cache_control)
            .finish());
    };
    let mut answer = conditional_tile(
        &req,
        &state.options.cache_control,
        MVT_CONTENT_TYPE,
        encoded.hash,
        true,
    );
    if answer.not_modified {
        return Ok(answer.response.finish());
    }
    let body = if !answer.gzip {
        encoded.raw.clone()
    } else if let Some(gzip) = encoded.gzip_ready() {
        gzip
    } else {
        // Compressing a large tile takes a while: off the async workers, once per tile.
        web::block(move || encoded.gzip()).await?
    };
    Ok(answer.response.body(body))
}

/// A tile answer's start: 304 for a matching `If-None-Match`, else 200 with its headers.
pub(super) struct TileAnswer {
    pub response: HttpResponseBuilder,
    /// 304: finish the response without a body.
    pub not_modified: bool,
    /// Send the gzip body (`Content-Encoding: gzip` is set).
    pub gzip: bool,
}

/// The headers of a tile answer: gzip when the client accepts it and `gzip_available`, the
/// strong ETag of that representation, caching and `Vary`.
pub(super) fn conditional_tile(
    req: &HttpRequest,
    cache_control: &str,
    content_type: &str,
    hash: u64,
    gzip_available: bool,
) -> TileAnswer {
    let gzip = gzip_available
        && req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(accepts_gzip);
    // A strong ETag names one representation, so the gzip body has its own tag.
    let etag = if gzip {
        format!("\"{hash:016x}-gz\"")
    } else {
        format!("\"{hash:016x}\"")
    };
    let cache_control = (header::CACHE_CONTROL, cache_control.to_owned());
    let vary = (header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, &etag));
    if not_modified {
        let mut response = HttpResponse::NotModified();
        response
            .insert_header((header::ETAG, etag))
            .insert_header(cache_control)
            .insert_header(vary);
        return TileAnswer {
            response,
            not_modified: true,
            gzip,
        };
    }
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::ETAG, etag))
        .insert_header(cache_control)
        .insert_header(vary);
    if gzip {
        res.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    TileAnswer {
        response: res,
        not_modified: false,
        gzip,
    }
}
