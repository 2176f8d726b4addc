//! Follows the store's change feed, so that several servers on one database show the same
//! thing: a report filed or changed through another server, or a camera status reported to it,
//! is applied to this server's layers (so exactly the cached tiles around the change are
//! rebuilt) and published on its event stream. Changes this server wrote are skipped: they
//! were applied when written.

use crate::cameras::{CameraError, CameraService};
use crate::reports::{ReportError, ReportService};
use crate::store::{Change, ChangeKind, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// Changes read per round.
const BATCH: usize = 500;

/// What the follower updates.
pub struct ChangeFollower {
    store: Arc<Store>,
    reports: Option<Arc<ReportService>>,
    cameras: Option<Arc<CameraService>>,
}

impl ChangeFollower {
    pub fn new(
        store: Arc<Store>,
        reports: Option<Arc<ReportService>>,
        cameras: Option<Arc<CameraService>>,
    ) -> Self {
        Self {
            store,
            reports,
            cameras,
        }
    }

    /// Follows the feed from after `seq` on a thread of its own, waking on every notification
    /// and at least every `poll`.
    pub fn start(self, mut seq: i64, poll: Duration) {
        let spawned = std::thread::Builder::new()
            .name("change-follower".into())
            .spawn(move || {
                let mut failing = false;
                loop {
                    match self.catch_up(seq) {
                        Ok(next) => {
                            if failing {
                                tracing::info!(seq = next, "change feed readable again");
                            }
                            failing = false;
                            seq = next;
                        }
                        Err(e) if !failing => {
                            tracing::warn!(error = %e, "cannot read the change feed; retrying");
                            failing = true;
                        }
                        Err(_) => {}
                    }
                    self.store.wait_for_change(poll);
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the change follower");
        }
    }

    /// Applies every change after `seq`; returns the last one applied. A change that cannot be
    /// applied (the database went away meanwhile) stops the round; it is read again next time.
    pub fn catch_up(&self, mut seq: i64) -> Result<i64, StoreError> {
        loop {
            let changes = self.store.changes_since(seq, BATCH)?;
            let read = changes.len();
            let (applied, stopped) = self.apply(seq, &changes)?;
            seq = applied;
            if stopped || read < BATCH {
                return Ok(seq);
            }
        }
    }

    /// Applies `changes` (those after `seq`) in order; returns the last applied, and whether it
    /// stopped short because the store could not be read.
    fn apply(&self, mut seq: i64, changes: &[Change]) -> Result<(i64, bool), StoreError> {
        let origin = self.store.origin();
        // Camera statuses are re-read together; applying one twice changes nothing.
        let cameras: Vec<u64> = changes
            .iter()
            .filter(|c| c.origin != origin && c.kind == ChangeKind::CameraStatus)
            .map(|c| c.key as u64)
            .collect();
        if let (Some(service), false) = (&self.cameras, cameras.is_empty()) {
            match service.refresh_from_store(&cameras) {
                Ok(()) => {}
                Err(CameraError::Store(e)) => return Err(e),
                Err(e) => tracing::warn!(error = %e, "cannot apply camera status changes"),
            }
        }
        for change in changes {
            let theirs = change.origin != origin;
            let report = matches!(
                change.kind,
                ChangeKind::ReportCreated | ChangeKind::ReportUpdated
            );
            if let (true, true, Some(reports)) = (theirs, report, &self.reports) {
                let created = change.kind == ChangeKind::ReportCreated;
                match reports.refresh_from_store(change.key, created) {
                    Ok(()) => {}
                    Err(ReportError::Store(e)) => {
                        tracing::debug!(report = change.key, error = %e, "report change left for the next round");
                        return Ok((seq, true));
                    }
                    Err(e) => {
                        tracing::warn!(report = change.key, error = %e, "cannot apply a report change")
                    }
                }
            }
            seq = change.seq;
        }
        Ok((seq, false))
    }
}
