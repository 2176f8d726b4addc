//! Layer versions in SQLite.

use super::SqliteStore;
use crate::store::{LayerVersion, NewLayerVersion, StoreError, parse_timestamp, timestamp};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

const VERSION_COLUMNS: &str = "v.layer, v.version, v.imported_at, v.imported_by, v.source_file, \
     v.source_format, v.source_crs, v.features, v.repaired, v.rejected, \
     (a.version_id IS NOT NULL) AS active";

fn version_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(LayerVersion, String)> {
    Ok((
        LayerVersion {
            layer: r.get(0)?,
            version: r.get::<_, i64>(1)? as u64,
            imported_at: DateTime::<Utc>::MIN_UTC,
            imported_by: r.get(3)?,
            source_file: r.get(4)?,
            source_format: r.get(5)?,
            source_crs: r.get(6)?,
            features: r.get::<_, i64>(7)? as u64,
            repaired: r.get::<_, i64>(8)? as u64,
            rejected: r.get::<_, i64>(9)? as u64,
            active: r.get(10)?,
        },
        r.get(2)?,
    ))
}

impl SqliteStore {
    /// Stores a new version of a layer (numbered one above the highest), and makes it the
    /// served version when `activate`; all in one transaction. Returns the version number.
    pub fn add_layer_version(
        &self,
        new: &NewLayerVersion<'_>,
        activate: bool,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let version: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM layer_versions WHERE layer = ?1",
            [new.layer],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO layer_versions (layer, version, imported_at, imported_by, source_file,
                 source_format, source_crs, features, repaired, rejected, geojson_gzip)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                new.layer,
                version,
                timestamp(at),
                new.imported_by,
                new.source_file,
                new.source_format,
                new.source_crs,
                new.features as i64,
                new.repaired as i64,
                new.rejected as i64,
                new.geojson_gzip,
            ],
        )?;
        if activate {
            let id = tx.last_insert_rowid();
            set_active(&tx, new.layer, id, new.imported_by, at)?;
        }
        tx.commit()?;
        Ok(version as u64)
    }

    /// Makes `version` the served version of `layer`; `None` when there is no such version.
    pub fn activate_layer_version(
        &self,
        layer: &str,
        version: u64,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<()>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM layer_versions WHERE layer = ?1 AND version = ?2",
                params![layer, version as i64],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else {
            return Ok(None);
        };
        set_active(&tx, layer, id, by, at)?;
        tx.commit()?;
        Ok(Some(()))
    }

    /// Every version of `layer`, newest first.
    pub fn layer_versions(&self, layer: &str) -> Result<Vec<LayerVersion>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {VERSION_COLUMNS} FROM layer_versions v
             LEFT JOIN layer_active a ON a.version_id = v.id
             WHERE v.layer = ?1 ORDER BY v.version DESC"
        ))?;
        let rows = stmt
            .query_map([layer], version_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mut v, at)| {
                v.imported_at = parse_timestamp(&at)?;
                Ok(v)
            })
            .collect()
    }

    /// The served version number of every layer that has one, by layer name.
    pub fn active_layer_versions(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT a.layer, v.version FROM layer_active a
             JOIN layer_versions v ON v.id = a.version_id ORDER BY a.layer",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The features of one version (gzip GeoJSON), `None` when there is no such version.
    pub fn layer_version_features(
        &self,
        layer: &str,
        version: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT geojson_gzip FROM layer_versions WHERE layer = ?1 AND version = ?2",
                params![layer, version as i64],
                |r| r.get(0),
            )
            .optional()?)
    }
}

fn set_active(
    tx: &rusqlite::Transaction<'_>,
    layer: &str,
    version_id: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO layer_active (layer, version_id, switched_at, switched_by)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (layer) DO UPDATE SET version_id = excluded.version_id,
             switched_at = excluded.switched_at, switched_by = excluded.switched_by",
        params![layer, version_id, timestamp(at), by],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(layer: &str) -> NewLayerVersion<'_> {
        NewLayerVersion {
            layer,
            imported_by: "cli:test",
            source_file: "quy_hoach.shp",
            source_format: "Shapefile",
            source_crs: "EPSG:9213",
            features: 2,
            repaired: 1,
            rejected: 0,
            geojson_gzip: b"gz",
        }
    }

    #[test]
    fn numbers_versions_and_switches_the_served_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let now = Utc::now();
        assert!(store.active_layer_versions().unwrap().is_empty());
        assert_eq!(
            store
                .add_layer_version(&new("planning"), true, now)
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .add_layer_version(&new("planning"), false, now)
                .unwrap(),
            2
        );
        assert_eq!(
            store.add_layer_version(&new("wards"), true, now).unwrap(),
            1
        );
        assert_eq!(
            store.active_layer_versions().unwrap(),
            vec![("planning".into(), 1), ("wards".into(), 1)],
            "a staged version is not served"
        );
        let versions = store.layer_versions("planning").unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!((versions[0].version, versions[0].active), (2, false));
        assert_eq!((versions[1].version, versions[1].active), (1, true));
        assert_eq!(versions[1].repaired, 1);

        store
            .activate_layer_version("planning", 2, "planner", now)
            .unwrap()
            .unwrap();
        assert_eq!(
            store.active_layer_versions().unwrap()[0],
            ("planning".into(), 2)
        );
        assert!(
            store
                .activate_layer_version("planning", 9, "planner", now)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store
                .layer_version_features("planning", 1)
                .unwrap()
                .as_deref(),
            Some(&b"gz"[..])
        );
    }
}
