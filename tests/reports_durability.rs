//! A report is acknowledged only once it is durably stored: file from several clients at once,
//! kill the server with SIGKILL mid-way, restart it on the same data folder, and find every
//! acknowledged report intact and none twice.

mod support;

use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{Server, demo_config, get};

/// Files one report; None when the server did not acknowledge it (or is gone).
fn try_file(url: &str, description: &str) -> Option<String> {
    let body = json!({ "category": "roads_traffic", "description": description, "lon": 106.8991, "lat": 11.5402 });
    let req = ureq::http::Request::builder()
        .method("POST")
        .uri(url)
        .header("Content-Type", "application/json")
        .body(body.to_string().into_bytes())
        .ok()?;
    let res = support::agent().run(req).ok()?;
    if res.status().as_u16() != 201 {
        return None;
    }
    let reply: serde_json::Value = serde_json::from_reader(res.into_body().into_reader()).ok()?;
    reply["tracking_code"].as_str().map(str::to_owned)
}

#[test]
fn acknowledged_reports_survive_a_kill() {
    let server = Server::start(&["--report-rate-limit", "100000"]);
    let url = server.url("/api/reports");
    let acknowledged: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let workers: Vec<_> = (0..4)
        .map(|client| {
            let (url, acknowledged) = (url.clone(), Arc::clone(&acknowledged));
            std::thread::spawn(move || {
                for i in 0..10_000 {
                    let description = format!("Ổ gà, máy khách {client}, lần {i}");
                    match try_file(&url, &description) {
                        Some(code) => {
                            acknowledged.lock().unwrap().insert(code, description);
                        }
                        None => return,
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 60 {
        assert!(Instant::now() < deadline, "clients could not file");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL while the clients are still filing.
    let data_dir = server.kill();
    for w in workers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let server = Server::start_in(&demo_config(), data_dir, &[]);
    for (code, description) in &acknowledged {
        let reply = get(&server.url(&format!("/api/reports/{code}")), &[]);
        assert_eq!(reply.status, 200, "acknowledged report {code} lost");
        assert_eq!(
            reply.json()["properties"]["description"],
            description.as_str(),
            "{code} intact"
        );
    }
    // Page through everything: no report twice.
    let mut seen_codes = std::collections::HashSet::new();
    let mut seen_descriptions = std::collections::HashSet::new();
    let mut cursor: Option<i64> = None;
    loop {
        let page_url = match cursor {
            Some(c) => server.url(&format!("/api/reports?limit=500&cursor={c}")),
            None => server.url("/api/reports?limit=500"),
        };
        let page = get(&page_url, &[]).json();
        for f in page["features"].as_array().unwrap() {
            let p = &f["properties"];
            assert!(
                seen_codes.insert(p["tracking_code"].as_str().unwrap().to_owned()),
                "tracking code twice"
            );
            let d = p["description"].as_str().unwrap().to_owned();
            if d.contains("máy khách") {
                assert!(
                    seen_descriptions.insert(d.clone()),
                    "report stored twice: {d}"
                );
            }
        }
        match page["next_cursor"].as_i64() {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert!(seen_descriptions.len() >= acknowledged.len());
    // The restarted server shows them on the map too.
    let catalog = get(&server.url("/catalog"), &[]).json();
    let reports = catalog["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "reports")
        .unwrap()["features"]
        .as_u64()
        .unwrap();
    assert_eq!(reports as usize, seen_codes.len());
}
