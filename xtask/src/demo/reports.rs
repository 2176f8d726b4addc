//! Field reports (phản ánh hiện trường) for the report layer's initial state: 73 in 2022, the
//! number Đồng Xoài's system handled that year (FACTS.md), and more in later years, mostly in the
//! inner wards. Texts are illustrative; no demo report carries contact details.

use super::output::{OutFeature, SOURCE};
use super::roads::{Road, RoadClass, point_along};
use super::wards::{Ward, ward_at};
use geo::Point;
use rand::Rng;
use serde_json::json;

/// Reports dated 2022 (FACTS.md).
pub const IN_2022: usize = 73;
/// Reports dated 2023 to October 2026.
pub const LATER: usize = 227;

/// Category codes with a sentence template (`{}` is the street).
const CATEGORIES: [(&str, &[&str]); 8] = [
    (
        "roads_traffic",
        &[
            "Ổ gà lớn trên đường {}, nguy hiểm cho xe máy.",
            "Đèn tín hiệu giao thông trên {} không hoạt động.",
        ],
    ),
    (
        "street_lighting",
        &[
            "Đèn đường trên {} bị hỏng, khu vực tối vào ban đêm.",
            "Cột đèn chiếu sáng trên {} nghiêng, có nguy cơ đổ.",
        ],
    ),
    (
        "waste_sanitation",
        &[
            "Rác thải tập kết sai quy định trên {}.",
            "Thùng rác công cộng trên {} đầy, bốc mùi.",
        ],
    ),
    (
        "urban_order",
        &[
            "Lấn chiếm vỉa hè để kinh doanh trên {}.",
            "Xe đậu trái phép gây cản trở lối đi trên {}.",
        ],
    ),
    (
        "public_security",
        &["Tụ tập gây mất trật tự vào ban đêm gần {}."],
    ),
    (
        "trees_parks",
        &[
            "Cây xanh trên {} có nguy cơ gãy đổ khi mưa bão.",
            "Cành cây che khuất biển báo trên {}.",
        ],
    ),
    (
        "water_drainage",
        &[
            "Ngập nước sau mưa trên {}, cống thoát nước bị tắc.",
            "Nắp cống trên {} bị vỡ.",
        ],
    ),
    (
        "other",
        &[
            "Biển tên đường {} bị mất.",
            "Tiếng ồn kéo dài từ công trình trên {}.",
        ],
    ),
];

/// Generates the demo reports, oldest first.
pub fn generate(rng: &mut impl Rng, roads: &[Road], wards: &[Ward]) -> Vec<OutFeature> {
    let inner: Vec<&Road> = roads
        .iter()
        .filter(|r| r.class != RoadClass::National)
        .collect();
    let mut dated: Vec<(u32, u32, u32, u32, u32)> = (0..IN_2022 + LATER)
        .map(|i| {
            let year = if i < IN_2022 {
                2022
            } else {
                rng.random_range(2023..=2026)
            };
            let month = if year == 2026 {
                rng.random_range(1..=10)
            } else {
                rng.random_range(1..=12)
            };
            (
                year,
                month,
                rng.random_range(1..=28),
                rng.random_range(6..=21),
                rng.random_range(0..60),
            )
        })
        .collect();
    dated.sort_unstable();
    let mut per_year_seq = std::collections::HashMap::new();
    dated
        .into_iter()
        .enumerate()
        .map(|(i, (year, month, day, hour, minute))| {
            let (at, road) = point_along(rng, &inner, 0.00015);
            let (category, templates) = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
            let description =
                templates[rng.random_range(0..templates.len())].replace("{}", &road.name);
            let recent = year == 2026 && month >= 9;
            let status = match (recent, rng.random_range(0..100)) {
                (true, 0..30) => "submitted",
                (true, 30..55) => "received",
                (true, 55..80) => "in_progress",
                (_, 0..6) => "rejected",
                (_, 6..10) => "duplicate",
                _ => "resolved",
            };
            let seq = per_year_seq
                .entry(year)
                .and_modify(|n| *n += 1)
                .or_insert(1);
            let properties = json!({
                "id": i + 1,
                "tracking_code": format!("DX-{:02}-{:04}", year % 100, seq),
                "category": category,
                "status": status,
                "description": description,
                "created_at": format!("{year}-{month:02}-{day:02}T{hour:02}:{minute:02}:00+07:00"),
                "ward": ward_at(wards, at.x, at.y),
                "source": SOURCE,
            });
            OutFeature {
                geometry: Point(at).into(),
                properties: properties.as_object().cloned().unwrap_or_default(),
            }
        })
        .collect()
}
