//! A feature as the tile builder sees it: an id, a Web Mercator geometry and its published values.

use super::Text;
use geo::{BoundingRect, Geometry};
use rstar::{AABB, RTreeObject};
use std::sync::Arc;

/// A published attribute value, typed as in the source file.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(Text),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// One feature of a layer. Geometry is in Web Mercator metres; `values` follow the layer's
/// `attributes` list (None where the source had no value).
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: u64,
    pub geometry: Geometry<f64>,
    pub values: Box<[Option<Value>]>,
}

impl Feature {
    /// The value at `index` (an attribute's place, see `Layer::attribute_index`) as text, for
    /// strings and integers.
    pub fn text(&self, index: Option<usize>) -> Option<String> {
        match index.and_then(|i| self.values.get(i)?.as_ref()) {
            Some(Value::String(s)) => Some(s.to_string()),
            Some(Value::Int(i)) => Some(i.to_string()),
            _ => None,
        }
    }
}

/// A feature stored in the R-tree, with its envelope computed once.
#[derive(Debug, Clone)]
pub struct IndexedFeature {
    envelope: AABB<[f64; 2]>,
    pub feature: Arc<Feature>,
}

impl IndexedFeature {
    /// Wraps a feature, computing its envelope. None for an empty geometry.
    pub fn new(feature: Arc<Feature>) -> Option<Self> {
        let rect = feature.geometry.bounding_rect()?;
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        Some(Self { envelope, feature })
    }
}

impl IndexedFeature {
    /// The envelope as Web Mercator bounds.
    pub fn bounds(&self) -> crate::tile::MercatorBounds {
        let (lo, hi) = (self.envelope.lower(), self.envelope.upper());
        crate::tile::MercatorBounds {
            min_x: lo[0],
            min_y: lo[1],
            max_x: hi[0],
            max_y: hi[1],
        }
    }

    /// Width and height of the envelope, in metres.
    pub fn size(&self) -> (f64, f64) {
        let (lo, hi) = (self.envelope.lower(), self.envelope.upper());
        (hi[0] - lo[0], hi[1] - lo[1])
    }
}

impl PartialEq for IndexedFeature {
    fn eq(&self, other: &Self) -> bool {
        self.feature.id == other.feature.id
    }
}

impl RTreeObject for IndexedFeature {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}
