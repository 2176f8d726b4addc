//! A Mapbox Vector Tile decoded with geozero into geometries in tile units (0‥extent, y down),
//! with each layer's features indexed in an R-tree for hit-testing.

use geo::{BoundingRect, Geometry};
use geozero::ToGeo;
use geozero::mvt::{Message, Tile};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use std::collections::BTreeMap;

/// Why a tile could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a vector tile: {0}")]
    Protobuf(String),
    #[error("layer {layer}: feature {index}: {reason}")]
    Feature {
        layer: String,
        index: usize,
        reason: String,
    },
}

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl PropValue {
    /// The value as text (numbers without a needless `.0`).
    pub fn as_text(&self) -> String {
        match self {
            PropValue::Str(s) => s.clone(),
            PropValue::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            PropValue::Num(n) => format!("{n}"),
            PropValue::Bool(b) => b.to_string(),
        }
    }

    /// The value as a number, when it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            PropValue::Num(n) => Some(*n),
            PropValue::Str(s) => s.parse().ok(),
            PropValue::Bool(_) => None,
        }
    }
}

/// One feature of a layer.
#[derive(Debug, Clone)]
pub struct TileFeature {
    pub id: Option<u64>,
    /// In tile units, y down.
    pub geometry: Geometry<f64>,
    pub properties: BTreeMap<String, PropValue>,
}

impl TileFeature {
    /// An attribute's value.
    pub fn get(&self, key: &str) -> Option<&PropValue> {
        self.properties.get(key)
    }

    /// An attribute's value as text.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(PropValue::as_text)
    }

    /// Whether this is a cluster of points (it carries `point_count`).
    pub fn is_cluster(&self) -> bool {
        self.properties.contains_key("point_count")
    }
}

/// Entry of a layer's R-tree: a feature's bounding box and its index.
pub type IndexedBox = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// One layer of a tile.
#[derive(Debug)]
pub struct TileLayer {
    pub name: String,
    pub extent: f64,
    pub features: Vec<TileFeature>,
    /// Bounding boxes of the features.
    pub index: RTree<IndexedBox>,
}

/// A decoded tile.
#[derive(Debug, Default)]
pub struct DecodedTile {
    pub layers: Vec<TileLayer>,
}

impl DecodedTile {
    /// A layer by name.
    pub fn layer(&self, name: &str) -> Option<&TileLayer> {
        self.layers.iter().find(|l| l.name == name)
    }

    /// Number of features in all layers.
    pub fn feature_count(&self) -> usize {
        self.layers.iter().map(|l| l.features.len()).sum()
    }
}

/// Decodes an (uncompressed) MVT. An empty body is an empty tile (the server's 204).
pub fn decode(bytes: &[u8]) -> Result<DecodedTile, DecodeError> {
    if bytes.is_empty() {
        return Ok(DecodedTile::default());
    }
    let tile = Tile::decode(bytes).map_err(|e| DecodeError::Protobuf(e.to_string()))?;
    let mut layers = Vec::with_capacity(tile.layers.len());
    for layer in &tile.layers {
        let mut features = Vec::with_capacity(layer.features.len());
        let mut boxes = Vec::with_capacity(layer.features.len());
        for (index, feature) in layer.features.iter().enumerate() {
            let geometry = feature.to_geo().map_err(|e| DecodeError::Feature {
                layer: layer.name.clone(),
                index,
                reason: e.to_string(),
            })?;
            let mut properties = BTreeMap::new();
            for pair in feature.tags.chunks_exact(2) {
                let (Some(key), Some(value)) = (
                    layer.keys.get(pair[0] as usize),
                    layer.values.get(pair[1] as usize),
                ) else {
                    return Err(DecodeError::Feature {
                        layer: layer.name.clone(),
                        index,
                        reason: "tag refers to a missing key or value".into(),
                    });
                };
                let value = if let Some(s) = &value.string_value {
                    PropValue::Str(s.clone())
                } else if let Some(v) = value.double_value {
                    PropValue::Num(v)
                } else if let Some(v) = value.float_value {
                    PropValue::Num(f64::from(v))
                } else if let Some(v) = value.int_value {
                    PropValue::Num(v as f64)
                } else if let Some(v) = value.uint_value {
                    PropValue::Num(v as f64)
                } else if let Some(v) = value.sint_value {
                    PropValue::Num(v as f64)
                } else if let Some(v) = value.bool_value {
                    PropValue::Bool(v)
                } else {
                    continue;
                };
                properties.insert(key.clone(), value);
            }
            if let Some(rect) = geometry.bounding_rect() {
                let (min, max) = (rect.min(), rect.max());
                boxes.push(IndexedBox::new(
                    Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
                    features.len(),
                ));
            }
            features.push(TileFeature {
                id: feature.id,
                geometry,
                properties,
            });
        }
        layers.push(TileLayer {
            name: layer.name.clone(),
            extent: f64::from(layer.extent.unwrap_or(4096)),
            features,
            index: RTree::bulk_load(boxes),
        });
    }
    Ok(DecodedTile { layers })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use geozero::mvt::tile::{Feature, GeomType, Layer, Value};

    /// Encodes a small tile by hand (protobuf via geozero's own types): a point layer with two
    /// cameras and a polygon layer with one square.
    pub(crate) fn sample_tile() -> Vec<u8> {
        let zig = |v: i32| ((v << 1) ^ (v >> 31)) as u32;
        let point = |x: i32, y: i32| vec![9, zig(x), zig(y)];
        let cameras = Layer {
            version: 2,
            name: "cameras".into(),
            keys: vec!["name".into(), "kind".into()],
            values: vec![
                Value {
                    string_value: Some("Ngã tư Đồng Xoài".into()),
                    ..Default::default()
                },
                Value {
                    string_value: Some("smart".into()),
                    ..Default::default()
                },
                Value {
                    string_value: Some("Chợ Đồng Xoài".into()),
                    ..Default::default()
                },
            ],
            features: vec![
                Feature {
                    id: Some(1),
                    tags: vec![0, 0, 1, 1],
                    r#type: Some(GeomType::Point as i32),
                    geometry: point(1000, 1000),
                },
                Feature {
                    id: Some(2),
                    tags: vec![0, 2, 1, 1],
                    r#type: Some(GeomType::Point as i32),
                    geometry: point(3000, 2000),
                },
            ],
            extent: Some(4096),
        };
        // Square 0..2048 (clockwise in screen coordinates = exterior ring in MVT).
        let square = vec![
            9,
            zig(0),
            zig(0),
            26,
            zig(2048),
            zig(0),
            zig(0),
            zig(2048),
            zig(-2048),
            zig(0),
            15,
        ];
        let zones = Layer {
            version: 2,
            name: "planning".into(),
            keys: vec!["land_use".into()],
            values: vec![Value {
                string_value: Some("ODT".into()),
                ..Default::default()
            }],
            features: vec![Feature {
                id: Some(7),
                tags: vec![0, 0],
                r#type: Some(GeomType::Polygon as i32),
                geometry: square,
            }],
            extent: Some(4096),
        };
        Tile {
            layers: vec![zones, cameras],
        }
        .encode_to_vec()
    }

    #[test]
    fn decodes_points_polygons_and_attributes() {
        let tile = decode(&sample_tile()).unwrap();
        assert_eq!(tile.feature_count(), 3);
        let cameras = tile.layer("cameras").unwrap();
        assert_eq!(
            cameras.features[0].text("name").as_deref(),
            Some("Ngã tư Đồng Xoài")
        );
        match &cameras.features[1].geometry {
            Geometry::Point(p) => assert_eq!((p.x(), p.y()), (3000.0, 2000.0)),
            other => panic!("expected a point, got {other:?}"),
        }
        let zones = tile.layer("planning").unwrap();
        assert!(matches!(
            zones.features[0].geometry,
            Geometry::Polygon(_) | Geometry::MultiPolygon(_)
        ));
        assert_eq!(zones.index.size(), 1);
    }

    #[test]
    fn empty_body_is_an_empty_tile_and_garbage_is_an_error() {
        assert_eq!(decode(&[]).unwrap().feature_count(), 0);
        assert!(decode(&[0xff, 0xff, 0xff]).is_err());
    }
}
