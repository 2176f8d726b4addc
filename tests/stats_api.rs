//! `/api/stats` against counts computed here, independently, from the demo files: reports by
//! status, category, ward (point in polygon with `geo` over the ward file) and day; cameras by
//! status, kind and ward; Wi-Fi points and sessions; and the live counters moving when a report
//! is filed and resolved.

mod support;

use geo::{Contains, Geometry, Point};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::{Server, get, post_json, repo_root, send, staff_session};

fn features(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(repo_root().join("data").join(file)).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["features"].as_array().unwrap().clone()
}

/// Ward polygons by name, read with the geojson crate.
fn wards() -> Vec<(String, Geometry<f64>)> {
    features("wards.geojson")
        .into_iter()
        .map(|f| {
            let geometry: geojson::Geometry =
                serde_json::from_value(f["geometry"].clone()).unwrap();
            (
                f["properties"]["name"].as_str().unwrap().to_owned(),
                Geometry::<f64>::try_from(geometry).unwrap(),
            )
        })
        .collect()
}

fn ward_of(wards: &[(String, Geometry<f64>)], f: &Value) -> Option<String> {
    let c = &f["geometry"]["coordinates"];
    let p = Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    wards
        .iter()
        .find(|(_, g)| g.contains(&p))
        .map(|(n, _)| n.clone())
}

fn tally(keys: impl Iterator<Item = String>) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_default() += 1;
    }
    out
}

fn as_counts(v: &Value) -> BTreeMap<String, i64> {
    serde_json::from_value(v.clone()).unwrap()
}

#[test]
fn statistics_match_counts_made_from_the_demo_files() {
    let server = Server::start(&[]);
    let wards = wards();
    let reports = features("reports.geojson");
    let in_2022: Vec<&Value> = reports
        .iter()
        .filter(|f| {
            f["properties"]["created_at"]
                .as_str()
                .unwrap()
                .starts_with("2022-")
        })
        .collect();
    assert!(in_2022.len() > 10, "the demo has reports in 2022");
    let stats = get(&server.url("/api/stats?from=2022-01-01&to=2022-12-31"), &[]).json();
    let r = &stats["reports"];
    assert_eq!(r["in_range"], in_2022.len());
    let prop = |f: &&Value, k: &str| f["properties"][k].as_str().unwrap().to_owned();
    assert_eq!(
        as_counts(&r["by_status"]),
        tally(in_2022.iter().map(|f| prop(f, "status")))
    );
    assert_eq!(
        as_counts(&r["by_category"]),
        tally(in_2022.iter().map(|f| prop(f, "category")))
    );
    assert_eq!(
        as_counts(&r["by_ward"]),
        tally(in_2022.iter().filter_map(|f| ward_of(&wards, f)))
    );
    // By local day (the files' times are local, +07:00).
    let by_day = as_counts(&r["by_day"]);
    assert_eq!(by_day.len(), 365);
    assert_eq!(
        by_day
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect::<BTreeMap<_, _>>(),
        tally(
            in_2022
                .iter()
                .map(|f| prop(f, "created_at")[..10].to_owned())
        )
    );
    // Open and in progress, whenever filed.
    let open = reports
        .iter()
        .filter(|f| ["submitted", "received", "in_progress"].contains(&prop(f, "status").as_str()))
        .count();
    assert_eq!(r["open"], open);

    let cameras = features("cameras.geojson");
    let c = &stats["cameras"];
    assert_eq!(c["total"], cameras.len());
    assert_eq!(as_counts(&c["by_status"]), {
        let mut t = tally(cameras.iter().map(|f| prop(&f, "status")));
        for s in ["online", "offline", "maintenance"] {
            t.entry(s.to_owned()).or_default();
        }
        t
    });
    let smart_offline = cameras
        .iter()
        .filter(|f| prop(f, "kind") == "smart" && prop(f, "status") == "offline")
        .count();
    assert_eq!(c["by_kind"]["smart"]["offline"], smart_offline);
    let mut by_ward: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for f in &cameras {
        if let Some(w) = ward_of(&wards, f) {
            *by_ward
                .entry(w)
                .or_default()
                .entry(prop(&f, "status"))
                .or_default() += 1;
        }
    }
    for (ward, statuses) in &by_ward {
        for (status, n) in statuses {
            assert_eq!(c["by_ward"][ward][status], *n, "{ward} {status}");
        }
    }

    let wifi = features("wifi.geojson");
    assert_eq!(stats["wifi"]["points"], wifi.len());
    let sessions: i64 = wifi
        .iter()
        .filter_map(|f| f["properties"]["sessions"].as_i64())
        .sum();
    assert_eq!(stats["wifi"]["sessions"], sessions);
}

#[test]
fn counters_follow_filing_and_resolving() {
    let server = Server::start(&[]);
    let counters = || get(&server.url("/api/stats"), &[]).json()["reports"].clone();
    let before = counters();
    let filed = post_json(
        &server.url("/api/reports"),
        &json!({"category": "street_lighting", "description": "Đèn đường tắt cả tuần", "lon": 106.9, "lat": 11.535}),
        &[],
    );
    assert_eq!(filed.status, 201);
    let after = counters();
    assert_eq!(after["today"], before["today"].as_i64().unwrap() + 1);
    assert_eq!(after["open"], before["open"].as_i64().unwrap() + 1);

    let code = filed.json()["tracking_code"].as_str().unwrap().to_owned();
    let operator = staff_session(&server, "van-hanh", "operator");
    let change = json!({"status": "resolved", "note": "Đã thay bóng đèn"});
    let res = send(
        "PATCH",
        &server.url(&format!("/api/reports/{code}")),
        &[("Content-Type", "application/json"), ("Cookie", &operator)],
        change.to_string().as_bytes(),
    );
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let resolved = counters();
    assert_eq!(resolved["open"], before["open"]);
    assert_eq!(
        resolved["resolved_this_week"],
        before["resolved_this_week"].as_i64().unwrap() + 1
    );
}

#[test]
fn bad_ranges_are_refused_naming_the_field() {
    let server = Server::start(&[]);
    for (query, field) in [
        ("from=h%C3%B4m-qua", "from"),
        ("from=%FF", "from"),
        ("to=2026-02-30", "to"),
        ("from=2026-11-22&to=2026-11-01", "to"),
        ("from=2020-01-01&to=2026-01-01", "from"),
    ] {
        let res = get(&server.url(&format!("/api/stats?{query}")), &[]);
        assert_eq!(res.status, 400, "{query}");
        assert_eq!(res.json()["errors"][0]["field"], field, "{query}");
    }
}
