//! Server-side clustering of dense point layers: points are grouped in a grid aligned to the
//! world (so every point belongs to exactly one cell of exactly one tile), and each cell of two
//! or more points becomes one point with `point_count` and the dominant values of chosen
//! attributes.

use super::TileFeature;
use super::shape::{TileShape, TileTransform};
use super::tile_id::TileId;
use crate::config::ClusterConfig;
use crate::layer::{Feature, Value};
use crate::mercator::HALF_WORLD;
use geo::{Coord, Geometry};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Marks cluster ids so they never collide with feature ids (which stay below 2^63).
const CLUSTER_ID_FLAG: u64 = 1 << 63;

/// A cell of the world-aligned grid at one zoom: (column, row).
type GridCell = (u64, u64);
/// A point of a cell: its feature and its position in Web Mercator metres.
type Member<'a> = (&'a Arc<Feature>, Coord<f64>);

/// Clusters `features` for `tile`. Only points in the tile itself (not its buffer) are used, so
/// summing `point_count` over the tiles of a zoom counts every point once.
pub fn cluster<'a>(
    features: impl Iterator<Item = &'a Arc<Feature>>,
    attributes: &'a [String],
    config: &ClusterConfig,
    tile: TileId,
    transform: &TileTransform,
) -> Vec<TileFeature<'a>> {
    let cells_per_tile = u64::from(512 / config.cell_px);
    let cell_span = tile.span() / cells_per_tile as f64;
    let mut cells: BTreeMap<GridCell, Vec<Member<'a>>> = BTreeMap::new();
    for feature in features {
        let Some(at) = representative_point(&feature.geometry) else {
            continue;
        };
        let gx = ((at.x + HALF_WORLD) / cell_span).floor();
        let gy = ((HALF_WORLD - at.y) / cell_span).floor();
        if gx < 0.0 || gy < 0.0 {
            continue;
        }
        let (gx, gy) = (gx as u64, gy as u64);
        if gx / cells_per_tile != u64::from(tile.x) || gy / cells_per_tile != u64::from(tile.y) {
            continue;
        }
        cells.entry((gx, gy)).or_default().push((feature, at));
    }
    let dominant: Vec<usize> = config
        .dominant
        .iter()
        .filter_map(|d| attributes.iter().position(|a| a == d))
        .collect();
    cells
        .into_iter()
        .map(|((gx, gy), members)| {
            if let [(feature, at)] = members[..] {
                return TileFeature::from_feature(
                    feature,
                    attributes,
                    point_shape(transform.apply(at)),
                );
            }
            let n = members.len() as f64;
            let mean = members
                .iter()
                .fold(Coord { x: 0.0, y: 0.0 }, |acc, (_, c)| acc + *c / n);
            let mut properties: Vec<(&'a str, Value)> = vec![
                ("cluster", Value::Bool(true)),
                ("point_count", Value::Int(members.len() as i64)),
            ];
            for &i in &dominant {
                if let Some(v) =
                    most_common(members.iter().filter_map(|(f, _)| f.values[i].as_ref()))
                {
                    properties.push((attributes[i].as_str(), v));
                }
            }
            TileFeature {
                id: CLUSTER_ID_FLAG | (u64::from(tile.z) << 56) | (gy << 28) | (gx & 0x0FFF_FFFF),
                shape: point_shape(transform.apply(mean)),
                properties,
            }
        })
        .collect()
}

fn point_shape(c: Coord<f64>) -> TileShape {
    TileShape::Points(vec![[c.x.round() as i32, c.y.round() as i32]])
}

fn representative_point(geometry: &Geometry<f64>) -> Option<Coord<f64>> {
    match geometry {
        Geometry::Point(p) => Some(p.0),
        Geometry::MultiPoint(mp) => mp.0.first().map(|p| p.0),
        _ => None,
    }
}

/// The most frequent value; ties go to the value whose text sorts first, so tiles are stable.
fn most_common<'v>(values: impl Iterator<Item = &'v Value>) -> Option<Value> {
    let mut counts: HashMap<String, (usize, &'v Value)> = HashMap::new();
    for v in values {
        let key = match v {
            Value::String(s) => s.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
        };
        counts.entry(key).or_insert((0, v)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|(ka, (ca, _)), (kb, (cb, _))| ca.cmp(cb).then_with(|| kb.cmp(ka)))
        .map(|(_, (_, v))| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mercator::to_mercator;

    fn feature(id: u64, lon: f64, lat: f64, kind: &str) -> Arc<Feature> {
        let (x, y) = to_mercator(lon, lat);
        Arc::new(Feature {
            id,
            geometry: geo::Point::new(x, y).into(),
            values: vec![Some(Value::String(kind.into()))].into(),
        })
    }

    #[test]
    fn close_points_become_one_cluster_with_counts_and_dominant_value() {
        let attributes = vec!["kind".to_string()];
        let config = ClusterConfig {
            below_zoom: 15,
            cell_px: 64,
            dominant: attributes.clone(),
        };
        let features = [
            feature(1, 106.9000, 11.5350, "smart"),
            feature(2, 106.9001, 11.5351, "resident"),
            feature(3, 106.9002, 11.5350, "resident"),
        ];
        let (mx, my) = to_mercator(106.9001, 11.53505);
        let tile = TileId::containing(10, mx, my);
        let t = TileTransform::new(tile, 4096);
        let out = cluster(features.iter(), &attributes, &config, tile, &t);
        assert_eq!(out.len(), 1);
        let props = &out[0].properties;
        assert!(props.contains(&("point_count", Value::Int(3))));
        assert!(props.contains(&("kind", Value::String("resident".into()))));
        assert!(out[0].id & CLUSTER_ID_FLAG != 0);
    }

    #[test]
    fn every_point_is_counted_once_across_tiles() {
        let attributes = vec!["kind".to_string()];
        let config = ClusterConfig {
            below_zoom: 15,
            cell_px: 64,
            dominant: vec![],
        };
        let features: Vec<_> = (0..400)
            .map(|i| {
                feature(
                    i + 1,
                    106.85 + (i % 20) as f64 * 0.005,
                    11.50 + (i / 20) as f64 * 0.004,
                    "smart",
                )
            })
            .collect();
        for z in [8u8, 11, 13] {
            let mut tiles = std::collections::BTreeSet::new();
            for f in &features {
                let geo::Geometry::Point(p) = &f.geometry else {
                    unreachable!()
                };
                tiles.insert(TileId::containing(z, p.x(), p.y()));
            }
            let total: i64 = tiles
                .iter()
                .flat_map(|&tile| {
                    cluster(
                        features.iter(),
                        &attributes,
                        &config,
                        tile,
                        &TileTransform::new(tile, 4096),
                    )
                })
                .map(|f| {
                    f.properties
                        .iter()
                        .find_map(|(k, v)| match (k, v) {
                            (&"point_count", Value::Int(n)) => Some(*n),
                            _ => None,
                        })
                        .unwrap_or(1)
                })
                .sum();
            assert_eq!(total, 400, "zoom {z}");
        }
    }
}
