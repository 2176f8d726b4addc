//! Main roads: the national and provincial routes through Đồng Xoài, the main city streets, and
//! a grid of local streets in the six inner wards. Approximate alignments, named.

use super::output::{OutFeature, SOURCE};
use super::wards::BOUNDS;
use geo::{Coord, Euclidean, InterpolatableLine, Length, LineString};
use rand::Rng;
use serde_json::json;

/// Road class, most important first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum RoadClass {
    National,
    Provincial,
    Main,
    Local,
}

impl RoadClass {
    pub fn code(self) -> &'static str {
        match self {
            RoadClass::National => "national",
            RoadClass::Provincial => "provincial",
            RoadClass::Main => "main",
            RoadClass::Local => "local",
        }
    }
}

/// One named road.
pub struct Road {
    pub id: u32,
    pub name: String,
    pub class: RoadClass,
    pub reference: Option<&'static str>,
    pub line: LineString<f64>,
}

impl Road {
    pub fn to_feature(&self) -> OutFeature {
        let properties = json!({
            "id": self.id,
            "name": self.name,
            "class": self.class.code(),
            "ref": self.reference,
            "position": "approximate",
            "source": SOURCE,
        });
        OutFeature {
            geometry: self.line.clone().into(),
            properties: properties.as_object().cloned().unwrap_or_default(),
        }
    }
}

type Arterial = (
    &'static str,
    RoadClass,
    Option<&'static str>,
    &'static [(f64, f64)],
);

const ARTERIALS: [Arterial; 11] = [
    (
        "Quốc lộ 14",
        RoadClass::National,
        Some("QL14"),
        &[
            (106.835, 11.488),
            (106.862, 11.508),
            (106.884, 11.527),
            (106.897, 11.537),
            (106.915, 11.552),
            (106.940, 11.572),
            (106.965, 11.588),
        ],
    ),
    (
        "Đường tỉnh 741",
        RoadClass::Provincial,
        Some("ĐT741"),
        &[
            (106.905, 11.595),
            (106.903, 11.565),
            (106.899, 11.545),
            (106.897, 11.537),
            (106.890, 11.515),
            (106.878, 11.495),
            (106.870, 11.475),
        ],
    ),
    (
        "Đường tỉnh 753",
        RoadClass::Provincial,
        Some("ĐT753"),
        &[
            (106.897, 11.537),
            (106.915, 11.530),
            (106.940, 11.522),
            (106.965, 11.515),
        ],
    ),
    (
        "Hùng Vương",
        RoadClass::Main,
        None,
        &[(106.865, 11.545), (106.935, 11.546)],
    ),
    (
        "Trần Hưng Đạo",
        RoadClass::Main,
        None,
        &[(106.868, 11.531), (106.932, 11.529)],
    ),
    (
        "Lê Duẩn",
        RoadClass::Main,
        None,
        &[(106.880, 11.500), (106.881, 11.570)],
    ),
    (
        "Nguyễn Huệ",
        RoadClass::Main,
        None,
        &[(106.911, 11.503), (106.913, 11.568)],
    ),
    (
        "Tôn Đức Thắng",
        RoadClass::Main,
        None,
        &[(106.860, 11.519), (106.940, 11.517)],
    ),
    (
        "Lê Quý Đôn",
        RoadClass::Main,
        None,
        &[(106.868, 11.559), (106.933, 11.560)],
    ),
    (
        "Nguyễn Văn Linh",
        RoadClass::Main,
        None,
        &[(106.926, 11.500), (106.929, 11.575)],
    ),
    (
        "Trường Chinh",
        RoadClass::Main,
        None,
        &[(106.866, 11.504), (106.867, 11.566)],
    ),
];

const LOCAL_NAMES: [&str; 28] = [
    "Nguyễn Trãi",
    "Lê Lợi",
    "Hai Bà Trưng",
    "Trần Phú",
    "Quang Trung",
    "Ngô Quyền",
    "Lý Tự Trọng",
    "Võ Thị Sáu",
    "Nguyễn Du",
    "Phan Bội Châu",
    "Phan Chu Trinh",
    "Nguyễn Thị Minh Khai",
    "Bà Triệu",
    "Hoàng Văn Thụ",
    "Nguyễn Bỉnh Khiêm",
    "Chu Văn An",
    "Trần Quốc Toản",
    "Đinh Tiên Hoàng",
    "Lê Lai",
    "Nguyễn Trung Trực",
    "Cách Mạng Tháng Tám",
    "Nguyễn Văn Trỗi",
    "Lê Thánh Tông",
    "Huỳnh Văn Nghệ",
    "Tạ Uyên",
    "Nguyễn Đình Chiểu",
    "Phạm Ngọc Thạch",
    "Điểu Ong",
];

/// Inner-ward extent used for the local street grid: west, south, east, north.
pub const CORE: [f64; 4] = [106.857, 11.499, 106.943, 11.571];
/// The local street grid: first street this far inside `CORE`, then one every `STREET_STEP`
/// (x, y) degrees. Planning blocks fill the spaces between these streets.
pub const STREET_START: f64 = 0.004;
pub const STREET_STEP: (f64, f64) = (0.0062, 0.0058);

/// Generates all roads.
pub fn generate(rng: &mut impl Rng) -> Vec<Road> {
    let mut roads: Vec<Road> = ARTERIALS
        .iter()
        .map(|&(name, class, reference, points)| Road {
            id: 0,
            name: name.to_owned(),
            class,
            reference,
            line: wobble(
                rng,
                points,
                if class == RoadClass::National {
                    0.0
                } else {
                    0.0004
                },
            ),
        })
        .collect();
    let [w, s, e, n] = CORE;
    let mut names = LOCAL_NAMES.iter();
    // North–south local streets.
    let mut x = w + STREET_START;
    while x < e - 0.003 {
        let (a, b) = (
            s + rng.random_range(0.0..0.02),
            n - rng.random_range(0.0..0.02),
        );
        let end = (x + rng.random_range(-0.0002..0.0002), b);
        push_local(&mut roads, &mut names, rng, &[(x, a), end]);
        x += STREET_STEP.0;
    }
    // East–west local streets.
    let mut y = s + STREET_START;
    while y < n - 0.003 {
        let (a, b) = (
            w + rng.random_range(0.0..0.02),
            e - rng.random_range(0.0..0.02),
        );
        let end = (b, y + rng.random_range(-0.0002..0.0002));
        push_local(&mut roads, &mut names, rng, &[(a, y), end]);
        y += STREET_STEP.1;
    }
    for (i, road) in roads.iter_mut().enumerate() {
        road.id = i as u32 + 1;
    }
    roads
}

fn push_local<'a>(
    roads: &mut Vec<Road>,
    names: &mut impl Iterator<Item = &'a &'static str>,
    rng: &mut impl Rng,
    points: &[(f64, f64)],
) {
    let name = names.next().map_or_else(
        || format!("Đường nội thị số {}", roads.len() + 1),
        |n| (*n).to_owned(),
    );
    roads.push(Road {
        id: 0,
        name,
        class: RoadClass::Local,
        reference: None,
        // Local streets run in the 100 m gaps between planning blocks: keep them nearly straight.
        line: wobble(rng, points, 0.0001),
    });
}

/// Splits each leg in four and nudges the inner points sideways, so streets are not ruler-straight.
fn wobble(rng: &mut impl Rng, points: &[(f64, f64)], amount: f64) -> LineString<f64> {
    let mut out = vec![Coord {
        x: points[0].0,
        y: points[0].1,
    }];
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        for k in 1..=4 {
            let t = f64::from(k) / 4.0;
            let nudge = if k < 4 && amount > 0.0 {
                rng.random_range(-amount..amount)
            } else {
                0.0
            };
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len = dx.hypot(dy).max(1e-12);
            out.push(Coord {
                x: a.0 + t * dx - dy / len * nudge,
                y: a.1 + t * dy + dx / len * nudge,
            });
        }
    }
    LineString::new(out)
}

/// A random spot along one of `roads` (chosen in proportion to length), nudged up to `offset`
/// degrees aside, and the road it is on.
pub fn point_along<'r>(
    rng: &mut impl Rng,
    roads: &[&'r Road],
    offset: f64,
) -> (Coord<f64>, &'r Road) {
    let lengths: Vec<f64> = roads.iter().map(|r| Euclidean.length(&r.line)).collect();
    let mut pick = rng.random_range(0.0..lengths.iter().sum::<f64>());
    let mut index = 0;
    while pick > lengths[index] && index + 1 < roads.len() {
        pick -= lengths[index];
        index += 1;
    }
    let road = roads[index];
    let p = road
        .line
        .point_at_ratio_from_start(&Euclidean, rng.random_range(0.02..0.98))
        .expect("roads have length");
    let d = if offset > 0.0 {
        rng.random_range(-offset..offset)
    } else {
        0.0
    };
    let [w, s, e, n] = BOUNDS;
    (
        Coord {
            x: (p.x() + d).clamp(w, e),
            y: (p.y() - d).clamp(s, n),
        },
        road,
    )
}
