//! The scale bar: the longest round distance (1, 2 or 5 × 10ⁿ metres) that fits.

/// (label, width in CSS pixels) for at most `max_px` pixels at `metres_per_px`.
pub fn scale_bar(metres_per_px: f64, max_px: f64) -> (String, f64) {
    let max_m = metres_per_px * max_px;
    let mut unit = 10f64.powf(max_m.log10().floor());
    for step in [5.0, 2.0, 1.0] {
        if step * unit <= max_m {
            unit *= step;
            break;
        }
    }
    let label = if unit >= 1000.0 {
        format!("{} km", unit / 1000.0)
    } else {
        format!("{} m", unit)
    };
    (label, unit / metres_per_px)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_round_distances() {
        assert_eq!(scale_bar(1.0, 120.0), ("100 m".to_owned(), 100.0));
        let (label, px) = scale_bar(30.0, 120.0);
        assert_eq!(label, "2 km");
        assert!((px - 66.666).abs() < 0.01);
        assert_eq!(scale_bar(0.2, 120.0).0, "20 m");
    }
}
