//! "What is planned here, and how much of it": the planning zones inside a polygon, with the area
//! of each land-use code in m² and its share. Candidates come from the planning layer's R-tree;
//! each zone is intersected with the polygon (`geo` boolean operations, in Web Mercator); areas
//! are geodesic, on the WGS84 ellipsoid (Karney's method), of those intersections taken back to
//! longitude/latitude.

use crate::layer::Layer;
use crate::mercator::{to_lon_lat, to_mercator};
use crate::tile::MercatorBounds;
use crate::validation::FieldError;
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, BoundingRect, GeodesicArea, MapCoords, MultiPolygon, Polygon};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// How areas are measured, as answers state it.
pub const AREA_METHOD: &str =
    "geodesic area on the WGS84 ellipsoid (Karney) of the intersections, computed in Web Mercator";

/// Most vertices accepted in a query polygon.
pub const MAX_VERTICES: usize = 10_000;
/// Largest query area, m² (a district; a whole province is not a planning question).
pub const MAX_AREA_M2: f64 = 500_000_000.0;

fn bad(message: impl Into<String>) -> Vec<FieldError> {
    vec![FieldError::new("geometry", message)]
}

/// Reads the query polygon (a GeoJSON Polygon or MultiPolygon, bare or in a Feature) in
/// longitude/latitude; errors name `geometry`.
pub fn parse_area(body: &Json) -> Result<MultiPolygon<f64>, Vec<FieldError>> {
    let geometry = match body["type"].as_str() {
        Some("Feature") => &body["geometry"],
        _ => body,
    };
    let parsed: geojson::Geometry = serde_json::from_value(geometry.clone())
        .map_err(|e| bad(format!("Cần một vùng GeoJSON Polygon hoặc MultiPolygon (a GeoJSON Polygon or MultiPolygon is needed: {e})")))?;
    let area: MultiPolygon<f64> = match geo::Geometry::<f64>::try_from(parsed) {
        Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Ok(geo::Geometry::MultiPolygon(m)) => m,
        Ok(_) => {
            return Err(bad(
                "Vùng phải là Polygon hoặc MultiPolygon (the geometry must be a Polygon or a MultiPolygon)",
            ));
        }
        Err(e) => {
            return Err(bad(format!(
                "Hình không hợp lệ (not a valid geometry: {e})"
            )));
        }
    };
    let mut vertices = 0;
    for polygon in &area {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            if ring.0.len() < 4 {
                return Err(bad(
                    "Mỗi vòng cần ít nhất 4 điểm, khép kín (every ring needs at least 4 positions, closed)",
                ));
            }
            vertices += ring.0.len();
            if ring
                .0
                .iter()
                .any(|c| !(-180.0..=180.0).contains(&c.x) || !(-85.0..=85.0).contains(&c.y))
            {
                return Err(bad(
                    "Tọa độ phải là kinh độ, vĩ độ (positions must be longitude, latitude in degrees)",
                ));
            }
        }
    }
    if vertices > MAX_VERTICES {
        return Err(bad(format!(
            "Tối đa {MAX_VERTICES} điểm (at most {MAX_VERTICES} positions)"
        )));
    }
    // Exteriors counter-clockwise, holes clockwise: a ring drawn clockwise would otherwise
    // measure as the rest of the Earth.
    let area = area.orient(Direction::Default);
    let m2 = area.geodesic_area_unsigned();
    if m2 <= 0.0 {
        return Err(bad("Vùng không có diện tích (the polygon has no area)"));
    }
    if m2 > MAX_AREA_M2 {
        return Err(bad(format!(
            "Vùng rộng quá mức cho phép (the area is {:.0} km², more than the {:.0} km² allowed)",
            m2 / 1e6,
            MAX_AREA_M2 / 1e6
        )));
    }
    Ok(area)
}

/// The planned land use inside `area` (longitude/latitude) from a planning layer whose features
/// carry a land-use `code_attribute` and its `name_attribute`.
pub fn planned_land_use(
    layer: &Layer,
    area: &MultiPolygon<f64>,
    code_attribute: &str,
    name_attribute: &str,
) -> Json {
    let to_merc = |p: &MultiPolygon<f64>| {
        p.map_coords(|c| {
            let (x, y) = to_mercator(c.x, c.y);
            geo::coord! { x: x, y: y }
        })
    };
    let to_degrees = |p: &MultiPolygon<f64>| {
        p.map_coords(|c| {
            let (lon, lat) = to_lon_lat(c.x, c.y);
            geo::coord! { x: lon, y: lat }
        })
    };
    let query = to_merc(area);
    let total_m2 = area.orient(Direction::Default).geodesic_area_unsigned();
    let (code_i, name_i) = (
        layer.attribute_index(code_attribute),
        layer.attribute_index(name_attribute),
    );
    let mut by_code: BTreeMap<String, (String, f64)> = BTreeMap::new();
    let mut features = Vec::new();
    if let Some(rect) = query.bounding_rect() {
        let bounds = MercatorBounds {
            min_x: rect.min().x,
            min_y: rect.min().y,
            max_x: rect.max().x,
            max_y: rect.max().y,
        };
        let mut candidates: Vec<_> = layer.query(bounds).collect();
        candidates.sort_unstable_by_key(|f| f.id);
        for f in candidates {
            let zone: MultiPolygon<f64> = match &f.geometry {
                geo::Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
                geo::Geometry::MultiPolygon(m) => m.clone(),
                _ => continue,
            };
            let inside = zone.intersection(&query);
            let inside = to_degrees(&inside).orient(Direction::Default);
            let m2 = inside.geodesic_area_unsigned();
            if m2 < 0.01 {
                continue;
            }
            let code = f.text(code_i).unwrap_or_else(|| "?".into());
            let name = f.text(name_i).unwrap_or_default();
            let entry = by_code.entry(code).or_insert((name, 0.0));
            entry.1 += m2;
            let mut feature = crate::ogc_features::feature_json(layer, f);
            feature["properties"]["intersection_m2"] = json!(round2(m2));
            feature["geometry"] = json!(geojson::Geometry::new(geojson::GeometryValue::from(
                &inside
            )));
            features.push(feature);
        }
    }
    let planned: f64 = by_code.values().map(|(_, a)| a).sum();
    let mut rows: Vec<Json> = by_code
        .into_iter()
        .map(|(code, (name, m2))| json!({ "code": code, "name": name, "area_m2": round2(m2), "share": round4(m2 / total_m2) }))
        .collect();
    let area_of = |row: &Json| row["area_m2"].as_f64().unwrap_or(0.0);
    rows.sort_by(|a, b| area_of(b).total_cmp(&area_of(a)));
    json!({
        "area_m2": round2(total_m2),
        "planned_m2": round2(planned),
        "unplanned_m2": round2((total_m2 - planned).max(0.0)),
        "method": AREA_METHOD,
        "by_land_use": rows,
        "features": { "type": "FeatureCollection", "features": features },
    })
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// A longitude/latitude rectangle as a polygon (for tests and clients).
pub fn rectangle(w: f64, s: f64, e: f64, n: f64) -> Polygon<f64> {
    Polygon::new(
        geo::LineString::from(vec![(w, s), (e, s), (e, n), (w, n), (w, s)]),
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_reasonable_polygon() {
        let field = |v: Json| parse_area(&v).unwrap_err()[0].message.clone();
        assert!(field(json!({"type": "Point", "coordinates": [106.9, 11.5]})).contains("Polygon"));
        assert!(field(json!({"type": "Polygon", "coordinates": [[[106.9, 11.5], [106.91, 11.5], [106.9, 11.5]]]})).contains("4 positions"));
        assert!(field(json!({"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]})).contains("km²"));
        assert!(
            field(json!({"type": "Polygon", "coordinates": [[[0, 0], [0, 0], [0, 0], [0, 0]]]}))
                .contains("no area")
        );
        let ok = parse_area(&json!({"type": "Feature", "properties": {}, "geometry":
            {"type": "Polygon", "coordinates": [[[106.9, 11.5], [106.91, 11.5], [106.91, 11.51], [106.9, 11.51], [106.9, 11.5]]]}}));
        assert!(ok.is_ok());
    }
}
