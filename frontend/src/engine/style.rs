//! The server's MapLibre style (`/style.json`), read into what the painter needs: layers in
//! drawing order with their paint expressions, the background and the legend. Expressions cover
//! what the server writes: literals, `get`, `has`, `!`, `==`, `all`, `match`, `interpolate` with
//! `linear` over `zoom` or an attribute.

use super::vector_tile::{PropValue, TileFeature};
use serde::Deserialize;
use serde_json::Value;

/// Why a style could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StyleError {
    #[error("style.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("style layer {layer}: {reason}")]
    Layer { layer: String, reason: String },
}

/// The value of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluated {
    Text(String),
    Number(f64),
    Bool(bool),
    Null,
}

impl Evaluated {
    fn number(&self) -> Option<f64> {
        match self {
            Evaluated::Number(n) => Some(*n),
            Evaluated::Text(t) => t.parse().ok(),
            _ => None,
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Evaluated::Bool(b) => *b,
            Evaluated::Null => false,
            _ => true,
        }
    }

    fn key(&self) -> String {
        match self {
            Evaluated::Text(t) => t.clone(),
            Evaluated::Number(n) => PropValue::Num(*n).as_text(),
            Evaluated::Bool(b) => b.to_string(),
            Evaluated::Null => String::new(),
        }
    }
}

/// A style expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Evaluated),
    Get(String),
    Has(String),
    Zoom,
    /// `["geometry-type"]`: "Point", "LineString" or "Polygon" (multi-geometries included).
    GeometryType,
    Not(Box<Expr>),
    Equals(Box<Expr>, Box<Expr>),
    All(Vec<Expr>),
    Match {
        input: Box<Expr>,
        cases: Vec<(Vec<String>, Expr)>,
        default: Box<Expr>,
    },
    /// Linear interpolation between stops.
    Interpolate {
        input: Box<Expr>,
        stops: Vec<(f64, Expr)>,
    },
}

impl Expr {
    /// Reads an expression from its JSON form.
    pub fn parse(v: &Value) -> Result<Expr, String> {
        Ok(match v {
            Value::String(s) => Expr::Literal(Evaluated::Text(s.clone())),
            Value::Number(n) => Expr::Literal(Evaluated::Number(n.as_f64().unwrap_or(0.0))),
            Value::Bool(b) => Expr::Literal(Evaluated::Bool(*b)),
            Value::Null => Expr::Literal(Evaluated::Null),
            Value::Array(items) => {
                let op = items
                    .first()
                    .and_then(Value::as_str)
                    .ok_or("expression without an operator")?;
                let arg = |i: usize| items.get(i).ok_or(format!("`{op}` needs argument {i}"));
                let name = |i: usize| -> Result<String, String> {
                    arg(i)?
                        .as_str()
                        .map(str::to_owned)
                        .ok_or(format!("`{op}` needs a name"))
                };
                match op {
                    "get" => Expr::Get(name(1)?),
                    "has" => Expr::Has(name(1)?),
                    "zoom" => Expr::Zoom,
                    "geometry-type" => Expr::GeometryType,
                    "!" => Expr::Not(Box::new(Expr::parse(arg(1)?)?)),
                    "==" => Expr::Equals(
                        Box::new(Expr::parse(arg(1)?)?),
                        Box::new(Expr::parse(arg(2)?)?),
                    ),
                    "all" => Expr::All(
                        items[1..]
                            .iter()
                            .map(Expr::parse)
                            .collect::<Result<_, _>>()?,
                    ),
                    "match" => {
                        let input = Box::new(Expr::parse(arg(1)?)?);
                        let rest = &items[2..];
                        if rest.len() % 2 == 0 {
                            return Err("`match` needs a default".into());
                        }
                        let mut cases = Vec::new();
                        for pair in rest[..rest.len() - 1].chunks(2) {
                            let labels = match &pair[0] {
                                Value::Array(a) => a.iter().map(json_key).collect(),
                                other => vec![json_key(other)],
                            };
                            cases.push((labels, Expr::parse(&pair[1])?));
                        }
                        let default = Box::new(Expr::parse(&rest[rest.len() - 1])?);
                        Expr::Match {
                            input,
                            cases,
                            default,
                        }
                    }
                    "interpolate" => {
                        let input = Box::new(Expr::parse(arg(2)?)?);
                        let mut stops = Vec::new();
                        for pair in items[3..].chunks(2) {
                            let [at, value] = pair else {
                                return Err("`interpolate` stops come in pairs".into());
                            };
                            let at = at.as_f64().ok_or("`interpolate` stop is not a number")?;
                            stops.push((at, Expr::parse(value)?));
                        }
                        if stops.is_empty() {
                            return Err("`interpolate` without stops".into());
                        }
                        Expr::Interpolate { input, stops }
                    }
                    other => return Err(format!("unsupported expression `{other}`")),
                }
            }
            Value::Object(_) => return Err("objects are not expressions".into()),
        })
    }

    /// Evaluates the expression for a feature at a zoom.
    pub fn eval(&self, feature: &TileFeature, zoom: f64) -> Evaluated {
        match self {
            Expr::Literal(v) => v.clone(),
            Expr::Get(k) => match feature.get(k) {
                Some(PropValue::Str(s)) => Evaluated::Text(s.clone()),
                Some(PropValue::Num(n)) => Evaluated::Number(*n),
                Some(PropValue::Bool(b)) => Evaluated::Bool(*b),
                None => Evaluated::Null,
            },
            Expr::Has(k) => Evaluated::Bool(feature.properties.contains_key(k)),
            Expr::Zoom => Evaluated::Number(zoom),
            Expr::GeometryType => Evaluated::Text(
                match feature.geometry {
                    geo::Geometry::Point(_) | geo::Geometry::MultiPoint(_) => "Point",
                    geo::Geometry::LineString(_) | geo::Geometry::MultiLineString(_) => {
                        "LineString"
                    }
                    _ => "Polygon",
                }
                .to_owned(),
            ),
            Expr::Not(e) => Evaluated::Bool(!e.eval(feature, zoom).truthy()),
            Expr::Equals(a, b) => {
                Evaluated::Bool(a.eval(feature, zoom).key() == b.eval(feature, zoom).key())
            }
            Expr::All(es) => Evaluated::Bool(es.iter().all(|e| e.eval(feature, zoom).truthy())),
            Expr::Match {
                input,
                cases,
                default,
            } => {
                let key = input.eval(feature, zoom).key();
                cases
                    .iter()
                    .find(|(labels, _)| labels.contains(&key))
                    .map_or_else(
                        || default.eval(feature, zoom),
                        |(_, e)| e.eval(feature, zoom),
                    )
            }
            Expr::Interpolate { input, stops } => {
                let Some(x) = input.eval(feature, zoom).number() else {
                    return stops[0].1.eval(feature, zoom);
                };
                let value = |i: usize| stops[i].1.eval(feature, zoom).number().unwrap_or(0.0);
                if x <= stops[0].0 {
                    return Evaluated::Number(value(0));
                }
                for i in 1..stops.len() {
                    if x <= stops[i].0 {
                        let (x0, x1) = (stops[i - 1].0, stops[i].0);
                        let t = (x - x0) / (x1 - x0);
                        return Evaluated::Number(value(i - 1) + t * (value(i) - value(i - 1)));
                    }
                }
                Evaluated::Number(value(stops.len() - 1))
            }
        }
    }

    /// The value as a CSS colour (or `fallback`).
    pub fn color(&self, feature: &TileFeature, zoom: f64, fallback: &str) -> String {
        match self.eval(feature, zoom) {
            Evaluated::Text(t) => t,
            _ => fallback.to_owned(),
        }
    }

    /// The value as a number (or `fallback`).
    pub fn number(&self, feature: &TileFeature, zoom: f64, fallback: f64) -> f64 {
        self.eval(feature, zoom).number().unwrap_or(fallback)
    }

    /// Whether the expression is true for a feature.
    pub fn test(&self, feature: &TileFeature, zoom: f64) -> bool {
        self.eval(feature, zoom).truthy()
    }
}

/// The comma list of layer names at the end of a tile-set URL.
fn layer_list(url: &str) -> Vec<String> {
    let list = url.rsplit('/').next().unwrap_or_default();
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn json_key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How a style layer draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Paint {
    Fill {
        color: Expr,
        opacity: Expr,
    },
    Line {
        color: Expr,
        width: Expr,
        opacity: Expr,
    },
    Circle {
        color: Expr,
        radius: Expr,
        stroke_color: Expr,
        stroke_width: Expr,
        opacity: Expr,
    },
    /// Images of a raster source, drawn as they are.
    Raster {
        opacity: Expr,
    },
    /// Point density: discs of `radius` pixels whose heat adds up, coloured by a ramp.
    Heatmap {
        radius: Expr,
        intensity: Expr,
        opacity: Expr,
    },
}

/// One drawing instruction of the style.
#[derive(Debug, Clone, PartialEq)]
pub struct StyleLayer {
    pub id: String,
    /// The style source it draws from (`citygis`, `base`).
    pub source: String,
    pub source_layer: String,
    pub min_zoom: f64,
    pub filter: Option<Expr>,
    pub paint: Paint,
}

/// One coloured value of a layer's legend.
/// Name of the city's own vector source in the style.
pub const MAIN_SOURCE: &str = "citygis";

/// A source of the style.
#[derive(Debug, Clone, PartialEq)]
pub struct StyleSource {
    pub id: String,
    /// Raster images, else vector tiles.
    pub raster: bool,
    /// URL of its TileJSON, if it has one.
    pub url: Option<String>,
    /// Tile URL templates given in the style itself (raster services).
    pub tiles: Vec<String>,
    /// Pixels per tile side of a raster source.
    pub tile_size: u32,
    pub max_zoom: u8,
    pub attribution: Option<String>,
}

impl StyleSource {
    fn parse(id: &str, s: &Value) -> Option<StyleSource> {
        let raster = match s["type"].as_str()? {
            "vector" => false,
            "raster" => true,
            _ => return None,
        };
        Some(StyleSource {
            id: id.to_owned(),
            raster,
            url: s["url"].as_str().map(str::to_owned),
            tiles: s["tiles"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            tile_size: s["tileSize"]
                .as_u64()
                .map_or(512, |t| t.clamp(64, 1024) as u32),
            max_zoom: s["maxzoom"].as_u64().map_or(22, |z| z.min(24) as u8),
            attribution: s["attribution"].as_str().map(str::to_owned),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LegendItem {
    pub value: String,
    pub label: String,
    pub color: String,
}

/// A layer's legend, from the style's `metadata.citygis:legend`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LegendEntry {
    pub layer: String,
    pub title: String,
    pub title_en: Option<String>,
    pub attribute: Option<String>,
    pub color: Option<String>,
    #[serde(default)]
    pub items: Vec<LegendItem>,
}

/// The style, ready to paint with.
#[derive(Debug, Clone, PartialEq)]
pub struct MapStyle {
    /// The style's name.
    pub name: String,
    pub background: String,
    pub layers: Vec<StyleLayer>,
    pub legend: Vec<LegendEntry>,
    /// The planning (zoning) layer, whose versions can be compared.
    pub planning_layer: Option<String>,
    /// Initial view: (longitude, latitude, zoom).
    pub center: (f64, f64, f64),
    /// URL of the city's vector source's TileJSON.
    pub source_url: String,
    /// Every source, the city's and a base map's.
    pub sources: Vec<StyleSource>,
    /// The layer names listed at the end of `source_url` (`…/tiles/wards,cameras`).
    source_layers: Vec<String>,
}

impl MapStyle {
    /// Reads the server's style.
    pub fn parse(text: &str) -> Result<MapStyle, StyleError> {
        let doc: Value = serde_json::from_str(text)?;
        let mut background = "#f4f1ea".to_owned();
        let mut layers = Vec::new();
        for layer in doc["layers"].as_array().into_iter().flatten() {
            let id = layer["id"].as_str().unwrap_or_default().to_owned();
            let fail = |reason: String| StyleError::Layer {
                layer: id.clone(),
                reason,
            };
            let paint = &layer["paint"];
            let expr = |key: &str, default: Value| -> Result<Expr, StyleError> {
                Expr::parse(paint.get(key).unwrap_or(&default))
                    .map_err(|r| fail(format!("{key}: {r}")))
            };
            let kind = layer["type"].as_str().unwrap_or_default();
            let paint = match kind {
                "background" => {
                    if let Some(c) = paint["background-color"].as_str() {
                        background = c.to_owned();
                    }
                    continue;
                }
                "fill" => Paint::Fill {
                    color: expr("fill-color", Value::from("#000000"))?,
                    opacity: expr("fill-opacity", Value::from(1.0))?,
                },
                "line" => Paint::Line {
                    color: expr("line-color", Value::from("#000000"))?,
                    width: expr("line-width", Value::from(1.0))?,
                    opacity: expr("line-opacity", Value::from(1.0))?,
                },
                "heatmap" => Paint::Heatmap {
                    radius: expr("heatmap-radius", Value::from(30.0))?,
                    intensity: expr("heatmap-intensity", Value::from(1.0))?,
                    opacity: expr("heatmap-opacity", Value::from(1.0))?,
                },
                "raster" => Paint::Raster {
                    opacity: expr("raster-opacity", Value::from(1.0))?,
                },
                "circle" => Paint::Circle {
                    color: expr("circle-color", Value::from("#000000"))?,
                    radius: expr("circle-radius", Value::from(5.0))?,
                    stroke_color: expr("circle-stroke-color", Value::from("#ffffff"))?,
                    stroke_width: expr("circle-stroke-width", Value::from(0.0))?,
                    opacity: expr("circle-opacity", Value::from(1.0))?,
                },
                // Layer kinds the server does not write are skipped rather than refused.
                _ => continue,
            };
            let filter = match layer.get("filter") {
                Some(f) => Some(Expr::parse(f).map_err(|r| fail(format!("filter: {r}")))?),
                None => None,
            };
            layers.push(StyleLayer {
                source: layer["source"].as_str().unwrap_or(MAIN_SOURCE).to_owned(),
                source_layer: layer["source-layer"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                min_zoom: layer["minzoom"].as_f64().unwrap_or(0.0),
                id,
                filter,
                paint,
            });
        }
        let legend =
            serde_json::from_value(doc["metadata"]["citygis:legend"].clone()).unwrap_or_default();
        let center = (
            doc["center"][0].as_f64().unwrap_or(0.0),
            doc["center"][1].as_f64().unwrap_or(0.0),
            doc["zoom"].as_f64().unwrap_or(2.0),
        );
        let sources: Vec<StyleSource> = doc["sources"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(id, s)| StyleSource::parse(id, s))
            .collect();
        let source_url = sources
            .iter()
            .find(|s| s.id == MAIN_SOURCE)
            .and_then(|s| s.url.clone())
            .unwrap_or_default();
        let name = doc["name"].as_str().unwrap_or("CityGIS").to_owned();
        let planning_layer = doc["metadata"]["citygis:planning"]
            .as_str()
            .map(str::to_owned);
        Ok(MapStyle {
            name,
            planning_layer,
            background,
            layers,
            legend,
            center,
            source_layers: layer_list(&source_url),
            source_url,
            sources,
        })
    }

    /// The names of the source layers, in the order the server lists them in the tile URL.
    pub fn source_layers(&self) -> &[String] {
        &self.source_layers
    }

    /// A layer's legend.
    pub fn legend_of(&self, layer: &str) -> Option<&LegendEntry> {
        self.legend.iter().find(|l| l.layer == layer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, Point};
    use std::collections::BTreeMap;

    fn feature(props: &[(&str, PropValue)]) -> TileFeature {
        TileFeature {
            id: None,
            geometry: Geometry::Point(Point::new(0.0, 0.0)),
            properties: props
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn match_picks_the_colour_of_the_value() {
        let e = Expr::parse(&serde_json::json!([
            "match",
            ["get", "kind"],
            "smart",
            "#1c7ed6",
            "ptz",
            "#7048e8",
            "#000"
        ]))
        .unwrap();
        assert_eq!(
            e.color(
                &feature(&[("kind", PropValue::Str("ptz".into()))]),
                14.0,
                "x"
            ),
            "#7048e8"
        );
        assert_eq!(e.color(&feature(&[]), 14.0, "x"), "#000");
    }

    #[test]
    fn interpolate_over_zoom_and_attributes() {
        let e = Expr::parse(&serde_json::json!([
            "interpolate",
            ["linear"],
            ["zoom"],
            10,
            3,
            16,
            7
        ]))
        .unwrap();
        let f = feature(&[]);
        assert_eq!(e.number(&f, 8.0, 0.0), 3.0);
        assert_eq!(e.number(&f, 13.0, 0.0), 5.0);
        assert_eq!(e.number(&f, 20.0, 0.0), 7.0);
        let by_count = Expr::parse(&serde_json::json!([
            "interpolate",
            ["linear"],
            ["get", "point_count"],
            2,
            9,
            50,
            16
        ]))
        .unwrap();
        assert_eq!(
            by_count.number(&feature(&[("point_count", PropValue::Num(26.0))]), 0.0, 0.0),
            12.5
        );
    }

    #[test]
    fn filters_on_clusters() {
        let points = Expr::parse(&serde_json::json!(["!", ["has", "point_count"]])).unwrap();
        assert!(points.test(&feature(&[]), 0.0));
        assert!(!points.test(&feature(&[("point_count", PropValue::Num(3.0))]), 0.0));
    }

    #[test]
    fn reads_a_style_like_the_servers() {
        let text = serde_json::json!({
            "version": 8, "center": [106.9, 11.535], "zoom": 13,
            "metadata": {"citygis:legend": [{"layer": "cameras", "title": "Camera", "title_en": "Cameras",
                "attribute": "kind", "color": "#1c7ed6", "items": [{"value": "smart", "label": "Thông minh", "color": "#1c7ed6"}]}]},
            "sources": {"citygis": {"type": "vector", "url": "http://h/tiles/wards,cameras"}},
            "layers": [
                {"id": "background", "type": "background", "paint": {"background-color": "#eeeeee"}},
                {"id": "cameras-point", "type": "circle", "source": "citygis", "source-layer": "cameras", "minzoom": 10,
                 "filter": ["!", ["has", "point_count"]], "paint": {"circle-color": "#f00"}},
                {"id": "x", "type": "symbol", "source-layer": "cameras"}
            ]
        })
        .to_string();
        let style = MapStyle::parse(&text).unwrap();
        assert_eq!(style.background, "#eeeeee");
        assert_eq!(style.layers.len(), 1);
        assert_eq!(style.layers[0].min_zoom, 10.0);
        assert_eq!(style.source_layers(), ["wards", "cameras"]);
        assert_eq!(
            style.legend_of("cameras").unwrap().items[0].label,
            "Thông minh"
        );
        assert_eq!(style.center, (106.9, 11.535, 13.0));
    }

    #[test]
    fn unsupported_expressions_name_the_layer() {
        let text = serde_json::json!({"layers": [{"id": "bad", "type": "fill", "paint": {"fill-color": ["step", 1]}}]}).to_string();
        let err = MapStyle::parse(&text).unwrap_err().to_string();
        assert!(err.contains("bad") && err.contains("step"), "{err}");
    }

    #[test]
    fn reads_a_base_map_beneath_the_city_layers() {
        let text = serde_json::json!({
            "sources": {
                "citygis": {"type": "vector", "url": "http://h/tiles/wards"},
                "base": {"type": "raster", "tiles": ["https://t/{z}/{x}/{y}.png"], "tileSize": 256, "maxzoom": 19, "attribution": "© OSM"}
            },
            "layers": [
                {"id": "base-raster", "type": "raster", "source": "base"},
                {"id": "base-water-fill", "type": "fill", "source": "base", "source-layer": "water",
                 "filter": ["==", ["geometry-type"], "Polygon"], "paint": {"fill-color": "#aad3df"}},
                {"id": "wards-fill", "type": "fill", "source": "citygis", "source-layer": "wards", "paint": {"fill-color": "#5b6c8f"}}
            ]
        })
        .to_string();
        let style = MapStyle::parse(&text).unwrap();
        assert_eq!(style.source_url, "http://h/tiles/wards");
        let base = style.sources.iter().find(|s| s.id == "base").unwrap();
        assert!(base.raster);
        assert_eq!((base.tile_size, base.max_zoom), (256, 19));
        assert_eq!(base.tiles, ["https://t/{z}/{x}/{y}.png"]);
        assert_eq!(base.attribution.as_deref(), Some("© OSM"));
        let sources: Vec<&str> = style.layers.iter().map(|l| l.source.as_str()).collect();
        assert_eq!(sources, ["base", "base", "citygis"]);
        assert!(matches!(style.layers[0].paint, Paint::Raster { .. }));
        // The geometry-type filter keeps polygons and drops points.
        let water = style.layers[1].filter.as_ref().unwrap();
        assert!(!water.test(&feature(&[]), 14.0));
        let mut lake = feature(&[]);
        lake.geometry = Geometry::Polygon(geo::Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]),
            Vec::new(),
        ));
        assert!(water.test(&lake, 14.0));
    }
}
