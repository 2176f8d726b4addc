//! Building Mapbox Vector Tiles on the fly. Knows nothing of HTTP.
//!
//! For each layer: query the R-tree with the tile's bounds plus buffer, then per feature
//! transform → clip → simplify → quantize → orient ([`shape`]), cluster dense point layers at low
//! zoom ([`cluster`]), and write the protobuf as it goes ([`mvt_writer`]).

mod build;
pub mod clip;
pub mod cluster;
pub mod mvt_writer;
pub mod quantize;
pub mod shape;
mod tile_id;

pub use build::{TileError, build_tile};
pub use tile_id::{MAX_ZOOM, MercatorBounds, TileId, TileIdError};

use crate::layer::{Feature, Value};
use shape::TileShape;

/// One feature ready to encode: id, tile geometry and published properties.
#[derive(Debug, Clone, PartialEq)]
pub struct TileFeature<'a> {
    pub id: u64,
    pub shape: TileShape,
    pub properties: Vec<(&'a str, Value)>,
}

impl<'a> TileFeature<'a> {
    /// A layer feature with all its published (non-null) values.
    pub fn from_feature(feature: &Feature, attributes: &'a [String], shape: TileShape) -> Self {
        let properties = attributes
            .iter()
            .zip(feature.values.iter())
            .filter_map(|(k, v)| v.clone().map(|v| (k.as_str(), v)))
            .collect();
        Self {
            id: feature.id,
            shape,
            properties,
        }
    }
}
