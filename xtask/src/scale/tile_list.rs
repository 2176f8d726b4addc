//! The fixed list of tile requests the benchmarks replay: zooms 10 to 16, placed where the
//! reports are (most in the dense centre).

use rand::Rng;

/// Requests in the list.
const TILE_REQUESTS: usize = 3_000;

/// `(z, x, y)` requests; the same list every run.
pub fn generate() -> Vec<(u8, u32, u32)> {
    let mut rng = crate::demo::rng("scale-tiles");
    (0..TILE_REQUESTS)
        .map(|_| {
            let z: u8 = rng.random_range(10..=16);
            let (lon, lat) = if rng.random_bool(0.75) {
                (
                    106.8965 + rng.random_range(-0.02..0.02),
                    11.5395 + rng.random_range(-0.02..0.02),
                )
            } else {
                (
                    rng.random_range(106.835..106.965),
                    rng.random_range(11.475..11.595),
                )
            };
            let n = f64::from(1u32 << z);
            let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
            let r = f64::to_radians(lat);
            let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n)
                .floor() as u32;
            (z, x, y)
        })
        .collect()
}
