//! The tile pipeline for a set of layers.

use super::cluster::clustered;
use super::mvt_writer::{LayerWriter, TileWriter};
use super::shape::{TileTransform, clip_rect, cut, point_in_tile};
use super::tile_id::TileId;
use crate::config::{GeometryKind, TileSettings};
use crate::layer::{Feature, IndexedFeature, Layer};
use geo::Geometry;

/// Why a tile could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    #[error("tile {tile}: layer {name:?} is asked twice")]
    RepeatedLayer { tile: TileId, name: String },
}

/// Builds one tile holding one MVT layer per given layer (in that order). Returns None when no
/// layer has anything in this tile, so the caller can answer "no content".
///
/// Features are written straight into the tile's bytes in id order (byte-stable tiles); a point
/// costs no allocation at all, other shapes one cut geometry.
pub fn build_tile(
    layers: &[&Layer],
    tile: TileId,
    settings: &TileSettings,
) -> Result<Option<Vec<u8>>, TileError> {
    let transform = TileTransform::new(tile, settings.extent);
    let buffer_m = tile.span() * f64::from(settings.buffer) / f64::from(settings.extent);
    let query_bounds = tile.bounds().expanded(buffer_m);
    let rect = clip_rect(settings);
    let mut writer = TileWriter::default();
    let mut names: Vec<&str> = Vec::with_capacity(layers.len());
    for layer in layers {
        let config = layer.config();
        if names.contains(&config.name.as_str()) {
            return Err(TileError::RepeatedLayer {
                tile,
                name: config.name.clone(),
            });
        }
        names.push(&config.name);
        if tile.z < config.min_zoom || tile.z > config.max_zoom {
            continue;
        }
        if let (Some(c), Some(index)) = (&config.cluster, layer.clusters())
            && tile.z < c.below_zoom
        {
            // Cluster features own their values: the layer is written while they live.
            let features = clustered(layer, index, tile, &transform);
            let mut out = LayerWriter::with_capacity(
                &config.name,
                settings.extent,
                features.len(),
                features.first().map_or(0, |f| f.properties.len()),
            );
            for f in &features {
                out.feature(f.id, &f.shape, f.properties.iter().map(|(k, v)| (*k, v)));
            }
            writer.add_layer(out);
            continue;
        }
        let visible = Visibility::new(config.geometry, tile, settings);
        // Ids are in the items, so sorting reads no feature (features are then read in id
        // order, which is the order they sit in memory).
        let mut items: Vec<(u64, &IndexedFeature)> = layer
            .query_items(query_bounds)
            .filter(|item| visible.could_show(item.size()))
            .map(|item| (item.id, item))
            .collect();
        // R-tree order depends on insertion history; id order keeps tiles byte-stable.
        items.sort_unstable_by_key(|(id, _)| *id);
        let mut out = LayerWriter::with_capacity(
            &config.name,
            settings.extent,
            items.len(),
            config.attributes.len(),
        );
        for (_, item) in items {
            let f: &Feature = &item.feature;
            let properties = config
                .attributes
                .iter()
                .zip(f.values.iter())
                .filter_map(|(k, v)| Some((k.as_str(), v.as_ref()?)));
            if let Geometry::Point(p) = &f.geometry {
                if let Some(at) = point_in_tile(p.0, &transform, rect) {
                    out.point(f.id, at, properties);
                }
            } else if let Some(shape) = cut(&f.geometry, &transform, settings) {
                out.feature(f.id, &shape, properties);
            }
        }
        writer.add_layer(out);
    }
    Ok((!writer.is_empty()).then(|| writer.finish()))
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
