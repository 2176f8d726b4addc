//! The data store: reports, staff users, camera status and layer versions, behind one interface
//! with two implementations. The embedded SQLite file is the default for one city on one machine;
//! PostgreSQL with PostGIS is the shared store of several tile servers. Every write that other
//! servers must see also appends to the store's change feed in the same transaction.

mod backend;
mod cameras;
mod changes;
mod layer_versions;
mod location;
pub mod postgres;
mod report_counts;
mod reports;
pub mod sqlite;
mod users;

pub use backend::StoreBackend;
pub use cameras::{CameraStatusRow, StatusOutcome, StatusReport};
pub use changes::{Change, ChangeKind};
pub use layer_versions::{LayerVersion, NewLayerVersion};
pub use location::StoreLocation;
pub use postgres::PostgresStore;
pub use report_counts::{CountWindow, ReportCounts};
pub use reports::{ListQuery, NewReportRow, ReportChange};
pub use sqlite::SqliteStore;
pub use users::{Role, User};

use std::path::PathBuf;
use std::sync::Arc;

/// The store, whichever database holds it.
pub type Store = dyn StoreBackend;

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(String),
    /// The database cannot be reached (down, restarting, network): nothing was stored; the
    /// caller may try again later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("cannot create the data folder {path}: {error}")]
    Folder {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot write or read the file {path}: {error}")]
    File {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "the database {location} has schema version {found}, newer than this program knows ({known}); upgrade CityGIS"
    )]
    TooNew {
        location: String,
        found: i64,
        known: i64,
    },
    #[error(
        "the database {location} has schema version {found}, older than this program needs ({known}); run `tileserver migrate --store …` first"
    )]
    TooOld {
        location: String,
        found: i64,
        known: i64,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Location(String),
}

impl Store {
    /// Opens the store at `location`. A SQLite file is created and brought up to date; a
    /// PostgreSQL database must have been migrated (`tileserver migrate`) unless `migrate`.
    pub fn open(location: &StoreLocation, migrate: bool) -> Result<Arc<Store>, StoreError> {
        Ok(match location {
            StoreLocation::Sqlite(dir) => Arc::new(SqliteStore::open(dir)?),
            StoreLocation::Postgres(url) => Arc::new(PostgresStore::connect(url, migrate)?),
        })
    }
}

/// Timestamps are stored as RFC 3339 UTC with milliseconds, which sort as text.
pub(crate) fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_timestamp(text: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {text:?}: {e}")))
}

/// A random name for the store instance: stamped on the changes it writes, so a server can tell
/// its own changes from other servers'.
pub(crate) fn new_origin() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `name` is a photo file name the store hands out (hex and `.jpg`), so a name from a
/// URL can never reach another file.
pub fn is_photo_name(name: &str) -> bool {
    name.strip_suffix(".jpg")
        .is_some_and(|stem| !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_hexdigit()))
}
