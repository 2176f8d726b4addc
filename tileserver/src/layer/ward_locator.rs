//! Which ward a place is in: point-in-polygon over the ward layer's R-tree (candidates by
//! envelope, then exact containment), so wards are computed from the map, never typed by hand.

use super::Text;
use super::{Layer, Value};
use crate::mercator::to_mercator;
use crate::tile::MercatorBounds;
use geo::Contains;

/// Finds wards in a borrowed ward layer (one whose features have a `name` attribute).
pub struct WardLocator<'a> {
    wards: &'a Layer,
    name_index: usize,
}

impl<'a> WardLocator<'a> {
    /// A locator over `wards`; None when the layer publishes no `name`.
    pub fn new(wards: &'a Layer) -> Option<Self> {
        Some(Self {
            name_index: wards.attribute_index("name")?,
            wards,
        })
    }

    /// The name of the ward holding a Web Mercator point.
    pub fn ward_at_mercator(&self, x: f64, y: f64) -> Option<Text> {
        let p = geo::Point::new(x, y);
        let bounds = MercatorBounds {
            min_x: x,
            min_y: y,
            max_x: x,
            max_y: y,
        };
        self.wards
            .query(bounds)
            .find(|f| f.geometry.contains(&p))
            .and_then(|f| match &f.values[self.name_index] {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Short(s)) => Some(Text::from(s.as_str())),
                _ => None,
            })
    }

    /// The name of the ward holding a longitude/latitude.
    pub fn ward_at(&self, lon: f64, lat: f64) -> Option<Text> {
        let (x, y) = to_mercator(lon, lat);
        self.ward_at_mercator(x, y)
    }
}
