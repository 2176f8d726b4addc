//! The tile pipeline for a set of layers.

use super::TileFeature;
use super::cluster::clustered;
use super::encode::encode_tile;
use super::shape::{TileTransform, cut};
use super::tile_id::TileId;
use crate::config::{GeometryKind, TileSettings};
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
                let visible = Visibility::new(config.geometry, tile, settings);
                let mut features: Vec<TileFeature<'_>> = layer
                    .query_items(query_bounds)
                    .filter(|item| visible.could_show(item.size()))
                    .filter_map(|item| {
                        let f = &item.feature;
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

/// A cheap test on a feature's envelope, before any geometry work: a polygon whose envelope is
/// smaller than the smallest ring kept cannot show, nor can a line shorter than a tile unit.
struct Visibility {
    kind: GeometryKind,
    min_area_m2: f64,
    unit_m: f64,
}

impl Visibility {
    fn new(kind: GeometryKind, tile: TileId, settings: &TileSettings) -> Self {
        let unit_m = tile.span() / f64::from(settings.extent);
        Self {
            kind,
            min_area_m2: settings.min_ring_area * unit_m * unit_m,
            unit_m,
        }
    }

    fn could_show(&self, (width, height): (f64, f64)) -> bool {
        match self.kind {
            GeometryKind::Polygon => width * height >= self.min_area_m2,
            GeometryKind::Line => width.max(height) >= 0.5 * self.unit_m,
            GeometryKind::Point => true,
        }
    }
}
