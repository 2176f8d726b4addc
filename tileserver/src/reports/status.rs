//! The life of a report: submitted → received → in_progress → resolved, or rejected, or a
//! duplicate of another report.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    Received,
    InProgress,
    Resolved,
    Rejected,
    Duplicate,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Submitted,
        Status::Received,
        Status::InProgress,
        Status::Resolved,
        Status::Rejected,
        Status::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Received => "received",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Rejected => "rejected",
            Status::Duplicate => "duplicate",
        }
    }

    /// Open311's two states: work still to do ("open") or finished ("closed").
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Submitted | Status::Received | Status::InProgress
        )
    }

    /// Vietnamese label shown to citizens.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Submitted => "Mới gửi",
            Status::Received => "Đã tiếp nhận",
            Status::InProgress => "Đang xử lý",
            Status::Resolved => "Đã giải quyết",
            Status::Rejected => "Từ chối",
            Status::Duplicate => "Trùng lặp",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                format!("unknown status {s:?}; one of {}", all.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_open_closed() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), s);
        }
        assert!(Status::InProgress.is_open());
        assert!(!Status::Duplicate.is_open());
        assert!("done".parse::<Status>().is_err());
    }
}
