//! Report counts for statistics in SQLite.

use super::SqliteStore;
use crate::store::{CountWindow, ReportCounts, StoreError, timestamp};
use std::collections::BTreeMap;

impl SqliteStore {
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
