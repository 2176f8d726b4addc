//! The HTTP face of the server (actix-web). Handlers are thin: they parse, call the library and
//! shape the answer; tile building, metadata and layers know nothing of HTTP.

mod error;
mod metadata;
pub mod negotiate;
mod request_log;
mod tiles;

pub use error::{ApiError, FieldError};
pub use tiles::MVT_CONTENT_TYPE;

use crate::config::CityConfig;
use crate::layer::LayerRegistry;
use crate::tile_cache::TileCache;
use actix_cors::Cors;
use actix_web::{App, HttpRequest, HttpServer, guard, middleware, web};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;

/// How the server answers, beyond what the city configuration says.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// `Cache-Control` value sent with tiles.
    pub cache_control: String,
    /// Origins allowed by CORS; `*` allows any; empty disables CORS headers.
    pub cors_origins: Vec<String>,
    /// Base URL written into TileJSON and the style (e.g. behind a proxy); taken from each
    /// request's Host header when None.
    pub public_url: Option<String>,
    /// Folder of static files served at `/`, if any.
    pub www_dir: Option<PathBuf>,
}

/// Everything the handlers share.
pub struct AppState {
    pub config: CityConfig,
    pub layers: LayerRegistry,
    pub tiles: TileCache,
    pub options: ServerOptions,
}

/// The URL prefix for links in documents: `--public-url`, or the request's own scheme and host.
pub fn base_url(state: &AppState, req: &HttpRequest) -> String {
    match &state.options.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "OPTIONS"])
        .expose_headers(["ETag", "Content-Encoding"])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin().send_wildcard();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}

/// Registers every route on an actix `App`.
pub fn routes(cfg: &mut web::ServiceConfig, www_dir: Option<&PathBuf>) {
    let get_or_head = || web::route().guard(guard::Any(guard::Get()).or(guard::Head()));
    cfg.service(web::resource("/health").route(get_or_head().to(metadata::health)))
        .service(web::resource("/catalog").route(get_or_head().to(metadata::catalog)))
        .service(web::resource("/style.json").route(get_or_head().to(metadata::style)))
        .service(web::resource("/tiles/{layers}").route(get_or_head().to(tiles::tilejson)))
        .service(web::resource("/tiles/{layers}/{z}/{x}/{y}").route(get_or_head().to(tiles::tile)));
    if let Some(dir) = www_dir {
        cfg.service(actix_files::Files::new("/", dir).index_file("index.html"));
    }
}

async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::not_found(
        "path",
        format!("no such resource: {}", req.path()),
    ))
}

/// Binds `addr` and serves until the process is stopped. Calls `on_bound` with the address
/// actually bound (useful with port 0).
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    on_bound: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr)?;
    let bound = listener.local_addr()?;
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        let www = state.options.www_dir.clone();
        App::new()
            .app_data(state.clone())
            .wrap(cors(&state.options.cors_origins))
            .wrap(middleware::from_fn(request_log::log_request))
            .configure(|cfg| routes(cfg, www.as_ref()))
            .default_service(web::to(not_found))
    })
    .listen(listener)?
    .run();
    on_bound(bound);
    server.await
}
