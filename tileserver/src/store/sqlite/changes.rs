//! The change feed in SQLite. One process writes the file at a time, so rowid order is commit
//! order; there is no notification, so waiting is sleeping.

use super::SqliteStore;
use crate::store::{Change, ChangeKind, StoreError};
use rusqlite::params;
use std::time::Duration;

impl SqliteStore {
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn latest_change(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM changes", [], |r| {
                r.get(0)
            })?)
    }

    pub fn changes_since(&self, seq: i64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, kind, key, origin FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![seq, limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(seq, kind, key, origin)| {
                Ok(Change {
                    seq,
                    kind: ChangeKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("change kind {kind:?}")))?,
                    key,
                    origin,
                })
            })
            .collect()
    }

    pub fn wait_for_change(&self, timeout: Duration) {
        std::thread::sleep(timeout);
    }
}

/// Appends a change inside the writer's transaction.
pub(super) fn record(
    tx: &rusqlite::Transaction<'_>,
    kind: ChangeKind,
    key: i64,
    origin: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO changes (kind, key, origin, at) VALUES (?1, ?2, ?3, ?4)",
        params![
            kind.as_str(),
            key,
            origin,
            crate::store::timestamp(chrono::Utc::now())
        ],
    )?;
    Ok(())
}
