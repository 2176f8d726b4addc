//! The IOC wall display (`/wall`): full screen and dark, the city map with report density and
//! cameras by status, big live counters, the latest reports, a clock, and a rotation through the
//! wards. It follows `/api/events`, reconnects by itself with back-off and catches up, and needs
//! no mouse or keyboard. URL: `/wall?wards=Tân Phú,Tân Bình&interval=20&lang=en`, optionally
//! with a map hash (`#16/11.53/106.90`) for the first view.

mod counters;
mod feed;
pub mod figures;
mod live;
pub mod playlist;
pub mod reconnect;

use crate::app::api::{self, Category};
use crate::app::i18n::Lang;
use crate::app::map_controller::{MapController, MapEvent, MapHandle};
use crate::app::map_view::{MapView, PendingState};
use crate::app::{load_map, query_param};
use crate::engine::map_state::MapState;
use crate::engine::wall_style::restyle_for_wall;
use figures::WardFigures;
use gloo_timers::callback::{Interval, Timeout};
use live::{LiveMsg, LiveStream};
use playlist::{Playlist, Stop};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Screen height the wall's map is designed for, CSS pixels; taller screens draw it larger.
const WALL_DESIGN_HEIGHT: f64 = 1080.0;

/// Statistics are fetched again at least this often, seconds, events or not.
const STATS_EVERY_S: u32 = 60;

pub enum Msg {
    Loaded(Box<Result<(MapState, String), String>>),
    Ready(MapHandle),
    Stats(Value),
    Feed(Vec<Value>),
    Categories(Vec<Category>),
    Live(LiveMsg),
    Reconnect,
    Tick,
    WardBox(String, [f64; 4]),
    RefreshNow,
    Ignore,
}

/// Whether the live stream is up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    Connecting,
    Live,
    Reconnecting,
}

/// The wall.
pub struct WallApp {
    lang: Lang,
    title: String,
    attribution: String,
    pending: PendingState,
    handle: Option<MapHandle>,
    error: Option<String>,
    stats: Option<Value>,
    feed: Vec<Value>,
    categories: Vec<Category>,
    live: Option<LiveStream>,
    link: Link,
    attempt: u32,
    last_event_id: Option<String>,
    _retry: Option<Timeout>,
    refresh_pending: bool,
    playlist: Option<Playlist>,
    seconds_on_stop: f64,
    seconds_since_stats: u32,
    ward_boxes: HashMap<String, [f64; 4]>,
    clock: String,
    updated: String,
    timezone: String,
    _ticker: Interval,
}

/// Current time in the city as (clock "HH:MM:SS", date "Thứ … dd/mm/yyyy").
fn city_time(timezone: &str, lang: Lang) -> (String, String) {
    let now = js_sys::Date::new_0();
    let options = |entries: &[(&str, &str)]| {
        let o = js_sys::Object::new();
        for (k, v) in entries {
            let _ = js_sys::Reflect::set(&o, &(*k).into(), &(*v).into());
        }
        o
    };
    let locale = match lang {
        Lang::Vi => "vi-VN",
        Lang::En => "en-GB",
    };
    let clock = now.to_locale_time_string_with_options(
        locale,
        &options(&[
            ("timeZone", timezone),
            ("hourCycle", "h23"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("second", "2-digit"),
        ]),
    );
    let date = now.to_locale_date_string(
        locale,
        &options(&[
            ("timeZone", timezone),
            ("weekday", "long"),
            ("day", "2-digit"),
            ("month", "2-digit"),
            ("year", "numeric"),
        ]),
    );
    (String::from(clock), String::from(date))
}

/// Asks the browser to keep the screen on (where it allows it).
fn keep_screen_on() {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return;
    };
    let Ok(wake_lock) = js_sys::Reflect::get(&navigator, &"wakeLock".into()) else {
        return;
    };
    if wake_lock.is_undefined() {
        return;
    }
    if let Ok(request) = js_sys::Reflect::get(&wake_lock, &"request".into())
        && let Ok(request) = request.dyn_into::<js_sys::Function>()
    {
        // Refused without a user gesture in some browsers: nothing more to do then.
        if let Ok(promise) = request.call1(&wake_lock, &"screen".into())
            && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
        {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }
}

impl WallApp {
    fn with_map(&self, f: impl FnOnce(&mut MapController) -> Vec<MapEvent>) {
        if let Some(h) = &self.handle {
            MapController::update(h, f);
        }
    }

    /// Fetches the statistics and the feed again (side by side).
    fn refresh(ctx: &Context<Self>) {
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(stats) = api::get_json("/api/stats").await {
                link.send_message(Msg::Stats(stats));
            }
        });
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let feed = api::get_json(&format!("/api/reports?limit={}", feed::FEED_LENGTH)).await;
            if let Ok(doc) = feed {
                let features = doc["features"].as_array().cloned().unwrap_or_default();
                link.send_message(Msg::Feed(features));
            }
        });
    }

    /// Refreshes soon, once for a burst of events.
    fn refresh_soon(&mut self, ctx: &Context<Self>) {
        if self.refresh_pending {
            return;
        }
        self.refresh_pending = true;
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(150).await;
            link.send_message(Msg::RefreshNow);
        });
    }

    fn connect(&mut self, ctx: &Context<Self>) {
        self.live = LiveStream::connect(
            self.last_event_id.as_deref(),
            ctx.link().callback(Msg::Live),
        );
    }

    /// Shows the playlist's current stop.
    fn show_stop(&mut self, ctx: &Context<Self>) {
        let Some(stop) = self.playlist.as_ref().map(|p| p.current().clone()) else {
            return;
        };
        match stop {
            Stop::City => self.with_map(|me| {
                let bounds = me.state.sources.iter().find_map(|s| s.bounds);
                match bounds {
                    Some(bbox) => me.fly_to_bounds(bbox),
                    None => {
                        let (lon, lat, zoom) = me.state.style.center;
                        me.fly_to(lon, lat, zoom);
                    }
                }
                Vec::new()
            }),
            Stop::Ward(name) => match self.ward_boxes.get(&name) {
                Some(bbox) => {
                    let bbox = *bbox;
                    self.with_map(|me| {
                        me.fly_to_bounds(bbox);
                        Vec::new()
                    });
                }
                None => {
                    let link = ctx.link().clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(places) = api::places(&name).await
                            && let Some(p) = places.iter().find(|p| p.name == name)
                        {
                            link.send_message(Msg::WardBox(name, p.bbox));
                        }
                    });
                }
            },
        }
    }
}

impl Component for WallApp {
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
        Self::refresh(ctx);
        keep_screen_on();
        let lang = if query_param("lang").as_deref() == Some("en") {
            Lang::En
        } else {
            Lang::Vi
        };
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", lang.code());
            let _ = html.set_attribute("class", "wall-page");
        }
        let tick = ctx.link().callback(|_: ()| Msg::Tick);
        let mut wall = Self {
            lang,
            title: "CityGIS".into(),
            attribution: String::new(),
            pending: PendingState(Rc::new(RefCell::new(None))),
            handle: None,
            error: None,
            stats: None,
            feed: Vec::new(),
            categories: Vec::new(),
            live: None,
            link: Link::Connecting,
            attempt: 0,
            last_event_id: None,
            _retry: None,
            refresh_pending: false,
            playlist: None,
            seconds_on_stop: 0.0,
            seconds_since_stats: 0,
            ward_boxes: HashMap::new(),
            clock: String::new(),
            updated: String::new(),
            timezone: "Asia/Ho_Chi_Minh".into(),
            _ticker: Interval::new(1000, move || tick.emit(())),
        };
        wall.connect(ctx);
        wall
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Loaded(loaded) => match *loaded {
                Ok((mut state, attribution)) => {
                    self.title = state.style.name.clone();
                    restyle_for_wall(&mut state.style, "reports", "cameras");
                    *self.pending.0.borrow_mut() = Some(state);
                    self.attribution = attribution;
                }
                Err(e) => self.error = Some(e),
            },
            Msg::Ready(handle) => {
                // Drawn larger on screens taller than 1080 pixels, so a 4K wall reads as well.
                let height = web_sys::window()
                    .and_then(|w| w.inner_height().ok())
                    .and_then(|h| h.as_f64())
                    .unwrap_or(1080.0);
                MapController::update(&handle, |me| {
                    me.set_scale((height / WALL_DESIGN_HEIGHT).max(1.0));
                    Vec::new()
                });
                self.handle = Some(handle);
                // A view in the URL's hash is kept until the rotation moves on.
                let hash = web_sys::window()
                    .and_then(|w| w.location().hash().ok())
                    .unwrap_or_default();
                if hash.len() <= 1 {
                    self.show_stop(ctx);
                }
            }
            Msg::Stats(stats) => {
                if let Some(tz) = stats["timezone"].as_str() {
                    self.timezone = tz.to_owned();
                }
                if self.playlist.is_none() {
                    self.playlist = Some(Playlist::from_params(
                        query_param("wards").as_deref(),
                        query_param("interval").as_deref(),
                        &figures::ward_names(&stats),
                    ));
                }
                self.updated = city_time(&self.timezone, self.lang).0;
                self.seconds_since_stats = 0;
                self.stats = Some(stats);
            }
            Msg::Feed(feed) => self.feed = feed,
            Msg::Categories(c) => self.categories = c,
            Msg::Live(LiveMsg::Open) => {
                if self.link == Link::Reconnecting {
                    // Back after a break: catch up on what happened meanwhile.
                    Self::refresh(ctx);
                    self.with_map(|me| {
                        me.refresh_data();
                        Vec::new()
                    });
                }
                self.link = Link::Live;
                self.attempt = 0;
            }
            Msg::Live(LiveMsg::Failed) => {
                self.live = None;
                self.link = Link::Reconnecting;
                let wait = reconnect::backoff_ms(self.attempt);
                self.attempt += 1;
                let link = ctx.link().clone();
                self._retry = Some(Timeout::new(wait, move || {
                    link.send_message(Msg::Reconnect)
                }));
            }
            Msg::Reconnect => {
                self._retry = None;
                self.connect(ctx);
            }
            Msg::Live(LiveMsg::Event { kind, data, id }) => {
                if !id.is_empty() {
                    self.last_event_id = Some(id);
                }
                if kind == "report.created"
                    && let Ok(feature) = serde_json::from_str::<Value>(&data)
                    && let (Some(lon), Some(lat)) = (
                        feature["geometry"]["coordinates"][0].as_f64(),
                        feature["geometry"]["coordinates"][1].as_f64(),
                    )
                {
                    self.with_map(|me| {
                        me.flash(lon, lat);
                        Vec::new()
                    });
                }
                self.with_map(|me| {
                    me.refresh_data();
                    Vec::new()
                });
                self.refresh_soon(ctx);
            }
            Msg::RefreshNow => {
                self.refresh_pending = false;
                Self::refresh(ctx);
                return false;
            }
            Msg::Ignore => return false,
            Msg::Tick => {
                self.clock = city_time(&self.timezone, self.lang).0;
                self.seconds_since_stats += 1;
                if self.seconds_since_stats >= STATS_EVERY_S {
                    self.seconds_since_stats = 0;
                    Self::refresh(ctx);
                }
                self.seconds_on_stop += 1.0;
                let due = self
                    .playlist
                    .as_ref()
                    .and_then(|p| p.interval_s)
                    .is_some_and(|s| self.seconds_on_stop >= s);
                if due {
                    self.seconds_on_stop = 0.0;
                    if let Some(p) = self.playlist.as_mut() {
                        p.advance();
                    }
                    self.show_stop(ctx);
                }
            }
            Msg::WardBox(name, bbox) => {
                self.ward_boxes.insert(name.clone(), bbox);
                if self.playlist.as_ref().map(|p| p.current()) == Some(&Stop::Ward(name)) {
                    self.show_stop(ctx);
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let lang = self.lang;
        let (_, date) = city_time(&self.timezone, lang);
        let stop = self.playlist.as_ref().map(|p| p.current().clone());
        let stop_name = match &stop {
            Some(Stop::Ward(w)) => w.clone(),
            _ => lang.t("Toàn thành phố", "Whole city").to_owned(),
        };
        let ward = match (&stop, &self.stats) {
            (Some(Stop::Ward(w)), Some(stats)) => {
                let f = WardFigures::of(stats, w);
                html! {
                    <section class="ward-figures" id="wall-ward" aria-live="polite">
                        <h2>{ w.clone() }</h2>
                        <p><span class="big" id="wall-ward-reports">{ figures::grouped(f.reports) }</span>{ lang.t(" phản ánh trong 30 ngày", " reports in 30 days") }</p>
                        <p>
                            <span class="dot online"></span>{ format!("{} ", figures::grouped(f.online)) }{ lang.t("hoạt động", "online") }
                            <span class="dot offline"></span>{ format!("{} ", figures::grouped(f.offline)) }{ lang.t("mất kết nối", "offline") }
                            <span class="dot maintenance"></span>{ format!("{} ", figures::grouped(f.maintenance)) }{ lang.t("bảo trì", "maintenance") }
                        </p>
                    </section>
                }
            }
            _ => Html::default(),
        };
        let (link_text, link_state) = match self.link {
            Link::Live => (lang.t("Trực tuyến", "Live"), "live"),
            Link::Connecting => (lang.t("Đang kết nối…", "Connecting…"), "connecting"),
            Link::Reconnecting => (
                lang.t(
                    "Mất kết nối, đang kết nối lại…",
                    "Connection lost, reconnecting…",
                ),
                "reconnecting",
            ),
        };
        let map = if let Some(e) = &self.error {
            html! { <p class="error">{ e.clone() }</p> }
        } else if self.pending.0.borrow().is_some() || self.handle.is_some() {
            html! {
                <MapView state={self.pending.clone()} {lang} controls={false}
                    on_ready={ctx.link().callback(Msg::Ready)}
                    on_event={ctx.link().callback(|_| Msg::Ignore)}
                    on_locate={Callback::noop()} />
            }
        } else {
            html! { <p class="muted">{ lang.t("Đang tải bản đồ…", "Loading the map…") }</p> }
        };
        html! {
            <div class="wall" id="wall">
                <header class="wall-head">
                    <h1>{ format!("{} · {}", self.title, lang.t("Trung tâm điều hành", "Operations centre")) }</h1>
                    <span class="wall-stop" id="wall-stop">{ stop_name }</span>
                    <span class="wall-link" id="wall-link" data-state={link_state}>{ link_text }</span>
                    <span class="wall-date">{ date }</span>
                    <span class="wall-clock" id="wall-clock">{ self.clock.clone() }</span>
                </header>
                <main class="wall-map">{ map }</main>
                <aside class="wall-side">
                    { ward }
                    { self.stats.as_ref().map(|s| counters::counters(s, lang)).unwrap_or_default() }
                    { feed::feed(&self.feed, &self.categories, lang) }
                </aside>
                <footer class="wall-foot">
                    <span id="wall-updated">{ format!("{} {}", lang.t("Cập nhật lúc", "Updated at"), self.updated) }</span>
                    <span class="wall-legend">
                        <span class="dot online"></span>{ lang.t("Camera hoạt động", "Camera online") }
                        <span class="dot offline"></span>{ lang.t("Mất kết nối", "Offline") }
                        <span class="dot maintenance"></span>{ lang.t("Bảo trì", "Maintenance") }
                        <span class="ramp"></span>{ lang.t("Mật độ phản ánh", "Report density") }
                    </span>
                    <span class="muted">{ self.attribution.clone() }</span>
                </footer>
            </div>
        }
    }
}
