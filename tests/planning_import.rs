//! `tileserver import`: the demo planning layer converted by GDAL (`ogr2ogr`) to every format
//! it reads comes back whole (attributes equal, every vertex within 1 m, VN-2000 included);
//! broken inputs are refused with their documented messages and leave the served layer as it
//! was; a running server switches to a new version at once, keeps the old one for comparison,
//! and lets only planners switch versions. Needs `gdal-bin`.

mod support;

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use support::{Server, demo_config, get, repo_root, request, staff_session, tile_feature, tile_of};

const ATTRIBUTES: [&str; 8] = [
    "zone",
    "land_use",
    "land_use_name",
    "max_floors",
    "density_pct",
    "plan_name",
    "decision_no",
    "approved_on",
];

fn planning() -> PathBuf {
    repo_root().join("data/planning.geojson")
}

fn ogr2ogr(out: &Path, source: &Path, args: &[&str]) {
    let output = Command::new("ogr2ogr")
        .args(args)
        .arg(out)
        .arg(source)
        .output()
        .expect("ogr2ogr runs (apt-get install gdal-bin)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn import(file: &Path, data_dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .arg("import")
        .arg(file)
        .args(["--layer", "planning", "--config"])
        .arg(demo_config())
        .arg("--data-dir")
        .arg(data_dir)
        .args(extra)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// Every vertex of a Polygon or MultiPolygon, ring by ring.
fn rings(geometry: &Value) -> Vec<Vec<(f64, f64)>> {
    let polygons: Vec<&Value> = match geometry["type"].as_str() {
        Some("Polygon") => vec![&geometry["coordinates"]],
        _ => geometry["coordinates"].as_array().unwrap().iter().collect(),
    };
    polygons
        .iter()
        .flat_map(|p| p.as_array().unwrap())
        .map(|ring| {
            ring.as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                .collect()
        })
        .collect()
}

/// A value as text, numbers without a trailing ".0", for comparing across formats.
fn text(v: &Value) -> String {
    match v {
        Value::Number(n) => {
            let f = n.as_f64().unwrap();
            if f.fract() == 0.0 {
                format!("{}", f as i64)
            } else {
                f.to_string()
            }
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn truth() -> HashMap<u64, Value> {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(planning()).unwrap()).unwrap();
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["properties"]["id"].as_u64().unwrap(), f.clone()))
        .collect()
}

/// The served planning features (OGC API Features), by id.
fn served(server: &Server) -> HashMap<u64, Value> {
    let doc = get(
        &server.url("/ogc/collections/planning/items?limit=10000"),
        &[],
    )
    .json();
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_u64().unwrap(), f.clone()))
        .collect()
}

/// Asserts the served layer equals the demo file: attributes, and vertices within `tolerance_m`.
fn assert_matches_truth(server: &Server, what: &str, tolerance_m: f64) {
    let truth = truth();
    let served = served(server);
    assert_eq!(served.len(), truth.len(), "{what}: feature count");
    let mut worst: f64 = 0.0;
    for (id, original) in &truth {
        let got = served
            .get(id)
            .unwrap_or_else(|| panic!("{what}: feature {id} missing"));
        for key in ATTRIBUTES {
            assert_eq!(
                text(&got["properties"][key]),
                text(&original["properties"][key]),
                "{what}: feature {id}, {key}"
            );
        }
        let (a, b) = (rings(&got["geometry"]), rings(&original["geometry"]));
        assert_eq!(a.len(), b.len(), "{what}: feature {id}, rings");
        for (ra, rb) in a.iter().zip(&b) {
            // Writers may start a ring elsewhere or reverse it: compare as sets of vertices.
            assert_eq!(ra.len(), rb.len(), "{what}: feature {id}, ring length");
            for p in rb {
                let nearest = ra.iter().map(|q| metres(*p, *q)).fold(f64::MAX, f64::min);
                worst = worst.max(nearest);
            }
        }
    }
    assert!(
        worst < tolerance_m,
        "{what}: worst vertex {worst:.4} m from its truth"
    );
}

fn versions(server: &Server) -> Value {
    get(&server.url("/api/layers/planning/versions"), &[]).json()
}

/// Waits (up to 10 s) until the server serves `version`.
fn wait_for_version(server: &Server, version: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while versions(server)["served"] != version {
        assert!(
            Instant::now() < deadline,
            "the server did not switch to version {version}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn every_format_round_trips_the_demo_planning_layer() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &[&str], f64); 5] = [
        ("GeoJSON", "plan.geojson", &["-f", "GeoJSON"], 0.01),
        (
            "CSV",
            "plan.csv",
            &["-f", "CSV", "-lco", "GEOMETRY=AS_WKT"],
            0.01,
        ),
        (
            "GeoPackage",
            "plan.gpkg",
            &["-f", "GPKG", "-nln", "planning"],
            0.01,
        ),
        ("FlatGeobuf", "plan.fgb", &["-f", "FlatGeobuf"], 0.01),
        // VN-2000 / TM-3 106°30′ (Bình Phước's zone), metres to the millimetre.
        (
            "Shapefile",
            "plan.shp",
            &[
                "-f",
                "ESRI Shapefile",
                "-t_srs",
                "EPSG:9213",
                "-lco",
                "ENCODING=UTF-8",
            ],
            1.0,
        ),
    ];
    for (format, name, args, tolerance) in cases {
        let file = dir.path().join(name);
        ogr2ogr(&file, &planning(), args);
        let data = tempfile::tempdir().unwrap();
        let out = import(&file, data.path(), &[]);
        let err = stderr(&out);
        assert!(out.status.success(), "{format}: {err}");
        assert!(
            err.contains(format) && err.contains("read 615, imported 615"),
            "{format}: {err}"
        );
        if format == "Shapefile" {
            assert!(err.contains("EPSG:9213"), "the .prj is read: {err}");
            assert!(
                err.contains("land_use_n → land_use_name"),
                "truncated names matched: {err}"
            );
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("now serves version 1"), "{stdout}");
        let server = Server::start_in(&demo_config(), data, &[]);
        assert_eq!(versions(&server)["served"], 1);
        assert_matches_truth(&server, format, tolerance);
    }
}

#[test]
fn windows_1258_text_is_read_when_declared_and_refused_when_not() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("legacy.shp");
    ogr2ogr(
        &shp,
        &planning(),
        &["-f", "ESRI Shapefile", "-lco", "ENCODING=CP1258"],
    );
    let data = tempfile::tempdir().unwrap();

    // With GDAL's .cpg naming CP1258 the text is converted.
    let out = import(&shp, data.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("windows-1258"), "{}", stderr(&out));

    // Without it the bytes are not UTF-8: refused with the fix, nothing stored.
    std::fs::remove_file(shp.with_extension("cpg")).unwrap();
    let out = import(&shp, data.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("legacy.dbf")
            && err.contains("not UTF-8")
            && err.contains("--encoding windows-1258"),
        "{err}"
    );
    let out = import(&shp, data.path(), &["--encoding", "windows-1258"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = import(&shp, data.path(), &["--encoding", "TCVN3"]);
    assert!(
        stderr(&out).contains("convert the file to Unicode"),
        "{}",
        stderr(&out)
    );

    let server = Server::start_in(&demo_config(), data, &[]);
    let v = versions(&server);
    assert_eq!(v["served"], 2, "two imports succeeded: {v}");
    assert_matches_truth(&server, "Windows-1258 Shapefile", 0.01);
}

#[test]
fn broken_inputs_are_refused_and_the_served_layer_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let server = Server::start(&[]);
    let good = d.join("good.gpkg");
    ogr2ogr(&good, &planning(), &["-f", "GPKG"]);
    assert!(import(&good, server.data_dir.path(), &[]).status.success());
    wait_for_version(&server, 1);

    // A VN-2000 shapefile, then broken copies of it.
    let shp = d.join("vn2000.shp");
    ogr2ogr(
        &shp,
        &planning(),
        &[
            "-f",
            "ESRI Shapefile",
            "-t_srs",
            "EPSG:9213",
            "-lco",
            "ENCODING=UTF-8",
        ],
    );
    let copy = |name: &str| -> PathBuf {
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            if shp.with_extension(ext).exists() {
                std::fs::copy(shp.with_extension(ext), d.join(name).with_extension(ext)).unwrap();
            }
        }
        d.join(name).with_extension("shp")
    };
    let truncated = copy("truncated");
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let wrong_prj = copy("wrong_prj");
    std::fs::write(
        wrong_prj.with_extension("prj"),
        r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    )
    .unwrap();
    let lambert = copy("lambert");
    let lambert_prj = Command::new("gdalsrsinfo")
        .args(["-o", "wkt_esri", "EPSG:2154"])
        .output()
        .unwrap();
    std::fs::write(lambert.with_extension("prj"), &lambert_prj.stdout).unwrap();
    let no_dbf = copy("no_dbf");
    std::fs::remove_file(no_dbf.with_extension("dbf")).unwrap();

    let gpkg = d.join("cut.gpkg");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&gpkg, &bytes[..bytes.len() / 3]).unwrap();
    let fgb = d.join("full.fgb");
    ogr2ogr(&fgb, &planning(), &["-f", "FlatGeobuf"]);
    let cut_fgb = d.join("cut.fgb");
    let bytes = std::fs::read(&fgb).unwrap();
    std::fs::write(&cut_fgb, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let mixed = d.join("mixed.geojson");
    std::fs::write(
        &mixed,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":1,"land_use":"ODT"},"geometry":{"type":"Polygon","coordinates":[[[106.9,11.53],[106.91,11.53],[106.91,11.54],[106.9,11.53]]]}},
{"type":"Feature","properties":{"id":2,"land_use":"ODT"},"geometry":{"type":"Point","coordinates":[106.9,11.53]}}]}"#,
    )
    .unwrap();

    let cases: [(&Path, &[&str]); 7] = [
        (&truncated, &["truncated.shp", "is the .shp truncated"]),
        (
            &wrong_prj,
            &[
                "wrong_prj.shp",
                "cannot be WGS84",
                "check the .prj or pass --crs",
            ],
        ),
        (&lambert, &["its .prj", "Lambert", "--crs EPSG:"]),
        (&no_dbf, &["no_dbf.dbf", "needs its .shp, .shx and .dbf"]),
        (&gpkg, &["cut.gpkg", "not a readable GeoPackage"]),
        (&cut_fgb, &["cut.fgb", "truncated"]),
        (
            &mixed,
            &[
                "1 of 2 features cannot be imported",
                "feature 1: a point geometry; the layer holds polygons",
                "nothing was imported",
            ],
        ),
    ];
    for (file, expected) in cases {
        let out = import(file, server.data_dir.path(), &[]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{}: refused", file.display());
        for e in expected {
            assert!(err.contains(e), "{}: {e:?} in {err}", file.display());
        }
        let v = versions(&server);
        assert_eq!(
            v["versions"].as_array().unwrap().len(),
            2,
            "nothing stored: {v}"
        );
        assert_eq!(v["served"], 1);
    }
    assert_matches_truth(&server, "after broken imports", 0.01);
}

#[test]
fn a_self_intersecting_polygon_is_repaired_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bowtie = dir.path().join("bowtie.geojson");
    std::fs::write(
        &bowtie,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":1,"land_use":"DKV"},"geometry":{"type":"Polygon","coordinates":[[[106.90,11.53],[106.91,11.54],[106.91,11.53],[106.90,11.54],[106.90,11.53]]]}}]}"#,
    )
    .unwrap();
    let server = Server::start(&[]);
    let out = import(&bowtie, server.data_dir.path(), &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("repaired 1")
            && err.contains("repaired feature 0: the outer ring crosses itself near (106.905"),
        "{err}"
    );
    wait_for_version(&server, 1);
    let item = get(&server.url("/ogc/collections/planning/items/1"), &[]).json();
    assert_eq!(
        item["geometry"]["type"], "MultiPolygon",
        "two triangles: {item}"
    );
    assert_eq!(item["geometry"]["coordinates"].as_array().unwrap().len(), 2);
}

#[test]
fn a_running_server_switches_versions_keeps_the_old_and_only_planners_switch_back() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[]);
    let truth = truth();
    let first = &truth[&1];
    let (lon, lat) = (
        first["geometry"]["coordinates"][0][0][0].as_f64().unwrap(),
        first["geometry"]["coordinates"][0][0][1].as_f64().unwrap(),
    );
    // A centre point of the first parcel's ring, for the tile holding it.
    let ring = rings(&first["geometry"]);
    let n = ring[0].len() as f64;
    let centre = ring[0]
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let (z, x, y) = tile_of(centre.0, centre.1, 15);
    let land_use_in = |layers: &str, layer: &str| {
        let tile = get(&server.url(&format!("/tiles/{layers}/{z}/{x}/{y}")), &[]);
        assert_eq!(tile.status, 200, "{layers}");
        tile_feature(&tile.body, layer, 1).expect("parcel 1 in its tile")["land_use"].clone()
    };
    let original = first["properties"]["land_use"].as_str().unwrap().to_owned();
    assert_eq!(land_use_in("planning", "planning"), original);

    // Version 1: parcel 1 becomes a park.
    let edited = |land_use: &str, name: &str| {
        let text = std::fs::read_to_string(planning()).unwrap();
        let mut doc: Value = serde_json::from_str(&text).unwrap();
        doc["features"][0]["properties"]["land_use"] = land_use.into();
        let path = dir.path().join(name);
        std::fs::write(&path, doc.to_string()).unwrap();
        path
    };
    let v1 = edited("DKV", "v1.geojson");
    assert!(import(&v1, server.data_dir.path(), &[]).status.success());
    wait_for_version(&server, 1);
    assert_eq!(land_use_in("planning", "planning"), "DKV");
    assert_eq!(
        land_use_in("planning@0", "planning@0"),
        original,
        "the configured file stays available for comparison"
    );
    let _ = (lon, lat);

    // Version 2 staged: stored, not served.
    let v2 = edited("DGD", "v2.geojson");
    let out = import(&v2, server.data_dir.path(), &["--stage"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("without serving it"));
    std::thread::sleep(Duration::from_millis(1500));
    let v = versions(&server);
    assert_eq!(v["served"], 1);
    let listed: Vec<u64> = v["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["version"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, vec![2, 1, 0]);
    assert_eq!(land_use_in("planning@2", "planning@2"), "DGD");
    assert!(
        v["versions"][0]["tiles"][0]
            .as_str()
            .unwrap()
            .ends_with("/tiles/planning@2/{z}/{x}/{y}"),
        "{v}"
    );

    // Switching needs a planner (or an admin).
    let activate = server.url("/api/layers/planning/versions/2/activate");
    assert_eq!(request("POST", &activate, &[]).status, 401);
    let operator = staff_session(&server, "van.hanh", "operator");
    let reply = request("POST", &activate, &[("Cookie", &operator)]);
    assert_eq!(reply.status, 403);
    assert!(String::from_utf8_lossy(&reply.body).contains("quy hoạch"));
    let planner = staff_session(&server, "quy.hoach", "planner");
    let reply = request(
        "POST",
        &server.url("/api/layers/planning/versions/9/activate"),
        &[("Cookie", &planner)],
    );
    assert_eq!(reply.status, 404);
    let reply = request("POST", &activate, &[("Cookie", &planner)]);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(versions(&server)["served"], 2, "switched before answering");
    assert_eq!(land_use_in("planning", "planning"), "DGD");
    assert_eq!(land_use_in("planning@1", "planning@1"), "DKV");

    // Bad version names are refused clearly.
    let reply = get(&server.url(&format!("/tiles/planning@x/{z}/{x}/{y}")), &[]);
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["errors"][0]["field"], "layers");
}
