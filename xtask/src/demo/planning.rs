//! Zoning (quy hoạch sử dụng đất): parcels in the blocks between the inner streets, each with a
//! land-use code of the national land classification (ODT, TMD, DGD, …). Some parcels have a
//! hole, filled by a parcel of another use (a school or park inside a residential block).
//! Illustrative only: the plan name and decision number say so.

use super::output::{OutFeature, SOURCE};
use super::places::place;
use super::roads::{CORE, STREET_START, STREET_STEP};
use geo::{ChamberlainDuquetteArea, Coord, LineString, Polygon};
use rand::Rng;
use serde_json::json;

/// Land-use codes with their Vietnamese names and relative frequency away from the centre.
pub const LAND_USES: [(&str, &str, u32); 10] = [
    ("ODT", "Đất ở tại đô thị", 52),
    ("TMD", "Đất thương mại, dịch vụ", 8),
    ("TSC", "Đất xây dựng trụ sở cơ quan", 3),
    ("DGD", "Đất xây dựng cơ sở giáo dục và đào tạo", 7),
    ("DYT", "Đất xây dựng cơ sở y tế", 3),
    ("DVH", "Đất xây dựng cơ sở văn hóa", 3),
    ("DTT", "Đất xây dựng cơ sở thể dục thể thao", 4),
    ("DKV", "Đất khu vui chơi, giải trí công cộng, cây xanh", 11),
    ("SKC", "Đất cơ sở sản xuất phi nông nghiệp", 6),
    ("MNC", "Đất có mặt nước chuyên dùng", 3),
];

const PLAN_NAME: &str = "Quy hoạch phân khu trung tâm TP. Đồng Xoài (dữ liệu minh họa)";
const DECISION: &str = "DEMO-0001/QĐ-UBND (minh họa, không phải văn bản thật)";
const APPROVED_ON: &str = "2021-06-15";

/// Generates the zoning parcels.
pub fn generate(rng: &mut impl Rng) -> Vec<OutFeature> {
    let [w, s, e, n] = CORE;
    let centre = place("Chợ Đồng Xoài");
    let lake = place("Hồ Suối Cam");
    let (step_x, step_y) = STREET_STEP;
    let mut parcels: Vec<OutFeature> = Vec::new();
    let mut bx = w + STREET_START;
    let mut col = 0;
    while bx + step_x < e {
        let mut by = s + STREET_START;
        let mut row = 0;
        while by + step_y < n {
            // A block between four streets, split in 2×2 parcels with a lane between them.
            let (x0, y0) = (bx + 0.00045, by + 0.00045);
            let (hw, hh) = ((step_x - 0.0009) / 2.0, (step_y - 0.0009) / 2.0);
            for (i, j) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let px = x0 + f64::from(i) * hw;
                let py = y0 + f64::from(j) * hh;
                let rect = [
                    px + 0.00005,
                    py + 0.00005,
                    px + hw - 0.00005,
                    py + hh - 0.00005,
                ];
                let mid = Coord {
                    x: (rect[0] + rect[2]) / 2.0,
                    y: (rect[1] + rect[3]) / 2.0,
                };
                let zone = format!(
                    "{}{}-{}",
                    (b'A' + row as u8) as char,
                    col + 1,
                    parcels.len() % 100 + 1
                );
                let code = if (mid.x - lake.2).hypot(mid.y - lake.3) < 0.0025 {
                    "MNC"
                } else if (mid.x - centre.2).hypot(mid.y - centre.3) < 0.006 {
                    ["TMD", "TMD", "TSC", "DVH", "ODT"][rng.random_range(0..5)]
                } else {
                    pick_weighted(rng)
                };
                let outer = jittered_rect(rng, rect);
                if code == "ODT" && rng.random_range(0..100) < 12 {
                    // A residential parcel around a school or park: the inner parcel fills the hole.
                    let inner_code = if rng.random_bool(0.5) { "DGD" } else { "DKV" };
                    let (cx, cy, r) = (mid.x, mid.y, hw.min(hh) * 0.22);
                    let hole = LineString::from(vec![
                        (cx - r, cy - r),
                        (cx - r, cy + r),
                        (cx + r, cy + r),
                        (cx + r, cy - r),
                        (cx - r, cy - r),
                    ]);
                    parcels.push(parcel(
                        rng,
                        parcels.len(),
                        &zone,
                        code,
                        Polygon::new(outer, vec![hole.clone()]),
                    ));
                    let inner_zone = format!("{zone}a");
                    let mut inner = hole;
                    inner.0.reverse(); // exterior rings run counter-clockwise (RFC 7946)
                    parcels.push(parcel(
                        rng,
                        parcels.len(),
                        &inner_zone,
                        inner_code,
                        Polygon::new(inner, vec![]),
                    ));
                } else {
                    parcels.push(parcel(
                        rng,
                        parcels.len(),
                        &zone,
                        code,
                        Polygon::new(outer, vec![]),
                    ));
                }
            }
            by += step_y;
            row += 1;
        }
        bx += step_x;
        col += 1;
    }
    parcels
}

fn pick_weighted(rng: &mut impl Rng) -> &'static str {
    let total: u32 = LAND_USES.iter().map(|l| l.2).sum();
    let mut pick = rng.random_range(0..total);
    for (code, _, weight) in LAND_USES {
        if pick < weight {
            return code;
        }
        pick -= weight;
    }
    "ODT"
}

/// A rectangle [w, s, e, n] with corners moved a little, as real parcels are not square.
fn jittered_rect(rng: &mut impl Rng, [w, s, e, n]: [f64; 4]) -> LineString<f64> {
    let mut j = || rng.random_range(-0.00008..0.00008);
    let ring = vec![
        (w + j(), s + j()),
        (e + j(), s + j()),
        (e + j(), n + j()),
        (w + j(), n + j()),
    ];
    let mut ring: Vec<Coord<f64>> = ring.into_iter().map(Coord::from).collect();
    ring.push(ring[0]);
    LineString::new(ring)
}

fn parcel(
    rng: &mut impl Rng,
    index: usize,
    zone: &str,
    code: &str,
    polygon: Polygon<f64>,
) -> OutFeature {
    let name = LAND_USES.iter().find(|l| l.0 == code).map_or("", |l| l.1);
    let (max_floors, density): (Option<u32>, Option<u32>) = match code {
        "ODT" => (
            Some(rng.random_range(3..=7)),
            Some(rng.random_range(60..=80)),
        ),
        "TMD" | "TSC" => (
            Some(rng.random_range(5..=15)),
            Some(rng.random_range(40..=60)),
        ),
        "DGD" | "DYT" | "DVH" => (
            Some(rng.random_range(2..=5)),
            Some(rng.random_range(30..=40)),
        ),
        "SKC" => (Some(2), Some(60)),
        _ => (None, Some(rng.random_range(5..=10))),
    };
    let area = polygon.chamberlain_duquette_unsigned_area().round();
    let properties = json!({
        "id": index + 1,
        "zone": zone,
        "land_use": code,
        "land_use_name": name,
        "max_floors": max_floors,
        "density_pct": density,
        "area_m2": area,
        "plan_name": PLAN_NAME,
        "decision_no": DECISION,
        "approved_on": APPROVED_ON,
        "source": SOURCE,
    });
    OutFeature {
        geometry: polygon.into(),
        properties: properties.as_object().cloned().unwrap_or_default(),
    }
}
