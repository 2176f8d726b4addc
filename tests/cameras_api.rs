//! Camera status over real HTTP: only operators (or their API tokens) may report it; a batch is
//! stored all or nothing, changes the camera's tiles at once, goes to the live stream, and
//! survives a restart; bad batches are refused naming each field.

mod support;

use serde_json::json;
use std::io::{BufRead, BufReader};
use support::{Server, demo_camera, get, post_json, staff_session, tile_feature, tile_of};

/// The camera's attributes in its z18 tile (no clustering there).
fn camera_in_tile(
    server: &Server,
    id: u64,
    lon: f64,
    lat: f64,
) -> std::collections::BTreeMap<String, String> {
    let (z, x, y) = tile_of(lon, lat, 18);
    let tile = get(&server.url(&format!("/tiles/cameras/{z}/{x}/{y}")), &[]);
    assert_eq!(tile.status, 200);
    tile_feature(&tile.body, "cameras", id).expect("the camera is in its tile")
}

#[test]
fn operators_set_camera_status_and_the_map_follows() {
    let server = Server::start(&[]);
    let (id, lon, lat) = demo_camera(0);
    let (other, _, _) = demo_camera(1);
    let url = server.url("/api/cameras/status");
    let batch =
        json!({"updates": [{"id": id, "status": "offline", "at": "2026-11-22T07:30:00+07:00"}]});

    assert_eq!(post_json(&url, &batch, &[]).status, 401, "anonymous");
    let planner = staff_session(&server, "quy-hoach", "planner");
    assert_eq!(
        post_json(&url, &batch, &[("Cookie", &planner)]).status,
        403,
        "a planner"
    );

    // Listen to the live stream before the change.
    let stream = support::agent()
        .get(&server.url("/api/events"))
        .call()
        .unwrap();
    let mut lines = BufReader::new(stream.into_body().into_reader()).lines();

    let operator = staff_session(&server, "van-hanh", "operator");
    let ok = post_json(&url, &batch, &[("Cookie", &operator)]);
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    assert_eq!(ok.json(), json!({"changed": 1, "unchanged": 0, "stale": 0}));

    let camera = camera_in_tile(&server, id, lon, lat);
    assert_eq!(camera["status"], "offline");
    assert_eq!(camera["status_since"], "2026-11-22T07:30:00+07:00");
    assert!(!camera.contains_key("stream_url"));

    let event = loop {
        let line = lines.next().expect("stream open").unwrap();
        if line == "event: camera.status" {
            break lines.next().unwrap().unwrap();
        }
    };
    let data: serde_json::Value =
        serde_json::from_str(event.strip_prefix("data: ").unwrap()).unwrap();
    assert_eq!(data["cameras"][0]["id"], id);
    assert_eq!(data["cameras"][0]["status"], "offline");

    // Still offline later: since stays 07:30. An older report is ignored.
    let again = post_json(
        &url,
        &json!({"updates": [
            {"id": id, "status": "offline", "at": "2026-11-22T08:00:00+07:00"},
            {"id": id, "status": "online", "at": "2026-11-22T06:00:00+07:00"}
        ]}),
        &[("Cookie", &operator)],
    );
    assert_eq!(
        again.json(),
        json!({"changed": 0, "unchanged": 1, "stale": 1})
    );
    assert_eq!(
        camera_in_tile(&server, id, lon, lat)["status_since"],
        "2026-11-22T07:30:00+07:00"
    );

    // One bad update refuses the whole batch, naming the field; the good one is not applied.
    let bad = post_json(
        &url,
        &json!({"updates": [{"id": other, "status": "maintenance"}, {"id": id, "status": "exploded"}]}),
        &[("Cookie", &operator)],
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["errors"][0]["field"], "updates[1].status");
    let (_, olon, olat) = demo_camera(1);
    assert_ne!(
        camera_in_tile(&server, other, olon, olat)["status"],
        "maintenance"
    );

    // A monitoring system reports every camera at once (more than a form-sized body).
    let all: Vec<serde_json::Value> = (1..=1059)
        .map(|i| json!({"id": i, "status": "maintenance", "at": "2026-11-22T09:00:00+07:00"}))
        .collect();
    let big = post_json(&url, &json!({ "updates": all }), &[("Cookie", &operator)]);
    assert_eq!(big.status, 200, "{}", String::from_utf8_lossy(&big.body));
    assert_eq!(big.json()["changed"], 1059);
    let back =
        json!({"updates": [{"id": id, "status": "offline", "at": "2026-11-22T09:30:00+07:00"}]});
    assert_eq!(post_json(&url, &back, &[("Cookie", &operator)]).status, 200);

    // Stored durably: a restart (even a kill) keeps it.
    let data_dir = server.kill();
    let server = Server::start_in(&support::demo_config(), data_dir, &[]);
    let camera = camera_in_tile(&server, id, lon, lat);
    assert_eq!(camera["status"], "offline");
    assert_eq!(camera["status_since"], "2026-11-22T09:30:00+07:00");
    let (_, olon, olat) = demo_camera(1);
    assert_eq!(
        camera_in_tile(&server, other, olon, olat)["status"],
        "maintenance"
    );
}
