//! The report service: files reports durably, keeps the report layer (and so its tiles) in step
//! with the store, and announces every change on the event stream.

use super::events::EventHub;
use super::new_report::{NewReportInput, validate};
use super::photos::{PhotoError, process};
use super::report::{HistoryEntry, Photo, Report, ReportPoint};
use super::seed::read_seed_file;
use super::staff_change::StaffChangeInput;
use super::status::Status;
use super::tracking_code;
use crate::auth::Principal;
use crate::config::{CityConfig, ReportsConfig};
use crate::layer::{Feature, Interner, Layer, LayerRegistry, LoadError, Value, WardLocator};
use crate::mercator::to_mercator;
use crate::rate_limit::RateLimiter;
use crate::store::{ListQuery, NewReportRow, ReportChange, Store, StoreError};
use crate::tile::MercatorBounds;
use crate::validation::{FieldError, Problems};
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rand::RngCore;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// A report being filed: the fields, the photo files as uploaded, and who files it.
#[derive(Debug, Clone, Default)]
pub struct Filing {
    pub input: NewReportInput,
    pub photos: Vec<Vec<u8>>,
    /// "citizen" or "open311:<token label>".
    pub source: String,
    /// The client's `Idempotency-Key`, if it sent one: filing again with it answers with the
    /// report stored the first time.
    pub client_key: Option<String>,
}

/// Why a report operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("a photo is too large")]
    TooLarge(FieldError),
    #[error("no such report")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot seed reports: {0}")]
    Seed(#[from] LoadError),
    #[error("configuration: {0}")]
    Config(String),
}

/// Reports: store, map layer, events, limits.
pub struct ReportService {
    store: Arc<Store>,
    config: ReportsConfig,
    bounds: [f64; 4],
    tz: Tz,
    code_prefix: String,
    layer: Arc<RwLock<Layer>>,
    wards: Option<Arc<RwLock<Layer>>>,
    /// Report created/updated events for `/api/events` (camera status events go here too).
    pub events: Arc<EventHub>,
    /// Per-client limit on filing.
    pub filing_limit: RateLimiter,
}

/// The report as a map feature with the layer's published `attributes`.
fn report_feature(
    r: &ReportPoint<'_>,
    attributes: &[String],
    tz: Tz,
    strings: &mut Interner,
) -> Feature {
    // Few distinct values: shared. Unique per report: allocated as they are.
    let mut shared = |s: &str| Some(Value::shared(s, strings));
    let own = |s: &str| Some(Value::text(s));
    let values = attributes
        .iter()
        .map(|a| match a.as_str() {
            "id" => Some(Value::Int(r.id)),
            "tracking_code" => own(r.tracking_code),
            "category" => shared(r.category),
            "status" => shared(r.status.as_str()),
            "description" => own(r.description),
            "created_at" => Some(Value::time(r.created_at, tz)),
            "updated_at" => Some(Value::time(r.updated_at, tz)),
            "ward" => r.ward.and_then(&mut shared),
            "address" => r.address.and_then(own),
            "agency" => r.agency.and_then(&mut shared),
            "source" => shared(r.source),
            _ => None,
        })
        .collect();
    let (x, y) = to_mercator(r.lon, r.lat);
    Feature {
        id: r.id as u64,
        geometry: geo::Point::new(x, y).into(),
        values,
    }
}

impl ReportService {
    /// Sets the service up with the report layer from [`Self::load_layer`] (read and indexed
    /// beforehand, in parallel with the other layers), which takes the registry layer's place.
    pub fn start(
        city: &CityConfig,
        store: Arc<Store>,
        layers: &LayerRegistry,
        loaded: Layer,
    ) -> Result<Self, ReportError> {
        let config = city
            .reports
            .clone()
            .ok_or_else(|| ReportError::Config("no [reports] section".into()))?;
        let layer = Arc::clone(
            layers
                .get(&config.layer)
                .ok_or_else(|| ReportError::Config(format!("no layer {:?}", config.layer)))?,
        );
        let wards = config
            .ward_layer
            .as_deref()
            .and_then(|w| layers.get(w))
            .cloned();
        let service = Self {
            filing_limit: RateLimiter::new(
                config.rate_limit_per_client,
                Duration::from_secs(config.rate_limit_window_seconds),
            ),
            store,
            bounds: city.city.bounds,
            tz: city.timezone(),
            code_prefix: city.city.code_prefix.clone(),
            layer,
            wards,
            events: Arc::new(EventHub::new(1000)),
            config,
        };
        service
            .layer
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .replace_with(loaded);
        Ok(service)
    }

    /// The report layer from the store, indexed (R-tree, clusters), seeding an empty store from
    /// the layer's file first. Needs only the configuration and the store, so it runs while the
    /// file layers load.
    pub fn load_layer(city: &CityConfig, store: &Store) -> Result<Layer, ReportError> {
        let config = city
            .reports
            .as_ref()
            .ok_or_else(|| ReportError::Config("no [reports] section".into()))?;
        let layer = city
            .layer(&config.layer)
            .ok_or_else(|| ReportError::Config(format!("no layer {:?}", config.layer)))?;
        if store.report_count()? == 0 {
            let seed = city.layer_file(layer);
            if seed.is_file() {
                match store.insert_reports(&read_seed_file(&seed)?) {
                    Ok(n) => {
                        tracing::info!(reports = n, file = %seed.display(), "seeded the empty store")
                    }
                    // Another server sharing the store seeded it at the same moment.
                    Err(StoreError::Conflict(_)) if store.report_count()? > 0 => {
                        tracing::info!("the store was seeded by another server")
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let started = std::time::Instant::now();
        let (tz, mut strings, mut features) = (city.timezone(), Interner::default(), Vec::new());
        store.visit_report_points(&mut |r| {
            features.push(report_feature(&r, &layer.attributes, tz, &mut strings))
        })?;
        let ms = started.elapsed().as_millis() as u64;
        tracing::info!(
            reports = features.len(),
            ms,
            "report layer read from the store"
        );
        Ok(Layer::new(Arc::new(layer.clone()), features))
    }

    pub fn config(&self) -> &ReportsConfig {
        &self.config
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// Files a report: validates everything, stores photos and the report durably, then shows it
    /// on the map and announces it. Nothing is stored unless everything is valid.
    pub fn file(&self, filing: Filing) -> Result<Report, ReportError> {
        let mut problems = Problems::default();
        let valid = validate(&filing.input, &self.config, self.bounds)
            .map_err(|e| problems.0.extend(e))
            .ok();
        if filing.photos.len() > self.config.max_photos {
            problems.add(
                "photos",
                format!(
                    "Tối đa {} ảnh (at most {} photos)",
                    self.config.max_photos, self.config.max_photos
                ),
            );
        }
        let mut processed = Vec::new();
        for (i, bytes) in filing
            .photos
            .iter()
            .enumerate()
            .take(self.config.max_photos)
        {
            match process(bytes, self.config.max_photo_bytes, self.config.max_photo_px) {
                Ok(p) => processed.push(p),
                Err(e @ PhotoError::TooLarge { .. }) => {
                    return Err(ReportError::TooLarge(FieldError::new(
                        "photos",
                        format!("Ảnh {}: {e}", i + 1),
                    )));
                }
                Err(e) => problems.add("photos", format!("Ảnh {}: {e}", i + 1)),
            }
        }
        let valid = match valid {
            Some(v) if problems.0.is_empty() => v,
            _ => return Err(ReportError::Invalid(problems.0)),
        };

        let mut photos = Vec::new();
        for p in &processed {
            match self.write_photo(&p.jpeg) {
                Ok(file) => photos.push(Photo {
                    file,
                    width: p.width,
                    height: p.height,
                }),
                Err(e) => {
                    self.remove_photos(&photos);
                    return Err(e.into());
                }
            }
        }
        let now = Utc::now();
        let year = now
            .with_timezone(&self.tz)
            .format("%Y")
            .to_string()
            .parse()
            .unwrap_or(2026);
        let mut row = NewReportRow {
            id: None,
            tracking_code: String::new(),
            ward: self.ward_at(valid.lon, valid.lat),
            category: valid.category,
            description: valid.description,
            lon: valid.lon,
            lat: valid.lat,
            address: valid.address,
            contact: valid.contact,
            status: Status::Submitted,
            source: filing.source,
            created_at: now,
            photos,
            actor: "Người dân".into(),
            client_key: filing.client_key,
        };
        let mut attempt = 0;
        let report = loop {
            row.tracking_code = tracking_code::generate(&self.code_prefix, year, &mut rand::rng());
            match self.store.insert_report(&row) {
                Ok(report) => break report,
                Err(StoreError::Conflict(_)) if attempt < 5 => attempt += 1,
                Err(e) => {
                    self.remove_photos(&row.photos);
                    return Err(e.into());
                }
            }
        };
        if report.tracking_code != row.tracking_code {
            // Filed before with the same key: that report is the answer; this attempt's
            // photos are not needed.
            self.remove_photos(&row.photos);
            return Ok(report);
        }
        self.show(&report);
        self.events
            .publish("report.created", report.public_feature(self.tz, None));
        Ok(report)
    }

    /// A report by id (digits) or tracking code. Hidden reports only when `include_hidden`.
    pub fn find(&self, key: &str, include_hidden: bool) -> Result<Option<Report>, ReportError> {
        let key = key.trim();
        let report = match key.parse::<i64>() {
            Ok(id) => self.store.report(id)?,
            Err(_) => self.store.report_by_code(&tracking_code::normalize(key))?,
        };
        Ok(report.filter(|r| include_hidden || !r.hidden))
    }

    pub fn history(&self, id: i64) -> Result<Vec<HistoryEntry>, ReportError> {
        Ok(self.store.history(id)?)
    }

    pub fn list(&self, query: &ListQuery) -> Result<Vec<Report>, ReportError> {
        Ok(self.store.reports(query)?)
    }

    /// Visible reports within the configured radius of a place, of one category if given,
    /// nearest first.
    pub fn nearby(
        &self,
        lon: f64,
        lat: f64,
        category: Option<&str>,
    ) -> Result<Vec<(Report, f64)>, ReportError> {
        let radius = self.config.nearby_radius_m;
        let (mx, my) = to_mercator(lon, lat);
        // Web Mercator stretches distances by 1/cos(latitude).
        let margin = radius / lat.to_radians().cos();
        let bounds = MercatorBounds {
            min_x: mx - margin,
            min_y: my - margin,
            max_x: mx + margin,
            max_y: my + margin,
        };
        let ids: Vec<i64> = {
            let layer = self
                .layer
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            layer.query(bounds).map(|f| f.id as i64).collect()
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = ListQuery {
            ids,
            categories: category.map(|c| vec![c.to_owned()]).unwrap_or_default(),
            ..Default::default()
        };
        let mut found: Vec<(Report, f64)> = self
            .store
            .reports(&query)?
            .into_iter()
            .map(|r| {
                let d = haversine_m(lon, lat, r.lon, r.lat);
                (r, d)
            })
            .filter(|(_, d)| *d <= radius)
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1));
        Ok(found)
    }

    /// Applies a staff member's change: checks it, stores it with its history, updates the map
    /// and announces it.
    pub fn update(
        &self,
        id: i64,
        input: &StaffChangeInput,
        who: &Principal,
    ) -> Result<Report, ReportError> {
        let current = self.store.report(id)?.ok_or(ReportError::NotFound)?;
        let change = self.check_change(&current, input)?;
        let actor = match &who.token_label {
            Some(label) => format!("{} ({label})", who.user.username),
            None => who.user.username.clone(),
        };
        let report = self
            .store
            .update_report(id, &change, who.user.id, &actor, Utc::now())?;
        if report.hidden {
            self.layer
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(report.id as u64);
            self.events
                .publish("report.removed", serde_json::json!({ "id": report.id }));
        } else {
            self.show(&report);
            self.events
                .publish("report.updated", report.public_feature(self.tz, None));
        }
        Ok(report)
    }

    /// Brings the map and the event stream up to date with a report another server filed or
    /// changed (from the store's change feed).
    pub fn refresh_from_store(&self, id: i64, created: bool) -> Result<(), ReportError> {
        match self.store.report(id)? {
            Some(report) if !report.hidden => {
                self.show(&report);
                let event = if created {
                    "report.created"
                } else {
                    "report.updated"
                };
                self.events
                    .publish(event, report.public_feature(self.tz, None));
            }
            _ => {
                let removed = self
                    .layer
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .remove(id as u64);
                if removed.is_some() {
                    self.events
                        .publish("report.removed", serde_json::json!({ "id": id }));
                }
            }
        }
        Ok(())
    }

    fn check_change(
        &self,
        current: &Report,
        input: &StaffChangeInput,
    ) -> Result<ReportChange, ReportError> {
        let mut problems = Problems::default();
        let mut change = ReportChange::default();
        if let Some(s) = &input.status {
            match s.parse::<Status>() {
                Ok(s) if s == current.status => problems.add(
                    "status",
                    format!("Phản ánh đã ở trạng thái này (already {s})"),
                ),
                Ok(s) => change.status = Some(s),
                Err(e) => problems.add("status", e),
            }
        }
        if let Some(dup) = &input.duplicate_of {
            let key = match dup {
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            match self.find(&key, true)? {
                Some(other) if other.id != current.id => {
                    change.duplicate_of = Some(other.id);
                    if change.status.is_none() && current.status != Status::Duplicate {
                        change.status = Some(Status::Duplicate);
                    }
                }
                Some(_) => problems.add(
                    "duplicate_of",
                    "Không thể trùng với chính nó (a report cannot duplicate itself)",
                ),
                None => problems.add(
                    "duplicate_of",
                    format!("Không tìm thấy phản ánh {key:?} (no such report)"),
                ),
            }
        }
        if change.status == Some(Status::Duplicate)
            && change.duplicate_of.is_none()
            && current.duplicate_of.is_none()
        {
            problems.add(
                "duplicate_of",
                "Cần chỉ rõ phản ánh gốc (say which report this one repeats)",
            );
        }
        for (field, value, max) in [
            ("note", &input.note, 4000),
            ("private_note", &input.private_note, 4000),
            ("agency", &input.agency, 200),
        ] {
            if let Some(v) = value.as_deref().map(str::trim)
                && v.chars().count() > max
            {
                problems.add(
                    field,
                    format!("Tối đa {max} ký tự (at most {max} characters)"),
                );
            }
        }
        change.public_note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        change.private_note = input
            .private_note
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        change.agency = input
            .agency
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        if let Some(date) = &input.expected_date {
            match parse_expected(date, self.tz) {
                Some(at) => change.expected_at = Some(at),
                None => problems.add("expected_date", "Ngày không hợp lệ, dùng YYYY-MM-DD (expected_date must be YYYY-MM-DD or ISO 8601)"),
            }
        }
        change.hidden = input.hidden.filter(|h| *h != current.hidden);
        let nothing = change.status.is_none()
            && change.duplicate_of.is_none()
            && change.agency.is_none()
            && change.expected_at.is_none()
            && change.hidden.is_none()
            && change.public_note.is_none()
            && change.private_note.is_none();
        if nothing && problems.0.is_empty() {
            problems.add("", "Không có gì để thay đổi (nothing to change)");
        }
        problems.into_result(change).map_err(ReportError::Invalid)
    }

    /// Puts a report on the map (or moves it there), bumping the layer's version.
    fn show(&self, report: &Report) {
        let feature = self.layer_feature(report);
        self.layer
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .upsert(feature);
    }

    /// The report as a map feature of the report layer.
    fn layer_feature(&self, r: &Report) -> Feature {
        let layer = self
            .layer
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        report_feature(
            &ReportPoint::of(r),
            &layer.config().attributes,
            self.tz,
            &mut Interner::default(),
        )
    }

    /// Name of the ward holding a place, from the ward layer.
    fn ward_at(&self, lon: f64, lat: f64) -> Option<String> {
        let wards = self
            .wards
            .as_ref()?
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        WardLocator::new(&wards)?
            .ward_at(lon, lat)
            .map(|name| name.to_string())
    }

    /// Stores a photo durably under a random name; returns the name.
    fn write_photo(&self, jpeg: &[u8]) -> Result<String, StoreError> {
        let mut bytes = [0u8; 12];
        rand::rng().fill_bytes(&mut bytes);
        let name = format!(
            "{}.jpg",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        self.store.put_photo(&name, jpeg)?;
        Ok(name)
    }

    /// Removes the photos of a report that could not be stored.
    fn remove_photos(&self, photos: &[Photo]) {
        for p in photos {
            if let Err(e) = self.store.delete_photo(&p.file) {
                tracing::warn!(photo = %p.file, error = %e, "cannot remove an unused photo");
            }
        }
    }
}

fn parse_expected(text: &str, tz: Tz) -> Option<chrono::DateTime<Utc>> {
    if let Ok(date) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let end = date.and_hms_opt(23, 59, 59)?;
        return tz
            .from_local_datetime(&end)
            .single()
            .map(|t| t.with_timezone(&Utc));
    }
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Great-circle distance in metres.
pub fn haversine_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * a.sqrt().asin()
}
