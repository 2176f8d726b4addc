//! The shared store: PostgreSQL with PostGIS, for several tile servers behind a load balancer.
//! Connections come from a small pool (checked before use, so a restarted database is picked up
//! again); every statement has a time limit; a database that cannot be reached is
//! [`StoreError::Unavailable`], which the HTTP layer answers with 503. Report photos are kept
//! in the database too, so every server can serve every photo.

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
use super::location::without_password;
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use std::sync::Mutex;
use std::time::Duration;

type Manager = PostgresConnectionManager<NoTls>;
type Client = r2d2::PooledConnection<Manager>;

/// How long to wait for a connection (from the pool or the network) before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The longest a statement may run.
const STATEMENT_TIMEOUT_MS: u32 = 10_000;
/// Connections each server keeps open at most.
const POOL_SIZE: u32 = 8;
/// The channel writers notify (by trigger) when they append a change.
const CHANGES_CHANNEL: &str = "citygis_changes";

/// A pool of connections to one PostgreSQL database, and one more connection that listens for
/// change notifications.
pub struct PostgresStore {
    pool: r2d2::Pool<Manager>,
    config: postgres::Config,
    url: String,
    origin: String,
    listener: Mutex<Option<postgres::Client>>,
}

impl PostgresStore {
    /// Connects to the database at `url`. Its schema must be current, or is brought up to date
    /// when `migrate`.
    pub fn connect(url: &str, migrate: bool) -> Result<Self, StoreError> {
        let shown = without_password(url);
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Location(format!("{shown} is not a PostgreSQL URL: {e}")))?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.keepalives_idle(Duration::from_secs(30));
        config.options(&format!(
            "-c TimeZone=UTC -c statement_timeout={STATEMENT_TIMEOUT_MS} -c idle_in_transaction_session_timeout={STATEMENT_TIMEOUT_MS}"
        ));
        if config.get_application_name().is_none() {
            config.application_name("citygis-tileserver");
        }
        // A first connection made by hand, so a wrong URL or a stopped database is reported
        // with the reason rather than as a pool timeout.
        let mut first = config
            .connect(NoTls)
            .map_err(|e| StoreError::Unavailable(format!("cannot connect to {shown}: {e}")))?;
        if migrate {
            migrations::migrate(&mut first, &shown)?;
        } else {
            migrations::check(&mut first, &shown)?;
        }
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CONNECT_TIMEOUT)
            .test_on_check_out(true)
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(PostgresConnectionManager::new(config.clone(), NoTls));
        Ok(Self {
            pool,
            config,
            url: shown,
            origin: super::new_origin(),
            listener: Mutex::new(None),
        })
    }

    pub fn describe(&self) -> String {
        self.url.clone()
    }

    /// A pooled connection, or `Unavailable` when none can be had in time.
    fn client(&self) -> Result<Client, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(format!("no connection to {} ({e})", self.url)))
    }
}

delegate_store_backend!(PostgresStore);

/// Our error for a PostgreSQL one: a lost or refused connection is `Unavailable`, a unique
/// constraint is `Conflict`.
impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        match e.code() {
            None if lost_connection(&e) => StoreError::Unavailable(e.to_string()),
            None => StoreError::Postgres(e.to_string()),
            Some(code)
                if *code == SqlState::ADMIN_SHUTDOWN
                    || *code == SqlState::CRASH_SHUTDOWN
                    || *code == SqlState::CANNOT_CONNECT_NOW
                    || *code == SqlState::QUERY_CANCELED
                    || *code == SqlState::CONNECTION_FAILURE
                    || *code == SqlState::READ_ONLY_SQL_TRANSACTION =>
            {
                StoreError::Unavailable(e.to_string())
            }
            Some(code) if *code == SqlState::UNIQUE_VIOLATION => {
                StoreError::Conflict(e.to_string())
            }
            Some(_) => StoreError::Postgres(e.to_string()),
        }
    }
}

/// Whether an error without an SQL state is about the connection (rather than, say, a column
/// of an unexpected type).
fn lost_connection(e: &postgres::Error) -> bool {
    let message = e.to_string();
    e.is_closed()
        || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
        || ["error connecting", "error communicating", "timeout"]
            .iter()
            .any(|start| message.starts_with(start))
}
