//! The PostgreSQL schema, in versions applied in order; `citygis_schema` records how far a
//! database has come. Positions are PostGIS points (EPSG:4326) with a GiST index.

use crate::store::StoreError;

/// Each entry upgrades the schema by one version.
const MIGRATIONS: &[&str] = &[
    // 1: everything the SQLite schema had at its version 4, at once.
    r#"
    CREATE EXTENSION IF NOT EXISTS postgis;
    CREATE TABLE users (
        id            BIGSERIAL PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('operator', 'planner', 'admin')),
        created_at    TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE api_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        label      TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE reports (
        id             BIGSERIAL PRIMARY KEY,
        tracking_code  TEXT NOT NULL UNIQUE,
        category       TEXT NOT NULL,
        description    TEXT NOT NULL,
        geom           geometry(Point, 4326) NOT NULL,
        address        TEXT,
        ward           TEXT,
        reporter_name  TEXT,
        reporter_phone TEXT,
        reporter_email TEXT,
        status         TEXT NOT NULL,
        duplicate_of   BIGINT REFERENCES reports(id),
        agency         TEXT,
        expected_at    TIMESTAMPTZ,
        hidden         BOOLEAN NOT NULL DEFAULT false,
        source         TEXT NOT NULL,
        created_at     TIMESTAMPTZ NOT NULL,
        updated_at     TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX reports_geom ON reports USING GIST (geom);
    CREATE INDEX reports_created ON reports (created_at);
    CREATE INDEX reports_status ON reports (status);
    CREATE TABLE photo_files (
        name      TEXT PRIMARY KEY,
        jpeg      BYTEA NOT NULL,
        stored_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE TABLE report_photos (
        report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        file      TEXT NOT NULL UNIQUE,
        width     INTEGER NOT NULL,
        height    INTEGER NOT NULL,
        PRIMARY KEY (report_id, position)
    );
    CREATE TABLE report_history (
        id           BIGSERIAL PRIMARY KEY,
        report_id    BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        at           TIMESTAMPTZ NOT NULL,
        user_id      BIGINT REFERENCES users(id),
        actor        TEXT NOT NULL,
        action       TEXT NOT NULL,
        status       TEXT,
        public_note  TEXT,
        private_note TEXT
    );
    CREATE INDEX report_history_report ON report_history (report_id);
    CREATE TABLE camera_status (
        camera_id   BIGINT PRIMARY KEY,
        status      TEXT NOT NULL CHECK (status IN ('online', 'offline', 'maintenance')),
        since       TIMESTAMPTZ NOT NULL,
        reported_at TIMESTAMPTZ NOT NULL,
        reported_by TEXT NOT NULL
    );
    CREATE TABLE layer_versions (
        id            BIGSERIAL PRIMARY KEY,
        layer         TEXT NOT NULL,
        version       BIGINT NOT NULL,
        imported_at   TIMESTAMPTZ NOT NULL,
        imported_by   TEXT NOT NULL,
        source_file   TEXT NOT NULL,
        source_format TEXT NOT NULL,
        source_crs    TEXT NOT NULL,
        features      BIGINT NOT NULL,
        repaired      BIGINT NOT NULL,
        rejected      BIGINT NOT NULL,
        geojson_gzip  BYTEA NOT NULL,
        UNIQUE (layer, version)
    );
    CREATE TABLE layer_active (
        layer       TEXT PRIMARY KEY,
        version_id  BIGINT NOT NULL REFERENCES layer_versions(id),
        switched_at TIMESTAMPTZ NOT NULL,
        switched_by TEXT NOT NULL
    );
    CREATE TABLE changes (
        seq    BIGSERIAL PRIMARY KEY,
        kind   TEXT NOT NULL,
        key    BIGINT NOT NULL,
        origin TEXT NOT NULL,
        at     TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE FUNCTION citygis_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('citygis_changes', NEW.seq::text);
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER changes_notify AFTER INSERT ON changes
        FOR EACH ROW EXECUTE FUNCTION citygis_notify_change();
    "#,
    // 2: the client's idempotency key of a filed report.
    r#"
    ALTER TABLE reports ADD COLUMN client_key TEXT;
    CREATE UNIQUE INDEX reports_client_key ON reports (client_key);
    "#,
];

/// Any number: two servers migrating at once take turns on this advisory lock.
const MIGRATION_LOCK: i64 = 0x00C1_7961_5000;

/// The schema version a database has (0 for an empty one).
fn version(client: &mut impl postgres::GenericClient) -> Result<i64, StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('citygis_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_opt("SELECT version FROM citygis_schema", &[])?
        .map_or(0, |r| r.get::<_, i32>(0) as i64))
}

/// Brings the schema up to date, each version in its own transaction.
pub(super) fn migrate(client: &mut postgres::Client, location: &str) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS citygis_schema (version INTEGER NOT NULL)")?;
    let found = version(&mut tx)?;
    if found > known {
        return Err(StoreError::TooNew {
            location: location.to_owned(),
            found,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql)?;
        tx.execute("DELETE FROM citygis_schema", &[])?;
        tx.execute(
            "INSERT INTO citygis_schema (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )?;
        tracing::info!(version = i + 1, "database schema upgraded");
    }
    tx.commit()?;
    Ok(())
}

/// Refuses a database whose schema is not the one this program knows.
pub(super) fn check(client: &mut postgres::Client, location: &str) -> Result<(), StoreError> {
    let (found, known) = (version(client)?, MIGRATIONS.len() as i64);
    let location = location.to_owned();
    match found.cmp(&known) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Less => Err(StoreError::TooOld {
            location,
            found,
            known,
        }),
        std::cmp::Ordering::Greater => Err(StoreError::TooNew {
            location,
            found,
            known,
        }),
    }
}
