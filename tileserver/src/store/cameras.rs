//! Camera status as last reported: per camera its status, since when, and who said so.

use chrono::{DateTime, Utc};

/// A camera's stored status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraStatusRow {
    pub camera_id: u64,
    pub status: String,
    /// When the camera entered this status.
    pub since: DateTime<Utc>,
    /// Time of the latest report about it.
    pub reported_at: DateTime<Utc>,
}

/// One reported status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    pub camera_id: u64,
    pub status: String,
    pub at: DateTime<Utc>,
}

/// What a stored report changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The status changed (or the camera had none stored).
    Changed,
    /// Same status as stored: only the report time moved.
    Unchanged,
    /// Older than the latest report about the camera: ignored.
    Stale,
}

/// What `report` does to a camera whose stored row is `stored`: the outcome and the camera's
/// row afterwards. The same rule for every store.
pub(crate) fn apply_status(
    stored: Option<CameraStatusRow>,
    report: &StatusReport,
) -> (StatusOutcome, CameraStatusRow) {
    match stored {
        Some(row) if row.reported_at > report.at => (StatusOutcome::Stale, row),
        Some(row) if row.status == report.status => (
            StatusOutcome::Unchanged,
            CameraStatusRow {
                reported_at: report.at,
                ..row
            },
        ),
        _ => (
            StatusOutcome::Changed,
            CameraStatusRow {
                camera_id: report.camera_id,
                status: report.status.clone(),
                since: report.at,
                reported_at: report.at,
            },
        ),
    }
}
