//! Counts of visible reports for statistics, computed by SQL (no report leaves the store but its
//! position, for the ward lookup).

use super::{Store, StoreError, timestamp};
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

impl Store {
    /// Counts visible (not hidden) reports.
    pub fn report_counts(&self, w: &CountWindow) -> Result<ReportCounts, StoreError> {
        let conn = self.conn();
        let (from, to) = (timestamp(w.from), timestamp(w.to));
        let grouped = |column: &str| -> Result<BTreeMap<String, i64>, StoreError> {
            let sql = format!(
                "SELECT {column}, COUNT(*) FROM reports \
                 WHERE hidden = 0 AND created_at >= ?1 AND created_at < ?2 GROUP BY 1"
            );
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt
                .query_map((&from, &to), |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        };
        let by_status = grouped("status")?;
        let by_category = grouped("category")?;
        let by_day = grouped(&format!(
            "date(created_at, '{:+} seconds')",
            w.utc_offset_seconds
        ))?;
        let mut stmt = conn.prepare(
            "SELECT lon, lat FROM reports WHERE hidden = 0 AND created_at >= ?1 AND created_at < ?2",
        )?;
        let positions = stmt
            .query_map((&from, &to), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let count = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> Result<i64, StoreError> {
            Ok(conn.query_row(sql, params, |r| r.get(0))?)
        };
        Ok(ReportCounts {
            in_range: by_status.values().sum(),
            today: count(
                "SELECT COUNT(*) FROM reports WHERE hidden = 0 AND created_at >= ?1",
                &[&timestamp(w.today_start)],
            )?,
            open: count(
                "SELECT COUNT(*) FROM reports WHERE hidden = 0 AND status IN ('submitted', 'received', 'in_progress')",
                &[],
            )?,
            in_progress: count(
                "SELECT COUNT(*) FROM reports WHERE hidden = 0 AND status = 'in_progress'",
                &[],
            )?,
            resolved_this_week: count(
                "SELECT COUNT(*) FROM reports WHERE hidden = 0 AND status = 'resolved' AND updated_at >= ?1",
                &[&timestamp(w.week_start)],
            )?,
            by_status,
            by_category,
            by_day,
            positions,
        })
    }
}
