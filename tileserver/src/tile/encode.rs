//! Encoding prepared features into a Mapbox Vector Tile (protobuf) with the `mvt` crate.

use super::TileFeature;
use super::quantize::TilePoint;
use super::shape::TileShape;
use crate::layer::Value;
use mvt::{GeomEncoder, GeomType, Tile};

/// Encodes layers (name, features) into tile bytes. Layers without features are left out.
pub fn encode_tile(
    extent: u32,
    layers: &[(&str, Vec<TileFeature<'_>>)],
) -> Result<Vec<u8>, mvt::Error> {
    let mut tile = Tile::new(extent);
    for (name, features) in layers {
        if features.is_empty() {
            continue;
        }
        let mut layer = tile.create_layer(name);
        for feature in features {
            let mut encoded = layer.into_feature(encode_geometry(&feature.shape)?);
            encoded.set_id(feature.id);
            for (key, value) in &feature.properties {
                match value {
                    Value::String(s) => encoded.add_tag_string(key, s),
                    Value::Int(i) => encoded.add_tag_int(key, *i),
                    Value::Float(f) => encoded.add_tag_double(key, *f),
                    Value::Bool(b) => encoded.add_tag_bool(key, *b),
                }
            }
            layer = encoded.into_layer();
        }
        tile.add_layer(layer)?;
    }
    tile.to_bytes()
}

fn encode_geometry(shape: &TileShape) -> Result<mvt::GeomData, mvt::Error> {
    match shape {
        TileShape::Points(points) => {
            let mut enc = GeomEncoder::new(GeomType::Point);
            for &[x, y] in points {
                enc.add_point(x, y)?;
            }
            enc.encode()
        }
        TileShape::Lines(lines) => {
            let mut enc = GeomEncoder::new(GeomType::Linestring);
            for line in lines {
                for &[x, y] in line {
                    enc.add_point(x, y)?;
                }
                enc.complete_geom()?;
            }
            enc.encode()
        }
        TileShape::Polygons(polygons) => {
            let mut enc = GeomEncoder::new(GeomType::Polygon);
            let mut last: Option<TilePoint> = None;
            for ring in polygons.iter().flatten() {
                // The encoder would fold a MoveTo to the pen's current position into the previous
                // ring; start such a ring one vertex later so every ring opens with MoveTo.
                let start = usize::from(last == Some(ring[0]));
                for &[x, y] in ring[start..].iter().chain(&ring[..start]) {
                    enc.add_point(x, y)?;
                }
                last = ring[..start].last().or(ring.last()).copied();
                enc.complete_geom()?;
            }
            enc.encode()
        }
    }
}
