//! The IOC wall's dark restyling of the server's style: a dark ground, quiet wards and roads,
//! reports as a heat map, cameras coloured by status with the Okabe–Ito palette (told apart by
//! colour-blind viewers too), Wi-Fi in bluish green.

use super::style::{Evaluated, Expr, MapStyle, Paint, StyleLayer};

/// Ground colour of the wall.
pub const WALL_BACKGROUND: &str = "#0b1320";
/// Camera colours by status (Okabe–Ito sky blue, orange, reddish purple).
pub const CAMERA_ONLINE: &str = "#56b4e9";
pub const CAMERA_OFFLINE: &str = "#e69f00";
pub const CAMERA_MAINTENANCE: &str = "#cc79a7";

fn literal(text: &str) -> Expr {
    Expr::Literal(Evaluated::Text(text.to_owned()))
}

fn number(n: f64) -> Expr {
    Expr::Literal(Evaluated::Number(n))
}

/// Colour by the `status` attribute.
fn by_status() -> Expr {
    Expr::Match {
        input: Box::new(Expr::Get("status".into())),
        cases: vec![
            (vec!["online".into()], literal(CAMERA_ONLINE)),
            (vec!["offline".into()], literal(CAMERA_OFFLINE)),
            (vec!["maintenance".into()], literal(CAMERA_MAINTENANCE)),
        ],
        default: Box::new(literal("#8a94a6")),
    }
}

/// Restyles `style` in place for the wall; `reports` and `cameras` name those layers.
pub fn restyle_for_wall(style: &mut MapStyle, reports: &str, cameras: &str) {
    style.background = WALL_BACKGROUND.to_owned();
    let mut layers: Vec<StyleLayer> = Vec::with_capacity(style.layers.len());
    let mut heat_added = false;
    for mut layer in std::mem::take(&mut style.layers) {
        if layer.source_layer == reports {
            if !heat_added {
                heat_added = true;
                layers.push(StyleLayer {
                    id: format!("{reports}-heat"),
                    filter: None,
                    paint: Paint::Heatmap {
                        radius: number(42.0),
                        intensity: number(0.22),
                        opacity: number(0.9),
                    },
                    ..layer
                });
            }
            continue;
        }
        match &mut layer.paint {
            Paint::Circle {
                color,
                stroke_color,
                stroke_width,
                ..
            } if layer.source_layer == cameras => {
                *color = by_status();
                *stroke_color = literal(WALL_BACKGROUND);
                *stroke_width = number(1.0);
            }
            Paint::Circle {
                color,
                stroke_color,
                ..
            } => {
                *color = literal("#009e73");
                *stroke_color = literal(WALL_BACKGROUND);
            }
            Paint::Line { color, opacity, .. } => {
                *color = literal(if layer.id.ends_with("outline") {
                    "#8fa3c7"
                } else {
                    "#46546e"
                });
                *opacity = number(0.9);
            }
            Paint::Fill { color, opacity } => {
                if layer.source_layer != "planning" {
                    *color = literal("#8fa3c7");
                    *opacity = number(0.05);
                } else {
                    *opacity = number(0.18);
                }
            }
            Paint::Raster { opacity } => *opacity = number(0.35),
            Paint::Heatmap { .. } => {}
        }
        layers.push(layer);
    }
    // The heat map above areas and lines, beneath the cameras and other points.
    if let Some(heat) = layers
        .iter()
        .position(|l| matches!(l.paint, Paint::Heatmap { .. }))
    {
        let heat_layer = layers.remove(heat);
        let first_point = layers
            .iter()
            .position(|l| matches!(l.paint, Paint::Circle { .. }))
            .unwrap_or(layers.len());
        layers.insert(first_point, heat_layer);
    }
    style.layers = layers;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::vector_tile::{PropValue, TileFeature};

    #[test]
    fn reports_become_heat_and_cameras_are_coloured_by_status() {
        let mut style = MapStyle::parse(
            &serde_json::json!({
                "sources": {"citygis": {"type": "vector", "url": "http://h/tiles/wards,reports,cameras"}},
                "layers": [
                    {"id": "wards-fill", "type": "fill", "source": "citygis", "source-layer": "wards", "paint": {"fill-color": "#5b6c8f"}},
                    {"id": "cameras-point", "type": "circle", "source": "citygis", "source-layer": "cameras", "paint": {"circle-color": "#1c7ed6"}},
                    {"id": "reports-point", "type": "circle", "source": "citygis", "source-layer": "reports", "paint": {"circle-color": "#e03131"}},
                    {"id": "reports-cluster", "type": "circle", "source": "citygis", "source-layer": "reports", "paint": {"circle-color": "#e03131"}}
                ]
            })
            .to_string(),
        )
        .unwrap();
        restyle_for_wall(&mut style, "reports", "cameras");
        let ids: Vec<&str> = style.layers.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["wards-fill", "reports-heat", "cameras-point"]);
        assert_eq!(style.background, WALL_BACKGROUND);
        let Paint::Circle { color, .. } = &style.layers[2].paint else {
            panic!("cameras stay circles")
        };
        let mut camera = TileFeature::empty();
        camera
            .properties
            .insert("status".into(), PropValue::Str("offline".into()));
        assert_eq!(color.color(&camera, 14.0, "?"), CAMERA_OFFLINE);
    }
}
