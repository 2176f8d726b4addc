//! TileJSON 3.0.0 for a set of layers.

use crate::base_map::{MbTiles, SOURCE_ID};
use crate::config::CityConfig;
use crate::layer::Layer;
use serde_json::{Map, Value, json};

/// TileJSON 3.0.0 describing the composite source made of `layers`, with tile URLs under
/// `base_url` (e.g. `http://127.0.0.1:8080`).
pub fn tilejson(config: &CityConfig, layers: &[&Layer], base_url: &str) -> Value {
    let names: Vec<&str> = layers.iter().map(|l| l.name()).collect();
    let list = names.join(",");
    let min_zoom = layers
        .iter()
        .map(|l| l.config().min_zoom)
        .min()
        .unwrap_or(0);
    let max_zoom = layers
        .iter()
        .map(|l| l.config().max_zoom)
        .max()
        .unwrap_or(0);
    let [lon, lat] = config.city.center;
    let vector_layers: Vec<Value> = layers.iter().map(|l| vector_layer(l)).collect();
    let description = layers
        .iter()
        .map(|l| l.config().title.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    json!({
        "tilejson": "3.0.0",
        "name": format!("CityGIS {}: {}", config.city.name, list),
        "description": description,
        "version": "1.0.0",
        "attribution": config.city.attribution,
        "scheme": "xyz",
        "tiles": [format!("{base_url}/tiles/{list}/{{z}}/{{x}}/{{y}}")],
        "minzoom": min_zoom,
        "maxzoom": max_zoom,
        "bounds": config.city.bounds,
        "center": [lon, lat, config.city.zoom.round().clamp(f64::from(min_zoom), f64::from(max_zoom))],
        "vector_layers": vector_layers,
    })
}

fn vector_layer(layer: &Layer) -> Value {
    let config = layer.config();
    let mut fields = Map::new();
    for (name, ty) in layer.field_types() {
        fields.insert(
            name.to_owned(),
            Value::from(ty.map_or("String", |t| t.as_str())),
        );
    }
    if config.cluster.is_some() {
        fields.insert("cluster".into(), "Boolean".into());
        fields.insert("point_count".into(), "Number".into());
    }
    json!({
        "id": config.name,
        "description": config.title,
        "minzoom": config.min_zoom,
        "maxzoom": config.max_zoom,
        "fields": fields,
    })
}

/// TileJSON 3.0.0 of the base map's MBTiles file, served under `base_url`.
pub fn base_tilejson(config: &CityConfig, file: &MbTiles, base_url: &str) -> Value {
    let m = file.metadata();
    let attribution = config
        .base
        .as_ref()
        .and_then(|b| b.attribution.clone())
        .or_else(|| m.attribution.clone());
    let mut doc = json!({
        "tilejson": "3.0.0",
        "name": m.name,
        "scheme": "xyz",
        "format": m.format.as_str(),
        "tiles": [format!("{base_url}/tiles/{SOURCE_ID}/{{z}}/{{x}}/{{y}}")],
        "minzoom": m.min_zoom,
        "maxzoom": m.max_zoom,
        "bounds": m.bounds.unwrap_or([-180.0, -85.051129, 180.0, 85.051129]),
    });
    if let Some(a) = attribution {
        doc["attribution"] = json!(a);
    }
    if m.format.is_vector() {
        doc["vector_layers"] = m
            .vector_layers
            .iter()
            .map(|l| l.description.clone())
            .collect();
    }
    doc
}
