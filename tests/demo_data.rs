//! The committed demo city respects FACTS.md: counts, named places, labels; every layer loads;
//! every land-use code and camera kind has a colour in the style.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tileserver::config::CityConfig;
use tileserver::layer::LayerRegistry;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(name)
}

fn features(layer: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(data(&format!("{layer}.geojson"))).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["type"], "FeatureCollection");
    doc["features"].as_array().unwrap().clone()
}

fn count_by(features: &[Value], key: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in features {
        *counts
            .entry(f["properties"][key].as_str().unwrap_or("").to_owned())
            .or_default() += 1;
    }
    counts
}

#[test]
fn cameras_match_the_2022_counts() {
    let cameras = features("cameras");
    assert_eq!(cameras.len(), 1059);
    let kinds = count_by(&cameras, "kind");
    assert_eq!(kinds["smart"], 205);
    assert_eq!(kinds["ptz"], 1);
    assert_eq!(kinds["socialized"], 526);
    assert_eq!(kinds["resident"], 327);
    let sites = count_by(&cameras, "site");
    assert!(
        sites["intersection"] > 100 && sites["market"] > 0,
        "{sites:?}"
    );
    for c in &cameras {
        let p = &c["properties"];
        assert!(
            p["stream_url"].as_str().unwrap().starts_with("rtsp://"),
            "the store holds a stream address"
        );
        assert!(p["ward"].is_string(), "every camera lies in a ward: {p}");
        assert!((2020..=2022).contains(&p["installed_year"].as_i64().unwrap()));
    }
}

#[test]
fn wifi_has_the_three_fixed_points_and_the_reported_sessions() {
    let wifi = features("wifi");
    let fixed: Vec<&str> = wifi
        .iter()
        .filter(|f| f["properties"]["kind"] == "fixed")
        .map(|f| f["properties"]["venue"].as_str().unwrap())
        .collect();
    assert_eq!(
        fixed,
        [
            "Quảng trường tỉnh Bình Phước",
            "Chợ Đồng Xoài",
            "Bệnh viện Đa khoa tỉnh Bình Phước"
        ]
    );
    assert!(wifi.iter().any(|f| f["properties"]["kind"] == "temporary"));
    let sessions: i64 = wifi
        .iter()
        .map(|f| f["properties"]["sessions"].as_i64().unwrap())
        .sum();
    assert_eq!(sessions, 32_985);
    assert!(
        wifi.iter()
            .all(|f| f["properties"]["position"] == "approximate")
    );
}

#[test]
fn wards_are_the_six_wards_and_two_communes() {
    let wards = features("wards");
    let names: BTreeMap<String, String> = wards
        .iter()
        .map(|f| {
            (
                f["properties"]["name"].as_str().unwrap().to_owned(),
                f["properties"]["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("Tân Bình", "phường"),
        ("Tân Đồng", "phường"),
        ("Tân Phú", "phường"),
        ("Tân Thiện", "phường"),
        ("Tân Xuân", "phường"),
        ("Tiến Thành", "phường"),
        ("Tân Thành", "xã"),
        ("Tiến Hưng", "xã"),
    ];
    assert_eq!(names.len(), 8);
    for (name, kind) in expected {
        assert_eq!(names.get(name).map(String::as_str), Some(kind), "{name}");
    }
    assert!(
        wards
            .iter()
            .all(|f| f["properties"]["position"] == "approximate")
    );
}

#[test]
fn roads_include_national_route_14() {
    let roads = features("roads");
    assert!(
        roads
            .iter()
            .any(|f| f["properties"]["ref"] == "QL14" && f["properties"]["name"] == "Quốc lộ 14")
    );
    assert!(roads.iter().all(
        |f| f["properties"]["position"] == "approximate" && f["properties"]["name"].is_string()
    ));
}

#[test]
fn reports_include_the_73_of_2022() {
    let reports = features("reports");
    assert!((200..=1000).contains(&reports.len()));
    let in_2022 = reports
        .iter()
        .filter(|f| {
            f["properties"]["created_at"]
                .as_str()
                .unwrap()
                .starts_with("2022-")
        })
        .count();
    assert_eq!(in_2022, 73);
    for r in &reports {
        let p = &r["properties"];
        assert!(
            p["created_at"].as_str().unwrap().ends_with("+07:00"),
            "ISO 8601 with Vietnam's offset"
        );
        for private in ["reporter_name", "reporter_phone", "reporter_email"] {
            assert!(p.get(private).is_none());
        }
    }
    let statuses = count_by(&reports, "status");
    assert!(statuses.len() >= 4, "{statuses:?}");
}

#[test]
fn planning_has_codes_decisions_and_holes() {
    let planning = features("planning");
    assert!(planning.len() > 100);
    let holes = planning
        .iter()
        .filter(|f| f["geometry"]["coordinates"].as_array().unwrap().len() > 1)
        .count();
    assert!(holes > 0, "some parcels have holes");
    for f in &planning {
        let p = &f["properties"];
        assert!(
            p["land_use"].is_string() && p["decision_no"].is_string() && p["plan_name"].is_string()
        );
    }
}

#[test]
fn every_file_is_labelled_as_demo_data_and_loads() {
    let config = CityConfig::load(&data("city.toml")).unwrap();
    let registry = LayerRegistry::load(&config).unwrap();
    assert_eq!(
        registry.names(),
        ["wards", "planning", "roads", "cameras", "wifi", "reports"]
    );
    for layer in &config.layers {
        let all = features(&layer.name);
        assert!(
            all.iter().all(|f| f["properties"]["source"]
                .as_str()
                .is_some_and(|s| s.contains("demo"))),
            "{}: every feature says it is demo data",
            layer.name
        );
        // Whatever the style colours by has a colour for every value in the data.
        if let Some(by) = &layer.style.color_by {
            for value in count_by(&all, by).keys() {
                assert!(
                    layer.style.colors.contains_key(value),
                    "{}: no colour for {by} = {value}",
                    layer.name
                );
                assert!(
                    layer.style.labels.contains_key(value),
                    "{}: no legend label for {by} = {value}",
                    layer.name
                );
            }
        }
    }
}
