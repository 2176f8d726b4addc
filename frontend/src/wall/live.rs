//! The wall's connection to `/api/events`. On any error the stream is closed and the wall
//! reconnects by itself with back-off (see `reconnect`), resuming after the last event it saw.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{EventSource, MessageEvent};
use yew::Callback;

/// Event kinds the wall follows.
pub const KINDS: [&str; 4] = [
    "report.created",
    "report.updated",
    "report.removed",
    "camera.status",
];

/// What the stream says.
pub enum LiveMsg {
    Open,
    Failed,
    Event {
        kind: String,
        data: String,
        id: String,
    },
}

/// An open stream; closed when dropped.
pub struct LiveStream {
    source: EventSource,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_event: Closure<dyn FnMut(MessageEvent)>,
}

impl LiveStream {
    /// Opens the stream, resuming after event `last_id` when given.
    pub fn connect(last_id: Option<&str>, on: Callback<LiveMsg>) -> Option<Self> {
        let url = match last_id {
            Some(id) => format!("/api/events?last_event_id={id}"),
            None => "/api/events".to_owned(),
        };
        let source = EventSource::new(&url).ok()?;
        let open = on.clone();
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| open.emit(LiveMsg::Open));
        let failed = on.clone();
        let on_error =
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| failed.emit(LiveMsg::Failed));
        let on_event = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            on.emit(LiveMsg::Event {
                kind: e.type_(),
                data: e.data().as_string().unwrap_or_default(),
                id: e.last_event_id(),
            })
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        for kind in KINDS {
            let _ =
                source.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        Some(Self {
            source,
            _on_open: on_open,
            _on_error: on_error,
            _on_event: on_event,
        })
    }
}

impl Drop for LiveStream {
    fn drop(&mut self) {
        self.source.set_onopen(None);
        self.source.set_onerror(None);
        self.source.close();
    }
}
