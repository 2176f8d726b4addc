//! Web Mercator in "world" units: the whole world is the square [0, 1] × [0, 1], x east, y south.

use std::f64::consts::PI;

/// Latitude where Web Mercator stops (the square world).
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;
/// Mean Earth radius used by Web Mercator, metres.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// A point in world units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorldPoint {
    pub x: f64,
    pub y: f64,
}

/// Longitude/latitude (degrees) → world units.
pub fn to_world(lon: f64, lat: f64) -> WorldPoint {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    WorldPoint {
        x: (lon + 180.0) / 360.0,
        y: (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0,
    }
}

/// World units → (longitude, latitude) in degrees.
pub fn to_lon_lat(p: WorldPoint) -> (f64, f64) {
    let lon = p.x * 360.0 - 180.0;
    let lat = (PI * (1.0 - 2.0 * p.y)).sinh().atan().to_degrees();
    (lon, lat)
}

/// Ground metres per world unit at a latitude (degrees).
pub fn metres_per_world_unit(lat: f64) -> f64 {
    2.0 * PI * EARTH_RADIUS_M * lat.to_radians().cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dong_xoai() {
        let p = to_world(106.9, 11.535);
        let (lon, lat) = to_lon_lat(p);
        assert!((lon - 106.9).abs() < 1e-9 && (lat - 11.535).abs() < 1e-9);
    }

    #[test]
    fn corners_of_the_world() {
        assert_eq!(to_world(-180.0, MAX_LATITUDE).x, 0.0);
        assert!(to_world(-180.0, MAX_LATITUDE).y.abs() < 1e-9);
        assert!((to_world(0.0, 0.0).y - 0.5).abs() < 1e-12);
    }
}
