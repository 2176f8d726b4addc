//! The city configuration file (`data/city.toml`): the city, tile settings and the layers to serve.
//!
//! A layer is described entirely here, so a new layer (air-quality sensors, say) needs a GeoJSON
//! file and a `[[layers]]` entry, and no code.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityConfig {
    pub city: City,
    #[serde(default)]
    pub tiles: TileSettings,
    pub layers: Vec<LayerConfig>,
    /// Citizens' field reports; absent for a deployment that only serves map layers.
    #[serde(default)]
    pub reports: Option<ReportsConfig>,
    /// Camera status reporting; absent for a deployment without cameras.
    #[serde(default)]
    pub cameras: Option<CamerasConfig>,
    /// The planning (zoning) layer asked by `/api/query/area`.
    #[serde(default)]
    pub planning: Option<PlanningConfig>,
    /// Which layers `/api/stats` counts by ward and for Wi-Fi.
    #[serde(default)]
    pub stats: Option<StatsConfig>,
    /// A base map drawn beneath the layers; the layers alone when absent.
    #[serde(default)]
    pub base: Option<BaseMapConfig>,
    /// Folder that layer `file` paths are relative to (the config file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// The city the deployment serves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub province: Option<String>,
    /// `[lon, lat]` the map opens on.
    pub center: [f64; 2],
    /// Zoom the map opens at.
    #[serde(default = "default_zoom")]
    pub zoom: f64,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
    #[serde(default)]
    pub attribution: String,
    /// IANA time zone for dates shown to people and in APIs.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Short prefix of report tracking codes (e.g. "DX" for Đồng Xoài).
    #[serde(default = "default_code_prefix")]
    pub code_prefix: String,
}

/// Where a layer's features come from.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LayerSource {
    /// The GeoJSON `file`, read at start.
    #[default]
    File,
    /// The data store (field reports); `file` only seeds an empty store.
    Store,
}

/// Citizens' field reports (phản ánh hiện trường).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsConfig {
    /// The layer that shows reports on the map (its `source` must be "store").
    pub layer: String,
    /// Polygon layer whose `name` attribute gives a report's ward.
    #[serde(default)]
    pub ward_layer: Option<String>,
    /// Radius for "reports of the same kind nearby" hints, in metres.
    #[serde(default = "default_nearby_radius")]
    pub nearby_radius_m: f64,
    #[serde(default = "default_max_photos")]
    pub max_photos: usize,
    /// Largest photo accepted, in bytes.
    #[serde(default = "default_max_photo_bytes")]
    pub max_photo_bytes: usize,
    /// Longest side of a stored photo, in pixels.
    #[serde(default = "default_max_photo_px")]
    pub max_photo_px: u32,
    /// Reports one client may file per window.
    #[serde(default = "default_rate_limit")]
    pub rate_limit_per_client: u32,
    #[serde(default = "default_rate_window")]
    pub rate_limit_window_seconds: u64,
    pub categories: Vec<CategoryConfig>,
}

/// A kind of problem citizens report (an Open311 service).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryConfig {
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    pub name_en: String,
    /// Agency that handles it by default.
    #[serde(default)]
    pub agency: Option<String>,
}

/// Cameras whose status operators and monitoring systems report (`POST /api/cameras/status`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CamerasConfig {
    /// The point layer of cameras; it publishes `status` and, to show since when,
    /// `status_since`.
    pub layer: String,
}

/// The planning layer and the attributes holding a zone's land-use code and name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanningConfig {
    pub layer: String,
    #[serde(default = "default_code_attribute")]
    pub code_attribute: String,
    #[serde(default = "default_name_attribute")]
    pub name_attribute: String,
}

fn default_code_attribute() -> String {
    "land_use".into()
}
fn default_name_attribute() -> String {
    "land_use_name".into()
}

/// Layers the statistics use.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsConfig {
    /// Polygon layer whose `name` gives wards (reports and cameras are counted by ward).
    pub ward_layer: String,
    /// Point layer of Wi-Fi points (with `kind`, `sessions`, `sessions_period`).
    #[serde(default)]
    pub wifi_layer: Option<String>,
}

/// The base map: an MBTiles file (vector or raster tiles) or a raster XYZ URL, one of the two.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseMapConfig {
    /// MBTiles file, relative to the config file; served at `/tiles/base`.
    #[serde(default)]
    pub mbtiles: Option<PathBuf>,
    /// Raster tile URL with `{z}`, `{x}`, `{y}` that browsers fetch directly.
    #[serde(default)]
    pub raster: Option<String>,
    /// Credit shown on the map (the MBTiles file's own attribution when absent).
    #[serde(default)]
    pub attribution: Option<String>,
    /// Pixels per side of the raster service's tiles.
    #[serde(default = "default_raster_tile_size")]
    pub tile_size: u32,
    /// Highest zoom the raster service has.
    #[serde(default = "default_raster_max_zoom")]
    pub max_zoom: u8,
}

/// How tiles are cut.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TileSettings {
    /// Tile coordinate extent (MVT default 4096).
    #[serde(default = "default_extent")]
    pub extent: u32,
    /// Extra margin around each tile, in tile units, so lines and symbols cross edges cleanly.
    #[serde(default = "default_buffer")]
    pub buffer: u32,
    /// Douglas–Peucker tolerance in tile units applied to lines and polygons at every zoom.
    #[serde(default = "default_simplify")]
    pub simplify: f64,
    /// Polygon rings smaller than this (in square tile units) are dropped as invisible.
    #[serde(default = "default_min_ring_area")]
    pub min_ring_area: f64,
}

/// Geometry kind a layer holds.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GeometryKind {
    Point,
    Line,
    Polygon,
}

impl GeometryKind {
    /// The kind of a geometry; None for a collection.
    pub fn of(geometry: &geo::Geometry<f64>) -> Option<GeometryKind> {
        use geo::Geometry as G;
        match geometry {
            G::Point(_) | G::MultiPoint(_) => Some(GeometryKind::Point),
            G::LineString(_) | G::MultiLineString(_) | G::Line(_) => Some(GeometryKind::Line),
            G::Polygon(_) | G::MultiPolygon(_) | G::Rect(_) | G::Triangle(_) => {
                Some(GeometryKind::Polygon)
            }
            G::GeometryCollection(_) => None,
        }
    }
}

/// One layer: where its features come from and how they are published.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerConfig {
    /// Name used in URLs and as the MVT layer name.
    pub name: String,
    /// Vietnamese title shown to people.
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    #[serde(default)]
    pub description: String,
    /// GeoJSON file, relative to the config file.
    pub file: PathBuf,
    /// The file's coordinate system when not WGS84, e.g. `"EPSG:9212"` (VN-2000 / TM-3 106°15′,
    /// Bình Phước); converted to WGS84 on load.
    #[serde(default)]
    pub crs: Option<String>,
    pub geometry: GeometryKind,
    /// Integer property used as the MVT feature id (the feature's position in the file otherwise).
    #[serde(default)]
    pub id_property: Option<String>,
    /// Properties published in tiles, in this order. Anything else in the file stays private.
    pub attributes: Vec<String>,
    #[serde(default)]
    pub min_zoom: u8,
    #[serde(default = "default_layer_max_zoom")]
    pub max_zoom: u8,
    #[serde(default)]
    pub cluster: Option<ClusterConfig>,
    #[serde(default)]
    pub style: StyleConfig,
    #[serde(default)]
    pub source: LayerSource,
}

/// Server-side clustering of a dense point layer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    /// Points are clustered at zooms strictly below this one.
    pub below_zoom: u8,
    /// Grid cell size in pixels of a 512-pixel tile; must divide 512.
    #[serde(default = "default_cell_px")]
    pub cell_px: u32,
    /// Attributes for which a cluster carries the most common value among its points.
    #[serde(default)]
    pub dominant: Vec<String>,
}

/// How `/style.json` draws a layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleConfig {
    /// Default colour.
    #[serde(default)]
    pub color: Option<String>,
    /// Attribute whose value picks the colour from `colors`.
    #[serde(default)]
    pub color_by: Option<String>,
    #[serde(default)]
    pub colors: BTreeMap<String, String>,
    /// Attribute whose value picks the outline colour from `outline_colors` (points and polygons).
    #[serde(default)]
    pub outline_by: Option<String>,
    #[serde(default)]
    pub outline_colors: BTreeMap<String, String>,
    /// Fill opacity of polygons, or circle opacity of points.
    #[serde(default)]
    pub opacity: Option<f64>,
    /// Line width or circle radius in pixels.
    #[serde(default)]
    pub width: Option<f64>,
    /// Vietnamese legend labels of `colors` keys.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// Why a configuration file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}: {error}")]
    Parse {
        path: PathBuf,
        error: Box<toml::de::Error>,
    },
    #[error("{path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

fn default_timezone() -> String {
    "Asia/Ho_Chi_Minh".into()
}
fn default_code_prefix() -> String {
    "PA".into()
}
fn default_nearby_radius() -> f64 {
    250.0
}
fn default_max_photos() -> usize {
    3
}
fn default_max_photo_bytes() -> usize {
    10 * 1024 * 1024
}
fn default_max_photo_px() -> u32 {
    2048
}
fn default_rate_limit() -> u32 {
    10
}
fn default_rate_window() -> u64 {
    600
}
fn default_zoom() -> f64 {
    13.0
}
fn default_extent() -> u32 {
    4096
}
fn default_buffer() -> u32 {
    64
}
fn default_simplify() -> f64 {
    4.0
}
fn default_min_ring_area() -> f64 {
    64.0
}
fn default_layer_max_zoom() -> u8 {
    18
}
fn default_raster_tile_size() -> u32 {
    256
}
fn default_raster_max_zoom() -> u8 {
    19
}
fn default_cell_px() -> u32 {
    64
}

impl Default for TileSettings {
    fn default() -> Self {
        Self {
            extent: default_extent(),
            buffer: default_buffer(),
            simplify: default_simplify(),
            min_ring_area: default_min_ring_area(),
        }
    }
}

impl CityConfig {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.to_owned(),
            error,
        })?;
        let mut config: CityConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            error: Box::new(e),
        })?;
        config.base_dir = path.parent().map(Path::to_owned).unwrap_or_default();
        config.validate().map_err(|reason| ConfigError::Invalid {
            path: path.to_owned(),
            reason,
        })?;
        Ok(config)
    }

    /// Path of a layer's data file.
    pub fn layer_file(&self, layer: &LayerConfig) -> PathBuf {
        self.base_dir.join(&layer.file)
    }

    /// The city's time zone.
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.city
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Asia::Ho_Chi_Minh)
    }

    /// Looks a layer up by name.
    pub fn layer(&self, name: &str) -> Option<&LayerConfig> {
        self.layers.iter().find(|l| l.name == name)
    }

    fn validate(&self) -> Result<(), String> {
        let [w, s, e, n] = self.city.bounds;
        if !(w < e && s < n && (-180.0..=180.0).contains(&w) && (-180.0..=180.0).contains(&e)) {
            return Err(format!(
                "city.bounds {:?} is not [west, south, east, north]",
                self.city.bounds
            ));
        }
        if !(64..=1 << 16).contains(&self.tiles.extent) {
            return Err(format!(
                "tiles.extent {} is outside 64..=65536",
                self.tiles.extent
            ));
        }
        if self.city.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "city.timezone {:?} is not an IANA time zone",
                self.city.timezone
            ));
        }
        if let Some(reports) = &self.reports {
            let layer = self
                .layer(&reports.layer)
                .ok_or_else(|| format!("reports.layer {:?} is not a layer", reports.layer))?;
            if layer.source != LayerSource::Store || layer.geometry != GeometryKind::Point {
                return Err(format!(
                    "layer {:?} shows reports: it needs geometry = \"point\" and source = \"store\"",
                    layer.name
                ));
            }
            if reports.categories.is_empty() {
                return Err("reports.categories is empty".into());
            }
        } else if let Some(l) = self.layers.iter().find(|l| l.source == LayerSource::Store) {
            return Err(format!(
                "layer {:?} has source = \"store\" but there is no [reports] section",
                l.name
            ));
        }
        if let Some(base) = &self.base {
            base.validate()?;
        }
        if let Some(planning) = &self.planning {
            let layer = self
                .layer(&planning.layer)
                .ok_or_else(|| format!("planning.layer {:?} is not a layer", planning.layer))?;
            if layer.geometry != GeometryKind::Polygon
                || !layer.attributes.contains(&planning.code_attribute)
            {
                return Err(format!(
                    "layer {:?} is the planning layer: it needs geometry = \"polygon\" and the attribute {:?}",
                    layer.name, planning.code_attribute
                ));
            }
        }
        if let Some(stats) = &self.stats {
            for name in std::iter::once(&stats.ward_layer).chain(&stats.wifi_layer) {
                if self.layer(name).is_none() {
                    return Err(format!("stats names layer {name:?}, which is not a layer"));
                }
            }
        }
        if let Some(cameras) = &self.cameras {
            let layer = self
                .layer(&cameras.layer)
                .ok_or_else(|| format!("cameras.layer {:?} is not a layer", cameras.layer))?;
            if layer.geometry != GeometryKind::Point
                || !layer.attributes.iter().any(|a| a == "status")
            {
                return Err(format!(
                    "layer {:?} holds cameras: it needs geometry = \"point\" and a \"status\" attribute",
                    layer.name
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for layer in &self.layers {
            let name = &layer.name;
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(format!(
                    "layer name {name:?} must be ASCII letters, digits, '_' or '-'"
                ));
            }
            if name == crate::base_map::SOURCE_ID {
                return Err(format!(
                    "layer name {name:?} is reserved for the base map (/tiles/{name})"
                ));
            }
            if let Some(crs) = &layer.crs {
                crate::crs::SourceCrs::parse(crs)
                    .map_err(|e| format!("layer {name:?}: crs: {e}"))?;
            }
            if !seen.insert(name) {
                return Err(format!("layer {name:?} is listed twice"));
            }
            if layer.min_zoom > layer.max_zoom || layer.max_zoom > crate::tile::MAX_ZOOM {
                return Err(format!(
                    "layer {name:?}: min_zoom/max_zoom must satisfy min <= max <= {}",
                    crate::tile::MAX_ZOOM
                ));
            }
            if let Some(cluster) = &layer.cluster {
                if layer.geometry != GeometryKind::Point {
                    return Err(format!(
                        "layer {name:?}: only point layers can be clustered"
                    ));
                }
                if cluster.cell_px == 0 || 512 % cluster.cell_px != 0 {
                    return Err(format!("layer {name:?}: cluster.cell_px must divide 512"));
                }
                for d in &cluster.dominant {
                    if !layer.attributes.contains(d) {
                        return Err(format!(
                            "layer {name:?}: cluster.dominant names {d:?}, which is not in attributes"
                        ));
                    }
                }
            }
            for by in [&layer.style.color_by, &layer.style.outline_by]
                .into_iter()
                .flatten()
            {
                if !layer.attributes.contains(by) {
                    return Err(format!(
                        "layer {name:?}: style uses {by:?}, which is not in attributes"
                    ));
                }
            }
        }
        Ok(())
    }
}

impl BaseMapConfig {
    fn validate(&self) -> Result<(), String> {
        match (&self.mbtiles, &self.raster) {
            (Some(_), Some(_)) => Err("base: give either mbtiles or raster, not both".into()),
            (None, None) => Err(
                "base: give mbtiles = \"file.mbtiles\" or raster = \"https://…/{z}/{x}/{y}.png\""
                    .into(),
            ),
            (None, Some(url)) => {
                let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p));
                let absolute = url.starts_with("https://")
                    || url.starts_with("http://")
                    || url.starts_with('/');
                if !placeholders || !absolute {
                    return Err(format!(
                        "base.raster {url:?} must be an http(s) URL with {{z}}, {{x}} and {{y}}"
                    ));
                }
                if ![256, 512].contains(&self.tile_size) {
                    return Err(format!(
                        "base.tile_size {} must be 256 or 512",
                        self.tile_size
                    ));
                }
                if self.max_zoom > 24 {
                    return Err(format!("base.max_zoom {} is above 24", self.max_zoom));
                }
                Ok(())
            }
            (Some(_), None) => Ok(()),
        }
    }
}
