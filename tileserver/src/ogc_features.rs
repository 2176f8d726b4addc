//! OGC API – Features (Part 1: Core, GeoJSON) over the layers, so QGIS, GDAL (`OAPIF:`) and
//! other clients read every layer as features: the landing page, conformance, collections, and
//! items with `bbox`, `limit` and `offset` paging, in WGS84 longitude/latitude. Only published
//! attributes are in the answers, as in the tiles. Plain JSON; no HTTP here.

use crate::config::{CityConfig, GeometryKind};
use crate::layer::{Feature, Layer, Value};
use crate::mercator::{to_lon_lat, to_mercator};
use crate::tile::MercatorBounds;
use crate::validation::{FieldError, Problems};
use geo::MapCoords;
use serde_json::{Map, Value as Json, json};

/// Items per page when `limit` is not given, and the most a page holds.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 10_000;

/// What an `/items` request asks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemsQuery {
    /// `[west, south, east, north]` in degrees.
    pub bbox: Option<[f64; 4]>,
    pub limit: usize,
    pub offset: usize,
}

/// Reads `bbox`, `limit` and `offset`; errors name the parameter.
pub fn parse_items_query(
    bbox: Option<&str>,
    limit: Option<&str>,
    offset: Option<&str>,
) -> Result<ItemsQuery, Vec<FieldError>> {
    let mut problems = Problems::default();
    let bbox = bbox.and_then(|text| {
        let numbers: Result<Vec<f64>, _> =
            text.split(',').map(|v| v.trim().parse::<f64>()).collect();
        match numbers.as_deref() {
            Ok([w, s, e, n])
                if w <= e && s <= n && (-90.0..=90.0).contains(s) && (-90.0..=90.0).contains(n) =>
            {
                Some([*w, *s, *e, *n])
            }
            _ => {
                problems.add(
                    "bbox",
                    format!("bbox must be west,south,east,north in degrees, got {text:?}"),
                );
                None
            }
        }
    });
    let mut number = |name: &str, text: Option<&str>, default: usize, max: usize| match text
        .map(|t| t.trim().parse::<usize>())
    {
        None => default,
        Some(Ok(n)) if n <= max && (name != "limit" || n >= 1) => n,
        Some(_) => {
            problems.add(
                name,
                format!(
                    "{name} must be a whole number up to {max}{}",
                    if name == "limit" { ", at least 1" } else { "" }
                ),
            );
            default
        }
    };
    let limit = number("limit", limit, DEFAULT_LIMIT, MAX_LIMIT);
    let offset = number("offset", offset, 0, usize::MAX);
    problems.into_result(ItemsQuery {
        bbox,
        limit,
        offset,
    })
}

fn link(href: String, rel: &str, kind: &str, title: &str) -> Json {
    json!({ "href": href, "rel": rel, "type": kind, "title": title })
}

/// The API's landing page.
pub fn landing(config: &CityConfig, base: &str) -> Json {
    json!({
        "title": format!("CityGIS — {}", config.city.name),
        "description": "OGC API – Features: every published layer as GeoJSON (WGS84)",
        "links": [
            link(format!("{base}/ogc"), "self", "application/json", "This document"),
            link(format!("{base}/ogc/conformance"), "conformance", "application/json", "Conformance classes"),
            link(format!("{base}/ogc/collections"), "data", "application/json", "Collections"),
        ],
    })
}

/// The conformance classes implemented.
pub fn conformance() -> Json {
    json!({ "conformsTo": [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    ]})
}

/// One collection's description.
pub fn collection(config: &CityConfig, layer: &Layer, base: &str) -> Json {
    let c = layer.config();
    let bbox = layer
        .extent()
        .map(|e| {
            let (w, s) = to_lon_lat(e.min_x, e.min_y);
            let (east, n) = to_lon_lat(e.max_x, e.max_y);
            [w, s, east, n]
        })
        .unwrap_or(config.city.bounds);
    let items = format!("{base}/ogc/collections/{}/items", c.name);
    json!({
        "id": c.name,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "extent": { "spatial": { "bbox": [bbox], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84" } },
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "geometryType": match c.geometry {
            GeometryKind::Point => "Point",
            GeometryKind::Line => "LineString",
            GeometryKind::Polygon => "Polygon",
        },
        "links": [
            link(format!("{base}/ogc/collections/{}", c.name), "self", "application/json", "This collection"),
            link(items, "items", "application/geo+json", "Features"),
            link(format!("{base}/tiles/{}", c.name), "tiles", "application/json", "Vector tiles (TileJSON)"),
        ],
    })
}

/// Every collection.
pub fn collections(config: &CityConfig, layers: &[&Layer], base: &str) -> Json {
    json!({
        "links": [link(format!("{base}/ogc/collections"), "self", "application/json", "Collections")],
        "collections": layers.iter().map(|l| collection(config, l, base)).collect::<Vec<_>>(),
    })
}

fn json_value(v: &Option<Value>) -> Json {
    match v {
        Some(Value::Int(i)) => Json::from(*i),
        Some(Value::Float(f)) => Json::from(*f),
        Some(Value::Bool(b)) => Json::from(*b),
        Some(text) => Json::from(text.to_text().into_owned()),
        None => Json::Null,
    }
}

/// A feature as GeoJSON in WGS84, with its published attributes.
pub fn feature_json(layer: &Layer, f: &Feature) -> Json {
    let geometry = f.geometry.map_coords(|c| {
        let (lon, lat) = to_lon_lat(c.x, c.y);
        geo::coord! { x: (lon * 1e7).round() / 1e7, y: (lat * 1e7).round() / 1e7 }
    });
    let properties: Map<String, Json> = layer
        .config()
        .attributes
        .iter()
        .zip(f.values.iter())
        .map(|(name, v)| (name.clone(), json_value(v)))
        .collect();
    json!({
        "type": "Feature",
        "id": f.id,
        "geometry": geojson::Geometry::new(geojson::GeometryValue::from(&geometry)),
        "properties": properties,
    })
}

/// A page of a collection's items, ordered by id, with `next`/`prev` links.
pub fn items(layer: &Layer, query: ItemsQuery, base: &str) -> Json {
    let mut matched: Vec<&std::sync::Arc<Feature>> = match query.bbox {
        Some([w, s, e, n]) => {
            let (min_x, min_y) = to_mercator(w, s);
            let (max_x, max_y) = to_mercator(e, n);
            layer
                .query(MercatorBounds {
                    min_x,
                    min_y,
                    max_x,
                    max_y,
                })
                .collect()
        }
        None => layer.features().collect(),
    };
    matched.sort_unstable_by_key(|f| f.id);
    let total = matched.len();
    let page: Vec<Json> = matched
        .iter()
        .skip(query.offset)
        .take(query.limit)
        .map(|f| feature_json(layer, f))
        .collect();
    let name = &layer.config().name;
    let href = |offset: usize| {
        let mut url = format!(
            "{base}/ogc/collections/{name}/items?limit={}&offset={offset}",
            query.limit
        );
        if let Some([w, s, e, n]) = query.bbox {
            url.push_str(&format!("&bbox={w},{s},{e},{n}"));
        }
        url
    };
    let mut links = vec![link(
        href(query.offset),
        "self",
        "application/geo+json",
        "This page",
    )];
    if query.offset + page.len() < total {
        links.push(link(
            href(query.offset + query.limit),
            "next",
            "application/geo+json",
            "Next page",
        ));
    }
    if query.offset > 0 {
        links.push(link(
            href(query.offset.saturating_sub(query.limit)),
            "prev",
            "application/geo+json",
            "Previous page",
        ));
    }
    json!({
        "type": "FeatureCollection",
        "numberMatched": total,
        "numberReturned": page.len(),
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "links": links,
        "features": page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_paging_and_bbox_and_names_bad_parameters() {
        assert_eq!(
            parse_items_query(None, None, None).unwrap(),
            ItemsQuery {
                bbox: None,
                limit: DEFAULT_LIMIT,
                offset: 0
            }
        );
        assert_eq!(
            parse_items_query(Some("106.8,11.4,107,11.6"), Some("10"), Some("20")).unwrap(),
            ItemsQuery {
                bbox: Some([106.8, 11.4, 107.0, 11.6]),
                limit: 10,
                offset: 20
            }
        );
        let field = |b, l, o| parse_items_query(b, l, o).unwrap_err()[0].field.clone();
        assert_eq!(field(Some("1,2,3"), None, None), "bbox");
        assert_eq!(field(Some("5,2,1,3"), None, None), "bbox");
        assert_eq!(field(None, Some("0"), None), "limit");
        assert_eq!(field(None, Some("100001"), None), "limit");
        assert_eq!(field(None, None, Some("-1")), "offset");
    }
}
