//! Clustered tiles of dense point layers. The layer keeps per-zoom grid cells aligned to the
//! world ([`ClusterIndex`]), so every point belongs to exactly one cell of exactly one tile; a
//! cell of two or more points becomes one point with `cluster`, `point_count` and the dominant
//! values of chosen attributes, and a cell of one point is that point's own feature.

use super::TileFeature;
use super::shape::{TileShape, TileTransform};
use super::tile_id::{MercatorBounds, TileId};
use crate::layer::Layer;
use crate::layer::Value;
use crate::layer::cluster_index::{ClusterIndex, representative_point};
use crate::mercator::HALF_WORLD;
use geo::Coord;

/// Marks cluster ids so they never collide with feature ids (which stay below 2^63).
const CLUSTER_ID_FLAG: u64 = 1 << 63;

/// The clustered features of `layer` in `tile`, from its cluster index.
pub fn clustered<'a>(
    layer: &'a Layer,
    index: &ClusterIndex,
    tile: TileId,
    transform: &TileTransform,
) -> Vec<TileFeature<'a>> {
    let config = layer.config();
    let Some(cluster) = &config.cluster else {
        return Vec::new();
    };
    let span = index.cell_span(tile.z);
    index
        .cells_in_tile(tile.z, tile.x, tile.y)
        .filter_map(|((gx, gy), cell)| {
            if cell.count == 1 {
                // The lone point: find it in the R-tree under the cell and show it as itself.
                let min_x = -HALF_WORLD + gx as f64 * span;
                let max_y = HALF_WORLD - gy as f64 * span;
                let bounds = MercatorBounds {
                    min_x,
                    min_y: max_y - span,
                    max_x: min_x + span,
                    max_y,
                };
                let feature = layer.query(bounds).find(|f| {
                    representative_point(&f.geometry).is_some_and(|p| {
                        p.x >= min_x && p.x < min_x + span && p.y <= max_y && p.y > max_y - span
                    })
                })?;
                let at = representative_point(&feature.geometry)?;
                return Some(TileFeature::from_feature(
                    feature,
                    &config.attributes,
                    point_shape(transform.apply(at)),
                ));
            }
            let mut properties: Vec<(&'a str, Value)> = vec![
                ("cluster", Value::Bool(true)),
                ("point_count", Value::Int(i64::from(cell.count))),
            ];
            for (slot, name) in cluster.dominant.iter().enumerate() {
                if let Some(v) = cell.dominant(slot) {
                    properties.push((name.as_str(), v.clone()));
                }
            }
            Some(TileFeature {
                id: CLUSTER_ID_FLAG
                    | (u64::from(tile.z) << 56)
                    | ((gy & 0x0FFF_FFFF) << 28)
                    | (gx & 0x0FFF_FFFF),
                shape: point_shape(transform.apply(cell.centre())),
                properties,
            })
        })
        .collect()
}

fn point_shape(c: Coord<f64>) -> TileShape {
    TileShape::Points(vec![[c.x.round() as i32, c.y.round() as i32]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LayerConfig;
    use crate::layer::Feature;
    use crate::mercator::to_mercator;
    use std::sync::Arc;

    fn config() -> LayerConfig {
        toml::from_str(
            r#"name = "cams"
               title = "Camera"
               file = "x.geojson"
               geometry = "point"
               attributes = ["kind"]
               min_zoom = 8
               [cluster]
               below_zoom = 15
               cell_px = 64
               dominant = ["kind"]"#,
        )
        .unwrap()
    }

    fn feature(id: u64, lon: f64, lat: f64, kind: &str) -> Feature {
        let (x, y) = to_mercator(lon, lat);
        Feature {
            id,
            geometry: geo::Point::new(x, y).into(),
            values: vec![Some(Value::String(kind.into()))].into(),
        }
    }

    fn tile_features(layer: &Layer, tile: TileId) -> Vec<TileFeature<'_>> {
        clustered(
            layer,
            layer.clusters().unwrap(),
            tile,
            &TileTransform::new(tile, 4096),
        )
    }

    fn count(f: &TileFeature<'_>) -> i64 {
        f.properties
            .iter()
            .find_map(|(k, v)| match (*k, v) {
                ("point_count", Value::Int(n)) => Some(*n),
                _ => None,
            })
            .unwrap_or(1)
    }

    #[test]
    fn close_points_become_one_cluster_with_counts_and_dominant_value() {
        let layer = Layer::new(
            Arc::new(config()),
            vec![
                feature(1, 106.9000, 11.5350, "smart"),
                feature(2, 106.9001, 11.5351, "resident"),
                feature(3, 106.9002, 11.5350, "resident"),
            ],
        );
        let (mx, my) = to_mercator(106.9001, 11.53505);
        let out = tile_features(&layer, TileId::containing(10, mx, my));
        assert_eq!(out.len(), 1);
        assert!(out[0].properties.contains(&("point_count", Value::Int(3))));
        assert!(
            out[0]
                .properties
                .contains(&("kind", Value::String("resident".into())))
        );
        assert!(out[0].id & CLUSTER_ID_FLAG != 0);
    }

    #[test]
    fn every_point_is_counted_once_across_tiles_and_edits_keep_counts_right() {
        let features: Vec<Feature> = (0..400)
            .map(|i| {
                feature(
                    i + 1,
                    106.85 + (i % 20) as f64 * 0.005,
                    11.50 + (i / 20) as f64 * 0.004,
                    "smart",
                )
            })
            .collect();
        let mut layer = Layer::new(Arc::new(config()), features.clone());
        let total = |layer: &Layer, z: u8| -> i64 {
            let tiles: std::collections::BTreeSet<TileId> = features
                .iter()
                .map(|f| {
                    let geo::Geometry::Point(p) = &f.geometry else {
                        unreachable!()
                    };
                    TileId::containing(z, p.x(), p.y())
                })
                .collect();
            tiles
                .iter()
                .flat_map(|&t| tile_features(layer, t))
                .map(|f| count(&f))
                .sum()
        };
        for z in [8u8, 11, 13, 14] {
            assert_eq!(total(&layer, z), 400, "zoom {z}");
        }
        layer.remove(1);
        layer.remove(2);
        layer.upsert(feature(3, 106.86, 11.51, "resident"));
        for z in [8u8, 11, 14] {
            assert_eq!(total(&layer, z), 398, "zoom {z} after edits");
        }
    }

    #[test]
    fn a_lone_point_is_shown_as_itself() {
        let layer = Layer::new(Arc::new(config()), vec![feature(7, 106.9, 11.535, "ptz")]);
        let (mx, my) = to_mercator(106.9, 11.535);
        let out = tile_features(&layer, TileId::containing(12, mx, my));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].id, 7);
        assert_eq!(
            out[0].properties,
            vec![("kind", Value::String("ptz".into()))]
        );
    }
}
