//! Painting the map on a 2D canvas: for each style layer, each drawn tile clipped to its square,
//! features batched by colour (raster tiles as images); then the highlight, cluster counts and
//! labels without overlaps.

use super::labels::{self, LabelCandidate};
use super::map_state::{Hit, MapState};
use super::style::Paint;
use super::vector_tile::TileFeature;
use geo::{Geometry, InteriorPoint, LineString};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::f64::consts::TAU;
use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, CanvasWindingRule, Path2d};

const LABEL_FONT: &str = "600 12px system-ui, 'Segoe UI', Roboto, sans-serif";
const CLUSTER_FONT: &str = "700 11px system-ui, 'Segoe UI', Roboto, sans-serif";

/// Where a tile sits on screen: left, top, CSS pixels per tile unit.
#[derive(Clone, Copy)]
struct Placement {
    left: f64,
    top: f64,
    k: f64,
}

impl Placement {
    fn at(&self, x: f64, y: f64) -> (f64, f64) {
        (self.left + x * self.k, self.top + y * self.k)
    }
}

fn trace_line(path: &Path2d, line: &LineString<f64>, p: Placement, close: bool) {
    let mut points = line.coords();
    if let Some(first) = points.next() {
        let (x, y) = p.at(first.x, first.y);
        path.move_to(x, y);
        for c in points {
            let (x, y) = p.at(c.x, c.y);
            path.line_to(x, y);
        }
        if close {
            path.close_path();
        }
    }
}

/// Adds a geometry's lines or rings to a path.
fn trace(path: &Path2d, geometry: &Geometry<f64>, p: Placement) {
    match geometry {
        Geometry::LineString(l) => trace_line(path, l, p, false),
        Geometry::MultiLineString(m) => m.iter().for_each(|l| trace_line(path, l, p, false)),
        Geometry::Polygon(poly) => {
            trace_line(path, poly.exterior(), p, true);
            poly.interiors()
                .iter()
                .for_each(|r| trace_line(path, r, p, true));
        }
        Geometry::MultiPolygon(m) => m
            .iter()
            .for_each(|poly| trace(path, &Geometry::Polygon(poly.clone()), p)),
        _ => {}
    }
}

fn points_of(geometry: &Geometry<f64>) -> Vec<(f64, f64)> {
    match geometry {
        Geometry::Point(pt) => vec![(pt.x(), pt.y())],
        Geometry::MultiPoint(m) => m.iter().map(|pt| (pt.x(), pt.y())).collect(),
        _ => Vec::new(),
    }
}

/// A label centred on (x, y), measured in the current font.
fn candidate(
    ctx: &CanvasRenderingContext2d,
    text: String,
    x: f64,
    y: f64,
    priority: i32,
) -> LabelCandidate {
    let width = ctx
        .measure_text(&text)
        .map_or(text.len() as f64 * 7.0, |m| m.width());
    LabelCandidate {
        text,
        x,
        y,
        width,
        height: 14.0,
        priority,
    }
}

/// A tile's square snapped to device pixels: neighbouring tiles then share an exact edge, and
/// a fill cut at the edge shows no hairline seam.
fn snapped_square(left: f64, top: f64, size: f64, dpr: f64) -> (f64, f64, f64, f64) {
    let snap = |v: f64| (v * dpr).round() / dpr;
    let (x0, y0) = (snap(left), snap(top));
    (x0, y0, snap(left + size) - x0, snap(top + size) - y0)
}

fn new_path() -> Path2d {
    Path2d::new().expect("Path2D is available in every browser that runs WebAssembly")
}

/// Paints the whole map. `highlights` are drawn with an outline (hover, selection).
pub fn paint(
    ctx: &CanvasRenderingContext2d,
    map: &mut MapState,
    highlights: &[&Hit],
) -> Result<(), JsValue> {
    let vp = map.viewport.clone();
    let zoom = vp.zoom;
    let dpr = vp.pixel_ratio;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(&map.style.background);
    ctx.fill_rect(0.0, 0.0, vp.width, vp.height);
    let drawables = map.drawable();
    let mut label_candidates: Vec<LabelCandidate> = Vec::new();
    // An area cut into several tiles is labelled once, where its piece is nearest the centre.
    // Areas are told apart by feature id, or by name when the tiles carry no ids.
    let mut area_labels: HashMap<(usize, Option<u64>, String), usize> = HashMap::new();
    let (mid_x, mid_y) = (vp.width / 2.0, vp.height / 2.0);
    let mut cluster_counts: Vec<(f64, f64, String)> = Vec::new();
    ctx.set_font(LABEL_FONT);
    for (layer_index, layer) in map.style.layers.iter().enumerate() {
        if !map.draws(layer) {
            continue;
        }
        let Some(source) = map.source_of(layer) else {
            continue;
        };
        let user_opacity = map.filters.opacity(map.switch_of(layer));
        let empty = TileFeature::empty();
        if let Paint::Raster { opacity } = &layer.paint {
            ctx.set_global_alpha(opacity.number(&empty, zoom, 1.0) * user_opacity);
            ctx.set_image_smoothing_enabled(true);
            for (tile, data) in &drawables[source] {
                let (left, top, size) = vp.tile_rect(*tile);
                if let Some(image) = data.image() {
                    let (x, y, w, h) = snapped_square(left, top, size, dpr);
                    ctx.draw_image_with_image_bitmap_and_dw_and_dh(image, x, y, w, h)?;
                }
            }
            continue;
        }
        for (tile, data) in &drawables[source] {
            let Some(tile_layer) = data.layer(&layer.source_layer) else {
                continue;
            };
            let (left, top, size) = vp.tile_rect(*tile);
            if left > vp.width || top > vp.height || left + size < 0.0 || top + size < 0.0 {
                continue;
            }
            let place = Placement {
                left,
                top,
                k: size / tile_layer.extent,
            };
            ctx.save();
            ctx.begin_path();
            let (x, y, w, h) = snapped_square(left, top, size, dpr);
            ctx.rect(x, y, w, h);
            ctx.clip();
            let features = tile_layer
                .features
                .iter()
                .filter(|f| map.draws_feature(layer, f));
            match &layer.paint {
                Paint::Fill { color, opacity } => {
                    let mut by_color: BTreeMap<String, Path2d> = BTreeMap::new();
                    for f in features {
                        let c = color.color(f, zoom, "#000");
                        trace(
                            by_color.entry(c).or_insert_with(new_path),
                            &f.geometry,
                            place,
                        );
                        if let (Some(name), Geometry::Polygon(_) | Geometry::MultiPolygon(_)) =
                            (f.text("name"), &f.geometry)
                            && let Some(pt) = f.geometry.interior_point()
                        {
                            let (x, y) = place.at(pt.x(), pt.y());
                            let label = candidate(ctx, name, x, y, 10);
                            let far = |l: &LabelCandidate| (l.x - mid_x).hypot(l.y - mid_y);
                            let key = match f.id {
                                Some(id) => (layer_index, Some(id), String::new()),
                                None => (layer_index, None, label.text.clone()),
                            };
                            match area_labels.entry(key) {
                                Entry::Occupied(seen) => {
                                    let kept = &mut label_candidates[*seen.get()];
                                    if far(&label) < far(kept) {
                                        *kept = label;
                                    }
                                }
                                Entry::Vacant(slot) => {
                                    slot.insert(label_candidates.len());
                                    label_candidates.push(label);
                                }
                            }
                        }
                    }
                    ctx.set_global_alpha(opacity.number(&empty, zoom, 1.0) * user_opacity);
                    for (c, path) in &by_color {
                        ctx.set_fill_style_str(c);
                        ctx.fill_with_path_2d_and_winding(path, CanvasWindingRule::Evenodd);
                    }
                }
                Paint::Line {
                    color,
                    width,
                    opacity,
                } => {
                    let mut by_color: BTreeMap<String, Path2d> = BTreeMap::new();
                    for f in features {
                        let c = color.color(f, zoom, "#000");
                        trace(
                            by_color.entry(c).or_insert_with(new_path),
                            &f.geometry,
                            place,
                        );
                        if zoom >= 14.0
                            && let (Some(name), Geometry::LineString(l)) =
                                (f.text("name"), &f.geometry)
                        {
                            let coords: Vec<_> = l.coords().collect();
                            if let Some(mid) = coords.get(coords.len() / 2) {
                                let (x, y) = place.at(mid.x, mid.y);
                                label_candidates.push(candidate(ctx, name, x, y, 5));
                            }
                        }
                    }
                    ctx.set_global_alpha(opacity.number(&empty, zoom, 1.0) * user_opacity);
                    ctx.set_line_width(width.number(&empty, zoom, 1.0));
                    ctx.set_line_cap("round");
                    ctx.set_line_join("round");
                    for (c, path) in &by_color {
                        ctx.set_stroke_style_str(c);
                        ctx.stroke_with_path(path);
                    }
                }
                Paint::Circle {
                    color,
                    radius,
                    stroke_color,
                    stroke_width,
                    opacity,
                } => {
                    ctx.set_global_alpha(opacity.number(&empty, zoom, 1.0) * user_opacity);
                    for f in features {
                        let r = radius.number(f, zoom, 5.0);
                        let sw = stroke_width.number(f, zoom, 0.0);
                        ctx.set_fill_style_str(&color.color(f, zoom, "#000"));
                        ctx.set_stroke_style_str(&stroke_color.color(f, zoom, "#fff"));
                        ctx.set_line_width(sw);
                        for (x, y) in points_of(&f.geometry) {
                            let (x, y) = place.at(x, y);
                            ctx.begin_path();
                            ctx.arc(x, y, r, 0.0, TAU)?;
                            ctx.fill();
                            if sw > 0.0 {
                                ctx.stroke();
                            }
                            if let Some(count) = f.text("point_count") {
                                cluster_counts.push((x, y, count));
                            }
                        }
                    }
                }
                // Drawn above, tile by tile.
                Paint::Raster { .. } => {}
            }
            ctx.restore();
        }
    }
    ctx.set_global_alpha(1.0);
    for hit in highlights {
        draw_highlight(ctx, map, hit)?;
    }
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_font(CLUSTER_FONT);
    ctx.set_fill_style_str("#ffffff");
    for (x, y, count) in &cluster_counts {
        ctx.fill_text(count, *x, *y)?;
    }
    ctx.set_font(LABEL_FONT);
    ctx.set_line_width(3.0);
    ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
    ctx.set_fill_style_str("#1f2933");
    for label in labels::place(label_candidates, vp.width, vp.height) {
        ctx.stroke_text(&label.text, label.x, label.y)?;
        ctx.fill_text(&label.text, label.x, label.y)?;
    }
    Ok(())
}

fn draw_highlight(
    ctx: &CanvasRenderingContext2d,
    map: &MapState,
    hit: &Hit,
) -> Result<(), JsValue> {
    let (left, top, size) = map.viewport.tile_rect(hit.tile);
    let place = Placement {
        left,
        top,
        k: size / hit.extent,
    };
    ctx.set_stroke_style_str("#1f2933");
    ctx.set_line_width(3.0);
    match &hit.feature.geometry {
        Geometry::Point(_) | Geometry::MultiPoint(_) => {
            for (x, y) in points_of(&hit.feature.geometry) {
                let (x, y) = place.at(x, y);
                ctx.begin_path();
                ctx.arc(x, y, 11.0, 0.0, TAU)?;
                ctx.stroke();
            }
        }
        other => {
            let path = new_path();
            trace(&path, other, place);
            ctx.save();
            ctx.begin_path();
            ctx.rect(left, top, size, size);
            ctx.clip();
            ctx.stroke_with_path(&path);
            ctx.restore();
        }
    }
    Ok(())
}
