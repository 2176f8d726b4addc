//! MapLibre's own validator (`gl-style-validate` from @maplibre/maplibre-gl-style-spec, installed
//! into target/tools by `cargo xtask test`) accepts the style our server publishes, with and
//! without a base map.

mod support;

use std::process::Command;
use support::{Server, demo_config_with, gdal_base_mbtiles, get, repo_root};

/// The validator's complaints about a style (empty when it accepts it), and whether it passed.
fn validate(style: &[u8]) -> (bool, String) {
    let validator = repo_root().join("target/tools/node_modules/.bin/gl-style-validate");
    assert!(
        validator.exists(),
        "{} is missing: run `cargo xtask test`, which installs MapLibre's style validator",
        validator.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("style.json");
    std::fs::write(&file, style).unwrap();
    let out = Command::new(&validator)
        .arg(&file)
        .output()
        .expect("node runs the validator");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success() && report.trim().is_empty(), report)
}

#[test]
fn maplibre_accepts_our_style() {
    let server = Server::start(&[]);
    let style = get(&server.url("/style.json"), &[]);
    assert_eq!(style.status, 200);
    let (ok, report) = validate(&style.body);
    assert!(ok, "MapLibre rejects style.json:\n{report}");

    // The validator does find errors: a style with a bad colour expression is refused.
    let mut broken = style.json();
    broken["layers"][1]["paint"]["fill-color"] = serde_json::json!(["match", ["get", "land_use"]]);
    let (ok, _) = validate(broken.to_string().as_bytes());
    assert!(!ok, "a broken style passes the validator");
}

#[test]
fn maplibre_accepts_our_style_with_a_base_map() {
    let dir = tempfile::tempdir().unwrap();
    let mbtiles = gdal_base_mbtiles(dir.path());
    for base in [
        format!("[base]\nmbtiles = {:?}\n", mbtiles.display().to_string()),
        "[base]\nraster = \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"\n".to_owned(),
    ] {
        let config = demo_config_with(dir.path(), &base);
        let server = Server::start_with_config(&config, &[]);
        let style = get(&server.url("/style.json"), &[]);
        assert!(style.json()["sources"]["base"].is_object());
        let (ok, report) = validate(&style.body);
        assert!(ok, "MapLibre rejects style.json with {base}:\n{report}");
    }
}
