//! Binds the map engine to a canvas: pointer, touch, wheel and keyboard input, the animation
//! frame loop, tile requests, the URL hash, the report pin and the user's position. Events for
//! the UI (a feature was picked, a place was chosen) go out through a Yew callback, always after
//! the controller's own borrow has ended.

use crate::engine::inertia::{DragTracker, Glide};
use crate::engine::map_state::{Hit, MapState};
use crate::engine::mercator::{self, WorldPoint};
use crate::engine::scale_bar::scale_bar;
use crate::engine::tile_data::{RasterImage, TileData};
use crate::engine::tile_id::TileId;
use crate::engine::url_hash::{self, HashView};
use crate::engine::{render, vector_tile};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, KeyboardEvent, PointerEvent, WheelEvent,
};
use yew::Callback;

/// What the map tells the UI.
#[derive(Debug, Clone)]
pub enum MapEvent {
    /// A feature was clicked (None: empty map).
    Selected(Option<Hit>),
    /// The report pin was placed or moved.
    Picked { lon: f64, lat: f64 },
    /// The view moved (zoom, visible layers).
    ViewChanged,
    /// A vertex was added to the polygon being drawn (all vertices so far, lon/lat).
    Drawn(Vec<(f64, f64)>),
}

/// Shared handle to the controller.
pub type MapHandle = Rc<RefCell<MapController>>;

#[derive(Debug, Clone, Copy)]
struct Fly {
    from: (WorldPoint, f64),
    to: (WorldPoint, f64),
    start: f64,
    duration: f64,
}

/// Timings for the budgets (read by `citygis_stats()`).
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Milliseconds from the page's navigation start to the first map with every tile drawn.
    pub first_complete_ms: Option<f64>,
    pub paint_ms: Vec<f64>,
    pub tiles_loaded: u32,
}

thread_local! {
    /// The latest timings, exported to JavaScript.
    pub static STATS: RefCell<Stats> = RefCell::new(Stats::default());
}

/// The controller.
pub struct MapController {
    pub state: MapState,
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    frame_pending: bool,
    frame_closure: Option<Closure<dyn FnMut(f64)>>,
    pointers: Vec<(i32, f64, f64)>,
    drag: DragTracker,
    down: Option<(f64, f64, f64)>,
    moved: f64,
    pinch: Option<f64>,
    last_click: Option<(f64, f64, f64)>,
    glide: Option<Glide>,
    fly: Option<Fly>,
    last_frame: f64,
    last_hash: String,
    pub hover: Option<Hit>,
    pub selected: Option<Hit>,
    /// The report pin, while filing.
    pub pin: Option<(f64, f64)>,
    /// Clicks place the pin instead of selecting features.
    pub picking: bool,
    /// A polygon being drawn (measure, zoning query): clicks add vertices.
    pub drawing: Option<Vec<(f64, f64)>>,
    dragging_pin: bool,
    /// The user's position from the browser (lon, lat, accuracy m).
    pub me: Option<(f64, f64, f64)>,
    /// The map is drawn this many times larger than CSS pixels (a 4K wall reads like 1080p).
    scale: f64,
    /// Places pulsing because a report was just filed there: (lon, lat, start ms).
    flashes: Vec<(f64, f64, f64)>,
    on_event: Callback<MapEvent>,
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl MapController {
    /// Takes over a canvas.
    pub fn attach(
        canvas: HtmlCanvasElement,
        state: MapState,
        on_event: Callback<MapEvent>,
    ) -> MapHandle {
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
            .expect("a 2D canvas context");
        let handle = Rc::new_cyclic(|weak: &Weak<RefCell<MapController>>| {
            let w = weak.clone();
            let closure = Closure::<dyn FnMut(f64)>::new(move |t: f64| {
                if let Some(this) = w.upgrade() {
                    MapController::on_frame(&this, t);
                }
            });
            RefCell::new(MapController {
                state,
                canvas,
                ctx,
                frame_pending: false,
                frame_closure: Some(closure),
                pointers: Vec::new(),
                drag: DragTracker::default(),
                down: None,
                moved: 0.0,
                pinch: None,
                last_click: None,
                glide: None,
                fly: None,
                last_frame: now(),
                last_hash: String::new(),
                hover: None,
                selected: None,
                pin: None,
                picking: false,
                drawing: None,
                dragging_pin: false,
                me: None,
                flashes: Vec::new(),
                scale: 1.0,
                on_event,
            })
        });
        {
            let mut me = handle.borrow_mut();
            if let Some(view) = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .and_then(|h| url_hash::parse(&h))
            {
                me.state.viewport.jump_to(view.lon, view.lat, view.zoom);
                if let Some(layers) = view.layers {
                    me.state.filters.show_only(&layers);
                }
            }
            me.resize();
            me.schedule();
        }
        handle
    }

    /// Runs `f` on the controller, then sends the events it returns and draws a frame.
    pub fn update(this: &MapHandle, f: impl FnOnce(&mut MapController) -> Vec<MapEvent>) {
        let (events, callback) = {
            let mut me = this.borrow_mut();
            let events = f(&mut me);
            me.schedule();
            (events, me.on_event.clone())
        };
        for e in events {
            callback.emit(e);
        }
    }

    /// Asks for a frame (once per animation frame at most).
    pub fn schedule(&mut self) {
        if self.frame_pending {
            return;
        }
        if let (Some(w), Some(c)) = (web_sys::window(), &self.frame_closure)
            && w.request_animation_frame(c.as_ref().unchecked_ref())
                .is_ok()
        {
            self.frame_pending = true;
        }
    }

    /// Matches the canvas's backing store to its CSS size and the device pixel ratio.
    pub fn resize(&mut self) {
        let rect = self.canvas.get_bounding_client_rect();
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
        let vp = &mut self.state.viewport;
        vp.width = w / self.scale;
        vp.height = h / self.scale;
        vp.pixel_ratio = dpr * self.scale;
        self.canvas.set_width((w * dpr).round() as u32);
        self.canvas.set_height((h * dpr).round() as u32);
        self.schedule();
    }

    fn on_frame(this: &MapHandle, t: f64) {
        let mut fetches = Vec::new();
        let events = {
            let mut me = this.borrow_mut();
            me.frame_pending = false;
            let dt = (t - me.last_frame).max(0.0);
            me.last_frame = t;
            let mut animating = false;
            if let Some(mut glide) = me.glide.take() {
                let ((dx, dy), more) = glide.step(dt);
                me.state.viewport.pan_by(dx, dy);
                if more {
                    me.glide = Some(glide);
                    animating = true;
                }
            }
            if let Some(fly) = me.fly {
                let p = ((t - fly.start) / fly.duration).clamp(0.0, 1.0);
                let e = p * p * (3.0 - 2.0 * p);
                let vp = &mut me.state.viewport;
                vp.center.x = fly.from.0.x + (fly.to.0.x - fly.from.0.x) * e;
                vp.center.y = fly.from.0.y + (fly.to.0.y - fly.from.0.y) * e;
                vp.zoom = fly.from.1 + (fly.to.1 - fly.from.1) * e;
                if p >= 1.0 {
                    me.fly = None;
                } else {
                    animating = true;
                }
            }
            for (source, tile, url, generation) in me.state.tiles_to_fetch() {
                me.state.sources[source].cache.start_loading(tile);
                fetches.push((source, tile, url, generation));
            }
            me.paint();
            if animating {
                me.schedule();
            }
            me.write_hash()
        };
        for (source, tile, url, generation) in fetches {
            let weak = Rc::downgrade(this);
            wasm_bindgen_futures::spawn_local(load_tile(weak, source, tile, url, generation));
        }
        if let Some(e) = events {
            let callback = this.borrow().on_event.clone();
            callback.emit(e);
        }
    }

    fn paint(&mut self) {
        let start = now();
        let highlights: Vec<Hit> = self
            .hover
            .iter()
            .chain(self.selected.iter())
            .cloned()
            .collect();
        let refs: Vec<&Hit> = highlights.iter().collect();
        if let Err(e) = render::paint(&self.ctx, &mut self.state, &refs) {
            web_sys::console::error_2(&"CityGIS: painting failed".into(), &e);
        }
        self.paint_overlays();
        let t = now();
        self.flashes.retain(|f| t - f.2 < render::FLASH_MS);
        if !self.flashes.is_empty() {
            if let Err(e) = render::paint_flashes(&self.ctx, &self.state, &self.flashes, t) {
                web_sys::console::error_2(&"CityGIS: painting failed".into(), &e);
            }
            self.schedule();
        }
        let took = now() - start;
        let complete = self.state.is_complete();
        // performance.now() counts from the page's navigation start.
        let since_navigation = now();
        STATS.with(|s| {
            let mut s = s.borrow_mut();
            s.paint_ms.push(took);
            if s.paint_ms.len() > 600 {
                s.paint_ms.remove(0);
            }
            if complete && s.first_complete_ms.is_none() {
                s.first_complete_ms = Some(since_navigation);
            }
        });
        let _ = self
            .canvas
            .set_attribute("data-complete", if complete { "true" } else { "false" });
    }

    fn paint_overlays(&self) {
        let ctx = &self.ctx;
        let vp = &self.state.viewport;
        if let Some((lon, lat, accuracy)) = self.me {
            let (x, y) = vp.lon_lat_to_screen(lon, lat);
            let r = (accuracy / vp.metres_per_pixel()).clamp(8.0, 400.0);
            ctx.set_fill_style_str("rgba(28,126,214,0.15)");
            ctx.begin_path();
            let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
            ctx.fill();
            ctx.set_fill_style_str("#1c7ed6");
            ctx.set_stroke_style_str("#ffffff");
            ctx.set_line_width(3.0);
            ctx.begin_path();
            let _ = ctx.arc(x, y, 7.0, 0.0, std::f64::consts::TAU);
            ctx.fill();
            ctx.stroke();
        }
        if let Some(points) = self.drawing.as_ref().filter(|p| !p.is_empty()) {
            let screen: Vec<(f64, f64)> = points
                .iter()
                .map(|(lon, lat)| vp.lon_lat_to_screen(*lon, *lat))
                .collect();
            ctx.begin_path();
            ctx.move_to(screen[0].0, screen[0].1);
            for (x, y) in &screen[1..] {
                ctx.line_to(*x, *y);
            }
            if screen.len() > 2 {
                ctx.close_path();
                ctx.set_fill_style_str("rgba(112,72,232,0.18)");
                ctx.fill();
            }
            ctx.set_stroke_style_str("#7048e8");
            ctx.set_line_width(3.0);
            ctx.stroke();
            ctx.set_fill_style_str("#ffffff");
            for (x, y) in &screen {
                ctx.begin_path();
                let _ = ctx.arc(*x, *y, 5.0, 0.0, std::f64::consts::TAU);
                ctx.fill();
                ctx.stroke();
            }
        }
        if let Some((lon, lat)) = self.pin {
            let (x, y) = vp.lon_lat_to_screen(lon, lat);
            // A teardrop whose tip is the place.
            ctx.set_fill_style_str("#c92a2a");
            ctx.set_stroke_style_str("#ffffff");
            ctx.set_line_width(2.5);
            ctx.begin_path();
            ctx.move_to(x, y);
            let _ = ctx.arc(
                x,
                y - 26.0,
                12.0,
                0.75 * std::f64::consts::PI,
                0.25 * std::f64::consts::PI,
            );
            ctx.close_path();
            ctx.fill();
            ctx.stroke();
            ctx.set_fill_style_str("#ffffff");
            ctx.begin_path();
            let _ = ctx.arc(x, y - 26.0, 4.5, 0.0, std::f64::consts::TAU);
            ctx.fill();
        }
        // Scale bar, bottom left.
        let (label, width) = scale_bar(vp.metres_per_pixel(), 110.0);
        let (x, y) = (12.0, vp.height - 34.0);
        ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
        ctx.set_line_width(5.0);
        ctx.begin_path();
        ctx.move_to(x, y - 6.0);
        ctx.line_to(x, y);
        ctx.line_to(x + width, y);
        ctx.line_to(x + width, y - 6.0);
        ctx.stroke();
        ctx.set_stroke_style_str("#1f2933");
        ctx.set_line_width(2.0);
        ctx.stroke();
        ctx.set_font("600 12px system-ui, sans-serif");
        ctx.set_text_align("left");
        ctx.set_text_baseline("bottom");
        ctx.set_line_width(3.0);
        ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
        let _ = ctx.stroke_text(&label, x + 4.0, y - 4.0);
        ctx.set_fill_style_str("#1f2933");
        let _ = ctx.fill_text(&label, x + 4.0, y - 4.0);
    }

    fn write_hash(&mut self) -> Option<MapEvent> {
        let (lon, lat) = self.state.viewport.center_lon_lat();
        let hash = url_hash::format(&HashView {
            zoom: self.state.viewport.zoom,
            lat,
            lon,
            layers: Some(self.state.filters.visible_layers()),
        });
        if hash == self.last_hash {
            return None;
        }
        self.last_hash = hash.clone();
        let window = web_sys::window()?;
        let location = window.location();
        let url = format!(
            "{}{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default(),
            hash
        );
        let _ = window
            .history()
            .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&url)));
        Some(MapEvent::ViewChanged)
    }

    /// Animates the view to a place.
    pub fn fly_to(&mut self, lon: f64, lat: f64, zoom: f64) {
        self.glide = None;
        let vp = &self.state.viewport;
        let zoom = zoom.clamp(
            crate::engine::viewport::MIN_ZOOM,
            crate::engine::viewport::MAX_ZOOM,
        );
        self.fly = Some(Fly {
            from: (vp.center, vp.zoom),
            to: (mercator::to_world(lon, lat), zoom),
            start: now(),
            duration: 700.0,
        });
        self.schedule();
    }

    /// Animates the view to show a `[west, south, east, north]` box.
    pub fn fly_to_bounds(&mut self, bbox: [f64; 4]) {
        let zoom = self.state.viewport.zoom_to_fit(bbox, 40.0).min(17.0);
        self.fly_to((bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0, zoom);
    }

    /// Draws the map `scale` times larger than CSS pixels (text, symbols and tiles alike).
    pub fn set_scale(&mut self, scale: f64) {
        self.scale = scale.clamp(0.5, 8.0);
        self.resize();
    }

    /// Makes a place pulse for a while (a report just filed there).
    pub fn flash(&mut self, lon: f64, lat: f64) {
        self.flashes.push((lon, lat, now()));
        self.schedule();
    }

    /// Zooms by `delta` around the centre, animated.
    pub fn zoom_by(&mut self, delta: f64) {
        let (lon, lat) = self.state.viewport.center_lon_lat();
        let z = (self.state.viewport.zoom + delta).round();
        self.fly_to(lon, lat, z);
    }

    /// The data of a source changed: its tiles are fetched again.
    pub fn refresh_data(&mut self) {
        for s in &mut self.state.sources {
            s.cache.invalidate();
        }
        self.schedule();
    }

    /// Where a pointer is, in map pixels.
    fn position(&self, e: &PointerEvent) -> (f64, f64) {
        (
            f64::from(e.offset_x()) / self.scale,
            f64::from(e.offset_y()) / self.scale,
        )
    }

    /// A pointer (mouse, pen, finger) went down on the map.
    pub fn pointer_down(this: &MapHandle, e: PointerEvent) {
        Self::update(this, |me| {
            let (x, y) = me.position(&e);
            let _ = me.canvas.set_pointer_capture(e.pointer_id());
            let _ = me.canvas.focus();
            me.glide = None;
            me.fly = None;
            me.pointers.retain(|p| p.0 != e.pointer_id());
            me.pointers.push((e.pointer_id(), x, y));
            if me.pointers.len() == 1 {
                me.down = Some((now(), x, y));
                me.moved = 0.0;
                me.drag = DragTracker::default();
                me.drag.record(now(), x, y);
                me.dragging_pin = me.picking
                    && me.pin.is_some_and(|(lon, lat)| {
                        let (px, py) = me.state.viewport.lon_lat_to_screen(lon, lat);
                        (px - x).hypot(py - 26.0 - y) < 20.0
                    });
            } else if me.pointers.len() == 2 {
                let (a, b) = (me.pointers[0], me.pointers[1]);
                me.pinch = Some((a.1 - b.1).hypot(a.2 - b.2));
                me.moved = f64::INFINITY;
            }
            Vec::new()
        });
    }

    /// A pointer moved: drag, pinch, or hover.
    pub fn pointer_move(this: &MapHandle, e: PointerEvent) {
        Self::update(this, |me| {
            let (x, y) = me.position(&e);
            let Some(i) = me.pointers.iter().position(|p| p.0 == e.pointer_id()) else {
                // Hover (mouse only).
                if e.pointer_type() == "mouse" && !me.picking {
                    let hit = me.state.feature_at(x, y, 3.0);
                    let over = hit.is_some();
                    let changed = hit.as_ref().map(|h| (&h.layer, h.feature.id))
                        != me.hover.as_ref().map(|h| (&h.layer, h.feature.id));
                    if changed {
                        me.hover = hit;
                    }
                    let _ = me
                        .canvas
                        .style()
                        .set_property("cursor", if over { "pointer" } else { "grab" });
                }
                return Vec::new();
            };
            let (_, px, py) = me.pointers[i];
            me.pointers[i] = (e.pointer_id(), x, y);
            if me.pointers.len() >= 2 {
                let (a, b) = (me.pointers[0], me.pointers[1]);
                let dist = (a.1 - b.1).hypot(a.2 - b.2);
                let (mx, my) = ((a.1 + b.1) / 2.0, (a.2 + b.2) / 2.0);
                if let Some(start) = me.pinch
                    && start > 0.0
                    && dist > 0.0
                {
                    let z = me.state.viewport.zoom + (dist / start).log2();
                    me.state.viewport.zoom_around(mx, my, z);
                }
                me.pinch = Some(dist);
                me.state.viewport.pan_by((x - px) / 2.0, (y - py) / 2.0);
                return Vec::new();
            }
            me.moved += (x - px).hypot(y - py);
            me.drag.record(now(), x, y);
            if me.dragging_pin {
                let (lon, lat) = me.state.viewport.screen_to_lon_lat(x, y + 26.0);
                me.pin = Some((lon, lat));
                return Vec::new();
            }
            if me.moved > 3.0 {
                me.state.viewport.pan_by(x - px, y - py);
                let _ = me.canvas.style().set_property("cursor", "grabbing");
            }
            Vec::new()
        });
    }

    /// A pointer went up: a click, a tap, a double tap, or the end of a drag (with inertia).
    pub fn pointer_up(this: &MapHandle, e: PointerEvent) {
        Self::update(this, |me| {
            let (x, y) = me.position(&e);
            let was = me.pointers.len();
            me.pointers.retain(|p| p.0 != e.pointer_id());
            if was >= 2 {
                me.pinch = None;
                me.moved = f64::INFINITY;
                return Vec::new();
            }
            let _ = me.canvas.style().set_property("cursor", "grab");
            if me.dragging_pin {
                me.dragging_pin = false;
                return me
                    .pin
                    .map(|(lon, lat)| MapEvent::Picked { lon, lat })
                    .into_iter()
                    .collect();
            }
            let t = now();
            let is_click = me.moved <= 5.0 && me.down.is_some_and(|(t0, _, _)| t - t0 < 600.0);
            if !is_click {
                me.glide = me.drag.release(t);
                return Vec::new();
            }
            if let Some((t1, x1, y1)) = me.last_click
                && me.drawing.is_none()
                && t - t1 < 350.0
                && (x - x1).hypot(y - y1) < 30.0
            {
                me.last_click = None;
                let z = me.state.viewport.zoom + 1.0;
                let mut target = me.state.viewport.clone();
                target.zoom_around(x, y, z);
                let (lon, lat) = target.center_lon_lat();
                me.fly_to(lon, lat, z);
                return Vec::new();
            }
            me.last_click = Some((t, x, y));
            me.click(x, y, e.pointer_type() != "mouse")
        });
    }

    fn click(&mut self, x: f64, y: f64, touch: bool) -> Vec<MapEvent> {
        if let Some(points) = &mut self.drawing {
            points.push(self.state.viewport.screen_to_lon_lat(x, y));
            let points = points.clone();
            self.schedule();
            return vec![MapEvent::Drawn(points)];
        }
        if self.picking {
            let (lon, lat) = self.state.viewport.screen_to_lon_lat(x, y);
            self.pin = Some((lon, lat));
            return vec![MapEvent::Picked { lon, lat }];
        }
        let hit = self.state.feature_at(x, y, if touch { 10.0 } else { 4.0 });
        if let Some(h) = &hit
            && h.feature.is_cluster()
        {
            let z = (self.state.viewport.zoom + 2.0).min(18.0);
            let mut target = self.state.viewport.clone();
            target.zoom_around(x, y, z);
            let (lon, lat) = target.center_lon_lat();
            self.fly_to(lon, lat, z);
            return Vec::new();
        }
        self.selected = hit.clone();
        vec![MapEvent::Selected(hit)]
    }

    /// The mouse wheel or a touchpad zooms around the pointer.
    pub fn wheel(this: &MapHandle, e: WheelEvent) {
        e.prevent_default();
        Self::update(this, |me| {
            let lines = e.delta_mode() == WheelEvent::DOM_DELTA_LINE;
            let dy = e.delta_y() * if lines { 40.0 } else { 1.0 };
            let (x, y) = (
                f64::from(e.offset_x()) / me.scale,
                f64::from(e.offset_y()) / me.scale,
            );
            me.fly = None;
            let z = me.state.viewport.zoom - dy.clamp(-300.0, 300.0) / 250.0;
            me.state.viewport.zoom_around(x, y, z);
            Vec::new()
        });
    }

    /// Keyboard: + and − zoom, arrows pan, Escape clears the selection.
    pub fn key_down(this: &MapHandle, e: KeyboardEvent) {
        let key = e.key();
        let handled = matches!(
            key.as_str(),
            "+" | "=" | "-" | "_" | "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Escape"
        );
        if !handled {
            return;
        }
        e.prevent_default();
        Self::update(this, |me| {
            let step = if e.shift_key() { 300.0 } else { 100.0 };
            match key.as_str() {
                "+" | "=" => me.zoom_by(1.0),
                "-" | "_" => me.zoom_by(-1.0),
                "ArrowUp" => me.state.viewport.pan_by(0.0, step),
                "ArrowDown" => me.state.viewport.pan_by(0.0, -step),
                "ArrowLeft" => me.state.viewport.pan_by(step, 0.0),
                "ArrowRight" => me.state.viewport.pan_by(-step, 0.0),
                _ => {
                    me.selected = None;
                    return vec![MapEvent::Selected(None)];
                }
            }
            Vec::new()
        });
    }

    /// The pointer left the map: no hover.
    pub fn pointer_leave(this: &MapHandle) {
        Self::update(this, |me| {
            me.hover = None;
            Vec::new()
        });
    }
}

async fn load_tile(
    controller: Weak<RefCell<MapController>>,
    source: usize,
    tile: TileId,
    url: String,
    generation: u32,
) {
    let result = async {
        let response = gloo_net::http::Request::get(&url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        match response.status() {
            204 => Ok(Vec::new()),
            200 => response.binary().await.map_err(|e| e.to_string()),
            status => Err(format!("HTTP {status}")),
        }
    }
    .await;
    let Some(raster) = controller
        .upgrade()
        .map(|this| this.borrow().state.sources[source].raster)
    else {
        return;
    };
    let data = match result {
        Ok(bytes) if raster => decode_image(bytes).await.map(TileData::Raster),
        Ok(bytes) => vector_tile::decode(&bytes)
            .map(TileData::Vector)
            .map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    let Some(this) = controller.upgrade() else {
        return;
    };
    let mut me = this.borrow_mut();
    match data {
        Ok(data) => {
            me.state.sources[source]
                .cache
                .insert(tile, data, generation);
            STATS.with(|s| s.borrow_mut().tiles_loaded += 1);
        }
        Err(reason) => {
            web_sys::console::warn_1(
                &format!("CityGIS: tile {} not loaded: {reason}", tile.path()).into(),
            );
            me.state.sources[source].cache.fail(tile);
        }
    }
    me.schedule();
}

/// The browser's decoding of a raster tile's bytes (None for an empty answer).
async fn decode_image(bytes: Vec<u8>) -> Result<Option<RasterImage>, String> {
    if bytes.is_empty() {
        return Ok(None);
    }
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(js_error)?;
    let window = web_sys::window().ok_or("no window")?;
    let promise = window
        .create_image_bitmap_with_blob(&blob)
        .map_err(js_error)?;
    let image = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(js_error)?;
    Ok(Some(image.unchecked_into()))
}

fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "the browser could not decode the image".into())
}
