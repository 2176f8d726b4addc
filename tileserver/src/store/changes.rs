//! The change feed: one row per write other servers must apply (a report filed or changed, a
//! camera's status), numbered in commit order.

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A report was filed; `key` is its id.
    ReportCreated,
    /// A report was changed by staff; `key` is its id.
    ReportUpdated,
    /// A camera's status was reported; `key` is the camera id.
    CameraStatus,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::ReportCreated => "report.created",
            ChangeKind::ReportUpdated => "report.updated",
            ChangeKind::CameraStatus => "camera.status",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            ChangeKind::ReportCreated,
            ChangeKind::ReportUpdated,
            ChangeKind::CameraStatus,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Position in the feed; later commits have larger numbers.
    pub seq: i64,
    pub kind: ChangeKind,
    pub key: i64,
    /// The store instance (server) that wrote it.
    pub origin: String,
}
