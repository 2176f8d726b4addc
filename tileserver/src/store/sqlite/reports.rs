//! Reports, their photos and their history in SQLite.

use super::SqliteStore;
use crate::reports::{Contact, HistoryEntry, Photo, Report, ReportPoint, Status};
use crate::store::{
    ChangeKind, ListQuery, NewReportRow, ReportChange, StoreError, parse_timestamp, timestamp,
};
use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use std::collections::HashMap;

const COLUMNS: &str = "id, tracking_code, category, description, lon, lat, address, ward, reporter_name, \
    reporter_phone, reporter_email, status, duplicate_of, agency, expected_at, hidden, source, created_at, updated_at";

/// A `reports` row as SQLite gives it; timestamps and status are parsed in `into_report`, so
/// a bad stored value is our `Corrupt` error rather than SQLite's.
struct ReportRow {
    report: Report,
    status: String,
    expected_at: Option<String>,
    created_at: String,
    updated_at: String,
}

fn report_row(row: &Row<'_>) -> rusqlite::Result<ReportRow> {
    Ok(ReportRow {
        report: Report {
            id: row.get(0)?,
            tracking_code: row.get(1)?,
            category: row.get(2)?,
            description: row.get(3)?,
            lon: row.get(4)?,
            lat: row.get(5)?,
            address: row.get(6)?,
            ward: row.get(7)?,
            contact: Contact {
                name: row.get(8)?,
                phone: row.get(9)?,
                email: row.get(10)?,
            },
            status: Status::Submitted,
            duplicate_of: row.get(12)?,
            agency: row.get(13)?,
            expected_at: None,
            hidden: row.get(15)?,
            source: row.get(16)?,
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
            photos: Vec::new(),
        },
        status: row.get(11)?,
        expected_at: row.get(14)?,
        created_at: row.get(17)?,
        updated_at: row.get(18)?,
    })
}

impl ReportRow {
    fn into_report(self, photos: Vec<Photo>) -> Result<Report, StoreError> {
        let mut report = self.report;
        report.status = self.status.parse().map_err(StoreError::Corrupt)?;
        report.expected_at = self
            .expected_at
            .as_deref()
            .map(parse_timestamp)
            .transpose()?;
        report.created_at = parse_timestamp(&self.created_at)?;
        report.updated_at = parse_timestamp(&self.updated_at)?;
        report.photos = photos;
        Ok(report)
    }
}

/// Photos of the given reports, in one query.
fn photos_of(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, Vec<Photo>>, StoreError> {
    let mut out: HashMap<i64, Vec<Photo>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT report_id, file, width, height FROM report_photos \
         WHERE report_id IN (SELECT value FROM json_each(?1)) ORDER BY report_id, position",
    )?;
    let rows = stmt.query_map([json_array(ids)], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Photo {
                file: r.get(1)?,
                width: r.get(2)?,
                height: r.get(3)?,
            },
        ))
    })?;
    for row in rows {
        let (id, photo) = row?;
        out.entry(id).or_default().push(photo);
    }
    Ok(out)
}

/// Finishes rows into reports, with their photos.
fn into_reports(conn: &Connection, rows: Vec<ReportRow>) -> Result<Vec<Report>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.report.id).collect();
    let mut photos = photos_of(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let p = photos.remove(&r.report.id).unwrap_or_default();
            r.into_report(p)
        })
        .collect()
}

fn insert(tx: &Transaction<'_>, row: &NewReportRow) -> Result<i64, StoreError> {
    let at = timestamp(row.created_at);
    let result = tx.execute(
        "INSERT INTO reports (id, tracking_code, category, description, lon, lat, address, ward, reporter_name, \
         reporter_phone, reporter_email, status, source, created_at, updated_at, client_key) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15)",
        params![
            row.id,
            row.tracking_code,
            row.category,
            row.description,
            row.lon,
            row.lat,
            row.address,
            row.ward,
            row.contact.name,
            row.contact.phone,
            row.contact.email,
            row.status.as_str(),
            row.source,
            at,
            row.client_key
        ],
    );
    if let Err(rusqlite::Error::SqliteFailure(e, _)) = &result
        && e.code == rusqlite::ErrorCode::ConstraintViolation
    {
        return Err(StoreError::Conflict(format!(
            "tracking code {} or id already exists",
            row.tracking_code
        )));
    }
    result?;
    let id = tx.last_insert_rowid();
    for (position, p) in row.photos.iter().enumerate() {
        tx.execute(
            "INSERT INTO report_photos (report_id, position, file, width, height) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, position as i64, p.file, p.width, p.height],
        )?;
    }
    tx.execute(
        "INSERT INTO report_history (report_id, at, actor, action, status) VALUES (?1, ?2, ?3, 'created', ?4)",
        params![id, at, row.actor, row.status.as_str()],
    )?;
    Ok(id)
}

impl SqliteStore {
    /// Inserts one report with its photos and a "created" history line, in one committed
    /// transaction; returns it as stored.
    pub fn insert_report(&self, row: &NewReportRow) -> Result<Report, StoreError> {
        let mut conn = self.conn();
        if let Some(key) = &row.client_key {
            let filed: Option<i64> = conn
                .query_row("SELECT id FROM reports WHERE client_key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(id) = filed {
                return load(&conn, id)?
                    .ok_or_else(|| StoreError::Corrupt(format!("report {id} vanished")));
            }
        }
        let tx = conn.transaction()?;
        let id = insert(&tx, row)?;
        super::changes::record(&tx, ChangeKind::ReportCreated, id, &self.origin)?;
        tx.commit()?;
        load(&conn, id)?.ok_or_else(|| StoreError::Corrupt("inserted report vanished".into()))
    }

    /// Inserts many reports in one transaction (seeding).
    pub fn insert_reports(&self, rows: &[NewReportRow]) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for row in rows {
            insert(&tx, row)?;
        }
        tx.commit()?;
        Ok(rows.len())
    }

    /// Number of stored reports, hidden ones included.
    pub fn report_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))?)
    }

    /// The report with this id.
    pub fn report(&self, id: i64) -> Result<Option<Report>, StoreError> {
        load(&self.conn(), id)
    }

    /// The report with this tracking code (already normalised).
    pub fn report_by_code(&self, code: &str) -> Result<Option<Report>, StoreError> {
        let conn = self.conn();
        let id: Option<i64> = conn
            .query_row(
                "SELECT id FROM reports WHERE tracking_code = ?1",
                [code],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => load(&conn, id),
            None => Ok(None),
        }
    }

    /// Reports matching `query`, newest (highest id) first.
    pub fn reports(&self, query: &ListQuery) -> Result<Vec<Report>, StoreError> {
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM reports WHERE 1 = 1"));
        if !query.include_hidden {
            q.sql.push_str(" AND hidden = 0");
        }
        if let Some([w, s, e, n]) = query.bbox {
            q.push(" AND lon >= ?", w.into());
            q.push(" AND lat >= ?", s.into());
            q.push(" AND lon <= ?", e.into());
            q.push(" AND lat <= ?", n.into());
        }
        let statuses: Vec<&str> = query.statuses.iter().map(|s| s.as_str()).collect();
        if !statuses.is_empty() {
            q.push(
                " AND status IN (SELECT value FROM json_each(?))",
                json_array(&statuses),
            );
        }
        if !query.categories.is_empty() {
            q.push(
                " AND category IN (SELECT value FROM json_each(?))",
                json_array(&query.categories),
            );
        }
        if !query.ids.is_empty() {
            q.push(
                " AND id IN (SELECT value FROM json_each(?))",
                json_array(&query.ids),
            );
        }
        if let Some(since) = query.since {
            q.push(" AND created_at >= ?", timestamp(since).into());
        }
        if let Some(until) = query.until {
            q.push(" AND created_at <= ?", timestamp(until).into());
        }
        if let Some(before) = query.before_id {
            q.push(" AND id < ?", before.into());
        }
        q.sql.push_str(" ORDER BY id DESC");
        if let Some(limit) = query.limit {
            q.push(" LIMIT ?", (limit as i64).into());
        }
        let conn = self.conn();
        let mut stmt = conn.prepare(&q.sql)?;
        let rows: Vec<_> = stmt
            .query_map(rusqlite::params_from_iter(q.args.iter()), report_row)?
            .collect::<Result<_, _>>()?;
        into_reports(&conn, rows)
    }

    /// Visits what the map shows of every visible report, in id order, borrowing each row's
    /// text (nothing is copied unless the visitor keeps it): the report layer's load path.
    pub fn visit_report_points(
        &self,
        visit: &mut dyn FnMut(ReportPoint<'_>),
    ) -> Result<usize, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, tracking_code, category, description, lon, lat, address, ward, status, \
             agency, source, created_at, updated_at FROM reports WHERE hidden = 0 ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        let corrupt = |what: &str, e: rusqlite::types::FromSqlError| {
            StoreError::Corrupt(format!("reports.{what}: {e}"))
        };
        while let Some(row) = rows.next()? {
            let text = |i: usize, what: &str| -> Result<&str, StoreError> {
                row.get_ref(i)?.as_str().map_err(|e| corrupt(what, e))
            };
            let optional = |i: usize, what: &str| -> Result<Option<&str>, StoreError> {
                row.get_ref(i)?
                    .as_str_or_null()
                    .map_err(|e| corrupt(what, e))
            };
            visit(ReportPoint {
                id: row.get(0)?,
                tracking_code: text(1, "tracking_code")?,
                category: text(2, "category")?,
                description: text(3, "description")?,
                lon: row.get(4)?,
                lat: row.get(5)?,
                address: optional(6, "address")?,
                ward: optional(7, "ward")?,
                status: text(8, "status")?.parse().map_err(StoreError::Corrupt)?,
                agency: optional(9, "agency")?,
                source: text(10, "source")?,
                created_at: parse_timestamp(text(11, "created_at")?)?,
                updated_at: parse_timestamp(text(12, "updated_at")?)?,
            });
            n += 1;
        }
        Ok(n)
    }

    /// A report's history, oldest first.
    pub fn history(&self, report_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT at, actor, action, status, public_note, private_note FROM report_history WHERE report_id = ?1 ORDER BY id",
        )?;
        let rows: Vec<HistoryRow> = stmt
            .query_map([report_id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(at, actor, action, status, public_note, private_note)| {
                Ok(HistoryEntry {
                    at: parse_timestamp(&at)?,
                    actor,
                    action,
                    status: status
                        .map(|s| s.parse())
                        .transpose()
                        .map_err(StoreError::Corrupt)?,
                    public_note,
                    private_note,
                })
            })
            .collect()
    }

    /// Applies a staff change and appends its history lines, in one committed transaction.
    pub fn update_report(
        &self,
        id: i64,
        change: &ReportChange,
        user_id: i64,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Report, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let at = timestamp(at);
        tx.execute(
            "UPDATE reports SET status = COALESCE(?1, status), \
             duplicate_of = COALESCE(?2, duplicate_of), agency = COALESCE(?3, agency), \
             expected_at = COALESCE(?4, expected_at), hidden = COALESCE(?5, hidden), \
             updated_at = ?6 WHERE id = ?7",
            params![
                change.status.map(|s| s.as_str()),
                change.duplicate_of,
                change.agency,
                change.expected_at.map(timestamp),
                change.hidden,
                at,
                id
            ],
        )?;
        for line in change.history_lines() {
            tx.execute(
                "INSERT INTO report_history (report_id, at, user_id, actor, action, status, public_note, private_note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    at,
                    user_id,
                    actor,
                    line.action,
                    line.status,
                    line.public_note,
                    line.private_note
                ],
            )?;
        }
        super::changes::record(&tx, ChangeKind::ReportUpdated, id, &self.origin)?;
        tx.commit()?;
        load(&conn, id)?.ok_or_else(|| StoreError::Corrupt(format!("report {id} vanished")))
    }
}

fn load(conn: &Connection, id: i64) -> Result<Option<Report>, StoreError> {
    let row = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM reports WHERE id = ?1"),
            [id],
            report_row,
        )
        .optional()?;
    Ok(row
        .map(|r| into_reports(conn, vec![r]))
        .transpose()?
        .and_then(|mut v| v.pop()))
}

/// at, actor, action, status, public note, private note.
type HistoryRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A query under construction: SQL text with numbered parameters and their values.
struct Sql {
    sql: String,
    args: Vec<SqlValue>,
}

impl Sql {
    fn new(sql: String) -> Self {
        Self {
            sql,
            args: Vec::new(),
        }
    }

    /// Appends `clause`, whose single `?` becomes the next numbered parameter.
    fn push(&mut self, clause: &str, value: SqlValue) {
        self.args.push(value);
        self.sql
            .push_str(&clause.replace('?', &format!("?{}", self.args.len())));
    }
}

/// A list as one JSON array parameter, which SQLite's `json_each` expands.
fn json_array<T: serde::Serialize>(values: &[T]) -> SqlValue {
    serde_json::to_string(values)
        .unwrap_or_else(|_| "[]".into())
        .into()
}
