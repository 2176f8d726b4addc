//! The base map's part of the style: its source and the layers drawn beneath the city's own.
//!
//! Vector base maps made from OpenStreetMap by planetiler or tilemaker follow the OpenMapTiles
//! schema (`water`, `landuse`, `transportation`, …); those layers get a quiet, light cartography
//! so the city's data stands out. Any other layer (a file made by GDAL, say) is drawn by its
//! geometry type in neutral tones. Raster base maps are one `raster` layer.

use crate::base_map::{BaseMap, SOURCE_ID, VectorLayer};
use serde_json::{Value, json};

const WATER: &str = "#aad3df";
const LAND_GREEN: &str = "#d8e8c8";
const ROAD: &str = "#ffffff";
const ROAD_MAJOR: &str = "#fcd9a0";

/// The base map's style source, with its TileJSON (MBTiles) or tile URL (raster service) and
/// credit.
pub fn base_source(base: &BaseMap, base_url: &str, attribution: Option<&str>) -> Value {
    let mut source = match base {
        BaseMap::MbTiles(file) => {
            let kind = if file.metadata().format.is_vector() {
                "vector"
            } else {
                "raster"
            };
            let mut s = json!({ "type": kind, "url": format!("{base_url}/tiles/{SOURCE_ID}") });
            if kind == "raster" {
                s["tileSize"] = json!(256);
            }
            s
        }
        BaseMap::Raster(r) => json!({
            "type": "raster",
            "tiles": [r.tiles],
            "tileSize": r.tile_size,
            "maxzoom": r.max_zoom,
        }),
    };
    let credit = attribution.map(str::to_owned).or_else(|| match base {
        BaseMap::MbTiles(f) => f.metadata().attribution.clone(),
        BaseMap::Raster(_) => None,
    });
    if let Some(credit) = credit {
        source["attribution"] = json!(credit);
    }
    source
}

/// Style layers of the base map, bottom first.
pub fn base_layers(base: &BaseMap) -> Vec<Value> {
    let BaseMap::MbTiles(file) = base else {
        return vec![raster_layer()];
    };
    if !file.metadata().format.is_vector() {
        return vec![raster_layer()];
    }
    let mut layers: Vec<(u8, Value)> = file
        .metadata()
        .vector_layers
        .iter()
        .flat_map(vector_layer_style)
        .collect();
    // Areas, then water lines, then roads, then boundaries, whatever the file's order.
    layers.sort_by_key(|(order, _)| *order);
    layers.into_iter().map(|(_, l)| l).collect()
}

fn raster_layer() -> Value {
    json!({ "id": "base-raster", "type": "raster", "source": SOURCE_ID })
}

fn layer(id: &str, suffix: &str, kind: &str, source_layer: &str, paint: Value) -> Value {
    json!({
        "id": format!("{SOURCE_ID}-{id}-{suffix}"),
        "type": kind,
        "source": SOURCE_ID,
        "source-layer": source_layer,
        "paint": paint,
    })
}

fn polygons_only(mut layer: Value) -> Value {
    layer["filter"] = json!(["==", ["geometry-type"], "Polygon"]);
    layer
}

fn lines_only(mut layer: Value) -> Value {
    layer["filter"] = json!(["==", ["geometry-type"], "LineString"]);
    layer
}

/// Road width by OpenMapTiles `class`, growing with zoom.
fn road_width() -> Value {
    json!([
        "interpolate",
        ["linear"],
        ["zoom"],
        10,
        [
            "match",
            ["get", "class"],
            ["motorway", "trunk", "primary"],
            1.5,
            0.5
        ],
        16,
        [
            "match",
            ["get", "class"],
            ["motorway", "trunk", "primary"],
            9,
            ["secondary", "tertiary"],
            7,
            4
        ]
    ])
}

/// The drawing order and style layers of one vector layer of the file.
fn vector_layer_style(l: &VectorLayer) -> Vec<(u8, Value)> {
    let id = l.id.as_str();
    match id {
        "landcover" | "park" => vec![(
            1,
            polygons_only(layer(
                id,
                "fill",
                "fill",
                id,
                json!({ "fill-color": LAND_GREEN, "fill-opacity": 0.7 }),
            )),
        )],
        "landuse" => vec![(
            1,
            polygons_only(layer(
                id,
                "fill",
                "fill",
                id,
                json!({ "fill-color": "#ebe5d9", "fill-opacity": 0.7 }),
            )),
        )],
        "water" => vec![(
            2,
            polygons_only(layer(
                id,
                "fill",
                "fill",
                id,
                json!({ "fill-color": WATER }),
            )),
        )],
        "waterway" => vec![(
            3,
            lines_only(layer(
                id,
                "line",
                "line",
                id,
                json!({ "line-color": WATER, "line-width": ["interpolate", ["linear"], ["zoom"], 10, 0.5, 16, 3] }),
            )),
        )],
        "building" => {
            let mut fill = polygons_only(layer(
                id,
                "fill",
                "fill",
                id,
                json!({ "fill-color": "#dcd6cc", "fill-opacity": 0.8 }),
            ));
            fill["minzoom"] = json!(14);
            vec![(4, fill)]
        }
        "transportation" => vec![(
            5,
            lines_only(layer(
                id,
                "line",
                "line",
                id,
                json!({
                    "line-color": ["match", ["get", "class"], ["motorway", "trunk", "primary"], ROAD_MAJOR, ROAD],
                    "line-width": road_width(),
                }),
            )),
        )],
        "boundary" => vec![(
            6,
            lines_only(layer(
                id,
                "line",
                "line",
                id,
                json!({ "line-color": "#9e9cab", "line-width": 1, "line-opacity": 0.8 }),
            )),
        )],
        // Labels, POIs and house numbers of OpenMapTiles are not drawn: the map labels our layers.
        "place"
        | "poi"
        | "housenumber"
        | "transportation_name"
        | "water_name"
        | "aerodrome_label"
        | "mountain_peak" => Vec::new(),
        _ => generic_layer_style(l),
    }
}

/// A layer of unknown meaning, drawn by geometry type in neutral tones.
fn generic_layer_style(l: &VectorLayer) -> Vec<(u8, Value)> {
    let id = l.id.as_str();
    let polygons = || {
        (
            1,
            polygons_only(layer(
                id,
                "fill",
                "fill",
                id,
                json!({ "fill-color": "#e3dccd", "fill-opacity": 0.8 }),
            )),
        )
    };
    let lines = || {
        (
            5,
            lines_only(layer(
                id,
                "line",
                "line",
                id,
                json!({ "line-color": "#c8bfae", "line-width": ["interpolate", ["linear"], ["zoom"], 10, 0.5, 16, 3] }),
            )),
        )
    };
    match l.geometry.as_deref() {
        Some("Polygon") => vec![polygons()],
        Some("LineString") => vec![lines()],
        Some("Point") => Vec::new(),
        _ => vec![polygons(), lines()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base_map::RasterService;

    #[test]
    fn a_raster_service_is_one_raster_layer_with_its_url() {
        let base = BaseMap::Raster(RasterService {
            tiles: "https://tile.example.org/{z}/{x}/{y}.png".into(),
            tile_size: 256,
            max_zoom: 19,
        });
        let source = base_source(&base, "http://h", Some("© OpenStreetMap"));
        assert_eq!(source["type"], "raster");
        assert_eq!(
            source["tiles"][0],
            "https://tile.example.org/{z}/{x}/{y}.png"
        );
        assert_eq!(source["attribution"], "© OpenStreetMap");
        assert_eq!(
            base_layers(&base),
            vec![json!({"id": "base-raster", "type": "raster", "source": "base"})]
        );
    }

    #[test]
    fn openmaptiles_layers_get_their_cartography_and_others_their_geometry() {
        let vl = |id: &str, geometry: Option<&str>| VectorLayer {
            id: id.into(),
            geometry: geometry.map(str::to_owned),
            description: json!({ "id": id }),
        };
        let roads = vector_layer_style(&vl("transportation", None));
        assert_eq!(roads.len(), 1);
        assert_eq!(roads[0].1["type"], "line");
        assert_eq!(roads[0].1["source"], "base");
        assert!(vector_layer_style(&vl("poi", Some("Point"))).is_empty());
        let lakes = generic_layer_style(&vl("lakes", Some("Polygon")));
        assert_eq!(lakes.len(), 1);
        assert_eq!(lakes[0].1["type"], "fill");
        assert_eq!(
            lakes[0].1["filter"],
            json!(["==", ["geometry-type"], "Polygon"])
        );
        assert_eq!(generic_layer_style(&vl("mixed", None)).len(), 2);
    }
}
