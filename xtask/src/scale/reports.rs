//! A million reports: most within a few kilometres of the centre, the rest across the city.

use crate::demo::output::{OutFeature, SOURCE};
use crate::demo::wards::{BOUNDS, Ward, ward_at};
use geo::Point;
use rand::Rng;
use serde_json::json;

const CATEGORIES: [&str; 8] = [
    "roads_traffic",
    "street_lighting",
    "waste_sanitation",
    "urban_order",
    "public_security",
    "trees_parks",
    "water_drainage",
    "other",
];
const STATUSES: [&str; 6] = [
    "submitted",
    "received",
    "in_progress",
    "resolved",
    "rejected",
    "duplicate",
];
/// The market, where reports are densest.
const CENTRE: (f64, f64) = (106.8965, 11.5395);

/// A normally distributed number (Box–Muller).
fn normal(rng: &mut impl Rng) -> f64 {
    let (u, v): (f64, f64) = (rng.random_range(f64::EPSILON..1.0), rng.random());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

pub fn generate(count: usize, wards: &[Ward]) -> Vec<OutFeature> {
    let mut rng = crate::demo::rng("scale-reports");
    let [w, s, e, n] = BOUNDS;
    (0..count)
        .map(|i| {
            let (lon, lat) = loop {
                let (lon, lat) = if rng.random_bool(0.75) {
                    (CENTRE.0 + normal(&mut rng) * 0.012, CENTRE.1 + normal(&mut rng) * 0.011)
                } else {
                    (rng.random_range(w..e), rng.random_range(s..n))
                };
                if (w..e).contains(&lon) && (s..n).contains(&lat) {
                    break (lon, lat);
                }
            };
            let id = i + 1;
            let year = 2019 + (i * 8 / count) as i32;
            let properties = json!({
                "id": id,
                "tracking_code": format!("SC-{:02}-{id:07}", year % 100),
                "category": CATEGORIES[rng.random_range(0..CATEGORIES.len())],
                "status": STATUSES[rng.random_range(0..STATUSES.len())],
                "description": format!("Phản ánh mẫu số {id}"),
                "created_at": format!("{year}-{:02}-{:02}T08:00:00+07:00", rng.random_range(1..=12), rng.random_range(1..=28)),
                "ward": ward_at(wards, lon, lat),
                "source": SOURCE,
            });
            OutFeature { geometry: Point::new(lon, lat).into(), properties: properties.as_object().cloned().unwrap_or_default() }
        })
        .collect()
}
