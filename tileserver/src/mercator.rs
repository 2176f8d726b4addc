//! Spherical Web Mercator (EPSG:3857): the projection every layer is kept in once loaded.

use std::f64::consts::PI;

/// Earth radius used by EPSG:3857, in metres.
pub const EARTH_RADIUS: f64 = 6_378_137.0;
/// Half the width of the projected world, in metres (the world spans `-HALF_WORLD..HALF_WORLD`).
pub const HALF_WORLD: f64 = PI * EARTH_RADIUS;
/// The latitude at which Web Mercator's square world ends.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Projects longitude/latitude in degrees (WGS84) to Web Mercator metres.
///
/// ```
/// let (x, y) = tileserver::mercator::to_mercator(0.0, 0.0);
/// assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
/// ```
pub fn to_mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE);
    let x = EARTH_RADIUS * lon.to_radians();
    let y = EARTH_RADIUS * (PI / 4.0 + lat.to_radians() / 2.0).tan().ln();
    (x, y)
}

/// Unprojects Web Mercator metres to longitude/latitude in degrees.
pub fn to_lon_lat(x: f64, y: f64) -> (f64, f64) {
    let lon = (x / EARTH_RADIUS).to_degrees();
    let lat = (2.0 * (y / EARTH_RADIUS).exp().atan() - PI / 2.0).to_degrees();
    (lon, lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dong_xoai() {
        let (x, y) = to_mercator(106.90, 11.535);
        let (lon, lat) = to_lon_lat(x, y);
        assert!((lon - 106.90).abs() < 1e-9);
        assert!((lat - 11.535).abs() < 1e-9);
    }

    #[test]
    fn world_edges() {
        let (x, y) = to_mercator(180.0, MAX_LATITUDE);
        assert!((x - HALF_WORLD).abs() < 1e-6);
        assert!((y - HALF_WORLD).abs() < 1e-3);
    }
}
