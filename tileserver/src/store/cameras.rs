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
