//! Painting the map on a 2D canvas: for each style layer, each drawn tile clipped to its square,
//! features batched by colour (raster tiles as images); then the highlight, cluster counts and
//! labels without overlaps.

use super::heatmap;
use super::labels::{self, LabelCandidate};
use super::map_state::{Hit, MapState};
use super::style::Paint;
use super::style::StyleLayer;
use super::tile_data::TileData;
use super::tile_id::TileId;
use super::vector_tile::TileFeature;
use geo::{Geometry, InteriorPoint, LineString};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::f64::consts::TAU;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, CanvasWindingRule, HtmlCanvasElement, ImageData, Path2d};

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
        if let Paint::Heatmap {
            radius,
            intensity,
            opacity,
        } = &layer.paint
        {
            let heat = Heat {
                radius: radius.number(&empty, zoom, 30.0),
                intensity: intensity.number(&empty, zoom, 1.0),
                opacity: opacity.number(&empty, zoom, 1.0) * user_opacity,
            };
            draw_heat(ctx, map, layer, &drawables[source], heat)?;
            continue;
        }
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
        for (pass, (tile, data)) in map
            .passes(layer)
            .into_iter()
            .flat_map(|pass| drawables[pass.source].iter().map(move |t| (pass, t)))
        {
            let Some(tile_layer) = data.layer(pass.source_layer) else {
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
            if let Some((from, to)) = pass.band {
                ctx.begin_path();
                ctx.rect(from, 0.0, to - from, vp.height);
                ctx.clip();
            }
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
                // Drawn above.
                Paint::Raster { .. } | Paint::Heatmap { .. } => {}
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

/// Heat is accumulated at this fraction of the map's CSS size (then drawn smoothed).
const HEAT_SCALE: f64 = 0.5;

/// A heat map layer's numbers at the current zoom.
#[derive(Clone, Copy)]
struct Heat {
    radius: f64,
    intensity: f64,
    opacity: f64,
}

thread_local! {
    /// The off-screen canvas heat accumulates on, made once.
    static HEAT_CANVAS: std::cell::RefCell<Option<(HtmlCanvasElement, CanvasRenderingContext2d)>> =
        const { std::cell::RefCell::new(None) };
    /// What the heat canvas holds (view, tiles, filters), so frames that only animate
    /// something else (a new report's pulse) reuse it instead of reading pixels back.
    static HEAT_KEY: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A fingerprint of everything the heat map depends on.
fn heat_key(
    map: &MapState,
    layer: &StyleLayer,
    tiles: &[(TileId, Rc<TileData>)],
    heat: Heat,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let vp = &map.viewport;
    for v in [
        vp.center.x,
        vp.center.y,
        vp.zoom,
        vp.width,
        vp.height,
        heat.radius,
        heat.intensity,
    ] {
        v.to_bits().hash(&mut h);
    }
    layer.id.hash(&mut h);
    for (tile, data) in tiles {
        (tile.z, tile.x, tile.y, Rc::as_ptr(data) as usize).hash(&mut h);
    }
    format!("{:?}", map.filters).hash(&mut h);
    h.finish().max(1)
}

fn heat_canvas(
    width: u32,
    height: u32,
) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), JsValue> {
    HEAT_CANVAS.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let document = web_sys::window()
                .and_then(|w| w.document())
                .ok_or("no document")?;
            let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
            let ctx: CanvasRenderingContext2d = canvas
                .get_context("2d")?
                .ok_or("no 2D context")?
                .dyn_into()?;
            *cell = Some((canvas, ctx));
        }
        let (canvas, ctx) = cell.as_ref().ok_or("no heat canvas")?;
        if canvas.width() != width || canvas.height() != height {
            canvas.set_width(width);
            canvas.set_height(height);
        }
        Ok((canvas.clone(), ctx.clone()))
    })
}

/// Draws a point layer's density: soft discs add up their alpha off screen, the alpha is coloured
/// by [`heatmap::ramp`], and the result is drawn over the map.
fn draw_heat(
    ctx: &CanvasRenderingContext2d,
    map: &MapState,
    layer: &StyleLayer,
    tiles: &[(TileId, Rc<TileData>)],
    heat: Heat,
) -> Result<(), JsValue> {
    let vp = &map.viewport;
    let (w, h) = (
        (vp.width * HEAT_SCALE).ceil().max(1.0) as u32,
        (vp.height * HEAT_SCALE).ceil().max(1.0) as u32,
    );
    let (canvas, hctx) = heat_canvas(w, h)?;
    let key = heat_key(map, layer, tiles, heat);
    if HEAT_KEY.with(|k| k.get()) == key {
        return draw_heat_canvas(ctx, &canvas, vp.width, vp.height, heat.opacity);
    }
    HEAT_KEY.with(|k| k.set(key));
    hctx.set_global_composite_operation("source-over")?;
    hctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    let r = heat.radius * HEAT_SCALE;
    for (tile, data) in tiles {
        let Some(tile_layer) = data.layer(&layer.source_layer) else {
            continue;
        };
        let (left, top, size) = vp.tile_rect(*tile);
        let k = size / tile_layer.extent;
        for f in tile_layer
            .features
            .iter()
            .filter(|f| map.draws_feature(layer, f))
        {
            let count = f.get("point_count").and_then(|v| v.as_f64()).unwrap_or(1.0);
            let alpha = heatmap::point_alpha(count, heat.intensity);
            for (x, y) in points_of(&f.geometry) {
                // Points in a tile's buffer belong to its neighbour.
                if !(0.0..tile_layer.extent).contains(&x) || !(0.0..tile_layer.extent).contains(&y)
                {
                    continue;
                }
                let (hx, hy) = ((left + x * k) * HEAT_SCALE, (top + y * k) * HEAT_SCALE);
                if hx < -r || hy < -r || hx > f64::from(w) + r || hy > f64::from(h) + r {
                    continue;
                }
                let gradient = hctx.create_radial_gradient(hx, hy, 0.0, hx, hy, r)?;
                gradient.add_color_stop(0.0, &format!("rgba(0,0,0,{alpha:.3})"))?;
                gradient.add_color_stop(1.0, "rgba(0,0,0,0)")?;
                hctx.set_fill_style_canvas_gradient(&gradient);
                hctx.fill_rect(hx - r, hy - r, 2.0 * r, 2.0 * r);
            }
        }
    }
    let image = hctx.get_image_data(0.0, 0.0, f64::from(w), f64::from(h))?;
    let mut pixels = image.data();
    heatmap::colour_buffer(&mut pixels);
    let coloured = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), w, h)?;
    hctx.put_image_data(&coloured, 0.0, 0.0)?;
    draw_heat_canvas(ctx, &canvas, vp.width, vp.height, heat.opacity)
}

fn draw_heat_canvas(
    ctx: &CanvasRenderingContext2d,
    canvas: &HtmlCanvasElement,
    width: f64,
    height: f64,
    opacity: f64,
) -> Result<(), JsValue> {
    ctx.save();
    ctx.set_global_alpha(opacity);
    ctx.set_image_smoothing_enabled(true);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(canvas, 0.0, 0.0, width, height)?;
    ctx.restore();
    Ok(())
}

/// How long a new report's place pulses, ms.
pub const FLASH_MS: f64 = 12_000.0;

/// Pulsing rings where reports have just been filed: `(lon, lat, start ms)`, at time `now` ms.
pub fn paint_flashes(
    ctx: &CanvasRenderingContext2d,
    map: &MapState,
    flashes: &[(f64, f64, f64)],
    now: f64,
) -> Result<(), JsValue> {
    for &(lon, lat, start) in flashes {
        let age = now - start;
        if !(0.0..FLASH_MS).contains(&age) {
            continue;
        }
        let (x, y) = map.viewport.lon_lat_to_screen(lon, lat);
        let fade = 1.0 - age / FLASH_MS;
        for offset in [0.0, 750.0] {
            let phase = ((age + offset) % 1500.0) / 1500.0;
            ctx.set_global_alpha((1.0 - phase) * fade);
            ctx.set_stroke_style_str("#fde725");
            ctx.set_line_width(5.0);
            ctx.begin_path();
            ctx.arc(x, y, 12.0 + 60.0 * phase, 0.0, TAU)?;
            ctx.stroke();
        }
        ctx.set_global_alpha(fade);
        ctx.set_fill_style_str("#fde725");
        ctx.begin_path();
        ctx.arc(x, y, 9.0, 0.0, TAU)?;
        ctx.fill();
    }
    ctx.set_global_alpha(1.0);
    Ok(())
}
