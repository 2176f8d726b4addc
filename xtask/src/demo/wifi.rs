//! Free public Wi-Fi: the 3 fixed points of FACTS.md and temporary points for holidays and Tết.
//! Sessions add up to the 32,985 reported for 1 January – 20 May 2022.

use super::output::{OutFeature, SOURCE};
use super::places::place;
use super::wards::{Ward, ward_at};
use geo::Point;
use serde_json::json;

/// Sessions reported for all points, 1 Jan – 20 May 2022.
pub const TOTAL_SESSIONS: u32 = 32_985;
const PERIOD: &str = "2022-01-01/2022-05-20";

/// (place, kind, event, sessions). The split between points is illustrative; the total is not.
const POINTS: [(&str, &str, Option<&str>, u32); 6] = [
    ("Quảng trường tỉnh Bình Phước", "fixed", None, 12_480),
    ("Chợ Đồng Xoài", "fixed", None, 10_214),
    ("Bệnh viện Đa khoa tỉnh Bình Phước", "fixed", None, 7_391),
    ("Hồ Suối Cam", "temporary", Some("Tết Nhâm Dần 2022"), 1_420),
    (
        "Tượng đài Chiến thắng Đồng Xoài",
        "temporary",
        Some("Lễ 30/4 – 1/5/2022"),
        980,
    ),
    (
        "Trung tâm Văn hóa tỉnh",
        "temporary",
        Some("Tết Nhâm Dần 2022"),
        500,
    ),
];

/// Generates the Wi-Fi points.
pub fn generate(wards: &[Ward]) -> Vec<OutFeature> {
    debug_assert_eq!(POINTS.iter().map(|p| p.3).sum::<u32>(), TOTAL_SESSIONS);
    POINTS
        .iter()
        .enumerate()
        .map(|(i, &(venue, kind, event, sessions))| {
            let p = place(venue);
            let properties = json!({
                "id": i + 1,
                "name": format!("Wi-Fi miễn phí – {venue}"),
                "venue": venue,
                "kind": kind,
                "event": event,
                "sessions": sessions,
                "sessions_period": PERIOD,
                "ward": ward_at(wards, p.2, p.3),
                "position": "approximate",
                "source": SOURCE,
            });
            OutFeature {
                geometry: Point::new(p.2, p.3).into(),
                properties: properties.as_object().cloned().unwrap_or_default(),
            }
        })
        .collect()
}
