//! MapLibre's own validator (`gl-style-validate` from @maplibre/maplibre-gl-style-spec, installed
//! into target/tools by `cargo xtask test`) accepts the style our server publishes.

mod support;

use std::process::Command;
use support::{Server, get, repo_root};

#[test]
fn maplibre_accepts_our_style() {
    let validator = repo_root().join("target/tools/node_modules/.bin/gl-style-validate");
    assert!(
        validator.exists(),
        "{} is missing: run `cargo xtask test`, which installs MapLibre's style validator",
        validator.display()
    );
    let server = Server::start(&[]);
    let style = get(&server.url("/style.json"), &[]);
    assert_eq!(style.status, 200);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("style.json");
    std::fs::write(&file, &style.body).unwrap();
    let out = Command::new(&validator)
        .arg(&file)
        .output()
        .expect("node runs the validator");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && report.trim().is_empty(),
        "MapLibre rejects style.json:\n{report}"
    );

    // The validator does find errors: a style with a bad colour expression is refused.
    let mut broken = style.json();
    broken["layers"][1]["paint"]["fill-color"] = serde_json::json!(["match", ["get", "land_use"]]);
    std::fs::write(&file, broken.to_string()).unwrap();
    let out = Command::new(&validator).arg(&file).output().unwrap();
    assert!(
        !out.status.success() || !out.stdout.is_empty() || !out.stderr.is_empty(),
        "a broken style passes the validator"
    );
}
