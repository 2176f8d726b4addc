//! The base map drawn beneath the city's layers: an MBTiles file of vector or raster tiles
//! (what planetiler, tilemaker or GDAL make from an OpenStreetMap extract) served by this server,
//! or a raster XYZ URL the browser fetches itself. Without one, the city's own wards and roads
//! are the base map (offline).

pub mod mbtiles;

pub use mbtiles::{MbTiles, MbTilesError, StoredTile, TileFormat, VectorLayer};

use crate::config::{BaseMapConfig, CityConfig};

/// Name of the base map's source in the style and in URLs (`/tiles/base`).
pub const SOURCE_ID: &str = "base";

/// A raster XYZ service (e.g. an OpenStreetMap tile server).
#[derive(Debug, Clone, PartialEq)]
pub struct RasterService {
    /// URL template with `{z}`, `{x}`, `{y}`.
    pub tiles: String,
    /// Pixels per tile side (256 for most services).
    pub tile_size: u32,
    pub max_zoom: u8,
}

/// Where the base map comes from.
#[derive(Debug)]
pub enum BaseMap {
    MbTiles(MbTiles),
    Raster(RasterService),
}

impl BaseMap {
    /// The configured base map, opened; None when the configuration names none.
    pub fn open(config: &CityConfig, readers: usize) -> Result<Option<BaseMap>, MbTilesError> {
        Ok(match &config.base {
            None => None,
            Some(BaseMapConfig {
                mbtiles: Some(file),
                ..
            }) => Some(BaseMap::MbTiles(MbTiles::open(
                &config.base_dir.join(file),
                readers,
            )?)),
            Some(BaseMapConfig {
                raster: Some(url),
                tile_size,
                max_zoom,
                ..
            }) => Some(BaseMap::Raster(RasterService {
                tiles: url.clone(),
                tile_size: *tile_size,
                max_zoom: *max_zoom,
            })),
            // The configuration's validation asks for one of the two.
            Some(_) => None,
        })
    }

    /// Whether the base map is drawn from vector tiles (styled by us) rather than images.
    pub fn is_vector(&self) -> bool {
        matches!(self, BaseMap::MbTiles(f) if f.metadata().format.is_vector())
    }

    /// One line saying what the base map is, for logs and `tileserver check`.
    pub fn summary(&self) -> String {
        match self {
            BaseMap::MbTiles(f) => {
                let m = f.metadata();
                let layers: Vec<&str> = m.vector_layers.iter().map(|l| l.id.as_str()).collect();
                format!(
                    "{} ({} tiles, zoom {}–{}{})",
                    f.path().display(),
                    m.format.as_str(),
                    m.min_zoom,
                    m.max_zoom,
                    if layers.is_empty() {
                        String::new()
                    } else {
                        format!(", layers {}", layers.join(", "))
                    }
                )
            }
            BaseMap::Raster(r) => format!("{} (raster, up to zoom {})", r.tiles, r.max_zoom),
        }
    }
}
