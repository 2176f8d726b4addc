//! City statistics for `/api/stats` and the IOC wall: reports by status, category, ward and day;
//! cameras by status, kind and ward; Wi-Fi points and sessions. Wards are found by
//! point-in-polygon over the ward layer, never taken from an attribute typed by hand.

mod range;

pub use range::{DEFAULT_DAYS, DateRange, MAX_DAYS, parse_range};

use crate::cameras::STATUSES;
use crate::config::CityConfig;
use crate::layer::{Layer, LayerRegistry, Value, WardLocator};
use crate::store::{CountWindow, Store, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;
use std::sync::PoisonError;

/// The local midnight starting `date`, in UTC.
fn midnight(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&local)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

/// Everything `/api/stats` answers, for the local dates of `range`, as of `now`.
pub fn city_stats(
    config: &CityConfig,
    store: &Store,
    layers: &LayerRegistry,
    range: DateRange,
    now: DateTime<Utc>,
) -> Result<Json, StoreError> {
    let tz = config.timezone();
    let local_now = now.with_timezone(&tz);
    let today = local_now.date_naive();
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let window = CountWindow {
        from: midnight(tz, range.from),
        to: midnight(tz, range.to + chrono::Duration::days(1)),
        utc_offset_seconds: tz
            .offset_from_utc_datetime(&now.naive_utc())
            .fix()
            .local_minus_utc(),
        today_start: midnight(tz, today),
        week_start: midnight(tz, monday),
    };
    let counts = store.report_counts(&window)?;
    let guard = |name: Option<&str>| {
        name.and_then(|n| layers.get(n))
            .map(|l| l.read().unwrap_or_else(PoisonError::into_inner))
    };
    let stats = config.stats.as_ref();
    let wards = guard(stats.map(|s| s.ward_layer.as_str()));
    let locator = wards.as_deref().and_then(WardLocator::new);
    let cameras = guard(config.cameras.as_ref().map(|c| c.layer.as_str()));
    let wifi = guard(stats.and_then(|s| s.wifi_layer.as_deref()));

    let mut by_ward: BTreeMap<String, i64> = BTreeMap::new();
    let mut outside = 0;
    for (lon, lat) in &counts.positions {
        match locator.as_ref().and_then(|l| l.ward_at(*lon, *lat)) {
            Some(ward) => *by_ward.entry(ward.to_string()).or_default() += 1,
            None => outside += 1,
        }
    }
    let mut by_day = Map::new();
    let mut day = range.from;
    while day <= range.to {
        let key = day.format("%Y-%m-%d").to_string();
        by_day.insert(
            key.clone(),
            json!(counts.by_day.get(&key).copied().unwrap_or(0)),
        );
        day += chrono::Duration::days(1);
    }
    Ok(json!({
        "generated_at": local_now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        "timezone": config.city.timezone,
        "range": {
            "from": range.from.format("%Y-%m-%d").to_string(),
            "to": range.to.format("%Y-%m-%d").to_string(),
        },
        "reports": {
            "today": counts.today,
            "open": counts.open,
            "in_progress": counts.in_progress,
            "resolved_this_week": counts.resolved_this_week,
            "in_range": counts.in_range,
            "by_status": counts.by_status,
            "by_category": counts.by_category,
            "by_ward": by_ward,
            "outside_wards": outside,
            "by_day": by_day,
        },
        "cameras": cameras.as_deref().map(|l| camera_stats(l, locator.as_ref())),
        "wifi": wifi.as_deref().map(wifi_stats),
    }))
}

fn zero_statuses() -> BTreeMap<String, i64> {
    STATUSES.iter().map(|s| ((*s).to_owned(), 0)).collect()
}

/// Cameras by status, by kind and status, by ward and status.
fn camera_stats(layer: &Layer, locator: Option<&WardLocator>) -> Json {
    let (status_i, kind_i) = (
        layer.attribute_index("status"),
        layer.attribute_index("kind"),
    );
    let mut by_status = zero_statuses();
    let mut by_kind: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let mut by_ward: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let mut total = 0;
    for f in layer.features() {
        total += 1;
        let status = f.text(status_i).unwrap_or_else(|| "unknown".into());
        *by_status.entry(status.clone()).or_default() += 1;
        let kind = f.text(kind_i).unwrap_or_else(|| "unknown".into());
        *by_kind
            .entry(kind)
            .or_insert_with(zero_statuses)
            .entry(status.clone())
            .or_default() += 1;
        if let (Some(locator), geo::Geometry::Point(p)) = (locator, &f.geometry)
            && let Some(ward) = locator.ward_at_mercator(p.x(), p.y())
        {
            *by_ward
                .entry(ward.to_string())
                .or_insert_with(zero_statuses)
                .entry(status)
                .or_default() += 1;
        }
    }
    json!({ "total": total, "by_status": by_status, "by_kind": by_kind, "by_ward": by_ward })
}

/// Wi-Fi points by kind and their recorded sessions.
fn wifi_stats(layer: &Layer) -> Json {
    let kind_i = layer.attribute_index("kind");
    let sessions_i = layer.attribute_index("sessions");
    let period_i = layer.attribute_index("sessions_period");
    let mut by_kind: BTreeMap<String, i64> = BTreeMap::new();
    let mut sessions = 0i64;
    let mut periods: Vec<String> = Vec::new();
    for f in layer.features() {
        *by_kind
            .entry(f.text(kind_i).unwrap_or_else(|| "unknown".into()))
            .or_default() += 1;
        match sessions_i.and_then(|i| f.values[i].as_ref()) {
            Some(Value::Int(n)) => sessions += n,
            Some(Value::Float(n)) => sessions += *n as i64,
            _ => {}
        }
        if let Some(p) = f.text(period_i).filter(|p| !periods.contains(p)) {
            periods.push(p);
        }
    }
    periods.sort();
    json!({
        "points": layer.len(),
        "by_kind": by_kind,
        "sessions": sessions,
        "sessions_periods": periods,
    })
}
