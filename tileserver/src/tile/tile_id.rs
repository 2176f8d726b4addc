//! Tile addresses (`z/x/y`, XYZ scheme) and their bounds in Web Mercator metres.

use crate::mercator::HALF_WORLD;
use std::fmt;

/// The deepest zoom level the server accepts.
pub const MAX_ZOOM: u8 = 24;

/// A tile address in the XYZ scheme (y grows southwards, as in OpenStreetMap and MapLibre).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// Why a tile address was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TileIdError {
    #[error("zoom {0} is outside 0..={MAX_ZOOM}")]
    Zoom(u32),
    #[error("x {x} is outside 0..{n} at zoom {z}")]
    X { x: u32, z: u8, n: u64 },
    #[error("y {y} is outside 0..{n} at zoom {z}")]
    Y { y: u32, z: u8, n: u64 },
}

/// An axis-aligned rectangle in Web Mercator metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MercatorBounds {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl TileId {
    /// Checks the address and builds it.
    pub fn new(z: u32, x: u32, y: u32) -> Result<Self, TileIdError> {
        if z > u32::from(MAX_ZOOM) {
            return Err(TileIdError::Zoom(z));
        }
        let z = z as u8;
        let n = 1u64 << z;
        if u64::from(x) >= n {
            return Err(TileIdError::X { x, z, n });
        }
        if u64::from(y) >= n {
            return Err(TileIdError::Y { y, z, n });
        }
        Ok(Self { z, x, y })
    }

    /// Width of this zoom's tiles in metres.
    pub fn span(self) -> f64 {
        2.0 * HALF_WORLD / (1u64 << self.z) as f64
    }

    /// The tile's bounds in Web Mercator metres.
    pub fn bounds(self) -> MercatorBounds {
        let span = self.span();
        let min_x = -HALF_WORLD + f64::from(self.x) * span;
        let max_y = HALF_WORLD - f64::from(self.y) * span;
        MercatorBounds {
            min_x,
            min_y: max_y - span,
            max_x: min_x + span,
            max_y,
        }
    }

    /// The tile at zoom `z` that holds the Web Mercator point `(mx, my)`.
    pub fn containing(z: u8, mx: f64, my: f64) -> Self {
        let n = 1u64 << z;
        let span = 2.0 * HALF_WORLD / n as f64;
        let clamp = |v: f64| (v.floor().max(0.0) as u64).min(n - 1) as u32;
        Self {
            z,
            x: clamp((mx + HALF_WORLD) / span),
            y: clamp((HALF_WORLD - my) / span),
        }
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

impl MercatorBounds {
    /// Whether the two rectangles share any point (edges included).
    pub fn intersects(&self, other: &MercatorBounds) -> bool {
        self.min_x <= other.max_x
            && other.min_x <= self.max_x
            && self.min_y <= other.max_y
            && other.min_y <= self.max_y
    }

    /// The same rectangle grown by `margin` metres on every side.
    pub fn expanded(self, margin: f64) -> Self {
        Self {
            min_x: self.min_x - margin,
            min_y: self.min_y - margin,
            max_x: self.max_x + margin,
            max_y: self.max_y + margin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_zero_is_the_world() {
        let b = TileId::new(0, 0, 0).unwrap().bounds();
        assert_eq!(b.min_x, -HALF_WORLD);
        assert_eq!(b.max_y, HALF_WORLD);
        assert_eq!(b.max_x, HALF_WORLD);
        assert_eq!(b.min_y, -HALF_WORLD);
    }

    #[test]
    fn rejects_out_of_range() {
        assert_eq!(TileId::new(25, 0, 0), Err(TileIdError::Zoom(25)));
        assert!(matches!(TileId::new(3, 8, 0), Err(TileIdError::X { .. })));
        assert!(matches!(TileId::new(3, 0, 8), Err(TileIdError::Y { .. })));
        assert!(TileId::new(3, 7, 7).is_ok());
    }

    #[test]
    fn dong_xoai_at_zoom_14() {
        let (mx, my) = crate::mercator::to_mercator(106.90, 11.535);
        // Slippy-map formula: x = floor((lon + 180) / 360 * 2^z).
        let t = TileId::containing(14, mx, my);
        assert_eq!(t.x, ((106.90 + 180.0) / 360.0 * 16384.0) as u32);
        let lat = 11.535f64.to_radians();
        let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * 16384.0)
            as u32;
        assert_eq!(t.y, y);
        let b = t.bounds();
        assert!(b.min_x <= mx && mx < b.max_x && b.min_y < my && my <= b.max_y);
    }
}
