//! The HTTP face of the server (actix-web). Handlers are thin: they parse, call the library and
//! shape the answer; tile building, metadata and layers know nothing of HTTP.

mod area_query;
mod auth;
mod base_map;
mod cameras;
mod error;
mod events;
mod layer_versions;
mod metadata;
pub mod negotiate;
mod ogc;
mod open311;
mod photos;
mod places;
mod reports;
mod request_body;
mod request_log;
mod stats;
mod tiles;

pub use auth::SESSION_COOKIE;
pub use error::{ApiError, FieldError};
pub use tiles::MVT_CONTENT_TYPE;

use crate::config::CityConfig;
use crate::layer::LayerRegistry;
use crate::rate_limit::RateLimiter;
use crate::reports::ReportService;
use crate::store::Store;
use crate::tile_cache::TileCache;
use actix_cors::Cors;
use actix_web::{App, HttpRequest, HttpServer, guard, middleware, web};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

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
    /// The base map beneath the layers, if the configuration names one.
    pub base_map: Option<crate::base_map::BaseMap>,
    pub tiles: TileCache,
    pub options: ServerOptions,
    /// The data store (reports, users); None for a server of map layers only.
    pub store: Option<Arc<Store>>,
    pub reports: Option<Arc<ReportService>>,
    /// Camera status reporting, when the configuration has `[cameras]`.
    pub cameras: Option<Arc<crate::cameras::CameraService>>,
    /// Imported versions of file layers, when the server has a data store.
    pub layer_versions: Option<Arc<crate::layer_versions::LayerVersions>>,
    /// Per-client limit on sign-in attempts.
    pub login_limit: RateLimiter,
}

/// The client's address (the TCP peer; proxies' headers are not trusted).
pub fn client_ip(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip())
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
        .allowed_methods(["GET", "HEAD", "OPTIONS", "POST"])
        .allowed_headers(["Content-Type", "Last-Event-ID"])
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
pub fn routes(cfg: &mut web::ServiceConfig, options: &ServerOptions) {
    let get_or_head = || web::route().guard(guard::Any(guard::Get()).or(guard::Head()));
    cfg.service(web::resource("/health").route(get_or_head().to(metadata::health)))
        .service(web::resource("/catalog").route(get_or_head().to(metadata::catalog)))
        .service(web::resource("/style.json").route(get_or_head().to(metadata::style)))
        .service(web::resource("/tiles/base").route(get_or_head().to(base_map::tilejson)))
        .service(web::resource("/tiles/base/{z}/{x}/{y}").route(get_or_head().to(base_map::tile)))
        .service(web::resource("/tiles/{layers}").route(get_or_head().to(tiles::tilejson)))
        .service(web::resource("/tiles/{layers}/{z}/{x}/{y}").route(get_or_head().to(tiles::tile)))
        .service(
            web::resource("/api/reports")
                .route(get_or_head().to(reports::list))
                .route(web::post().to(reports::create)),
        )
        .service(web::resource("/ogc").route(get_or_head().to(ogc::landing)))
        .service(web::resource("/ogc/conformance").route(get_or_head().to(ogc::conformance)))
        .service(web::resource("/ogc/collections").route(get_or_head().to(ogc::collections)))
        .service(web::resource("/ogc/collections/{id}").route(get_or_head().to(ogc::collection)))
        .service(web::resource("/ogc/collections/{id}/items").route(get_or_head().to(ogc::items)))
        .service(
            web::resource("/ogc/collections/{id}/items/{fid}").route(get_or_head().to(ogc::item)),
        )
        .service(web::resource("/api/query/area").route(web::post().to(area_query::area)))
        .service(
            web::resource("/api/layers/{layer}/versions")
                .route(get_or_head().to(layer_versions::list)),
        )
        .service(
            web::resource("/api/layers/{layer}/versions/{version}/activate")
                .route(web::post().to(layer_versions::activate)),
        )
        .service(web::resource("/api/stats").route(get_or_head().to(stats::stats)))
        .service(web::resource("/api/cameras/status").route(web::post().to(cameras::report_status)))
        .service(web::resource("/api/reports/nearby").route(get_or_head().to(reports::nearby)))
        .service(web::resource("/api/places").route(get_or_head().to(places::search)))
        .service(web::resource("/api/categories").route(get_or_head().to(reports::categories)))
        .service(
            web::resource("/api/reports/{key}")
                .route(get_or_head().to(reports::get))
                .route(web::patch().to(reports::update)),
        )
        .service(web::resource("/api/events").route(web::get().to(events::events)))
        .service(web::resource("/api/auth/login").route(web::post().to(auth::login)))
        .service(web::resource("/api/auth/logout").route(web::post().to(auth::logout)))
        .service(web::resource("/api/auth/me").route(web::get().to(auth::me)))
        .service(
            web::resource("/open311/v2/discovery.{format}")
                .route(get_or_head().to(open311::discovery)),
        )
        .service(
            web::resource("/open311/v2/services.{format}")
                .route(get_or_head().to(open311::services)),
        )
        .service(
            web::resource("/open311/v2/services/{code}.{format}")
                .route(get_or_head().to(open311::service_definition)),
        )
        .service(
            web::resource("/open311/v2/requests.{format}")
                .route(get_or_head().to(open311::list_requests))
                .route(web::post().to(open311::post_request)),
        )
        .service(
            web::resource("/open311/v2/requests/{id}.{format}")
                .route(get_or_head().to(open311::get_request)),
        );
    cfg.service(web::resource("/photos/{name}").route(get_or_head().to(photos::photo)));
    if let Some(dir) = &options.www_dir {
        // The wall display is a view of the same single-page app.
        let index = dir.join("index.html");
        cfg.service(web::resource("/wall").route(get_or_head().to(move || {
            let index = index.clone();
            async move { actix_files::NamedFile::open_async(index).await }
        })));
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
        let options = state.options.clone();
        App::new()
            .app_data(state.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(request_body::MAX_JSON_BYTES)
                    .error_handler(|e, _| {
                        ApiError::bad_request(
                            "body",
                            format!("JSON không hợp lệ (malformed JSON: {e})"),
                        )
                        .into()
                    }),
            )
            .app_data(web::FormConfig::default().limit(request_body::MAX_JSON_BYTES))
            .app_data(web::QueryConfig::default().error_handler(|e, _| {
                ApiError::bad_request(
                    "query",
                    format!("Tham số truy vấn không hợp lệ (malformed query string: {e})"),
                )
                .into()
            }))
            .wrap(cors(&state.options.cors_origins))
            .wrap(middleware::from_fn(request_log::log_request))
            .configure(|cfg| routes(cfg, &options))
            .default_service(web::to(not_found))
    })
    .listen(listener)?
    .run();
    on_bound(bound);
    server.await
}
