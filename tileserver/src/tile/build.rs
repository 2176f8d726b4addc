//! The tile pipeline for a set of layers.

use super::TileFeature;
use super::cluster::clustered;
use super::encode::encode_tile;
use super::shape::{TileTransform, cut};
use super::tile_id::TileId;
use crate::config::TileSettings;
use crate::layer::Layer;

/// Why a tile could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    #[error("encoding tile {tile}: {source}")]
    Encode { tile: TileId, source: mvt::Error },
}

/// Builds one tile holding one MVT layer per given layer (in that order). Returns None when no
/// layer has anything in this tile, so the caller can answer "no content".
pub fn build_tile(
    layers: &[&Layer],
    tile: TileId,
    settings: &TileSettings,
) -> Result<Option<Vec<u8>>, TileError> {
    let transform = TileTransform::new(tile, settings.extent);
    let buffer_m = tile.span() * f64::from(settings.buffer) / f64::from(settings.extent);
    let query_bounds = tile.bounds().expanded(buffer_m);
    let mut encoded_layers = Vec::with_capacity(layers.len());
    for layer in layers {
        let config = layer.config();
        if tile.z < config.min_zoom || tile.z > config.max_zoom {
            continue;
        }
        let features: Vec<TileFeature<'_>> = match (&config.cluster, layer.clusters()) {
            (Some(c), Some(index)) if tile.z < c.below_zoom => {
                clustered(layer, index, tile, &transform)
            }
            _ => {
                let mut features: Vec<TileFeature<'_>> = layer
                    .query(query_bounds)
                    .filter_map(|f| {
                        let shape = cut(&f.geometry, &transform, settings)?;
                        Some(TileFeature::from_feature(f, &config.attributes, shape))
                    })
                    .collect();
                // R-tree order depends on insertion history; id order keeps tiles byte-stable.
                features.sort_unstable_by_key(|f| f.id);
                features
            }
        };
        if !features.is_empty() {
            encoded_layers.push((config.name.as_str(), features));
        }
    }
    if encoded_layers.is_empty() {
        return Ok(None);
    }
    encode_tile(settings.extent, &encoded_layers)
        .map(Some)
        .map_err(|source| TileError::Encode { tile, source })
}
