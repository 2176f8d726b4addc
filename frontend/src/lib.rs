//! CityGIS web map: a Yew application over a map engine written in Rust. `engine` draws our
//! vector tiles on a canvas and knows nothing of Yew; `app` is the portal around it (panels,
//! popups, the report form, the lookup page), in Vietnamese with an English toggle; `wall` is
//! the operations centre's wall display at `/wall`.

pub mod app;
pub mod engine;
pub mod wall;

use wasm_bindgen::prelude::*;

/// Starts the portal in the page's `#app` element.
#[wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    let on_wall = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|p| p.trim_end_matches('/').ends_with("/wall"));
    match root {
        Some(root) if on_wall => {
            yew::Renderer::<wall::WallApp>::with_root(root).render();
        }
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {}
    }
}

/// Timings for the budgets, as JSON: time to the first complete map (ms since the map started),
/// paint times of recent frames (ms), tiles loaded, and the WebAssembly memory's size (bytes).
#[wasm_bindgen]
pub fn citygis_stats() -> String {
    app::map_controller::STATS.with(|s| {
        let s = s.borrow();
        let wasm_memory_bytes = js_sys::Reflect::get(&wasm_bindgen::memory(), &"buffer".into())
            .and_then(|b| js_sys::Reflect::get(&b, &"byteLength".into()))
            .ok()
            .and_then(|n| n.as_f64());
        serde_json::json!({
            "wasm_memory_bytes": wasm_memory_bytes,
            "first_complete_ms": s.first_complete_ms,
            "paint_ms": s.paint_ms,
            "tiles_loaded": s.tiles_loaded,
        })
        .to_string()
    })
}
