//! Place search: features whose name matches what the user typed, ignoring case and Vietnamese
//! diacritics ("tan phu" finds "Tân Phú"), wards and streets before points.

use crate::layer::Layer;
use crate::mercator;
use geo::BoundingRect;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// A place found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub name: String,
    pub layer: String,
    pub id: u64,
    /// `[west, south, east, north]`, degrees.
    pub bbox: [f64; 4],
}

/// Lower case without diacritics; `đ` becomes `d`.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Features of `layer` whose `name` contains every word of `query`; at most `limit`, names
/// starting with the query first.
pub fn search(layer: &Layer, query: &str, limit: usize) -> Vec<Place> {
    let words: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
    let Some(name_at) = layer.config().attributes.iter().position(|a| a == "name") else {
        return Vec::new();
    };
    let Some(extent) = layer.extent() else {
        return Vec::new();
    };
    if words.is_empty() {
        return Vec::new();
    }
    let wanted = words.join(" ");
    let mut found: Vec<(bool, Place)> = layer
        .query(extent)
        .filter_map(|f| {
            let Some(Some(name)) = f.values.get(name_at).map(|v| v.as_ref()?.as_str()) else {
                return None;
            };
            let folded = fold(name);
            if !words.iter().all(|w| folded.contains(w.as_str())) {
                return None;
            }
            let rect = f.geometry.bounding_rect()?;
            let (w, s) = mercator::to_lon_lat(rect.min().x, rect.min().y);
            let (e, n) = mercator::to_lon_lat(rect.max().x, rect.max().y);
            let starts = folded.starts_with(&wanted) || folded.contains(&format!(" {wanted}"));
            Some((
                !starts,
                Place {
                    name: name.to_string(),
                    layer: layer.name().to_owned(),
                    id: f.id,
                    bbox: [w, s, e, n],
                },
            ))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    found.dedup_by(|a, b| a.1.name == b.1.name);
    found.into_iter().take(limit).map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_diacritics_and_case() {
        assert_eq!(fold("Phường Tân Phú"), "phuong tan phu");
        assert_eq!(fold("ĐỒNG XOÀI"), "dong xoai");
        assert_eq!(fold("Tiến Hưng"), "tien hung");
    }
}
