//! The command line as a user meets it: `--help`, `check`, and clear refusals of bad files.

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn tileserver(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A one-layer configuration in `dir` whose layer file holds `geojson`.
fn config_with_layer(dir: &Path, geojson: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("sensors.geojson"), geojson).unwrap();
    let config = dir.join("city.toml");
    std::fs::write(
        &config,
        r#"[city]
name = "Thử"
center = [106.9, 11.5]
bounds = [106.8, 11.4, 107.0, 11.6]

[[layers]]
name = "sensors"
title = "Cảm biến không khí"
file = "sensors.geojson"
geometry = "point"
id_property = "id"
attributes = ["id", "pm25"]
"#,
    )
    .unwrap();
    config
}

#[test]
fn help_explains_the_commands() {
    let out = tileserver(&["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(
        help.contains("serve") && help.contains("check") && help.contains("Vector Tiles"),
        "{help}"
    );
    let serve = text(&tileserver(&["serve", "--help"]).stdout);
    for flag in [
        "--config",
        "--bind",
        "--cache-mb",
        "--cache-control",
        "--cors-origin",
        "/tiles/{layers}/{z}/{x}/{y}",
    ] {
        assert!(
            serve.contains(flag),
            "serve --help mentions {flag}:\n{serve}"
        );
    }
}

#[test]
fn check_reports_the_demo_city() {
    let out = tileserver(&[
        "check",
        "--config",
        support::demo_config().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Đồng Xoài: 6 layers"), "{stdout}");
    assert!(
        stdout.contains("cameras") && stdout.contains("1059"),
        "{stdout}"
    );
}

#[test]
fn a_new_point_layer_needs_only_config_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_layer(
        dir.path(),
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[106.9,11.53]},"properties":{"id":1,"pm25":31.5}}]}"#,
    );
    let out = tileserver(&["check", "--config", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("sensors"));
    let server = support::Server::start_with_config(&config, &[]);
    let (z, x, y) = support::tile_of(106.9, 11.53, 14);
    let reply = support::get(&server.url(&format!("/tiles/sensors/{z}/{x}/{y}")), &[]);
    assert_eq!(reply.status, 200);
    let tilejson = support::get(&server.url("/tiles/sensors"), &[]).json();
    assert_eq!(tilejson["vector_layers"][0]["fields"]["pm25"], "Number");
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_layer(
        dir.path(),
        "{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feature\",,}]}",
    );
    let out = tileserver(&["check", "--config", config.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("sensors.geojson") && err.contains("line 3") && err.contains("not valid JSON"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_bad_feature_names_its_index_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_layer(
        dir.path(),
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[106.9,11.53]},"properties":{"id":1}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[11.53,106.9]},"properties":{"id":2}}]}"#,
    );
    let data = dir.path().join("var");
    let out = tileserver(&[
        "serve",
        "--config",
        config.to_str().unwrap(),
        "--bind",
        "127.0.0.1:0",
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(
        !out.status.success(),
        "the server refuses to start on a bad layer"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("sensors.geojson, feature 1")
            && err.contains("106.9")
            && err.contains("latitude"),
        "{err}"
    );
}

#[test]
fn a_missing_or_wrong_config_is_explained() {
    let out = tileserver(&["check", "--config", "/nonexistent/city.toml"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("/nonexistent/city.toml") && err.contains("--config"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("city.toml");
    std::fs::write(
        &config,
        "layers = []\n[city]\nname = \"x\"\ncenter = [0, 0]\nbounds = [1, 1, 0, 0]\n",
    )
    .unwrap();
    let err = text(&tileserver(&["check", "--config", config.to_str().unwrap()]).stderr);
    assert!(err.contains("city.bounds"), "{err}");
}
