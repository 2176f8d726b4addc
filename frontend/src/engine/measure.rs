//! Measuring on the map: the length of a path and the area of a polygon drawn by the user, on a
//! sphere of the Earth's mean radius (well within 0.5 % of the ellipsoid at city scale).

/// Mean Earth radius, metres.
const R: f64 = 6_371_008.8;

/// Metres between two (longitude, latitude) points (haversine).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// Length of a path through `points`, metres.
pub fn length_m(points: &[(f64, f64)]) -> f64 {
    points.windows(2).map(|w| distance_m(w[0], w[1])).sum()
}

/// Area enclosed by `points` (a ring, closed or not), m², on the sphere.
pub fn area_m2(points: &[(f64, f64)]) -> f64 {
    if points.len() < 3 {
        return 0.0;
    }
    let n = points.len();
    let mut sum = 0.0;
    for i in 0..n {
        let (a, b) = (points[i], points[(i + 1) % n]);
        sum += (b.0 - a.0).to_radians() * (2.0 + a.1.to_radians().sin() + b.1.to_radians().sin());
    }
    (sum * R * R / 2.0).abs()
}

/// "850 m", "1,25 km", "3.400 m²", "2,5 ha", "1,20 km²" in Vietnamese number style.
pub fn format_length(m: f64) -> String {
    if m < 1000.0 {
        format!("{m:.0} m")
    } else {
        format!("{:.2} km", m / 1000.0).replace('.', ",")
    }
}

/// An area in m², hectares or km².
pub fn format_area(m2: f64) -> String {
    if m2 < 10_000.0 {
        format!("{m2:.0} m²")
    } else if m2 < 1_000_000.0 {
        format!("{:.2} ha", m2 / 10_000.0).replace('.', ",")
    } else {
        format!("{:.2} km²", m2 / 1_000_000.0).replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kilometre_square_near_dong_xoai() {
        // 0.009° of latitude ≈ 1 km; the same in longitude at 11.5° N is 0.009 / cos(11.5°).
        let (w, s) = (106.9, 11.5);
        let (e, n) = (w + 0.009 / 11.5f64.to_radians().cos(), s + 0.009);
        let ring = [(w, s), (e, s), (e, n), (w, n)];
        let side = distance_m((w, s), (w, n));
        assert!((side - 1000.7).abs() < 2.0, "{side}");
        assert!(
            (area_m2(&ring) - 1_001_400.0).abs() < 5_000.0,
            "{}",
            area_m2(&ring)
        );
        assert!((length_m(&[(w, s), (e, s), (e, n)]) - 2001.0).abs() < 5.0);
        assert_eq!(area_m2(&ring[..2]), 0.0);
        assert_eq!(format_length(850.2), "850 m");
        assert_eq!(format_length(1250.0), "1,25 km");
        assert_eq!(format_area(3400.0), "3400 m²");
        assert_eq!(format_area(25_000.0), "2,50 ha");
        assert_eq!(format_area(1_200_000.0), "1,20 km²");
    }
}
