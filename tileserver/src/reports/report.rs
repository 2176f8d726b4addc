//! A stored report, and the public view of it (which never includes the reporter's contact).

use super::status::Status;
use crate::layer::local_time;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

/// The reporter's optional contact details. Private: only staff ever see them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A stored photo of a report (re-encoded JPEG, no metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// File name under the photo folder, also its public URL path under `/photos/`.
    pub file: String,
    pub width: u32,
    pub height: u32,
}

/// A report as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: i64,
    pub tracking_code: String,
    pub category: String,
    pub description: String,
    pub lon: f64,
    pub lat: f64,
    pub address: Option<String>,
    pub ward: Option<String>,
    pub contact: Contact,
    pub status: Status,
    pub duplicate_of: Option<i64>,
    pub agency: Option<String>,
    pub expected_at: Option<DateTime<Utc>>,
    pub hidden: bool,
    /// Who filed it: "citizen", "open311:<key name>", or the demo data label.
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub photos: Vec<Photo>,
}

/// What the map shows of a report, borrowed: from a [`Report`], or straight from a store row
/// while the report layer loads (no `Report` built for each of a million rows).
#[derive(Debug, Clone, Copy)]
pub struct ReportPoint<'a> {
    pub id: i64,
    pub tracking_code: &'a str,
    pub category: &'a str,
    pub description: &'a str,
    pub lon: f64,
    pub lat: f64,
    pub address: Option<&'a str>,
    pub ward: Option<&'a str>,
    pub status: Status,
    pub agency: Option<&'a str>,
    pub source: &'a str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl<'a> ReportPoint<'a> {
    /// The map's view of a whole report.
    pub fn of(r: &'a Report) -> Self {
        Self {
            id: r.id,
            tracking_code: &r.tracking_code,
            category: &r.category,
            description: &r.description,
            lon: r.lon,
            lat: r.lat,
            address: r.address.as_deref(),
            ward: r.ward.as_deref(),
            status: r.status,
            agency: r.agency.as_deref(),
            source: &r.source,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// One line of a report's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// Who did it, as shown publicly: "Người dân" or the staff member's username.
    pub actor: String,
    /// created, status, note, agency, expected_date, duplicate, hidden, shown
    pub action: String,
    pub status: Option<Status>,
    pub public_note: Option<String>,
    /// Staff-only note; never in a public answer.
    pub private_note: Option<String>,
}

impl Report {
    /// The report as a public GeoJSON Feature: no contact details, no private notes.
    pub fn public_feature(&self, tz: Tz, history: Option<&[HistoryEntry]>) -> Value {
        let mut properties = json!({
            "id": self.id,
            "tracking_code": self.tracking_code,
            "category": self.category,
            "status": self.status,
            "status_label": self.status.label_vi(),
            "description": self.description,
            "address": self.address,
            "ward": self.ward,
            "agency": self.agency,
            "expected_at": self.expected_at.map(|t| local_time(t, tz)),
            "duplicate_of": self.duplicate_of,
            "created_at": local_time(self.created_at, tz),
            "updated_at": local_time(self.updated_at, tz),
            "photos": self.photos.iter().map(|p| format!("/photos/{}", p.file)).collect::<Vec<_>>(),
        });
        if let Some(history) = history {
            properties["history"] = history
                .iter()
                .map(|h| {
                    json!({
                        "at": local_time(h.at, tz),
                        "actor": h.actor,
                        "action": h.action,
                        "status": h.status,
                        "note": h.public_note,
                    })
                })
                .collect();
        }
        json!({
            "type": "Feature",
            "id": self.id,
            "geometry": { "type": "Point", "coordinates": [self.lon, self.lat] },
            "properties": properties,
        })
    }

    /// The report with its contact details and private notes, for signed-in staff.
    pub fn staff_feature(&self, tz: Tz, history: &[HistoryEntry]) -> Value {
        let mut feature = self.public_feature(tz, Some(history));
        let props = &mut feature["properties"];
        props["hidden"] = json!(self.hidden);
        props["source"] = json!(self.source);
        props["reporter"] = json!({
            "name": self.contact.name,
            "phone": self.contact.phone,
            "email": self.contact.email,
        });
        for (entry, h) in props["history"]
            .as_array_mut()
            .into_iter()
            .flatten()
            .zip(history)
        {
            entry["private_note"] = json!(h.private_note);
        }
        feature
    }
}
