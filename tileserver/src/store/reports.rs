//! Reports, their photos and their history in SQL.

use crate::reports::{Contact, Photo, Status};
use chrono::{DateTime, Utc};

/// A report to insert. `id` is chosen by the database unless given (seeding demo data).
#[derive(Debug, Clone)]
pub struct NewReportRow {
    pub id: Option<i64>,
    pub tracking_code: String,
    pub category: String,
    pub description: String,
    pub lon: f64,
    pub lat: f64,
    pub address: Option<String>,
    pub ward: Option<String>,
    pub contact: Contact,
    pub status: Status,
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub photos: Vec<Photo>,
    /// Who filed it, as history shows it.
    pub actor: String,
    /// The client's `Idempotency-Key`: a second insert with the same key returns the report
    /// stored the first time instead of storing another.
    pub client_key: Option<String>,
}

/// A staff member's change to a report; fields left None are not touched.
#[derive(Debug, Clone, Default)]
pub struct ReportChange {
    pub status: Option<Status>,
    pub duplicate_of: Option<i64>,
    pub agency: Option<String>,
    pub expected_at: Option<DateTime<Utc>>,
    pub hidden: Option<bool>,
    pub public_note: Option<String>,
    pub private_note: Option<String>,
}

/// Filters for listing reports, newest first, paged by id.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// `[west, south, east, north]`
    pub bbox: Option<[f64; 4]>,
    pub statuses: Vec<Status>,
    pub categories: Vec<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub ids: Vec<i64>,
    /// Only reports with a smaller id (the cursor of the previous page).
    pub before_id: Option<i64>,
    pub limit: Option<usize>,
    pub include_hidden: bool,
}

/// One line of a report's history written by a staff change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HistoryLine<'a> {
    pub action: &'static str,
    pub status: Option<&'static str>,
    pub public_note: Option<&'a str>,
    pub private_note: Option<&'a str>,
}

impl ReportChange {
    /// The history lines this change writes, in order: one per field changed (or one "note"),
    /// the notes going with the first.
    pub(crate) fn history_lines(&self) -> Vec<HistoryLine<'_>> {
        let mut lines: Vec<(&'static str, Option<&'static str>)> = Vec::new();
        if let Some(status) = self.status {
            lines.push(("status", Some(status.as_str())));
        }
        if self.duplicate_of.is_some() {
            lines.push(("duplicate", None));
        }
        if self.agency.is_some() {
            lines.push(("agency", None));
        }
        if self.expected_at.is_some() {
            lines.push(("expected_date", None));
        }
        if let Some(hidden) = self.hidden {
            lines.push((if hidden { "hidden" } else { "shown" }, None));
        }
        if lines.is_empty() {
            lines.push(("note", None));
        }
        lines
            .into_iter()
            .enumerate()
            .map(|(i, (action, status))| HistoryLine {
                action,
                status,
                public_note: self.public_note.as_deref().filter(|_| i == 0),
                private_note: self.private_note.as_deref().filter(|_| i == 0),
            })
            .collect()
    }
}
