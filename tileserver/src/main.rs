//! `tileserver`: the CityGIS command line.

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tileserver::base_map::BaseMap;
use tileserver::cameras::CameraService;
use tileserver::config::{CityConfig, LayerSource};
use tileserver::http::{AppState, ServerOptions, serve};
use tileserver::layer::LayerRegistry;
use tileserver::rate_limit::RateLimiter;
use tileserver::reports::ReportService;
use tileserver::store::{Role, Store, StoreLocation};
use tileserver::tile_cache::TileCache;
use tracing_subscriber::EnvFilter;

/// CityGIS tile server: serves a city's cameras, Wi-Fi points, field reports, planning zones,
/// wards and roads as Mapbox Vector Tiles built on the fly, with TileJSON, a catalog and a
/// MapLibre style.
#[derive(Parser)]
#[command(name = "tileserver", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Loads the city's layers and serves them over HTTP.
    ///
    /// Endpoints: /tiles/{layers}/{z}/{x}/{y} (one name or a comma list, e.g.
    /// cameras,wifi,reports), /tiles/{layers} (TileJSON), /catalog, /style.json, /health, and
    /// the web map at /. Log detail: RUST_LOG=debug prints one line per request.
    Serve(ServeArgs),
    /// Loads the configuration and every layer file, reports what it found, and exits: non-zero
    /// with the file, line or feature and reason when something is wrong.
    Check {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Imports a file into a layer as a new version (planning data, usually): GeoJSON, CSV
    /// (WKT or lon/lat columns), GeoPackage, FlatGeobuf or Shapefile, in WGS84, Web Mercator or
    /// VN-2000. The version is stored whole before it is served; a running server switches to
    /// it within a second, and the previous version stays available for comparison.
    Import(ImportArgs),
    /// Staff accounts (operators, planners, administrators) and integration tokens.
    #[command(subcommand)]
    User(UserCommand),
    /// Creates or upgrades the schema of a PostgreSQL/PostGIS store (PostGIS extension, tables,
    /// GiST index), then exits. Run it once before the first `serve --store postgres://…`, and
    /// after each CityGIS upgrade; servers refuse a database whose schema is not current. (A
    /// SQLite store is upgraded by the server itself.)
    Migrate {
        #[command(flatten)]
        data: DataDirArg,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds a staff member. The password comes from standard input (--password-stdin) or the
    /// CITYGIS_PASSWORD variable; at least 10 characters.
    Add {
        /// Sign-in name.
        username: String,
        /// operator (works on reports), planner (planning data) or admin.
        #[arg(long, value_parser = ["operator", "planner", "admin"])]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataDirArg,
    },
    /// Issues a long-lived API token acting as this user (for integrations, and as the Open311
    /// api_key). The token is printed once; only its hash is kept.
    Token {
        /// The user the token acts as.
        username: String,
        /// What the token is for, e.g. "Hệ thống 1022 Bình Phước".
        #[arg(long)]
        label: String,
        #[command(flatten)]
        data: DataDirArg,
    },
}

#[derive(Args)]
struct ImportArgs {
    /// The file to import (.geojson, .json, .csv, .gpkg, .fgb or .shp with its .shx, .dbf,
    /// .prj and .cpg beside it).
    file: PathBuf,
    /// The layer (from the configuration) the file becomes a version of.
    #[arg(long)]
    layer: String,
    /// The file's coordinate system, e.g. EPSG:9213 (VN-2000 / TM-3 106°30'), when the file
    /// does not say or says wrongly.
    #[arg(long)]
    crs: Option<String>,
    /// Text encoding of a Shapefile's .dbf or a CSV (e.g. windows-1258) when not UTF-8.
    #[arg(long)]
    encoding: Option<String>,
    /// Import the valid features even if some are rejected (otherwise nothing is imported).
    #[arg(long)]
    skip_invalid: bool,
    /// Store the version without serving it (switch to it later from the map or the API).
    #[arg(long)]
    stage: bool,
    #[command(flatten)]
    config: ConfigArg,
    #[command(flatten)]
    data: DataDirArg,
}

#[derive(Args)]
struct DataDirArg {
    /// Folder of the embedded data store (SQLite file, report photos).
    #[arg(long, default_value = "var", env = "CITYGIS_DATA_DIR")]
    data_dir: PathBuf,
    /// The shared store instead: a PostgreSQL/PostGIS URL such as
    /// postgres://citygis:secret@db.example/citygis (or a folder, like --data-dir).
    #[arg(long, env = "CITYGIS_STORE")]
    store: Option<String>,
}

impl DataDirArg {
    fn location(&self) -> StoreLocation {
        match &self.store {
            Some(store) => StoreLocation::parse(store),
            None => StoreLocation::Sqlite(self.data_dir.clone()),
        }
    }

    /// Opens the store (a SQLite file is created or upgraded; PostgreSQL must be migrated).
    fn open(&self) -> anyhow::Result<Arc<Store>> {
        let location = self.location();
        Store::open(&location, false).with_context(|| format!("cannot open the store {location}"))
    }
}

#[derive(Args)]
struct ConfigArg {
    /// City configuration file (layers, styles, tile settings).
    #[arg(long, short, default_value = "data/city.toml", env = "CITYGIS_CONFIG")]
    config: PathBuf,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    config: ConfigArg,
    /// Address and port to listen on (port 0 picks a free port).
    #[arg(long, short, default_value = "127.0.0.1:8080", env = "CITYGIS_BIND")]
    bind: SocketAddr,
    /// Memory for encoded tiles, in MiB.
    #[arg(long, default_value_t = 256)]
    cache_mb: u64,
    /// Cache-Control header sent with tiles.
    #[arg(long, default_value = "public, max-age=60")]
    cache_control: String,
    /// Origin allowed to fetch tiles from other sites (repeatable); "*" allows any,
    /// "none" sends no CORS headers.
    #[arg(long = "cors-origin", default_value = "*")]
    cors_origins: Vec<String>,
    /// Public base URL for links in TileJSON and the style, when behind a proxy
    /// (default: the URL each request came to).
    #[arg(long)]
    public_url: Option<String>,
    /// Folder of static files served at / (the web map).
    #[arg(long, default_value = "www")]
    www: PathBuf,
    #[command(flatten)]
    data: DataDirArg,
    /// Reports one client may file per window (overrides reports.rate_limit_per_client).
    #[arg(long)]
    report_rate_limit: Option<u32>,
}

fn load_config(config_path: &Path) -> anyhow::Result<CityConfig> {
    if !config_path.is_file() {
        anyhow::bail!(
            "no city configuration at {}: run from the repository root (for the demo city), or pass --config",
            config_path.display()
        );
    }
    Ok(CityConfig::load(config_path)?)
}

fn load(config_path: &Path) -> anyhow::Result<(CityConfig, LayerRegistry)> {
    let config = load_config(config_path)?;
    let layers = LayerRegistry::load(&config)?;
    Ok((config, layers))
}

fn main() -> ExitCode {
    match run_cli() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One readable line with the whole chain of causes; no backtrace for users.
            eprintln!("tileserver: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_cli() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Check { config } => {
            let (config, layers) = load(&config.config)?;
            println!("{}: {} layers", config.city.name, layers.names().len());
            match BaseMap::open(&config, 1)? {
                Some(base_map) => println!("  base map: {}", base_map.summary()),
                None => println!("  base map: the layers themselves (no [base] section)"),
            }
            for layer in layers.iter() {
                let layer = layer
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                match layer.config().source {
                    LayerSource::File => println!(
                        "  {:<10} {:>7} features  ({})",
                        layer.name(),
                        layer.len(),
                        layer.config().title
                    ),
                    LayerSource::Store => println!(
                        "  {:<10}    from the data store, seeded from {}  ({})",
                        layer.name(),
                        layer.config().file.display(),
                        layer.config().title
                    ),
                }
            }
            Ok(())
        }
        Command::Serve(args) => run(args),
        Command::Import(args) => import(args),
        Command::User(command) => user(command),
        Command::Migrate { data } => {
            let location = data.location();
            let store = Store::open(&location, true)
                .with_context(|| format!("cannot migrate the store {location}"))?;
            println!("{} is up to date", store.describe());
            Ok(())
        }
    }
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    use tileserver::import::{ImportError, ImportOptions, ImportSummary, import_file};
    let config = load_config(&args.config.config)?;
    let layer = config
        .layers
        .iter()
        .find(|l| l.name == args.layer)
        .with_context(|| {
            let names: Vec<&str> = config.layers.iter().map(|l| l.name.as_str()).collect();
            format!(
                "no layer {:?} in {}; layers: {}",
                args.layer,
                args.config.config.display(),
                names.join(", ")
            )
        })?;
    if layer.source != LayerSource::File {
        anyhow::bail!(
            "layer {:?} comes from the data store (reports), not from files",
            layer.name
        );
    }
    let options = ImportOptions {
        crs: args
            .crs
            .as_deref()
            .map(tileserver::crs::SourceCrs::parse)
            .transpose()?,
        encoding: args.encoding.clone(),
        skip_invalid: args.skip_invalid,
    };
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} features ({per_sec}, {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_message(format!("reading {}", args.file.display()));
    let mut progress = |done: u64, total: Option<u64>| {
        if let Some(total) = total {
            bar.set_length(total);
        }
        bar.set_position(done);
    };
    let print_summary = |summary: &ImportSummary| {
        eprintln!(
            "{} ({}, {}{})",
            args.file.display(),
            summary.format,
            summary.crs,
            summary
                .encoding
                .as_ref()
                .map(|e| format!(", text {e}"))
                .unwrap_or_default()
        );
        eprintln!(
            "  read {}, imported {}, repaired {}, rejected {}",
            summary.read,
            summary.imported,
            summary.repaired.len(),
            summary.rejected.len()
        );
        for (from, to) in &summary.renamed {
            eprintln!("  attribute {from} → {to}");
        }
        if !summary.missing_attributes.is_empty() {
            eprintln!(
                "  no feature has: {}",
                summary.missing_attributes.join(", ")
            );
        }
        for note in &summary.repaired {
            eprintln!("  repaired {}: {}", note.at, note.reason);
        }
        for note in &summary.rejected {
            eprintln!("  rejected {}: {}", note.at, note.reason);
        }
    };
    let imported = match import_file(&args.file, layer, &options, &mut progress) {
        Ok(imported) => imported,
        Err(ImportError::Rejected { file, summary }) => {
            bar.finish_and_clear();
            print_summary(&summary);
            return Err(ImportError::Rejected { file, summary }.into());
        }
        Err(e) => {
            bar.finish_and_clear();
            return Err(e.into());
        }
    };
    bar.finish_and_clear();
    print_summary(&imported.summary);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, imported.geojson.as_bytes())?;
    let gzip = gz.finish()?;
    let store = args.data.open()?;
    let previous = store
        .active_layer_versions()?
        .into_iter()
        .find(|(name, _)| *name == layer.name)
        .map(|(_, v)| v);
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let source_file = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let version = store.add_layer_version(
        &tileserver::store::NewLayerVersion {
            layer: &layer.name,
            imported_by: &format!("cli:{user}"),
            source_file: &source_file,
            source_format: &imported.summary.format,
            source_crs: &imported.summary.crs,
            features: imported.summary.imported,
            repaired: imported.summary.repaired.len(),
            rejected: imported.summary.rejected.len(),
            geojson_gzip: &gzip,
        },
        !args.stage,
        chrono::Utc::now(),
    )?;
    let previous = match previous {
        Some(v) => format!("version {v}"),
        None => format!("version 0, the file {}", layer.file.display()),
    };
    if args.stage {
        println!(
            "stored {:?} version {version} ({} features) without serving it; it still serves {previous}",
            layer.name, imported.summary.imported
        );
    } else {
        println!(
            "{:?} now serves version {version} ({} features); {previous} is kept for comparison",
            layer.name, imported.summary.imported
        );
    }
    Ok(())
}

fn user(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            role,
            password_stdin,
            data,
        } => {
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("cannot read the password from standard input")?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                std::env::var("CITYGIS_PASSWORD")
                    .context("give the password with --password-stdin or CITYGIS_PASSWORD")?
            };
            if password.chars().count() < 10 {
                anyhow::bail!("the password must have at least 10 characters");
            }
            let store = data.open()?;
            let hash = tileserver::auth::hash_password(&password).map_err(anyhow::Error::msg)?;
            let user = store.create_user(&username, &hash, role)?;
            println!(
                "added {} ({}) to {}",
                user.username,
                user.role,
                store.describe()
            );
            Ok(())
        }
        UserCommand::Token {
            username,
            label,
            data,
        } => {
            let store = data.open()?;
            let (user, _) = store
                .user_with_password(&username)?
                .with_context(|| format!("no user {username:?}"))?;
            let token = tileserver::auth::new_token();
            store.create_api_token(&tileserver::auth::token_hash(&token), user.id, &label)?;
            println!("{token}");
            Ok(())
        }
    }
}

/// Loads everything (the store's client is synchronous, so this happens before the HTTP
/// runtime starts), then serves.
fn run(args: ServeArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut config = load_config(&args.config.config)?;
    if let (Some(limit), Some(reports)) = (args.report_rate_limit, config.reports.as_mut()) {
        reports.rate_limit_per_client = limit;
    }
    let store = args.data.open()?;
    tracing::info!(store = %store.describe(), "data store open");
    // Changes written after this point are applied by the change follower; everything before
    // it is in what is loaded next.
    let caught_up_to = store.latest_change()?;
    // The file layers and the report layer (from the store) are independent: load both at once.
    let (layers, report_layer, served_versions) =
        std::thread::scope(|scope| -> anyhow::Result<_> {
            let from_store = config
                .reports
                .as_ref()
                .map(|_| scope.spawn(|| ReportService::load_layer(&config, &*store)));
            let imported = tileserver::layer_versions::served_features(&config, &*store)?;
            let served: std::collections::HashMap<String, u64> =
                imported.iter().map(|(n, (v, _))| (n.clone(), *v)).collect();
            let layers = LayerRegistry::load_with(
                &config,
                imported.into_iter().map(|(n, (_, f))| (n, f)).collect(),
            )?;
            tracing::info!(
                ms = started.elapsed().as_millis() as u64,
                "file layers loaded"
            );
            let report_layer = match from_store {
                Some(handle) => Some(
                    handle
                        .join()
                        .map_err(|_| anyhow::anyhow!("the report loader panicked"))??,
                ),
                None => None,
            };
            Ok((layers, report_layer, served))
        })?;
    let www_dir = args.www.is_dir().then_some(args.www.clone());
    if www_dir.is_none() {
        tracing::warn!(dir = %args.www.display(), "static folder not found; the web map is not served");
    }
    let cors_origins = args
        .cors_origins
        .into_iter()
        .filter(|o| o != "none")
        .collect();
    let reports = match report_layer {
        Some(loaded) => Some(Arc::new(ReportService::start(
            &config,
            Arc::clone(&store),
            &layers,
            loaded,
        )?)),
        None => None,
    };
    for layer in layers.iter() {
        let layer = layer
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tracing::info!(layer = layer.name(), features = layer.len(), "layer loaded");
    }
    let events = reports.as_ref().map_or_else(
        || Arc::new(tileserver::reports::EventHub::new(1000)),
        |r| Arc::clone(&r.events),
    );
    let cameras = CameraService::start(&config, Arc::clone(&store), &layers, Arc::clone(&events))?
        .map(Arc::new);
    let layer_versions = Arc::new(tileserver::layer_versions::LayerVersions::new(
        &config,
        Arc::clone(&store),
        &layers,
        served_versions,
        events,
    ));
    layer_versions.watch(std::time::Duration::from_secs(1));
    tileserver::change_follower::ChangeFollower::new(
        Arc::clone(&store),
        reports.clone(),
        cameras.clone(),
    )
    .start(caught_up_to, std::time::Duration::from_secs(1));
    let readers = std::thread::available_parallelism().map_or(2, usize::from);
    let base_map = BaseMap::open(&config, readers)?;
    if let Some(base_map) = &base_map {
        tracing::info!(base_map = %base_map.summary(), "base map open");
    }
    let state = AppState {
        base_map,
        tiles: TileCache::new(config.tiles.clone(), args.cache_mb * 1024 * 1024),
        config,
        layers,
        options: ServerOptions {
            cache_control: args.cache_control,
            cors_origins,
            public_url: args.public_url,
            www_dir,
        },
        store: Some(store),
        reports,
        cameras,
        layer_versions: Some(layer_versions),
        login_limit: RateLimiter::new(10, std::time::Duration::from_secs(60)),
    };
    let city = state.config.city.name.clone();
    let bind = args.bind;
    actix_web::rt::System::new()
        .block_on(serve(state, bind, |addr| {
            tracing::info!(%addr, ms = started.elapsed().as_millis() as u64, "listening");
            println!("CityGIS ({city}) đang chạy tại / is running at http://{addr}/");
        }))
        .with_context(|| format!("cannot serve on {bind}"))
}
