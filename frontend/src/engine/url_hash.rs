//! The view in the URL hash, so that a link reopens it: `#zoom/lat/lon/layer,layer`.

/// What the hash holds.
#[derive(Debug, Clone, PartialEq)]
pub struct HashView {
    pub zoom: f64,
    pub lat: f64,
    pub lon: f64,
    /// Visible layers; None when the hash does not say (all default layers).
    pub layers: Option<Vec<String>>,
}

/// Formats a view (5 decimals ≈ 1 m, zoom to 2 decimals).
pub fn format(view: &HashView) -> String {
    let mut s = format!("#{:.2}/{:.5}/{:.5}", view.zoom, view.lat, view.lon);
    if let Some(layers) = &view.layers {
        s.push('/');
        s.push_str(&layers.join(","));
    }
    s
}

/// Reads a hash (with or without `#`); None when it is not a view.
pub fn parse(hash: &str) -> Option<HashView> {
    let mut parts = hash.trim_start_matches('#').split('/');
    let zoom: f64 = parts.next()?.parse().ok()?;
    let lat: f64 = parts.next()?.parse().ok()?;
    let lon: f64 = parts.next()?.parse().ok()?;
    if !(zoom.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
        return None;
    }
    let layers = parts.next().map(|l| {
        l.split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    });
    Some(HashView {
        zoom,
        lat,
        lon,
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let view = HashView {
            zoom: 15.5,
            lat: 11.53512,
            lon: 106.90007,
            layers: Some(vec!["cameras".into(), "wards".into()]),
        };
        let text = format(&view);
        assert_eq!(text, "#15.50/11.53512/106.90007/cameras,wards");
        assert_eq!(parse(&text), Some(view));
        assert_eq!(parse("#13/11.5/106.9").unwrap().layers, None);
        assert_eq!(parse("#13/11.5/106.9/").unwrap().layers, Some(vec![]));
    }

    #[test]
    fn not_a_view() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("#tra-cuu"), None);
        assert_eq!(parse("#13/95/106.9"), None);
    }
}
