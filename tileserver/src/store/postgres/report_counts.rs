//! Report counts for statistics in PostgreSQL.

use super::PostgresStore;
use crate::store::{CountWindow, ReportCounts, StoreError};
use postgres::types::ToSql;
use std::collections::BTreeMap;

impl PostgresStore {
    pub fn report_counts(&self, w: &CountWindow) -> Result<ReportCounts, StoreError> {
        let mut client = self.client()?;
        let offset = w.utc_offset_seconds as f64;
        let mut grouped = |column: &str,
                           extra: &[&(dyn ToSql + Sync)]|
         -> Result<BTreeMap<String, i64>, StoreError> {
            let sql = format!(
                "SELECT {column}, COUNT(*) FROM reports \
                 WHERE NOT hidden AND created_at >= $1 AND created_at < $2 GROUP BY 1"
            );
            let params: Vec<&(dyn ToSql + Sync)> = [&w.from as &(dyn ToSql + Sync), &w.to]
                .into_iter()
                .chain(extra.iter().copied())
                .collect();
            let rows = client.query(&sql, &params)?;
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect()
        };
        let by_status = grouped("status", &[])?;
        let by_category = grouped("category", &[])?;
        // The local day: the UTC time shifted by the city's offset ($3, seconds).
        let by_day = grouped(
            "to_char((created_at AT TIME ZONE 'UTC') + make_interval(secs => $3), 'YYYY-MM-DD')",
            &[&offset],
        )?;
        let positions = client
            .query(
                "SELECT ST_X(geom), ST_Y(geom) FROM reports \
                 WHERE NOT hidden AND created_at >= $1 AND created_at < $2",
                &[&w.from, &w.to],
            )?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let counts = client.query_one(
            "SELECT \
               COUNT(*) FILTER (WHERE created_at >= $1), \
               COUNT(*) FILTER (WHERE status IN ('submitted', 'received', 'in_progress')), \
               COUNT(*) FILTER (WHERE status = 'in_progress'), \
               COUNT(*) FILTER (WHERE status = 'resolved' AND updated_at >= $2) \
             FROM reports WHERE NOT hidden",
            &[&w.today_start, &w.week_start],
        )?;
        Ok(ReportCounts {
            in_range: by_status.values().sum(),
            today: counts.try_get(0)?,
            open: counts.try_get(1)?,
            in_progress: counts.try_get(2)?,
            resolved_this_week: counts.try_get(3)?,
            by_status,
            by_category,
            by_day,
            positions,
        })
    }
}
