//! Named places of Đồng Xoài used by several layers, at approximate positions.

/// A named place: (name, kind, lon, lat).
pub type Place = (&'static str, &'static str, f64, f64);

/// The provincial square, Đồng Xoài market and the provincial general hospital are the three
/// fixed Wi-Fi points of FACTS.md; the rest are markets and public places where cameras stand.
pub const PLACES: [Place; 10] = [
    ("Quảng trường tỉnh Bình Phước", "square", 106.9005, 11.5330),
    ("Chợ Đồng Xoài", "market", 106.8965, 11.5395),
    (
        "Bệnh viện Đa khoa tỉnh Bình Phước",
        "hospital",
        106.8870,
        11.5475,
    ),
    ("Chợ Tân Bình", "market", 106.8745, 11.5350),
    ("Chợ Tân Thiện", "market", 106.9060, 11.5215),
    ("Chợ Tiến Thành", "market", 106.8800, 11.4990),
    ("Hồ Suối Cam", "park", 106.9100, 11.5420),
    (
        "Tượng đài Chiến thắng Đồng Xoài",
        "monument",
        106.8985,
        11.5360,
    ),
    ("Bến xe khách Đồng Xoài", "bus_station", 106.8890, 11.5200),
    ("Trung tâm Văn hóa tỉnh", "culture", 106.9030, 11.5290),
];

/// The place with this name.
pub fn place(name: &str) -> Place {
    *PLACES.iter().find(|p| p.0 == name).expect("known place")
}
