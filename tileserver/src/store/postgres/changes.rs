//! The change feed in PostgreSQL. Writers append under an exclusive lock on the table held to
//! commit, so numbers are handed out in commit order and a follower reading "after N" never
//! skips a change that commits late; a trigger notifies `citygis_changes` listeners.

use super::{CHANGES_CHANNEL, PostgresStore};
use crate::store::{Change, ChangeKind, StoreError};
use postgres::NoTls;
use postgres::fallible_iterator::FallibleIterator;
use std::time::Duration;

impl PostgresStore {
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn latest_change(&self) -> Result<i64, StoreError> {
        Ok(self
            .client()?
            .query_one("SELECT COALESCE(MAX(seq), 0) FROM changes", &[])?
            .get(0))
    }

    pub fn changes_since(&self, seq: i64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let rows = self.client()?.query(
            "SELECT seq, kind, key, origin FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&seq, &(limit as i64)],
        )?;
        rows.iter()
            .map(|r| {
                let kind: &str = r.try_get(1)?;
                Ok(Change {
                    seq: r.try_get(0)?,
                    kind: ChangeKind::parse(kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("change kind {kind:?}")))?,
                    key: r.try_get(2)?,
                    origin: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Waits on the listening connection (made, or made again, as needed). Without one (the
    /// database is away) it sleeps, so callers poll at the same pace either way.
    pub fn wait_for_change(&self, timeout: Duration) {
        let mut listener = self
            .listener
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if listener.is_none() {
            match self.config.connect(NoTls).and_then(|mut c| {
                c.batch_execute(&format!("LISTEN {CHANGES_CHANNEL}"))?;
                Ok(c)
            }) {
                Ok(client) => *listener = Some(client),
                Err(e) => {
                    tracing::debug!(error = %e, "cannot listen for changes");
                    drop(listener);
                    std::thread::sleep(timeout);
                    return;
                }
            }
        }
        let Some(client) = listener.as_mut() else {
            return;
        };
        let drained = {
            let mut notifications = client.notifications();
            let outcome = notifications.timeout_iter(timeout).next();
            // Whatever else arrived meanwhile is covered by the same read of the feed.
            outcome.and_then(|_| notifications.iter().count())
        };
        let lost = drained.is_err() || client.is_closed();
        if lost {
            tracing::debug!("change listener lost its connection");
            *listener = None;
            drop(listener);
            std::thread::sleep(timeout);
        }
    }
}

/// Appends one change per key inside the writer's transaction: the table lock is taken once,
/// the rows go in one statement.
pub(super) fn record(
    tx: &mut postgres::Transaction<'_>,
    kind: ChangeKind,
    keys: &[i64],
    origin: &str,
) -> Result<(), StoreError> {
    if keys.is_empty() {
        return Ok(());
    }
    tx.batch_execute("LOCK TABLE changes IN EXCLUSIVE MODE")?;
    tx.execute(
        "INSERT INTO changes (kind, key, origin) SELECT $1, k, $3 FROM unnest($2::bigint[]) AS k",
        &[&kind.as_str(), &keys, &origin],
    )?;
    Ok(())
}
