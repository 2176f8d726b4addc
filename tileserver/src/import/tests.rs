use super::*;
use std::io::Write;

fn planning_layer() -> LayerConfig {
    toml::from_str(
        r#"name = "planning"
           title = "Quy hoạch"
           file = "planning.geojson"
           geometry = "polygon"
           id_property = "id"
           attributes = ["id", "land_use", "land_use_name", "max_floors"]"#,
    )
    .unwrap()
}

fn file(dir: &tempfile::TempDir, name: &str, text: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text)
        .unwrap();
    path
}

fn run(path: &Path, options: &ImportOptions) -> Result<Imported, ImportError> {
    import_file(path, &planning_layer(), options, &mut |_, _| {})
}

fn features(imported: &Imported) -> Vec<geojson::Feature> {
    let c: geojson::FeatureCollection = imported
        .geojson
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    c.features
}

const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[106.90,11.53],[106.91,11.53],[106.91,11.54],[106.90,11.54],[106.90,11.53]]]}"#;
const BOWTIE: &str = r#"{"type":"Polygon","coordinates":[[[106.90,11.53],[106.91,11.54],[106.91,11.53],[106.90,11.54],[106.90,11.53]]]}"#;
const POINT: &str = r#"{"type":"Point","coordinates":[106.9,11.53]}"#;

fn collection(features: &[(&str, &str)]) -> Vec<u8> {
    let items: Vec<String> = features
        .iter()
        .map(|(g, p)| format!(r#"{{"type":"Feature","geometry":{g},"properties":{p}}}"#))
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        items.join(",")
    )
    .into_bytes()
}

#[test]
fn geojson_keeps_the_layer_attributes_and_repairs_a_bowtie() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(
        &dir,
        "plan.geojson",
        &collection(&[
            (
                SQUARE,
                r#"{"id":7,"land_use":"ODT","land_use_name":"Đất ở tại đô thị","secret":"x"}"#,
            ),
            (BOWTIE, r#"{"id":8,"LAND_USE":"DGD"}"#),
        ]),
    );
    let imported = run(&path, &ImportOptions::default()).unwrap();
    let s = &imported.summary;
    assert_eq!((s.read, s.imported, s.rejected.len()), (2, 2, 0));
    assert_eq!(s.repaired.len(), 1);
    assert_eq!(s.repaired[0].at.index, 1);
    assert!(
        s.repaired[0].reason.contains("crosses itself"),
        "{:?}",
        s.repaired
    );
    assert_eq!(s.renamed, vec![("LAND_USE".into(), "land_use".into())]);
    assert_eq!(s.missing_attributes, vec!["max_floors".to_string()]);
    let f = features(&imported);
    let p = f[0].properties.as_ref().unwrap();
    assert_eq!(p["land_use_name"], "Đất ở tại đô thị");
    assert!(
        !p.contains_key("secret"),
        "unpublished attributes are dropped"
    );
    assert_eq!(f[1].properties.as_ref().unwrap()["land_use"], "DGD");
    assert!(matches!(
        f[1].geometry.as_ref().unwrap().value,
        geojson::GeometryValue::MultiPolygon { .. }
    ));
}

#[test]
fn mixed_geometry_kinds_are_rejected_and_nothing_is_imported_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(
        &dir,
        "mixed.geojson",
        &collection(&[(SQUARE, r#"{"id":1}"#), (POINT, r#"{"id":2}"#)]),
    );
    let ImportError::Rejected { summary, .. } = run(&path, &ImportOptions::default()).unwrap_err()
    else {
        panic!("rejected expected")
    };
    assert_eq!(summary.rejected.len(), 1);
    assert_eq!(summary.rejected[0].at.index, 1);
    assert!(
        summary.rejected[0]
            .reason
            .contains("a point geometry; the layer holds polygons")
    );
    let message = ImportError::Rejected {
        file: path.clone(),
        summary,
    }
    .to_string();
    assert!(
        message.contains("nothing was imported") && message.contains("--skip-invalid"),
        "{message}"
    );

    let options = ImportOptions {
        skip_invalid: true,
        ..Default::default()
    };
    let imported = run(&path, &options).unwrap();
    assert_eq!(imported.summary.imported, 1);
    assert_eq!(features(&imported).len(), 1);
}

#[test]
fn duplicate_ids_are_rejected_and_missing_ids_numbered() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(
        &dir,
        "ids.geojson",
        &collection(&[
            (SQUARE, r#"{"id":5}"#),
            (SQUARE, r#"{"id":5}"#),
            (SQUARE, r#"{}"#),
        ]),
    );
    let ImportError::Rejected { summary, .. } = run(&path, &ImportOptions::default()).unwrap_err()
    else {
        panic!("rejected expected")
    };
    assert_eq!(summary.rejected.len(), 1);
    assert!(
        summary.rejected[0]
            .reason
            .contains("used by an earlier feature")
    );
    let imported = run(
        &path,
        &ImportOptions {
            skip_invalid: true,
            ..Default::default()
        },
    )
    .unwrap();
    let ids: Vec<_> = features(&imported)
        .iter()
        .map(|f| f.properties.as_ref().unwrap()["id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![5, 3],
        "a feature without id gets its position (1-based)"
    );
}

#[test]
fn metres_declared_as_wgs84_refuse_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let metres = r#"{"type":"Polygon","coordinates":[[[600000,1270000],[600100,1270000],[600100,1270100],[600000,1270000]]]}"#;
    let path = file(
        &dir,
        "vn2000.geojson",
        &collection(&[(metres, r#"{"id":1}"#)]),
    );
    let e = run(&path, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("feature 0") && e.contains("600000") && e.contains("--crs"),
        "{e}"
    );
    // Declared, it lands in Bình Phước.
    let options = ImportOptions {
        crs: Some(SourceCrs::parse("EPSG:9212").unwrap()),
        ..Default::default()
    };
    let imported = run(&path, &options).unwrap();
    let f = features(&imported);
    let geojson::GeometryValue::Polygon { coordinates } = &f[0].geometry.as_ref().unwrap().value
    else {
        panic!()
    };
    let (lon, lat) = (coordinates[0][0][0], coordinates[0][0][1]);
    assert!(
        (lon - 107.168).abs() < 0.001 && (lat - 11.4826).abs() < 0.001,
        "{lon} {lat}"
    );
}

#[test]
fn a_geojson_crs_member_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let metres = r#"{"type":"Polygon","coordinates":[[[600000,1270000],[600100,1270000],[600100,1270100],[600000,1270000]]]}"#;
    let mut text = String::from_utf8(collection(&[(metres, r#"{"id":1}"#)])).unwrap();
    text.insert_str(
        1,
        r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::9212"}},"#,
    );
    let path = file(&dir, "named.geojson", text.as_bytes());
    let imported = run(&path, &ImportOptions::default()).unwrap();
    assert!(
        imported.summary.crs.contains("9212"),
        "{}",
        imported.summary.crs
    );
}

#[test]
fn truncated_geojson_names_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let full = collection(&[(SQUARE, r#"{"id":1}"#)]);
    let path = file(&dir, "cut.geojson", &full[..full.len() / 2]);
    let e = run(&path, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 1") && e.contains("truncated"), "{e}");
}

#[test]
fn csv_with_wkt_or_lon_lat_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(
        &dir,
        "plan.csv",
        "\u{feff}id;WKT;land_use;max_floors\n1;POLYGON((106.9 11.53,106.91 11.53,106.91 11.54,106.9 11.53));ODT;05\n2;POLYGON((106.9 11.53,106.91 11.53,106.91 11.54,106.9 11.53));DGD;4\n"
            .as_bytes(),
    );
    let imported = run(&path, &ImportOptions::default()).unwrap();
    let f = features(&imported);
    assert_eq!(f.len(), 2);
    let p = f[1].properties.as_ref().unwrap();
    assert_eq!(
        (p["land_use"].as_str(), p["max_floors"].as_i64()),
        (Some("DGD"), Some(4))
    );
    assert_eq!(
        f[0].properties.as_ref().unwrap()["max_floors"],
        "05",
        "a code with a leading zero stays text"
    );

    let points: LayerConfig = toml::from_str(
        r#"name = "wifi"
           title = "Wi-Fi"
           file = "wifi.geojson"
           geometry = "point"
           attributes = ["name"]"#,
    )
    .unwrap();
    let path = file(
        &dir,
        "wifi.csv",
        "name,kinh_do,vi_do\nChợ Đồng Xoài,106.9,11.53\n".as_bytes(),
    );
    let imported = import_file(&path, &points, &ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!(
        features(&imported)[0].properties.as_ref().unwrap()["name"],
        "Chợ Đồng Xoài"
    );
}

#[test]
fn csv_problems_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let header = "id,WKT,land_use\n";
    let row = "1,\"POLYGON((106.9 11.53,106.91 11.53,106.91 11.54,106.9 11.53))\",ODT\n";
    let path = file(
        &dir,
        "cut.csv",
        format!("{header}{row}2,\"POLYGON((106.9 11.53\n").as_bytes(),
    );
    let e = run(&path, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3") && e.contains("truncated"), "{e}");

    let mut latin = header.as_bytes().to_vec();
    latin.extend_from_slice(
        b"1,\"POLYGON((106.9 11.53,106.91 11.53,106.91 11.54,106.9 11.53))\",\xD0\xE2\xEC\n",
    );
    let path = file(&dir, "legacy.csv", &latin);
    let e = run(&path, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("--encoding windows-1258"),
        "{e}"
    );
    let options = ImportOptions {
        encoding: Some("windows-1258".into()),
        ..Default::default()
    };
    let imported = run(&path, &options).unwrap();
    assert_eq!(
        features(&imported)[0].properties.as_ref().unwrap()["land_use"],
        "Đấ"
    );

    let path = file(&dir, "nogeom.csv", b"id,name\n1,a\n");
    let e = run(&path, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("no geometry column"), "{e}");
}

#[test]
fn unknown_extensions_and_empty_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(&dir, "plan.kml", b"<kml/>");
    assert!(
        run(&path, &ImportOptions::default())
            .unwrap_err()
            .to_string()
            .contains("unknown file type")
    );
    let path = file(
        &dir,
        "empty.geojson",
        br#"{"type":"FeatureCollection","features":[]}"#,
    );
    assert!(
        run(&path, &ImportOptions::default())
            .unwrap_err()
            .to_string()
            .contains("no features")
    );
}

#[test]
fn a_feature_over_the_vertex_limit_is_rejected_not_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let n = MAX_VERTICES_PER_FEATURE + 1;
    let mut ring = String::with_capacity(n * 28);
    for i in 0..n {
        let a = std::f64::consts::TAU * i as f64 / n as f64;
        ring.push_str(&format!(
            "[{:.7},{:.7}],",
            106.9 + 0.01 * a.cos(),
            11.53 + 0.01 * a.sin()
        ));
    }
    ring.push_str("[106.91,11.53]");
    let huge = format!(r#"{{"type":"Polygon","coordinates":[[{ring}]]}}"#);
    let path = file(
        &dir,
        "huge.geojson",
        &collection(&[(SQUARE, r#"{"id":1}"#), (&huge, r#"{"id":2}"#)]),
    );
    let imported = run(
        &path,
        &ImportOptions {
            skip_invalid: true,
            ..Default::default()
        },
    )
    .unwrap();
    let s = &imported.summary;
    assert_eq!((s.read, s.imported), (2, 1));
    assert_eq!(s.rejected[0].at.index, 1);
    assert!(
        s.rejected[0].reason.contains("split it"),
        "{:?}",
        s.rejected
    );
}
