//! A planning layer delivered in VN-2000 (converted by GDAL from the demo's WGS84 file to
//! VN-2000 / TM-3 106°15′, EPSG:9212, with the official transformation EPSG:6960) is served back
//! in WGS84 within 1 m of the original at every vertex; a WGS84 file declared as VN-2000 is
//! refused naming the file, the feature and the reason. Needs `gdal-bin`.

mod support;

use serde_json::Value;
use std::collections::HashMap;
use std::process::Command;
use support::{Server, get, repo_root};

fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// The demo configuration with the planning layer read from `file` in `crs`.
fn config_with_planning(
    dir: &std::path::Path,
    file: &std::path::Path,
    crs: &str,
) -> std::path::PathBuf {
    let data = repo_root().join("data");
    let text = std::fs::read_to_string(support::demo_config())
        .unwrap()
        .replace("file = \"", &format!("file = \"{}/", data.display()))
        .replace(
            &format!("file = \"{}/planning.geojson\"", data.display()),
            &format!("file = {:?}\ncrs = {crs:?}", file.display().to_string()),
        );
    let config = dir.join("city.toml");
    std::fs::write(&config, text).unwrap();
    config
}

fn exterior(f: &Value) -> Vec<(f64, f64)> {
    let g = &f["geometry"];
    let ring = match g["type"].as_str() {
        Some("Polygon") => &g["coordinates"][0],
        _ => &g["coordinates"][0][0],
    };
    ring.as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
        .collect()
}

#[test]
fn a_vn2000_layer_lands_within_a_metre_of_its_wgs84_truth() {
    let dir = tempfile::tempdir().unwrap();
    let vn2000 = dir.path().join("planning-vn2000.geojson");
    let out = Command::new("ogr2ogr")
        .args([
            "-f",
            "GeoJSON",
            "-t_srs",
            "EPSG:9212",
            "-lco",
            "COORDINATE_PRECISION=3",
        ])
        .arg(&vn2000)
        .arg(repo_root().join("data/planning.geojson"))
        .output()
        .expect("ogr2ogr runs (apt-get install gdal-bin)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&vn2000).unwrap();
    assert!(text.contains("9212"), "GDAL wrote VN-2000 coordinates");

    let config = config_with_planning(dir.path(), &vn2000, "EPSG:9212");
    let server = Server::start_with_config(&config, &[]);
    let served = get(
        &server.url("/ogc/collections/planning/items?limit=10000"),
        &[],
    )
    .json();
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("data/planning.geojson")).unwrap(),
    )
    .unwrap();
    let truth: HashMap<u64, &Value> = truth["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["properties"]["id"].as_u64().unwrap(), f))
        .collect();
    let features = served["features"].as_array().unwrap();
    assert_eq!(features.len(), truth.len());
    let mut worst: f64 = 0.0;
    for f in features {
        let original = truth[&f["id"].as_u64().unwrap()];
        let (a, b) = (exterior(f), exterior(original));
        assert_eq!(a.len(), b.len());
        for (p, q) in a.iter().zip(&b) {
            worst = worst.max(metres(*p, *q));
        }
    }
    assert!(
        worst < 1.0,
        "every vertex within 1 m of its WGS84 truth (worst {worst:.3} m)"
    );
}

#[test]
fn a_wgs84_file_declared_as_vn2000_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_planning(
        dir.path(),
        &repo_root().join("data/planning.geojson"),
        "EPSG:9212",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .args(["check", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("planning.geojson")
            && err.contains("feature 0")
            && err.contains("degrees, not metres"),
        "{err}"
    );
    let config = config_with_planning(
        dir.path(),
        &repo_root().join("data/planning.geojson"),
        "EPSG:2154",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .args(["check", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("crs") && err.contains("EPSG:2154"), "{err}");
}
