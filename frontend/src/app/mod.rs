//! The portal: the map with its header (search, layers, "Gửi phản ánh", lookup, language), the
//! panels and cards around it, and the live event stream that keeps report tiles current.

pub mod api;
pub mod area_panel;
pub mod feature_popup;
pub mod i18n;
pub mod layer_panel;
pub mod lookup;
pub mod map_controller;
pub mod map_view;
pub mod report_form;
pub mod search_box;
pub mod versions_panel;

use crate::engine::map_state::{Compare, Hit, MapState, Source};
use crate::engine::style::{MAIN_SOURCE, MapStyle, StyleSource};
use api::Category;
use area_panel::AreaPanel;
use feature_popup::FeaturePopup;
use i18n::Lang;
use layer_panel::LayerPanel;
use lookup::Lookup;
use map_controller::{MapController, MapEvent, MapHandle};
use map_view::{MapView, PendingState};
use report_form::ReportForm;
use search_box::SearchBox;
use std::cell::RefCell;
use std::rc::Rc;
use versions_panel::{CompareChoice, VersionsPanel};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// Which side panel is open.
#[derive(Debug, Clone, PartialEq)]
pub enum Panel {
    None,
    Layers,
    Filing,
    Lookup(Option<String>),
    /// Measuring and asking the zoning inside a drawn polygon.
    Area,
    /// Versions of the zoning: compare with a swipe, switch (planners).
    Versions,
}

pub enum Msg {
    Loaded(Box<Result<(MapState, String), String>>),
    Categories(Vec<Category>),
    Ready(MapHandle),
    Map(MapEvent),
    ToggleLang,
    Open(Panel),
    CloseSelection,
    ClearArea,
    Locate {
        for_pin: bool,
    },
    Located {
        lon: f64,
        lat: f64,
        accuracy: f64,
        for_pin: bool,
    },
    LocateFailed(String),
    Filed,
    FlyToBox([f64; 4]),
    FlyToPoint(f64, f64),
    DataChanged,
    /// The served version of a layer changed (live event).
    LayerVersionChanged,
    Compare(Option<CompareChoice>),
    Divider(f64),
}

/// The server's event stream and the listener that refreshes report tiles on each event.
type LiveEvents = (
    web_sys::EventSource,
    Closure<dyn FnMut(web_sys::MessageEvent)>,
    Closure<dyn FnMut(web_sys::MessageEvent)>,
);

/// The application.
pub struct App {
    lang: Lang,
    pending: PendingState,
    loaded: bool,
    handle: Option<MapHandle>,
    error: Option<String>,
    categories: Vec<Category>,
    revision: u32,
    panel: Panel,
    selected: Option<Rc<Hit>>,
    pin: Option<(f64, f64)>,
    attribution: String,
    title: String,
    notice: Option<String>,
    /// The report form has just stored a report.
    filed: bool,
    /// Vertices of the polygon being drawn (lon, lat).
    area_points: Vec<(f64, f64)>,
    /// The planning layer whose versions can be compared, from the style.
    planning_layer: Option<String>,
    /// The version compared with the served one, and the divider's place (0–1).
    compare: Option<CompareChoice>,
    divider: f64,
    /// Bumped when a layer's served version changes, so the versions panel reloads.
    versions_revision: u32,
    _events: Option<LiveEvents>,
}

/// The style, its sources and the map state for the window's size, with the sources' credits.
pub(crate) async fn load_map() -> Result<(MapState, String), String> {
    let text = api::get_text("/style.json")
        .await
        .map_err(|e| e.message())?;
    let style = MapStyle::parse(&text).map_err(|e| e.to_string())?;
    let mut sources = Vec::new();
    let mut credits: Vec<String> = Vec::new();
    // The city's source first, so its tiles are asked for first.
    let mut style_sources: Vec<&StyleSource> = style.sources.iter().collect();
    style_sources.sort_by_key(|s| s.id != MAIN_SOURCE);
    for s in style_sources {
        let (source, credit) = match load_source(s).await {
            Ok(loaded) => loaded,
            // The city's own layers are the map; a base map that cannot be reached is left out.
            Err(e) if s.id != MAIN_SOURCE => {
                web_sys::console::warn_1(&format!("CityGIS: base map left out: {e}").into());
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(credit) = credit.filter(|c| !c.is_empty() && !credits.contains(c)) {
            credits.push(credit);
        }
        sources.push(source);
    }
    let (w, h) = web_sys::window()
        .map(|w| {
            let n = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(800.0);
            (n(w.inner_width()), n(w.inner_height()))
        })
        .unwrap_or((800.0, 600.0));
    Ok((MapState::new(style, sources, w, h), credits.join(" · ")))
}

/// A style source ready to fetch tiles from, with its credit: read from its TileJSON when it
/// has one, else from the tile URLs in the style (raster services).
async fn load_source(s: &StyleSource) -> Result<(Source, Option<String>), String> {
    let (source, credit) = match &s.url {
        Some(url) => {
            let tilejson = api::get_json(url).await.map_err(|e| e.message())?;
            let source = Source::from_tilejson(&s.id, &tilejson)
                .ok_or(format!("TileJSON of {} without tiles", s.id))?;
            let credit = tilejson["attribution"].as_str().map(str::to_owned);
            (source, credit)
        }
        None => {
            let template = s
                .tiles
                .first()
                .ok_or(format!("source {} has neither url nor tiles", s.id))?;
            (Source::from_template(&s.id, template, 0, s.max_zoom), None)
        }
    };
    let source = if s.raster {
        source.raster(s.tile_size)
    } else {
        source
    };
    Ok((source, s.attribution.clone().or(credit)))
}

fn saved_lang() -> Lang {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("citygis-lang").ok().flatten());
    if stored.as_deref() == Some("en") {
        Lang::En
    } else {
        Lang::Vi
    }
}

/// A parameter of the page's URL, decoded.
pub(crate) fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name)
            .then(|| js_sys::decode_uri_component(v).ok().map(String::from))
            .flatten()
    })
}

impl App {
    fn with_map(&self, f: impl FnOnce(&mut MapController) -> Vec<MapEvent>) {
        if let Some(h) = &self.handle {
            MapController::update(h, f);
        }
    }

    fn set_picking(&self, picking: bool) {
        self.with_map(|me| {
            me.picking = picking;
            if !picking {
                me.pin = None;
            }
            Vec::new()
        });
    }

    fn listen_to_events(ctx: &Context<Self>) -> Option<LiveEvents> {
        let source = web_sys::EventSource::new("/api/events").ok()?;
        let link = ctx.link().clone();
        let closure = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
            link.send_message(Msg::DataChanged)
        });
        for kind in [
            "report.created",
            "report.updated",
            "report.removed",
            "camera.status",
        ] {
            let _ = source.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        }
        let link = ctx.link().clone();
        let versions = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
            link.send_message(Msg::LayerVersionChanged)
        });
        let _ = source
            .add_event_listener_with_callback("layer.version", versions.as_ref().unchecked_ref());
        Some((source, closure, versions))
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            link.send_message(Msg::Loaded(Box::new(load_map().await)));
        });
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(c) = api::categories().await {
                link.send_message(Msg::Categories(c));
            }
        });
        let lang = saved_lang();
        set_document_lang(lang);
        let panel = match query_param("tra-cuu") {
            Some(code) if !code.is_empty() => Panel::Lookup(Some(code)),
            _ => Panel::None,
        };
        Self {
            lang,
            pending: PendingState(Rc::new(RefCell::new(None))),
            loaded: false,
            handle: None,
            error: None,
            categories: Vec::new(),
            revision: 0,
            panel,
            selected: None,
            pin: None,
            attribution: String::new(),
            title: "CityGIS".into(),
            notice: None,
            filed: false,
            area_points: Vec::new(),
            planning_layer: None,
            compare: None,
            divider: 0.5,
            versions_revision: 0,
            _events: Self::listen_to_events(ctx),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Loaded(loaded) => match *loaded {
                Ok((state, attribution)) => {
                    self.title = state.style_title();
                    self.planning_layer = state.style.planning_layer.clone();
                    *self.pending.0.borrow_mut() = Some(state);
                    self.attribution = attribution;
                    self.loaded = true;
                }
                Err(e) => self.error = Some(e),
            },
            Msg::Categories(c) => self.categories = c,
            Msg::Ready(handle) => {
                self.handle = Some(handle);
                if self.panel == Panel::Filing {
                    self.set_picking(true);
                }
            }
            Msg::Map(MapEvent::Selected(hit)) => {
                self.selected = hit.map(Rc::new);
                if self.selected.is_some() && self.panel == Panel::Layers {
                    self.panel = Panel::None;
                }
            }
            Msg::Map(MapEvent::Picked { lon, lat }) => self.pin = Some((lon, lat)),
            Msg::Map(MapEvent::ViewChanged) => self.revision += 1,
            Msg::Map(MapEvent::Drawn(points)) => self.area_points = points,
            Msg::ClearArea => {
                self.area_points.clear();
                self.with_map(|me| {
                    me.drawing = Some(Vec::new());
                    me.schedule();
                    Vec::new()
                });
            }
            Msg::ToggleLang => {
                self.lang = self.lang.other();
                set_document_lang(self.lang);
                if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                    let _ = s.set_item("citygis-lang", self.lang.code());
                }
            }
            Msg::Open(panel) => {
                let panel = if panel == self.panel {
                    Panel::None
                } else {
                    panel
                };
                self.set_picking(panel == Panel::Filing);
                let drawing = panel == Panel::Area;
                self.area_points.clear();
                self.with_map(|me| {
                    me.drawing = drawing.then(Vec::new);
                    me.schedule();
                    Vec::new()
                });
                if panel == Panel::Filing || drawing {
                    self.selected = None;
                    self.with_map(|me| {
                        me.selected = None;
                        Vec::new()
                    });
                }
                self.pin = None;
                self.filed = false;
                if panel != Panel::Versions && self.compare.is_some() {
                    ctx.link().send_message(Msg::Compare(None));
                }
                self.panel = panel;
            }
            Msg::CloseSelection => {
                self.selected = None;
                self.with_map(|me| {
                    me.selected = None;
                    Vec::new()
                });
            }
            Msg::Locate { for_pin } => locate(ctx, for_pin),
            Msg::Located {
                lon,
                lat,
                accuracy,
                for_pin,
            } => {
                self.with_map(|me| {
                    me.me = Some((lon, lat, accuracy));
                    me.fly_to(lon, lat, me.state.viewport.zoom.max(16.0));
                    if for_pin {
                        me.pin = Some((lon, lat));
                    }
                    Vec::new()
                });
                if for_pin {
                    self.pin = Some((lon, lat));
                }
            }
            Msg::LocateFailed(message) => self.notice = Some(message),
            Msg::Filed => {
                self.filed = true;
                self.set_picking(false);
                self.pin = None;
                self.with_map(|me| {
                    me.refresh_data();
                    Vec::new()
                });
            }
            Msg::FlyToBox(bbox) => self.with_map(|me| {
                me.fly_to_bounds(bbox);
                Vec::new()
            }),
            Msg::FlyToPoint(lon, lat) => self.with_map(|me| {
                me.fly_to(lon, lat, 17.5);
                Vec::new()
            }),
            Msg::DataChanged => self.with_map(|me| {
                me.refresh_data();
                Vec::new()
            }),
            Msg::LayerVersionChanged => {
                self.versions_revision += 1;
                self.with_map(|me| {
                    me.refresh_data();
                    Vec::new()
                });
            }
            Msg::Compare(choice) => {
                let (layer, divider) = (self.planning_layer.clone(), self.divider);
                let compare = choice.clone().zip(layer).map(|(c, layer)| {
                    (
                        Compare {
                            layer,
                            source_layer: c.source_layer,
                            divider,
                        },
                        c.tiles,
                    )
                });
                self.compare = choice;
                self.with_map(|me| {
                    me.state.set_compare(compare);
                    me.schedule();
                    Vec::new()
                });
            }
            Msg::Divider(divider) => {
                self.divider = divider.clamp(0.0, 1.0);
                self.with_map(|me| {
                    me.state.set_divider(divider);
                    me.schedule();
                    Vec::new()
                });
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let lang = self.lang;
        let link = ctx.link();
        let open = |p: Panel| link.callback(move |_: MouseEvent| Msg::Open(p.clone()));
        let map = if self.loaded {
            html! {
                <MapView
                    state={self.pending.clone()}
                    {lang}
                    on_ready={link.callback(Msg::Ready)}
                    on_event={link.callback(Msg::Map)}
                    on_locate={link.callback(|_| Msg::Locate { for_pin: false })}
                />
            }
        } else if let Some(e) = &self.error {
            html! { <p class="map-error" role="alert">{ lang.t("Không tải được bản đồ: ", "The map could not load: ") }{ e.clone() }</p> }
        } else {
            html! { <p class="map-loading">{ lang.t("Đang tải bản đồ…", "Loading the map…") }</p> }
        };
        let side = match (&self.panel, &self.handle) {
            (Panel::Layers, Some(handle)) => html! {
                <LayerPanel handle={handle.clone()} {lang} categories={self.categories.clone()} revision={self.revision} />
            },
            (Panel::Filing, _) => html! {
                <ReportForm {lang} categories={self.categories.clone()} pin={self.pin}
                    on_gps={link.callback(|_| Msg::Locate { for_pin: true })}
                    on_filed={link.callback(|_| Msg::Filed)}
                    on_lookup={link.callback(|code| Msg::Open(Panel::Lookup(Some(code))))}
                    on_close={link.callback(|_| Msg::Open(Panel::None))} />
            },
            (Panel::Area, _) => html! {
                <AreaPanel {lang} points={self.area_points.clone()} on_clear={link.callback(|_| Msg::ClearArea)} />
            },
            (Panel::Versions, _) => match &self.planning_layer {
                Some(layer) => html! {
                    <VersionsPanel {lang} layer={layer.clone()}
                        comparing={self.compare.as_ref().map(|c| c.version)}
                        divider={self.divider} revision={self.versions_revision}
                        on_compare={link.callback(Msg::Compare)}
                        on_divider={link.callback(Msg::Divider)} />
                },
                None => Html::default(),
            },
            (Panel::Lookup(code), _) => html! {
                <Lookup {lang} categories={self.categories.clone()} code={code.clone()}
                    on_show={link.callback(|(lon, lat)| Msg::FlyToPoint(lon, lat))}
                    on_close={link.callback(|_| Msg::Open(Panel::None))} />
            },
            _ => Html::default(),
        };
        let popup = match (&self.selected, &self.handle) {
            (Some(hit), Some(handle)) if self.panel != Panel::Filing => html! {
                <FeaturePopup hit={hit.clone()} {lang} legend={handle.borrow().state.style.legend.clone()}
                    categories={self.categories.clone()}
                    on_close={link.callback(|_| Msg::CloseSelection)}
                    on_lookup={link.callback(|code| Msg::Open(Panel::Lookup(Some(code))))} />
            },
            _ => Html::default(),
        };
        let pressed = |p: &Panel| {
            if std::mem::discriminant(&self.panel) == std::mem::discriminant(p) {
                "true"
            } else {
                "false"
            }
        };
        html! {
            <div class="app">
                <header class="topbar">
                    <h1 class="brand">{ self.title.clone() }</h1>
                    <SearchBox {lang}
                        on_place={link.callback(Msg::FlyToBox)}
                        on_code={link.callback(|code| Msg::Open(Panel::Lookup(Some(code))))} />
                    <nav class="actions" aria-label={lang.t("Chức năng", "Actions")}>
                        <button type="button" id="btn-layers" aria-pressed={pressed(&Panel::Layers)} onclick={open(Panel::Layers)}>{ lang.t("Lớp", "Layers") }</button>
                        <button type="button" id="btn-report" class="primary" aria-pressed={pressed(&Panel::Filing)} onclick={open(Panel::Filing)}>{ lang.t("Gửi phản ánh", "Report a problem") }</button>
                        <button type="button" id="btn-lookup" aria-pressed={pressed(&Panel::Lookup(None))} onclick={open(Panel::Lookup(None))}>{ lang.t("Tra cứu", "Look up") }</button>
                        <button type="button" id="btn-area" aria-pressed={pressed(&Panel::Area)} onclick={open(Panel::Area)}>{ lang.t("Đo, quy hoạch", "Measure, zoning") }</button>
                        if self.planning_layer.is_some() {
                            <button type="button" id="btn-versions" aria-pressed={pressed(&Panel::Versions)} onclick={open(Panel::Versions)}>{ lang.t("Phiên bản QH", "Zoning versions") }</button>
                        }
                        <button type="button" id="btn-lang" lang={lang.other().code()} onclick={link.callback(|_| Msg::ToggleLang)}
                            aria-label={lang.t("Switch to English", "Chuyển sang tiếng Việt")}>{ lang.t("EN", "VI") }</button>
                    </nav>
                </header>
                <main class="map-area">
                    { map }
                    if let Some(c) = &self.compare {
                        { swipe_divider(lang, c.version, self.divider, link.callback(Msg::Divider)) }
                    }
                    if self.panel == Panel::Filing && self.pin.is_none() && !self.filed {
                        <p class="pick-hint" role="status">{ lang.t("Chạm vào bản đồ để đặt ghim tại nơi cần phản ánh", "Tap the map to put the pin where the problem is") }</p>
                    }
                    <p class="attribution">{ self.attribution.clone() }{" · "}<a href="/about.html">{ lang.t("Giới thiệu, dịch vụ dữ liệu", "About, data services") }</a></p>
                    if let Some(n) = &self.notice {
                        <p class="notice" role="alert">{ n.clone() }</p>
                    }
                </main>
                <div class="side">{ side }{ popup }</div>
            </div>
        }
    }
}

/// The comparison's divider over the map: dragged with a mouse, finger or pen; the panel's
/// slider moves it from the keyboard.
fn swipe_divider(lang: Lang, version: u64, divider: f64, on_move: Callback<f64>) -> Html {
    let down = Callback::from(|e: PointerEvent| {
        let el: web_sys::Element = e.target_unchecked_into();
        let _ = el.set_pointer_capture(e.pointer_id());
    });
    let moved = Callback::from(move |e: PointerEvent| {
        let el: web_sys::Element = e.target_unchecked_into();
        if !el.has_pointer_capture(e.pointer_id()) {
            return;
        }
        if let Some(area) = el.parent_element() {
            let rect = area.get_bounding_client_rect();
            if rect.width() > 0.0 {
                on_move.emit((f64::from(e.client_x()) - rect.left()) / rect.width());
            }
        }
    });
    html! {
        <div id="swipe-divider" class="swipe-divider" style={format!("left: {:.3}%", divider * 100.0)}
            onpointerdown={down} onpointermove={moved}
            role="separator" aria-orientation="vertical"
            aria-valuenow={format!("{:.0}", divider * 100.0)} aria-valuemin="0" aria-valuemax="100"
            aria-label={format!("{} {version} | {}", lang.t("Trái: phiên bản", "Left: version"), lang.t("phải: đang dùng", "right: served"))}>
            <span class="swipe-knob" aria-hidden="true">{ "⇆" }</span>
            <span class="swipe-tag swipe-tag-left">{ format!("{} {version}", lang.t("Phiên bản", "Version")) }</span>
            <span class="swipe-tag swipe-tag-right">{ lang.t("Đang dùng", "Served") }</span>
        </div>
    }
}

fn set_document_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.code());
    }
}

/// Asks the browser for the user's position.
fn locate(ctx: &Context<App>, for_pin: bool) {
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        ctx.link().send_message(Msg::LocateFailed(
            "Trình duyệt không hỗ trợ định vị (no geolocation)".into(),
        ));
        return;
    };
    let ok_link = ctx.link().clone();
    let err_link = ctx.link().clone();
    let ok = Closure::once_into_js(move |p: web_sys::Position| {
        let c = p.coords();
        ok_link.send_message(Msg::Located {
            lon: c.longitude(),
            lat: c.latitude(),
            accuracy: c.accuracy(),
            for_pin,
        });
    });
    let err = Closure::once_into_js(move |e: web_sys::PositionError| {
        err_link.send_message(Msg::LocateFailed(format!(
            "Không lấy được vị trí (position unavailable): {}",
            e.message()
        )));
    });
    let _ =
        geo.get_current_position_with_error_callback(ok.unchecked_ref(), Some(err.unchecked_ref()));
}

impl MapState {
    /// The style's name (e.g. "CityGIS — Đồng Xoài").
    pub fn style_title(&self) -> String {
        self.style.name.clone()
    }
}
