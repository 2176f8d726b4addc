//! `POST /api/query/area` against cases computed by hand: two zones of 0.01° side meet at
//! longitude 106.91; squares straddling the border, or half outside every zone, get the areas
//! and shares of plane geometry on a sphere's small patch (to 0.5 %).

mod support;

use serde_json::{Value, json};
use support::{Server, post_json};

fn rect(w: f64, s: f64, e: f64, n: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]})
}

/// Area of a small longitude/latitude rectangle, by hand: metres per degree on the WGS84
/// ellipsoid at its mid-latitude.
fn hand_area(w: f64, s: f64, e: f64, n: f64) -> f64 {
    let phi = ((s + n) / 2.0).to_radians();
    let per_lat = 111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos();
    let per_lon = 111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos();
    (e - w) * per_lon * (n - s) * per_lat
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= want.abs() * 0.005 + 0.5,
        "{what}: {got} vs {want}"
    );
}

fn city(dir: &std::path::Path) -> std::path::PathBuf {
    let zones = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": 1, "land_use": "ODT", "land_use_name": "Đất ở tại đô thị"}, "geometry": rect(106.90, 11.50, 106.91, 11.51)},
        {"type": "Feature", "properties": {"id": 2, "land_use": "CXK", "land_use_name": "Đất cây xanh"}, "geometry": rect(106.91, 11.50, 106.92, 11.51)}
    ]});
    std::fs::write(dir.join("zones.geojson"), zones.to_string()).unwrap();
    let config = dir.join("city.toml");
    std::fs::write(
        &config,
        r#"[city]
name = "Thử"
center = [106.91, 11.505]
bounds = [106.8, 11.4, 107.0, 11.6]

[[layers]]
name = "zones"
title = "Quy hoạch"
file = "zones.geojson"
geometry = "polygon"
id_property = "id"
attributes = ["id", "land_use", "land_use_name"]

[planning]
layer = "zones"
"#,
    )
    .unwrap();
    config
}

#[test]
fn areas_and_shares_match_the_hand_computed_cases() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_config(&city(dir.path()), &[]);
    let url = server.url("/api/query/area");

    // Straddling the border: half in each zone.
    let (w, s, e, n) = (106.9075, 11.5025, 106.9125, 11.5075);
    let answer = post_json(&url, &rect(w, s, e, n), &[]);
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let doc = answer.json();
    let total = hand_area(w, s, e, n);
    close(doc["area_m2"].as_f64().unwrap(), total, "query area");
    close(
        doc["planned_m2"].as_f64().unwrap(),
        total,
        "all of it is planned",
    );
    let rows = doc["by_land_use"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for code in ["ODT", "CXK"] {
        let row = rows.iter().find(|r| r["code"] == code).unwrap();
        close(row["area_m2"].as_f64().unwrap(), total / 2.0, code);
        assert!(
            (row["share"].as_f64().unwrap() - 0.5).abs() < 0.002,
            "{row}"
        );
    }
    assert_eq!(
        rows[0]["name"].as_str().map(|n| n.starts_with("Đất")),
        Some(true)
    );
    assert!(doc["method"].as_str().unwrap().contains("geodesic"));
    let features = doc["features"]["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    for f in features {
        let cut = f["properties"]["intersection_m2"].as_f64().unwrap();
        close(cut, total / 2.0, "each zone's cut");
    }

    // Drawn clockwise (as a user may click it): the same answer, not the rest of the Earth.
    let clockwise =
        json!({"type": "Polygon", "coordinates": [[[w, n], [e, n], [e, s], [w, s], [w, n]]]});
    let again = post_json(&url, &clockwise, &[]).json();
    close(again["area_m2"].as_f64().unwrap(), total, "clockwise ring");
    assert_eq!(again["by_land_use"], doc["by_land_use"]);

    // Half outside every zone: half is unplanned, all of the planned part is green.
    let (w, s, e, n) = (106.9175, 11.5025, 106.9225, 11.5075);
    let doc = post_json(
        &url,
        &json!({"type": "Feature", "properties": {}, "geometry": rect(w, s, e, n)}),
        &[],
    )
    .json();
    let total = hand_area(w, s, e, n);
    close(
        doc["unplanned_m2"].as_f64().unwrap(),
        total / 2.0,
        "unplanned half",
    );
    assert_eq!(doc["by_land_use"].as_array().unwrap().len(), 1);
    assert_eq!(doc["by_land_use"][0]["code"], "CXK");

    // Bad shapes are refused, naming the field.
    for bad in [
        json!({"type": "Point", "coordinates": [106.9, 11.5]}),
        json!({"type": "Polygon"}),
        json!({"foo": 1}),
    ] {
        let res = post_json(&url, &bad, &[]);
        assert_eq!(res.status, 400, "{bad}");
        assert_eq!(res.json()["errors"][0]["field"], "geometry");
    }
}
