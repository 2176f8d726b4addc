//! Counts of visible reports for statistics, computed by SQL (no report leaves the store but its
//! position, for the ward lookup).

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What [`Store::report_counts`] is asked.
#[derive(Debug, Clone, Copy)]
pub struct CountWindow {
    /// Reports created in `[from, to)` are counted by status, category and day.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The city's UTC offset, in seconds, to group by local day.
    pub utc_offset_seconds: i32,
    /// Start of the local day and week (Monday), for "today" and "resolved this week".
    pub today_start: DateTime<Utc>,
    pub week_start: DateTime<Utc>,
}

/// Counts of visible reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportCounts {
    pub in_range: i64,
    pub by_status: BTreeMap<String, i64>,
    pub by_category: BTreeMap<String, i64>,
    /// Local date (YYYY-MM-DD) → reports created that day.
    pub by_day: BTreeMap<String, i64>,
    /// Positions (lon, lat) of the reports in range, for counting by ward.
    pub positions: Vec<(f64, f64)>,
    pub today: i64,
    /// Submitted, received or in progress, whenever filed.
    pub open: i64,
    pub in_progress: i64,
    /// Resolved with their last change since the start of the week.
    pub resolved_this_week: i64,
}
