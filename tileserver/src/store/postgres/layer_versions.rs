//! Layer versions in PostgreSQL.

use super::PostgresStore;
use crate::store::{LayerVersion, NewLayerVersion, StoreError};
use chrono::{DateTime, Utc};

const VERSION_COLUMNS: &str = "v.layer, v.version, v.imported_at, v.imported_by, v.source_file, \
     v.source_format, v.source_crs, v.features, v.repaired, v.rejected, \
     (a.version_id IS NOT NULL) AS active";

fn set_active(
    tx: &mut postgres::Transaction<'_>,
    layer: &str,
    version_id: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO layer_active (layer, version_id, switched_at, switched_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (layer) DO UPDATE SET version_id = excluded.version_id,
             switched_at = excluded.switched_at, switched_by = excluded.switched_by",
        &[&layer, &version_id, &at, &by],
    )?;
    Ok(())
}

impl PostgresStore {
    pub fn add_layer_version(
        &self,
        new: &NewLayerVersion<'_>,
        activate: bool,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        // Two imports of one layer at once take turns, so their numbers differ.
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&new.layer])?;
        let row = tx.query_one(
            "INSERT INTO layer_versions (layer, version, imported_at, imported_by, source_file,
                 source_format, source_crs, features, repaired, rejected, geojson_gzip)
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10
             FROM layer_versions WHERE layer = $1
             RETURNING id, version",
            &[
                &new.layer,
                &at,
                &new.imported_by,
                &new.source_file,
                &new.source_format,
                &new.source_crs,
                &(new.features as i64),
                &(new.repaired as i64),
                &(new.rejected as i64),
                &new.geojson_gzip,
            ],
        )?;
        let (id, version): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        if activate {
            set_active(&mut tx, new.layer, id, new.imported_by, at)?;
        }
        tx.commit()?;
        Ok(version as u64)
    }

    pub fn activate_layer_version(
        &self,
        layer: &str,
        version: u64,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<()>, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        let Some(row) = tx.query_opt(
            "SELECT id FROM layer_versions WHERE layer = $1 AND version = $2",
            &[&layer, &(version as i64)],
        )?
        else {
            return Ok(None);
        };
        set_active(&mut tx, layer, row.try_get(0)?, by, at)?;
        tx.commit()?;
        Ok(Some(()))
    }

    pub fn layer_versions(&self, layer: &str) -> Result<Vec<LayerVersion>, StoreError> {
        let rows = self.client()?.query(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM layer_versions v
                 LEFT JOIN layer_active a ON a.version_id = v.id
                 WHERE v.layer = $1 ORDER BY v.version DESC"
            ),
            &[&layer],
        )?;
        rows.iter()
            .map(|r| {
                Ok(LayerVersion {
                    layer: r.try_get(0)?,
                    version: r.try_get::<_, i64>(1)? as u64,
                    imported_at: r.try_get(2)?,
                    imported_by: r.try_get(3)?,
                    source_file: r.try_get(4)?,
                    source_format: r.try_get(5)?,
                    source_crs: r.try_get(6)?,
                    features: r.try_get::<_, i64>(7)? as u64,
                    repaired: r.try_get::<_, i64>(8)? as u64,
                    rejected: r.try_get::<_, i64>(9)? as u64,
                    active: r.try_get(10)?,
                })
            })
            .collect()
    }

    pub fn active_layer_versions(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = self.client()?.query(
            "SELECT a.layer, v.version FROM layer_active a
             JOIN layer_versions v ON v.id = a.version_id ORDER BY a.layer",
            &[],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get::<_, i64>(1)? as u64)))
            .collect()
    }

    pub fn layer_version_features(
        &self,
        layer: &str,
        version: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .client()?
            .query_opt(
                "SELECT geojson_gzip FROM layer_versions WHERE layer = $1 AND version = $2",
                &[&layer, &(version as i64)],
            )?
            .map(|r| r.get(0)))
    }
}
