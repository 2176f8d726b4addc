//! Live events for `/api/events` (Server-Sent Events): a numbered stream with a buffer of recent
//! events, so a client reconnecting with `Last-Event-ID` misses nothing still in the buffer.

use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// One event: its number, its kind (e.g. `report.created`) and its JSON data.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: u64,
    pub kind: String,
    pub data: Value,
}

/// Publishes events to every listener and keeps the most recent ones.
pub struct EventHub {
    recent: Mutex<(u64, VecDeque<Arc<Event>>)>,
    capacity: usize,
    sender: broadcast::Sender<Arc<Event>>,
}

impl EventHub {
    /// A hub remembering the last `capacity` events. Numbers start from the clock (microseconds
    /// since 1970), so they keep growing across restarts: a client reconnecting with the number
    /// of an event from before a restart is given every event since.
    pub fn new(capacity: usize) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        Self::numbered_after(capacity, now)
    }

    /// A hub whose first event has number `last_id + 1`.
    pub fn numbered_after(capacity: usize, last_id: u64) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(16));
        Self {
            recent: Mutex::new((last_id, VecDeque::with_capacity(capacity))),
            capacity,
            sender,
        }
    }

    /// Numbers, records and broadcasts an event.
    pub fn publish(&self, kind: &str, data: Value) -> Arc<Event> {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        recent.0 += 1;
        let event = Arc::new(Event {
            id: recent.0,
            kind: kind.to_owned(),
            data,
        });
        if recent.1.len() == self.capacity {
            recent.1.pop_front();
        }
        recent.1.push_back(Arc::clone(&event));
        // Sent under the lock so listeners see events in number order.
        let _ = self.sender.send(Arc::clone(&event));
        event
    }

    /// Events after `last_id` still in the buffer, and a receiver for the ones to come. Taken
    /// together under the lock, so nothing falls between the two.
    pub fn subscribe(
        &self,
        last_id: Option<u64>,
    ) -> (Vec<Arc<Event>>, broadcast::Receiver<Arc<Event>>) {
        let recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let missed = match last_id {
            Some(last) => recent.1.iter().filter(|e| e.id > last).cloned().collect(),
            None => Vec::new(),
        };
        (missed, self.sender.subscribe())
    }

    /// The number of the latest event (0 before any).
    pub fn last_id(&self) -> u64 {
        self.recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replays_what_a_client_missed_then_streams() {
        let hub = EventHub::numbered_after(3, 0);
        for i in 1..=5 {
            hub.publish("report.created", json!({ "n": i }));
        }
        let (missed, mut rx) = hub.subscribe(Some(2));
        assert_eq!(missed.iter().map(|e| e.id).collect::<Vec<_>>(), [3, 4, 5]);
        let (missed, _) = hub.subscribe(Some(0));
        assert_eq!(missed.len(), 3, "only the buffer is kept");
        hub.publish("report.updated", json!({}));
        assert_eq!(rx.try_recv().unwrap().id, 6);
        assert_eq!(hub.last_id(), 6);
    }

    #[test]
    fn numbers_keep_growing_across_restarts() {
        let before = EventHub::new(3);
        let last = before.publish("report.created", json!({})).id;
        drop(before);
        let after = EventHub::new(3);
        assert!(after.publish("report.created", json!({})).id > last);
    }
}
