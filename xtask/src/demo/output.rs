//! Writing generated layers as GeoJSON, one feature per line so diffs stay readable.

use geo::{Geometry, MapCoords};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// Label carried by every generated feature (`source` property) and collection.
pub const SOURCE: &str = "CityGIS demo data (generated, not official)";

/// A feature to write: geometry in WGS84 degrees and its properties.
pub struct OutFeature {
    pub geometry: Geometry<f64>,
    pub properties: Map<String, Value>,
}

/// Rounds to 6 decimals (about 0.1 m), which keeps files small and byte-stable.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Serializes a FeatureCollection with a description of what it is.
pub fn feature_collection(name: &str, description: &str, features: &[OutFeature]) -> String {
    let mut out = String::new();
    let header = json!({ "name": name, "description": description, "source": SOURCE });
    let header = header.to_string();
    // Open the object, keep the header members, then the features one per line.
    let _ = writeln!(
        out,
        "{{\"type\":\"FeatureCollection\",{},\"features\":[",
        &header[1..header.len() - 1]
    );
    for (i, f) in features.iter().enumerate() {
        let rounded = f
            .geometry
            .map_coords(|c| geo::coord! { x: round6(c.x), y: round6(c.y) });
        let geometry = geojson::Geometry::from(&rounded);
        let feature =
            json!({ "type": "Feature", "geometry": geometry, "properties": f.properties });
        out.push_str(&feature.to_string());
        out.push_str(if i + 1 < features.len() { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    out
}
