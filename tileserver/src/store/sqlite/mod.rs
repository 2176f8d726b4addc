//! The embedded store: one SQLite file (WAL, foreign keys on, synchronous=FULL so a committed
//! transaction survives a crash or power loss) and report photos as files beside it. All SQL is
//! parameterized.

mod cameras;
mod changes;
mod layer_versions;
mod migrations;
mod photos;
mod report_counts;
mod reports;
mod users;

use super::StoreError;
use super::backend::delegate_store_backend;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The SQLite file and its single connection (SQLite serializes writers anyway).
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    photos_dir: PathBuf,
    origin: String,
}

/// Name of the database file inside the data folder.
pub const DATABASE_FILE: &str = "citygis.sqlite";

/// Subfolder of the data folder holding report photos.
pub const PHOTOS_DIR: &str = "photos";

impl SqliteStore {
    /// Opens (creating if needed) the database in `dir` and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let photos_dir = dir.join(PHOTOS_DIR);
        std::fs::create_dir_all(&photos_dir).map_err(|error| StoreError::Folder {
            path: photos_dir.clone(),
            error,
        })?;
        let path = dir.join(DATABASE_FILE);
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn, &path)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
            photos_dir,
            origin: super::new_origin(),
        })
    }

    pub fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

delegate_store_backend!(SqliteStore);

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let known = migrations::MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew {
            location: path.display().to_string(),
            found,
            known,
        });
    }
    for (i, sql) in migrations::MIGRATIONS
        .iter()
        .enumerate()
        .skip(found as usize)
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "database schema upgraded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let conn = store.conn();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, migrations::MIGRATIONS.len() as i64);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        drop(conn);
        drop(store);
        SqliteStore::open(dir.path()).expect("reopening an up-to-date file works");
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStore::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(
            SqliteStore::open(dir.path()),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }
}
