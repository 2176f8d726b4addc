//! Camera status in PostgreSQL.

use super::PostgresStore;
use crate::store::{CameraStatusRow, ChangeKind, StatusOutcome, StatusReport, StoreError};
use chrono::{DateTime, Utc};

impl PostgresStore {
    pub fn camera_statuses(&self) -> Result<Vec<CameraStatusRow>, StoreError> {
        let rows = self.client()?.query(
            "SELECT camera_id, status, since, reported_at FROM camera_status ORDER BY camera_id",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(CameraStatusRow {
                    camera_id: r.try_get::<_, i64>(0)? as u64,
                    status: r.try_get(1)?,
                    since: r.try_get(2)?,
                    reported_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub fn report_camera_statuses(
        &self,
        reports: &[StatusReport],
        reported_by: &str,
    ) -> Result<Vec<(StatusOutcome, CameraStatusRow)>, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        let mut out = Vec::with_capacity(reports.len());
        for report in reports {
            let camera = report.camera_id as i64;
            let stored: Option<(String, DateTime<Utc>, DateTime<Utc>)> = tx
                .query_opt(
                    "SELECT status, since, reported_at FROM camera_status WHERE camera_id = $1 FOR UPDATE",
                    &[&camera],
                )?
                .map(|r| Ok::<_, StoreError>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                .transpose()?;
            let (outcome, since) = match &stored {
                Some((_, since, reported_at)) if *reported_at > report.at => {
                    (StatusOutcome::Stale, *since)
                }
                Some((status, since, _)) if *status == report.status => {
                    (StatusOutcome::Unchanged, *since)
                }
                _ => (StatusOutcome::Changed, report.at),
            };
            if outcome != StatusOutcome::Stale {
                tx.execute(
                    "INSERT INTO camera_status (camera_id, status, since, reported_at, reported_by)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (camera_id) DO UPDATE SET status = excluded.status,
                         since = excluded.since, reported_at = excluded.reported_at,
                         reported_by = excluded.reported_by",
                    &[&camera, &report.status, &since, &report.at, &reported_by],
                )?;
                super::changes::record(&mut tx, ChangeKind::CameraStatus, camera, &self.origin)?;
            }
            let (status, reported_at) = match (&stored, outcome) {
                (Some((status, _, reported_at)), StatusOutcome::Stale) => {
                    (status.clone(), *reported_at)
                }
                _ => (report.status.clone(), report.at),
            };
            out.push((
                outcome,
                CameraStatusRow {
                    camera_id: report.camera_id,
                    status,
                    since,
                    reported_at,
                },
            ));
        }
        tx.commit()?;
        Ok(out)
    }
}
