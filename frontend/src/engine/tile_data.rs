//! What a loaded tile holds: decoded vector features, or the image of a raster tile.

use super::vector_tile::{DecodedTile, TileLayer};

/// A decoded raster tile (the browser's image bitmap).
pub type RasterImage = web_sys::ImageBitmap;

/// A loaded tile of a vector or raster source.
#[derive(Debug)]
pub enum TileData {
    Vector(DecodedTile),
    /// None for a tile the server has no image for (HTTP 204).
    Raster(Option<RasterImage>),
}

impl TileData {
    /// A layer of a vector tile (None for raster tiles).
    pub fn layer(&self, name: &str) -> Option<&TileLayer> {
        match self {
            TileData::Vector(tile) => tile.layer(name),
            TileData::Raster(_) => None,
        }
    }

    /// The image of a raster tile.
    pub fn image(&self) -> Option<&RasterImage> {
        match self {
            TileData::Raster(image) => image.as_ref(),
            TileData::Vector(_) => None,
        }
    }
}
