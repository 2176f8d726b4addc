//! Camera status in SQLite.

use super::SqliteStore;
use crate::store::cameras::apply_status;
use crate::store::{
    CameraStatusRow, ChangeKind, StatusOutcome, StatusReport, StoreError, parse_timestamp,
    timestamp,
};
use rusqlite::OptionalExtension;

impl SqliteStore {
    /// Every stored camera status.
    pub fn camera_statuses(&self) -> Result<Vec<CameraStatusRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT camera_id, status, since, reported_at FROM camera_status ORDER BY camera_id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, status, since, reported_at)| {
                Ok(CameraStatusRow {
                    camera_id: id as u64,
                    status,
                    since: parse_timestamp(&since)?,
                    reported_at: parse_timestamp(&reported_at)?,
                })
            })
            .collect()
    }

    /// Stores a batch of reports in one transaction (all or nothing), in order; returns each
    /// one's outcome and the camera's status afterwards.
    pub fn report_camera_statuses(
        &self,
        reports: &[StatusReport],
        reported_by: &str,
    ) -> Result<Vec<(StatusOutcome, CameraStatusRow)>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut out = Vec::with_capacity(reports.len());
        for report in reports {
            let stored: Option<(String, String, String)> = tx
                .query_row(
                    "SELECT status, since, reported_at FROM camera_status WHERE camera_id = ?1",
                    [report.camera_id as i64],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let stored = stored
                .map(|(status, since, reported_at)| {
                    Ok::<_, StoreError>(CameraStatusRow {
                        camera_id: report.camera_id,
                        status,
                        since: parse_timestamp(&since)?,
                        reported_at: parse_timestamp(&reported_at)?,
                    })
                })
                .transpose()?;
            let (outcome, row) = apply_status(stored, report);
            if outcome != StatusOutcome::Stale {
                super::changes::record(
                    &tx,
                    ChangeKind::CameraStatus,
                    report.camera_id as i64,
                    &self.origin,
                )?;
                tx.execute(
                    "INSERT INTO camera_status (camera_id, status, since, reported_at, reported_by)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (camera_id) DO UPDATE SET status = excluded.status,
                         since = excluded.since, reported_at = excluded.reported_at,
                         reported_by = excluded.reported_by",
                    (
                        report.camera_id as i64,
                        &row.status,
                        timestamp(row.since),
                        timestamp(row.reported_at),
                        reported_by,
                    ),
                )?;
            }
            out.push((outcome, row));
        }
        tx.commit()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, h, 0, 0).unwrap()
    }

    fn report(id: u64, status: &str, h: u32) -> StatusReport {
        StatusReport {
            camera_id: id,
            status: status.into(),
            at: at(h),
        }
    }

    #[test]
    fn keeps_since_for_repeats_and_ignores_older_reports() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let out = store
            .report_camera_statuses(&[report(7, "offline", 8), report(9, "online", 8)], "test")
            .unwrap();
        assert!(out.iter().all(|(o, _)| *o == StatusOutcome::Changed));
        // Still offline an hour later: offline since 8, not 9.
        let out = store
            .report_camera_statuses(&[report(7, "offline", 9)], "test")
            .unwrap();
        assert_eq!(out[0].0, StatusOutcome::Unchanged);
        assert_eq!(out[0].1.since, at(8));
        // A late report from 7 o'clock changes nothing.
        let out = store
            .report_camera_statuses(&[report(7, "online", 7)], "test")
            .unwrap();
        assert_eq!(out[0].0, StatusOutcome::Stale);
        assert_eq!(out[0].1.status, "offline");
        // Back online at 10; the store survives reopening.
        store
            .report_camera_statuses(&[report(7, "online", 10)], "test")
            .unwrap();
        drop(store);
        let rows = SqliteStore::open(dir.path())
            .unwrap()
            .camera_statuses()
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].camera_id, rows[0].status.as_str()), (7, "online"));
        assert_eq!(rows[0].since, at(10));
    }
}
