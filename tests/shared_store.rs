//! Several tile servers on one PostgreSQL/PostGIS database (a private cluster on loopback): the
//! schema comes from `tileserver migrate`; a report filed or changed through one server is in
//! the others' tiles and event streams within a second, its photos are served by all, a camera
//! status reported to one shows on all, a planning import into the database switches every
//! server; a server that was down catches up when it starts; and while the database is stopped,
//! filing answers 503 with the documented message, tiles still serve from memory, and once it
//! is back every acknowledged report is there exactly once.

#[path = "support/postgres.rs"]
mod postgres;
mod support;

use postgres::PgCluster;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{
    Server, get, listen_events, multipart, post_json, send, staff_session, tile_feature, tile_of,
};

const LON: f64 = 106.8991;
const LAT: f64 = 11.5402;

fn tileserver(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .args(args)
        .current_dir(support::repo_root())
        .output()
        .expect("tileserver runs")
}

/// A migrated database in a cluster of our own.
fn migrated_database(cluster: &PgCluster) -> String {
    let url = cluster.create_database("citygis");
    let out = tileserver(&["migrate", "--store", &url]);
    assert!(
        out.status.success(),
        "migrate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    url
}

fn start(url: &str) -> Server {
    Server::start(&["--store", url, "--report-rate-limit", "100000"])
}

fn report(description: &str) -> Value {
    json!({
        "category": "roads_traffic",
        "description": description,
        "lon": LON,
        "lat": LAT,
        "reporter_phone": "0912 345 678",
    })
}

/// The z17 tile at the reports' place, as a server serves it now.
fn report_tile(server: &Server) -> Vec<u8> {
    let (z, x, y) = tile_of(LON, LAT, 17);
    let reply = get(&server.url(&format!("/tiles/reports/{z}/{x}/{y}")), &[]);
    assert_eq!(reply.status, 200);
    reply.body
}

/// Waits up to `limit` for `check`; returns how long it took, or None.
fn within(limit: Duration, mut check: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

#[test]
fn servers_on_one_database_show_the_same_reports() {
    let cluster = PgCluster::start();
    let url = cluster.create_database("citygis");

    // A database without the schema is refused, naming the command that fixes it.
    let refused = tileserver(&["serve", "--store", &url, "--bind", "127.0.0.1:0"]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("tileserver migrate"), "{message}");
    let out = tileserver(&["migrate", "--store", &url]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    // Again: nothing to do, still fine.
    assert!(tileserver(&["migrate", "--store", &url]).status.success());

    let a = start(&url);
    let b = start(&url);
    let demo_reports: i64 = cluster
        .sql("citygis", "SELECT count(*) FROM reports")
        .parse()
        .unwrap();
    assert!(
        demo_reports > 100,
        "the first server seeded the demo reports once"
    );
    let events_b = listen_events(&b);

    // Filed on A: in B's event stream and B's tile within a second.
    let reply = post_json(&a.url("/api/reports"), &report("Ổ gà lớn giữa đường"), &[]);
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let filed = reply.json();
    let acknowledged = Instant::now();
    let (code, id) = (
        filed["tracking_code"].as_str().unwrap().to_owned(),
        filed["id"].as_u64().unwrap(),
    );
    let event = loop {
        let (kind, data) = events_b
            .recv_timeout(Duration::from_secs(1).saturating_sub(acknowledged.elapsed()))
            .expect("B announces A's report within a second");
        if kind == "report.created" && data["properties"]["tracking_code"] == code.as_str() {
            break data;
        }
    };
    assert!(
        event["properties"].get("reporter_phone").is_none(),
        "no contact details in B's stream: {event}"
    );
    let shown = within(
        Duration::from_secs(1).saturating_sub(acknowledged.elapsed()),
        || tile_feature(&report_tile(&b), "reports", id).is_some(),
    );
    assert!(shown.is_some(), "A's report is in B's tile within a second");
    let attributes = tile_feature(&report_tile(&b), "reports", id).unwrap();
    assert_eq!(attributes["tracking_code"], code);
    assert!(
        !attributes.values().any(|v| v.contains("0912")),
        "no phone in tiles"
    );
    let one = get(&b.url(&format!("/api/reports/{code}")), &[]);
    assert_eq!(one.status, 200, "B finds it by its code");

    // A photo filed through A is served by B (photos live in the database).
    let photo = support::jpeg_with_exif(640, 480);
    let (content_type, body) = multipart(
        &[
            ("category", "roads_traffic"),
            ("description", "Ảnh ổ gà"),
            ("lon", "106.8991"),
            ("lat", "11.5402"),
        ],
        &[("photos", "IMG_0001.jpg", &photo)],
    );
    let reply = send(
        "POST",
        &a.url("/api/reports"),
        &[("Content-Type", &content_type)],
        &body,
    );
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let with_photo = reply.json()["tracking_code"].as_str().unwrap().to_owned();
    let on_a = get(&a.url(&format!("/api/reports/{with_photo}")), &[]).json();
    let photo_url = on_a["properties"]["photos"][0].as_str().unwrap().to_owned();
    let from_a = get(&a.url(&photo_url), &[]);
    let from_b = get(&b.url(&photo_url), &[]);
    assert_eq!((from_a.status, from_b.status), (200, 200));
    assert_eq!(from_a.body, from_b.body);
    assert_eq!(
        image::guess_format(&from_b.body).unwrap(),
        image::ImageFormat::Jpeg
    );

    // Hidden by an operator on A: gone from B's tile, announced on B's stream.
    let cookie = staff_session(&a, "van-hanh", "operator");
    let reply = send(
        "PATCH",
        &a.url(&format!("/api/reports/{id}")),
        &[("Cookie", &cookie), ("Content-Type", "application/json")],
        json!({ "hidden": true }).to_string().as_bytes(),
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let removed = within(Duration::from_secs(5), || {
        events_b
            .try_iter()
            .any(|(kind, data)| kind == "report.removed" && data["id"] == id)
    });
    assert!(removed.is_some(), "B announces the removal");
    assert!(tile_feature(&report_tile(&b), "reports", id).is_none());

    // A camera reported offline through A is offline in B's tile and stream.
    let (camera, camera_lon, camera_lat) = support::demo_camera(0);
    let batch = json!({"updates": [{"id": camera, "status": "offline", "at": "2026-11-22T07:30:00+07:00"}]});
    let reply = post_json(
        &a.url("/api/cameras/status"),
        &batch,
        &[("Cookie", &cookie)],
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let announced = within(Duration::from_secs(5), || {
        events_b
            .try_iter()
            .any(|(kind, data)| kind == "camera.status" && data["cameras"][0]["id"] == camera)
    });
    assert!(announced.is_some(), "B announces the camera's status");
    let (z, x, y) = tile_of(camera_lon, camera_lat, 17);
    let tile = get(&b.url(&format!("/tiles/cameras/{z}/{x}/{y}")), &[]);
    assert_eq!(
        tile_feature(&tile.body, "cameras", camera).unwrap()["status"],
        "offline"
    );

    // A planning version imported into the database is served by both servers.
    let imported = tileserver(&[
        "import",
        "data/planning.geojson",
        "--layer",
        "planning",
        "--store",
        &url,
    ]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    for server in [&a, &b] {
        let served = within(Duration::from_secs(5), || {
            get(&server.url("/api/layers/planning/versions"), &[]).json()["served"] == 1
        });
        assert!(
            served.is_some(),
            "{} serves planning version 1",
            server.base
        );
    }

    // B is down while A takes a report; B catches up when it starts again.
    let b_dir = b.kill();
    let reply = post_json(&a.url("/api/reports"), &report("Cây đổ chắn lối đi"), &[]);
    assert_eq!(reply.status, 201);
    let later = reply.json();
    let b = Server::start_in(
        &support::demo_config(),
        b_dir,
        &["--store", &url, "--report-rate-limit", "100000"],
    );
    let later_id = later["id"].as_u64().unwrap();
    assert!(
        tile_feature(&report_tile(&b), "reports", later_id).is_some(),
        "the restarted B serves the report filed while it was down"
    );
    assert!(tile_feature(&report_tile(&b), "reports", id).is_none());
    let on_b = get(
        &b.url(&format!(
            "/api/reports/{}",
            later["tracking_code"].as_str().unwrap()
        )),
        &[],
    );
    assert_eq!(on_b.status, 200);
    // Both serve the same report layer.
    assert_eq!(report_tile(&a), report_tile(&b));
}

/// Outcome of one filing attempt.
enum Filed {
    Acknowledged(String),
    Unavailable,
    Other(u16, String),
}

fn try_file(url: &str, description: &str) -> Filed {
    let reply = post_json(url, &report(description), &[]);
    match reply.status {
        201 => Filed::Acknowledged(reply.json()["tracking_code"].as_str().unwrap().to_owned()),
        503 => {
            let body = reply.json();
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            let documented = message.contains("CHƯA được lưu")
                && message.contains("nothing was stored")
                && reply.header("retry-after") == Some("5");
            if documented {
                Filed::Unavailable
            } else {
                Filed::Other(503, body.to_string())
            }
        }
        status => Filed::Other(status, String::from_utf8_lossy(&reply.body).into_owned()),
    }
}

#[test]
fn while_the_database_is_down_filing_waits_and_nothing_is_lost() {
    let cluster = PgCluster::start();
    let url = migrated_database(&cluster);
    let server = start(&url);
    let filing_url = server.url("/api/reports");
    let acknowledged: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let refused = Arc::new(Mutex::new(0usize));
    let unexpected: Arc<Mutex<Vec<(u16, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|client| {
            let (url, acknowledged, refused, unexpected, stop) = (
                filing_url.clone(),
                Arc::clone(&acknowledged),
                Arc::clone(&refused),
                Arc::clone(&unexpected),
                Arc::clone(&stop),
            );
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let description = format!("Rác thải ùn ứ, máy khách {client}, lần {i}");
                    match try_file(&url, &description) {
                        Filed::Acknowledged(code) => {
                            acknowledged.lock().unwrap().insert(code, description);
                        }
                        Filed::Unavailable => *refused.lock().unwrap() += 1,
                        Filed::Other(status, body) => {
                            unexpected.lock().unwrap().push((status, body))
                        }
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        })
        .collect();
    let count = |m: &Mutex<HashMap<String, String>>| m.lock().unwrap().len();
    assert!(
        within(Duration::from_secs(30), || count(&acknowledged) >= 40).is_some(),
        "clients file while the database is up"
    );

    cluster.stop();
    let before_outage = count(&acknowledged);
    assert!(
        within(Duration::from_secs(30), || *refused.lock().unwrap() >= 4).is_some(),
        "filing answers 503 while the database is down"
    );
    // Tiles keep serving from memory: a static layer and the reports themselves.
    let (z, x, y) = tile_of(LON, LAT, 15);
    for layers in ["cameras,wifi,planning", "reports"] {
        let reply = get(&server.url(&format!("/tiles/{layers}/{z}/{x}/{y}")), &[]);
        assert_eq!(reply.status, 200, "{layers} tiles during the outage");
        assert!(!reply.body.is_empty());
    }
    assert!(
        count(&acknowledged) <= before_outage + 4,
        "nothing new is acknowledged while the database is down (at most the requests in flight)"
    );

    cluster.resume();
    let resumed_from = count(&acknowledged);
    assert!(
        within(Duration::from_secs(30), || count(&acknowledged)
            >= resumed_from + 40)
        .is_some(),
        "filing resumes when the database is back"
    );
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    assert!(
        unexpected.lock().unwrap().is_empty(),
        "only 201 or the documented 503: {:?}",
        unexpected.lock().unwrap()
    );

    // Every acknowledged report is stored exactly once, as filed (read with psql).
    let stored = cluster.sql(
        "citygis",
        "SELECT tracking_code || '|' || description FROM reports WHERE source = 'citizen'",
    );
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for line in stored.lines() {
        let (code, description) = line.split_once('|').unwrap();
        assert!(
            seen.insert(code, description).is_none(),
            "{code} stored twice"
        );
    }
    let descriptions: HashSet<&str> = seen.values().copied().collect();
    assert_eq!(descriptions.len(), seen.len(), "no report stored twice");
    for (code, description) in acknowledged.lock().unwrap().iter() {
        assert_eq!(
            seen.get(code.as_str()),
            Some(&description.as_str()),
            "acknowledged {code} is stored"
        );
    }
    // And the server that kept running serves each of them.
    for code in acknowledged.lock().unwrap().keys() {
        let one = get(&server.url(&format!("/api/reports/{code}")), &[]);
        assert_eq!(one.status, 200, "{code} served after the outage");
    }
}
