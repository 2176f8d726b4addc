//! The map on the page: the canvas, bound to a `MapController` once it is in the document, with
//! the zoom and locate buttons.

use super::i18n::Lang;
use super::map_controller::{MapController, MapEvent, MapHandle};
use crate::engine::map_state::MapState;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// A map state handed over once (the component takes it when the canvas exists).
#[derive(Clone)]
pub struct PendingState(pub Rc<RefCell<Option<MapState>>>);

impl PartialEq for PendingState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct MapViewProps {
    pub state: PendingState,
    pub lang: Lang,
    pub on_ready: Callback<MapHandle>,
    pub on_event: Callback<MapEvent>,
    pub on_locate: Callback<()>,
    /// Zoom and locate buttons (the wall has none).
    #[prop_or(true)]
    pub controls: bool,
}

pub enum Msg {
    Ready(MapHandle),
}

/// The component.
pub struct MapView {
    canvas: NodeRef,
    handle: Option<MapHandle>,
    resize: Option<Closure<dyn FnMut()>>,
}

impl Component for MapView {
    type Message = Msg;
    type Properties = MapViewProps;

    fn create(_: &Context<Self>) -> Self {
        Self {
            canvas: NodeRef::default(),
            handle: None,
            resize: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Ready(handle) => {
                let h = handle.clone();
                let resize = Closure::<dyn FnMut()>::new(move || h.borrow_mut().resize());
                if let Some(w) = web_sys::window() {
                    let _ = w.add_event_listener_with_callback(
                        "resize",
                        resize.as_ref().unchecked_ref(),
                    );
                }
                self.resize = Some(resize);
                self.handle = Some(handle.clone());
                ctx.props().on_ready.emit(handle);
                true
            }
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if !first_render {
            return;
        }
        let Some(canvas) = self.canvas.cast::<HtmlCanvasElement>() else {
            return;
        };
        let Some(state) = ctx.props().state.0.borrow_mut().take() else {
            return;
        };
        let handle = MapController::attach(canvas, state, ctx.props().on_event.clone());
        ctx.link().send_message(Msg::Ready(handle));
    }

    fn destroy(&mut self, _: &Context<Self>) {
        if let (Some(w), Some(r)) = (web_sys::window(), &self.resize) {
            let _ = w.remove_event_listener_with_callback("resize", r.as_ref().unchecked_ref());
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let lang = ctx.props().lang;
        let h = self.handle.clone();
        let on = |f: fn(&MapHandle, web_sys::PointerEvent)| {
            let h = h.clone();
            Callback::from(move |e: PointerEvent| {
                if let Some(h) = &h {
                    f(h, e);
                }
            })
        };
        let onwheel = {
            let h = h.clone();
            Callback::from(move |e: WheelEvent| {
                if let Some(h) = &h {
                    MapController::wheel(h, e);
                }
            })
        };
        let onkeydown = {
            let h = h.clone();
            Callback::from(move |e: KeyboardEvent| {
                if let Some(h) = &h {
                    MapController::key_down(h, e);
                }
            })
        };
        let onpointerleave = {
            let h = h.clone();
            Callback::from(move |_: PointerEvent| {
                if let Some(h) = &h {
                    MapController::pointer_leave(h);
                }
            })
        };
        let zoom = |delta: f64| {
            let h = h.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(h) = &h {
                    MapController::update(h, |me| {
                        me.zoom_by(delta);
                        Vec::new()
                    });
                }
            })
        };
        let locate = ctx.props().on_locate.reform(|_: MouseEvent| ());
        html! {
            <div class="map">
                <canvas
                    ref={self.canvas.clone()}
                    id="map-canvas"
                    tabindex="0"
                    role="application"
                    aria-label={lang.t(
                        "Bản đồ. Kéo để di chuyển, cuộn hoặc phím + − để thu phóng, phím mũi tên để di chuyển.",
                        "Map. Drag to pan, scroll or press + − to zoom, arrow keys to pan.")}
                    onpointerdown={on(MapController::pointer_down)}
                    onpointermove={on(MapController::pointer_move)}
                    onpointerup={on(MapController::pointer_up)}
                    onpointercancel={on(MapController::pointer_up)}
                    {onpointerleave}
                    {onwheel}
                    {onkeydown}
                />
                if ctx.props().controls {
                <div class="map-buttons">
                    <button type="button" id="zoom-in" onclick={zoom(1.0)} aria-label={lang.t("Phóng to", "Zoom in")} title={lang.t("Phóng to", "Zoom in")}>{"+"}</button>
                    <button type="button" id="zoom-out" onclick={zoom(-1.0)} aria-label={lang.t("Thu nhỏ", "Zoom out")} title={lang.t("Thu nhỏ", "Zoom out")}>{"−"}</button>
                    <button type="button" id="locate" onclick={locate} aria-label={lang.t("Vị trí của tôi", "My location")} title={lang.t("Vị trí của tôi", "My location")}>{"◎"}</button>
                </div>
                }
            </div>
        }
    }
}
