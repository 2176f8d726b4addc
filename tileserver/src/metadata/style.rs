//! A MapLibre GL style (v8) that draws every layer with the colours of the configuration, so the
//! whole map opens as it is in MapLibre, QGIS or our own web map.

use super::base_style::{base_layers, base_source};
use crate::base_map::BaseMap;
use crate::config::{CityConfig, GeometryKind, LayerConfig, StyleConfig};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Name of the vector source in the style.
pub const SOURCE_ID: &str = "citygis";

/// The style, with the source's TileJSON under `base_url`; the base map's layers, if any,
/// beneath the city's.
pub fn style(config: &CityConfig, base_map: Option<&BaseMap>, base_url: &str) -> Value {
    let names: Vec<&str> = config.layers.iter().map(|l| l.name.as_str()).collect();
    let mut ordered: Vec<&LayerConfig> = config.layers.iter().collect();
    // Areas under lines under points, keeping the configuration's order within each kind.
    ordered.sort_by_key(|l| match l.geometry {
        GeometryKind::Polygon => 0,
        GeometryKind::Line => 1,
        GeometryKind::Point => 2,
    });
    let mut layers = vec![json!({
        "id": "background",
        "type": "background",
        "paint": { "background-color": "#f4f1ea" }
    })];
    if let Some(base_map) = base_map {
        layers.extend(base_layers(base_map));
    }
    for layer in ordered {
        layers.extend(style_layers(layer));
    }
    let mut legend: Vec<Value> = config.layers.iter().map(legend).collect();
    if base_map.is_some() {
        legend.push(json!({
            "layer": crate::base_map::SOURCE_ID,
            "title": "Bản đồ nền",
            "title_en": "Base map",
            "attribute": null,
            "color": null,
            "items": [],
        }));
    }
    let [lon, lat] = config.city.center;
    let mut doc = json!({
        "version": 8,
        "name": format!("CityGIS — {}", config.city.name),
        "metadata": {
            "citygis:legend": legend,
            "citygis:planning": config.planning.as_ref().map(|p| p.layer.clone()),
        },
        "center": [lon, lat],
        "zoom": config.city.zoom,
        "sources": {
            SOURCE_ID: {
                "type": "vector",
                "url": format!("{base_url}/tiles/{}", names.join(",")),
                "attribution": config.city.attribution,
            }
        },
        "layers": layers,
    });
    if let Some(base_map) = base_map {
        let attribution = config.base.as_ref().and_then(|b| b.attribution.as_deref());
        doc["sources"][crate::base_map::SOURCE_ID] = base_source(base_map, base_url, attribution);
    }
    doc
}

/// `["match", ["get", attr], value, colour, …, default]`, or the plain default colour.
fn by_value(attr: Option<&String>, colors: &BTreeMap<String, String>, default: &str) -> Value {
    match attr {
        Some(attr) if !colors.is_empty() => {
            let mut expr = vec![json!("match"), json!(["get", attr])];
            for (value, color) in colors {
                expr.push(json!(value));
                expr.push(json!(color));
            }
            expr.push(json!(default));
            Value::Array(expr)
        }
        _ => json!(default),
    }
}

fn base(layer: &LayerConfig, suffix: &str, kind: &str) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), json!(format!("{}-{suffix}", layer.name)));
    m.insert("type".into(), json!(kind));
    m.insert("source".into(), json!(SOURCE_ID));
    m.insert("source-layer".into(), json!(layer.name));
    m.insert("minzoom".into(), json!(layer.min_zoom));
    m.insert("metadata".into(), json!({ "citygis:title": layer.title }));
    m
}

fn style_layers(layer: &LayerConfig) -> Vec<Value> {
    let s: &StyleConfig = &layer.style;
    let default = s.color.as_deref().unwrap_or("#1c7ed6");
    let color = by_value(s.color_by.as_ref(), &s.colors, default);
    let outline = by_value(s.outline_by.as_ref(), &s.outline_colors, "#ffffff");
    let width = s.width.unwrap_or(match layer.geometry {
        GeometryKind::Point => 5.0,
        _ => 1.5,
    });
    let mut out = Vec::new();
    match layer.geometry {
        GeometryKind::Polygon => {
            let mut fill = base(layer, "fill", "fill");
            fill.insert(
                "paint".into(),
                json!({ "fill-color": color, "fill-opacity": s.opacity.unwrap_or(0.5) }),
            );
            out.push(Value::Object(fill));
            let mut line = base(layer, "outline", "line");
            let line_color = if s.outline_by.is_some() {
                outline
            } else {
                json!(default)
            };
            line.insert(
                "paint".into(),
                json!({ "line-color": line_color, "line-width": width, "line-opacity": 0.8 }),
            );
            out.push(Value::Object(line));
        }
        GeometryKind::Line => {
            let mut line = base(layer, "line", "line");
            line.insert(
                "layout".into(),
                json!({ "line-cap": "round", "line-join": "round" }),
            );
            line.insert(
                "paint".into(),
                json!({
                    "line-color": color,
                    "line-width": ["interpolate", ["linear"], ["zoom"], 10, width * 0.5, 16, width * 3.0],
                }),
            );
            out.push(Value::Object(line));
        }
        GeometryKind::Point => {
            let mut points = base(layer, "point", "circle");
            points.insert("filter".into(), json!(["!", ["has", "point_count"]]));
            points.insert(
                "paint".into(),
                json!({
                    "circle-color": color,
                    "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, width * 0.6, 16, width * 1.4],
                    "circle-stroke-color": outline,
                    "circle-stroke-width": 1.5,
                    "circle-opacity": s.opacity.unwrap_or(0.95),
                }),
            );
            out.push(Value::Object(points));
            if layer.cluster.is_some() {
                let mut clusters = base(layer, "cluster", "circle");
                clusters.insert("filter".into(), json!(["has", "point_count"]));
                clusters.insert(
                    "paint".into(),
                    json!({
                        "circle-color": color,
                        "circle-radius": ["interpolate", ["linear"], ["get", "point_count"], 2, 9, 50, 16, 500, 26],
                        "circle-stroke-color": "#ffffff",
                        "circle-stroke-width": 2,
                        "circle-opacity": 0.85,
                    }),
                );
                out.push(Value::Object(clusters));
            }
        }
    }
    out
}

/// Legend entries: a layer's title and, per coloured value, its label and colour.
fn legend(layer: &LayerConfig) -> Value {
    let s = &layer.style;
    let items: Vec<Value> = s
        .colors
        .iter()
        .map(|(value, color)| json!({ "value": value, "label": s.labels.get(value).unwrap_or(value), "color": color }))
        .collect();
    json!({
        "layer": layer.name,
        "title": layer.title,
        "title_en": layer.title_en,
        "attribute": s.color_by,
        "color": s.color,
        "items": items,
    })
}
