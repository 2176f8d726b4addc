//! Camera status in PostgreSQL.

use super::PostgresStore;
use crate::store::cameras::apply_status;
use crate::store::{CameraStatusRow, ChangeKind, StatusOutcome, StatusReport, StoreError};

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
            let stored = tx
                .query_opt(
                    "SELECT status, since, reported_at FROM camera_status WHERE camera_id = $1 FOR UPDATE",
                    &[&camera],
                )?
                .map(|r| {
                    Ok::<_, StoreError>(CameraStatusRow {
                        camera_id: report.camera_id,
                        status: r.try_get(0)?,
                        since: r.try_get(1)?,
                        reported_at: r.try_get(2)?,
                    })
                })
                .transpose()?;
            let (outcome, row) = apply_status(stored, report);
            if outcome != StatusOutcome::Stale {
                tx.execute(
                    "INSERT INTO camera_status (camera_id, status, since, reported_at, reported_by)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (camera_id) DO UPDATE SET status = excluded.status,
                         since = excluded.since, reported_at = excluded.reported_at,
                         reported_by = excluded.reported_by",
                    &[
                        &camera,
                        &row.status,
                        &row.since,
                        &row.reported_at,
                        &reported_by,
                    ],
                )?;
            }
            out.push((outcome, row));
        }
        // The change feed's lock last, after the rows' locks, so two batches never wait on
        // each other in opposite orders.
        let changed: Vec<i64> = out
            .iter()
            .filter(|(o, _)| *o != StatusOutcome::Stale)
            .map(|(_, row)| row.camera_id as i64)
            .collect();
        super::changes::record(&mut tx, ChangeKind::CameraStatus, &changed, &self.origin)?;
        tx.commit()?;
        Ok(out)
    }
}
