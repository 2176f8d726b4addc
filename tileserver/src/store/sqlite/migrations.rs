//! Schema versions, applied in order; `PRAGMA user_version` records how far a file has come.

/// Each entry upgrades the schema by one version.
pub const MIGRATIONS: &[&str] = &[
    // 1: reports with photos and history, staff users, sessions and API tokens.
    r#"
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('operator', 'planner', 'admin')),
        created_at    TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE api_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        label      TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE reports (
        id             INTEGER PRIMARY KEY,
        tracking_code  TEXT NOT NULL UNIQUE,
        category       TEXT NOT NULL,
        description    TEXT NOT NULL,
        lon            REAL NOT NULL,
        lat            REAL NOT NULL,
        address        TEXT,
        ward           TEXT,
        reporter_name  TEXT,
        reporter_phone TEXT,
        reporter_email TEXT,
        status         TEXT NOT NULL,
        duplicate_of   INTEGER REFERENCES reports(id),
        agency         TEXT,
        expected_at    TEXT,
        hidden         INTEGER NOT NULL DEFAULT 0,
        source         TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );
    CREATE INDEX reports_created ON reports(created_at);
    CREATE INDEX reports_status ON reports(status);
    CREATE TABLE report_photos (
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        file      TEXT NOT NULL UNIQUE,
        width     INTEGER NOT NULL,
        height    INTEGER NOT NULL,
        PRIMARY KEY (report_id, position)
    );
    CREATE TABLE report_history (
        id           INTEGER PRIMARY KEY,
        report_id    INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        at           TEXT NOT NULL,
        user_id      INTEGER REFERENCES users(id),
        actor        TEXT NOT NULL,
        action       TEXT NOT NULL,
        status       TEXT,
        public_note  TEXT,
        private_note TEXT
    );
    CREATE INDEX report_history_report ON report_history(report_id);
    "#,
    // 2: camera status reported by operators and monitoring systems.
    r#"
    CREATE TABLE camera_status (
        camera_id   INTEGER PRIMARY KEY,
        status      TEXT NOT NULL CHECK (status IN ('online', 'offline', 'maintenance')),
        since       TEXT NOT NULL,
        reported_at TEXT NOT NULL,
        reported_by TEXT NOT NULL
    );
    "#,
    // 3: imported versions of file layers (planning data) and which one each layer serves.
    r#"
    CREATE TABLE layer_versions (
        id            INTEGER PRIMARY KEY,
        layer         TEXT NOT NULL,
        version       INTEGER NOT NULL,
        imported_at   TEXT NOT NULL,
        imported_by   TEXT NOT NULL,
        source_file   TEXT NOT NULL,
        source_format TEXT NOT NULL,
        source_crs    TEXT NOT NULL,
        features      INTEGER NOT NULL,
        repaired      INTEGER NOT NULL,
        rejected      INTEGER NOT NULL,
        geojson_gzip  BLOB NOT NULL,
        UNIQUE (layer, version)
    );
    CREATE TABLE layer_active (
        layer       TEXT PRIMARY KEY,
        version_id  INTEGER NOT NULL REFERENCES layer_versions(id),
        switched_at TEXT NOT NULL,
        switched_by TEXT NOT NULL
    );
    "#,
    // 4: the change feed other processes on the same store follow.
    r#"
    CREATE TABLE changes (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT,
        kind   TEXT NOT NULL,
        key    INTEGER NOT NULL,
        origin TEXT NOT NULL,
        at     TEXT NOT NULL
    );
    "#,
    // 5: the client's idempotency key of a filed report.
    r#"
    ALTER TABLE reports ADD COLUMN client_key TEXT;
    CREATE UNIQUE INDEX reports_client_key ON reports(client_key);
    "#,
];
