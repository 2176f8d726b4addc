//! Tile addresses (XYZ, y down) and their place in the world square.

/// A tile address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileId {
    pub const fn new(z: u8, x: u32, y: u32) -> Self {
        Self { z, x, y }
    }

    /// Size of the tile in world units.
    pub fn world_size(self) -> f64 {
        1.0 / f64::from(1u32 << self.z)
    }

    /// World coordinates of the tile's north-west corner.
    pub fn origin(self) -> (f64, f64) {
        let s = self.world_size();
        (f64::from(self.x) * s, f64::from(self.y) * s)
    }

    /// The tile one zoom level up that contains this one.
    pub fn parent(self) -> Option<TileId> {
        (self.z > 0).then(|| TileId::new(self.z - 1, self.x / 2, self.y / 2))
    }

    /// The ancestor at zoom `z` (≤ self.z).
    pub fn ancestor(self, z: u8) -> TileId {
        let d = self.z - z.min(self.z);
        TileId::new(self.z - d, self.x >> d, self.y >> d)
    }

    /// The four tiles one zoom level down.
    pub fn children(self) -> [TileId; 4] {
        let (z, x, y) = (self.z + 1, self.x * 2, self.y * 2);
        [
            TileId::new(z, x, y),
            TileId::new(z, x + 1, y),
            TileId::new(z, x, y + 1),
            TileId::new(z, x + 1, y + 1),
        ]
    }

    /// URL path part `z/x/y`.
    pub fn path(self) -> String {
        format!("{}/{}/{}", self.z, self.x, self.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family() {
        let t = TileId::new(14, 13057, 7640);
        assert_eq!(t.parent(), Some(TileId::new(13, 6528, 3820)));
        assert_eq!(t.ancestor(12), TileId::new(12, 3264, 1910));
        assert!(t.children().iter().all(|c| c.parent() == Some(t)));
        assert_eq!(TileId::new(0, 0, 0).parent(), None);
    }
}
