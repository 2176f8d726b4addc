//! Report density as a heat map: each point adds a soft disc of "heat" (alpha accumulated on an
//! off-screen canvas by the painter), then every pixel's heat is coloured along a ramp that stays
//! readable for colour-blind viewers (viridis-like: dark blue → teal → green → yellow; brightness
//! grows with density, so the order is clear without hue).

/// Ramp stops: (heat 0–1, red, green, blue, alpha).
const STOPS: [(f64, f64, f64, f64, f64); 6] = [
    (0.00, 68.0, 1.0, 84.0, 0.0),
    (0.10, 68.0, 1.0, 84.0, 130.0),
    (0.30, 59.0, 82.0, 139.0, 170.0),
    (0.50, 33.0, 145.0, 140.0, 200.0),
    (0.75, 94.0, 201.0, 98.0, 225.0),
    (1.00, 253.0, 231.0, 37.0, 245.0),
];

/// The colour (RGBA) of a pixel with heat `heat` (0–255 alpha from the accumulation canvas).
pub fn ramp(heat: u8) -> [u8; 4] {
    let h = f64::from(heat) / 255.0;
    let i = STOPS
        .iter()
        .position(|s| s.0 >= h)
        .unwrap_or(STOPS.len() - 1)
        .max(1);
    let (a, b) = (STOPS[i - 1], STOPS[i]);
    let t = ((h - a.0) / (b.0 - a.0)).clamp(0.0, 1.0);
    let mix = |x: f64, y: f64| (x + (y - x) * t).round().clamp(0.0, 255.0) as u8;
    [mix(a.1, b.1), mix(a.2, b.2), mix(a.3, b.3), mix(a.4, b.4)]
}

/// Colours an RGBA buffer in place from its alpha channel.
pub fn colour_buffer(rgba: &mut [u8]) {
    for px in rgba.chunks_exact_mut(4) {
        let heat = px[3];
        px.copy_from_slice(&ramp(heat));
    }
}

/// How much heat one point adds at its centre: a cluster of `count` points weighs more, but
/// less than `count` times, so one busy corner does not wash out the rest of the city.
pub fn point_alpha(count: f64, intensity: f64) -> f64 {
    (intensity * (1.0 + count.max(1.0).ln())).clamp(0.02, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_heat_is_transparent_and_more_heat_is_brighter() {
        assert_eq!(ramp(0)[3], 0);
        let luminance = |c: [u8; 4]| {
            0.2126 * f64::from(c[0]) + 0.7152 * f64::from(c[1]) + 0.0722 * f64::from(c[2])
        };
        let mut last = -1.0;
        for heat in (26..=255).step_by(20) {
            let l = luminance(ramp(heat as u8));
            assert!(
                l > last,
                "brightness grows with heat ({heat}: {l} after {last})"
            );
            last = l;
        }
        assert_eq!(ramp(255), [253, 231, 37, 245]);
    }

    #[test]
    fn clusters_weigh_more_but_not_in_proportion() {
        let one = point_alpha(1.0, 0.3);
        let fifty = point_alpha(50.0, 0.3);
        assert!(fifty > one && fifty < 50.0 * one);
        assert!(point_alpha(1e6, 0.3) <= 1.0);
    }
}
