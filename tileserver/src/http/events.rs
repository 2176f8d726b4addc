//! `/api/events`: Server-Sent Events for report changes. A client reconnecting with
//! `Last-Event-ID` first receives what it missed (while still in the server's buffer).

use super::reports::service;
use super::{ApiError, AppState};
use crate::reports::Event;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::stream;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// How often an idle stream sends a comment, so proxies keep it open.
const KEEPALIVE: Duration = Duration::from_secs(15);

fn frame(event: &Event) -> Bytes {
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {}\n\n",
        event.id, event.kind, event.data
    ))
}

/// The event stream (text/event-stream). 200, open until the client leaves.
pub async fn events(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let service = service(&state)?;
    let last_id = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or_else(|| {
            req.query_string()
                .split('&')
                .find_map(|kv| kv.strip_prefix("last_event_id=")?.parse().ok())
        });
    let (missed, receiver) = service.events.subscribe(last_id);
    let newest_sent = missed.last().map(|e| e.id).or(last_id).unwrap_or(0);
    let hello = Bytes::from(format!(
        "retry: 2000\n: connected, last event {}\n\n",
        service.events.last_id()
    ));
    let state = (VecDeque::from(missed), receiver, newest_sent, Some(hello));
    let body = stream::unfold(
        state,
        |(mut backlog, mut rx, mut newest, hello)| async move {
            if let Some(h) = hello {
                return Some((Ok::<_, actix_web::Error>(h), (backlog, rx, newest, None)));
            }
            if let Some(e) = backlog.pop_front() {
                return Some((Ok(frame(&e)), (backlog, rx, newest, None)));
            }
            loop {
                match tokio::time::timeout(KEEPALIVE, rx.recv()).await {
                    Err(_) => {
                        return Some((
                            Ok(Bytes::from_static(b": keepalive\n\n")),
                            (backlog, rx, newest, None),
                        ));
                    }
                    Ok(Ok(e)) if e.id > newest => {
                        newest = e.id;
                        return Some((Ok(frame(&e)), (backlog, rx, newest, None)));
                    }
                    Ok(Ok(_)) => continue,
                    // Too slow a reader: end the stream; the browser reconnects with Last-Event-ID.
                    Ok(Err(RecvError::Lagged(_))) | Ok(Err(RecvError::Closed)) => return None,
                }
            }
        },
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
