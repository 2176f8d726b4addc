//! Reports, their photos and their history in PostgreSQL; positions are PostGIS points.

use super::PostgresStore;
use crate::reports::{Contact, HistoryEntry, Photo, Report, ReportPoint};
use crate::store::{ChangeKind, ListQuery, NewReportRow, ReportChange, StoreError};
use chrono::{DateTime, Utc};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{GenericClient, Row, Transaction};
use std::collections::HashMap;

const COLUMNS: &str = "id, tracking_code, category, description, ST_X(geom), ST_Y(geom), address, \
    ward, reporter_name, reporter_phone, reporter_email, status, duplicate_of, agency, expected_at, \
    hidden, source, created_at, updated_at";

fn report_row(row: &Row) -> Result<Report, StoreError> {
    Ok(Report {
        id: row.try_get(0)?,
        tracking_code: row.try_get(1)?,
        category: row.try_get(2)?,
        description: row.try_get(3)?,
        lon: row.try_get(4)?,
        lat: row.try_get(5)?,
        address: row.try_get(6)?,
        ward: row.try_get(7)?,
        contact: Contact {
            name: row.try_get(8)?,
            phone: row.try_get(9)?,
            email: row.try_get(10)?,
        },
        status: row
            .try_get::<_, &str>(11)?
            .parse()
            .map_err(StoreError::Corrupt)?,
        duplicate_of: row.try_get(12)?,
        agency: row.try_get(13)?,
        expected_at: row.try_get(14)?,
        hidden: row.try_get(15)?,
        source: row.try_get(16)?,
        created_at: row.try_get(17)?,
        updated_at: row.try_get(18)?,
        photos: Vec::new(),
    })
}

/// Photos of the given reports, in one query.
fn photos_of(
    client: &mut impl GenericClient,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Photo>>, StoreError> {
    let mut out: HashMap<i64, Vec<Photo>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = client.query(
        "SELECT report_id, file, width, height FROM report_photos \
         WHERE report_id = ANY($1) ORDER BY report_id, position",
        &[&ids],
    )?;
    for r in rows {
        out.entry(r.try_get(0)?).or_default().push(Photo {
            file: r.try_get(1)?,
            width: r.try_get::<_, i32>(2)? as u32,
            height: r.try_get::<_, i32>(3)? as u32,
        });
    }
    Ok(out)
}

/// Finishes rows into reports, with their photos.
fn into_reports(client: &mut impl GenericClient, rows: &[Row]) -> Result<Vec<Report>, StoreError> {
    let mut reports = rows.iter().map(report_row).collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
    let mut photos = photos_of(client, &ids)?;
    for r in &mut reports {
        r.photos = photos.remove(&r.id).unwrap_or_default();
    }
    Ok(reports)
}

fn load(client: &mut impl GenericClient, id: i64) -> Result<Option<Report>, StoreError> {
    let rows = client.query(
        &format!("SELECT {COLUMNS} FROM reports WHERE id = $1"),
        &[&id],
    )?;
    Ok(into_reports(client, &rows)?.pop())
}

fn insert(tx: &mut Transaction<'_>, row: &NewReportRow) -> Result<i64, StoreError> {
    let status = row.status.as_str();
    let id: i64 = tx
        .query_one(
            "INSERT INTO reports (id, tracking_code, category, description, geom, address, ward, \
             reporter_name, reporter_phone, reporter_email, status, source, created_at, updated_at, \
             client_key) \
             VALUES (COALESCE($1, nextval(pg_get_serial_sequence('reports', 'id'))), $2, $3, $4, \
             ST_SetSRID(ST_MakePoint($5, $6), 4326), $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) \
             RETURNING id",
            &[
                &row.id,
                &row.tracking_code,
                &row.category,
                &row.description,
                &row.lon,
                &row.lat,
                &row.address,
                &row.ward,
                &row.contact.name,
                &row.contact.phone,
                &row.contact.email,
                &status,
                &row.source,
                &row.created_at,
                &row.client_key,
            ],
        )
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "tracking code {} or id already exists",
                row.tracking_code
            )),
            other => other,
        })?
        .get(0);
    for (position, p) in row.photos.iter().enumerate() {
        tx.execute(
            "INSERT INTO report_photos (report_id, position, file, width, height) VALUES ($1, $2, $3, $4, $5)",
            &[&id, &(position as i32), &p.file, &(p.width as i32), &(p.height as i32)],
        )?;
    }
    tx.execute(
        "INSERT INTO report_history (report_id, at, actor, action, status) VALUES ($1, $2, $3, 'created', $4)",
        &[&id, &row.created_at, &row.actor, &status],
    )?;
    Ok(id)
}

impl PostgresStore {
    pub fn insert_report(&self, row: &NewReportRow) -> Result<Report, StoreError> {
        let mut client = self.client()?;
        if let Some(key) = &row.client_key {
            let filed = client.query_opt("SELECT id FROM reports WHERE client_key = $1", &[key])?;
            if let Some(filed) = filed {
                let id: i64 = filed.try_get(0)?;
                return load(&mut *client, id)?
                    .ok_or_else(|| StoreError::Corrupt(format!("report {id} vanished")));
            }
        }
        let mut tx = client.transaction()?;
        let id = insert(&mut tx, row)?;
        super::changes::record(&mut tx, ChangeKind::ReportCreated, &[id], &self.origin)?;
        // Read back before the commit: once it commits, nothing can fail any more, so the
        // caller never reports a stored report as lost.
        let report = load(&mut tx, id)?
            .ok_or_else(|| StoreError::Corrupt("inserted report vanished".into()))?;
        tx.commit()?;
        Ok(report)
    }

    pub fn insert_reports(&self, rows: &[NewReportRow]) -> Result<usize, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        for row in rows {
            insert(&mut tx, row)?;
        }
        // Rows with given ids leave the id sequence behind; bring it past them.
        tx.execute(
            "SELECT setval(pg_get_serial_sequence('reports', 'id'), \
             GREATEST((SELECT MAX(id) FROM reports), 1))",
            &[],
        )?;
        tx.commit()?;
        Ok(rows.len())
    }

    pub fn report_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .client()?
            .query_one("SELECT count(*) FROM reports", &[])?
            .get(0))
    }

    pub fn report(&self, id: i64) -> Result<Option<Report>, StoreError> {
        load(&mut *self.client()?, id)
    }

    pub fn report_by_code(&self, code: &str) -> Result<Option<Report>, StoreError> {
        let mut client = self.client()?;
        let rows = client.query(
            &format!("SELECT {COLUMNS} FROM reports WHERE tracking_code = $1"),
            &[&code],
        )?;
        Ok(into_reports(&mut *client, &rows)?.pop())
    }

    pub fn reports(&self, query: &ListQuery) -> Result<Vec<Report>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM reports WHERE true");
        let mut args: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        let mut push = |sql: &mut String, clause: &str, value: Box<dyn ToSql + Sync>| {
            args.push(value);
            sql.push_str(&clause.replace('?', &format!("${}", args.len())));
        };
        if !query.include_hidden {
            sql.push_str(" AND NOT hidden");
        }
        if let Some([w, s, e, n]) = query.bbox {
            push(&mut sql, " AND geom && ST_MakeEnvelope(?, ", Box::new(w));
            push(&mut sql, "?, ", Box::new(s));
            push(&mut sql, "?, ", Box::new(e));
            push(&mut sql, "?, 4326)", Box::new(n));
        }
        if !query.statuses.is_empty() {
            let statuses: Vec<String> = query.statuses.iter().map(|s| s.as_str().into()).collect();
            push(&mut sql, " AND status = ANY(?)", Box::new(statuses));
        }
        if !query.categories.is_empty() {
            push(
                &mut sql,
                " AND category = ANY(?)",
                Box::new(query.categories.clone()),
            );
        }
        if !query.ids.is_empty() {
            push(&mut sql, " AND id = ANY(?)", Box::new(query.ids.clone()));
        }
        if let Some(since) = query.since {
            push(&mut sql, " AND created_at >= ?", Box::new(since));
        }
        if let Some(until) = query.until {
            push(&mut sql, " AND created_at <= ?", Box::new(until));
        }
        if let Some(before) = query.before_id {
            push(&mut sql, " AND id < ?", Box::new(before));
        }
        sql.push_str(" ORDER BY id DESC");
        if let Some(limit) = query.limit {
            push(&mut sql, " LIMIT ?", Box::new(limit as i64));
        }
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
        let mut client = self.client()?;
        let rows = client.query(&sql, &params)?;
        into_reports(&mut *client, &rows)
    }

    pub fn visit_report_points(
        &self,
        visit: &mut dyn FnMut(ReportPoint<'_>),
    ) -> Result<usize, StoreError> {
        let mut client = self.client()?;
        let mut rows = client.query_raw(
            "SELECT id, tracking_code, category, description, ST_X(geom), ST_Y(geom), address, \
             ward, status, agency, source, created_at, updated_at \
             FROM reports WHERE NOT hidden ORDER BY id",
            std::iter::empty::<i32>(),
        )?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            visit(ReportPoint {
                id: row.try_get(0)?,
                tracking_code: row.try_get(1)?,
                category: row.try_get(2)?,
                description: row.try_get(3)?,
                lon: row.try_get(4)?,
                lat: row.try_get(5)?,
                address: row.try_get(6)?,
                ward: row.try_get(7)?,
                status: row
                    .try_get::<_, &str>(8)?
                    .parse()
                    .map_err(StoreError::Corrupt)?,
                agency: row.try_get(9)?,
                source: row.try_get(10)?,
                created_at: row.try_get(11)?,
                updated_at: row.try_get(12)?,
            });
            n += 1;
        }
        Ok(n)
    }

    pub fn history(&self, report_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = self.client()?.query(
            "SELECT at, actor, action, status, public_note, private_note FROM report_history \
             WHERE report_id = $1 ORDER BY id",
            &[&report_id],
        )?;
        rows.iter()
            .map(|r| {
                Ok(HistoryEntry {
                    at: r.try_get(0)?,
                    actor: r.try_get(1)?,
                    action: r.try_get(2)?,
                    status: r
                        .try_get::<_, Option<&str>>(3)?
                        .map(str::parse)
                        .transpose()
                        .map_err(StoreError::Corrupt)?,
                    public_note: r.try_get(4)?,
                    private_note: r.try_get(5)?,
                })
            })
            .collect()
    }

    pub fn update_report(
        &self,
        id: i64,
        change: &ReportChange,
        user_id: i64,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Report, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        tx.execute(
            "UPDATE reports SET status = COALESCE($1, status), \
             duplicate_of = COALESCE($2, duplicate_of), agency = COALESCE($3, agency), \
             expected_at = COALESCE($4, expected_at), hidden = COALESCE($5, hidden), \
             updated_at = $6 WHERE id = $7",
            &[
                &change.status.map(|s| s.as_str()),
                &change.duplicate_of,
                &change.agency,
                &change.expected_at,
                &change.hidden,
                &at,
                &id,
            ],
        )?;
        for line in change.history_lines() {
            tx.execute(
                "INSERT INTO report_history (report_id, at, user_id, actor, action, status, public_note, private_note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &id,
                    &at,
                    &user_id,
                    &actor,
                    &line.action,
                    &line.status,
                    &line.public_note,
                    &line.private_note,
                ],
            )?;
        }
        super::changes::record(&mut tx, ChangeKind::ReportUpdated, &[id], &self.origin)?;
        let report = load(&mut tx, id)?
            .ok_or_else(|| StoreError::Corrupt(format!("report {id} vanished")))?;
        tx.commit()?;
        Ok(report)
    }
}
