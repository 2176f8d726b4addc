//! Seeding an empty store from the report layer's GeoJSON file (the demo reports).

use super::Contact;
use super::status::Status;
use crate::layer::{LoadError, Location};
use crate::store::NewReportRow;
use std::path::Path;

/// Reads demo reports (properties id, tracking_code, category, status, description, created_at,
/// ward, source) from a GeoJSON file.
pub fn read_seed_file(path: &Path) -> Result<Vec<NewReportRow>, LoadError> {
    let error = |location, reason: String| LoadError {
        file: path.to_owned(),
        location,
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(Location::File, e.to_string()))?;
    let collection: geojson::FeatureCollection = serde_json::from_str(&text).map_err(|e| {
        error(
            Location::Text {
                line: e.line(),
                column: e.column(),
            },
            e.to_string(),
        )
    })?;
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(i, f)| row(f).map_err(|reason| error(Location::Feature(i), reason)))
        .collect()
}

fn row(f: geojson::Feature) -> Result<NewReportRow, String> {
    let (lon, lat) = match f.geometry.as_ref().map(|g| &g.value) {
        Some(geojson::GeometryValue::Point { coordinates }) => (coordinates[0], coordinates[1]),
        _ => return Err("a report must be a Point".into()),
    };
    let text = |key: &str| f.property(key).and_then(|v| v.as_str()).map(str::to_owned);
    let required = |key: &str| text(key).ok_or_else(|| format!("property {key:?} is missing"));
    let created_at = chrono::DateTime::parse_from_rfc3339(&required("created_at")?)
        .map_err(|e| format!("created_at: {e}"))?
        .with_timezone(&chrono::Utc);
    Ok(NewReportRow {
        id: f.property("id").and_then(serde_json::Value::as_i64),
        tracking_code: required("tracking_code")?,
        category: required("category")?,
        description: required("description")?,
        lon,
        lat,
        address: text("address"),
        ward: text("ward"),
        contact: Contact::default(),
        status: required("status")?.parse::<Status>()?,
        source: text("source").unwrap_or_else(|| "seed".into()),
        created_at,
        photos: Vec::new(),
        actor: "Dữ liệu minh họa".into(),
        client_key: None,
    })
}
