//! The catalog: every layer a server holds, with its counts and links.

use crate::config::CityConfig;
use crate::layer::Layer;
use crate::mercator::to_lon_lat;
use serde_json::{Value, json};

/// The catalog document for `layers`, with links under `base_url`.
pub fn catalog(config: &CityConfig, layers: &[&Layer], base_url: &str) -> Value {
    let entries: Vec<Value> = layers
        .iter()
        .map(|layer| {
            let c = layer.config();
            let bounds = layer.extent().map(|b| {
                let (w, s) = to_lon_lat(b.min_x, b.min_y);
                let (e, n) = to_lon_lat(b.max_x, b.max_y);
                [w, s, e, n]
            });
            json!({
                "name": c.name,
                "title": c.title,
                "title_en": c.title_en,
                "description": c.description,
                "geometry": c.geometry,
                "features": layer.len(),
                "version": layer.version(),
                "bounds": bounds,
                "min_zoom": c.min_zoom,
                "max_zoom": c.max_zoom,
                "attributes": c.attributes,
                "cluster_below_zoom": c.cluster.as_ref().map(|cl| cl.below_zoom),
                "tilejson": format!("{base_url}/tiles/{}", c.name),
                "tiles": format!("{base_url}/tiles/{}/{{z}}/{{x}}/{{y}}", c.name),
            })
        })
        .collect();
    let all: Vec<&str> = layers.iter().map(|l| l.name()).collect();
    json!({
        "city": {
            "name": config.city.name,
            "name_en": config.city.name_en,
            "province": config.city.province,
            "center": config.city.center,
            "zoom": config.city.zoom,
            "bounds": config.city.bounds,
            "attribution": config.city.attribution,
        },
        "layers": entries,
        "tilejson": format!("{base_url}/tiles/{}", all.join(",")),
        "style": format!("{base_url}/style.json"),
    })
}
