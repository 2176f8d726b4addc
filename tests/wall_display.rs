//! The IOC wall (`/wall`) in headless Chromium against the real server: at 4K and 1080p it fits
//! the screen and its counters match `/api/stats`; a report filed through the API reaches the
//! counters and the feed within 2 s; a camera set offline changes colour; after the server is
//! killed and restarted the page reconnects by itself and shows what was filed meanwhile.
//! Screenshots in `target/e2e-artifacts/wall-*.png`.

#[path = "support/browser.rs"]
mod browser;
mod support;

use browser::*;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{Server, get, post_json, repo_root, staff_session};

/// Camera colours of the wall (Okabe–Ito), as in `frontend/src/engine/wall_style.rs`.
const ONLINE: &str = "#56b4e9";
const OFFLINE: &str = "#e69f00";

/// A number as the wall writes it ("1.059").
fn number(text: &str) -> i64 {
    text.replace('.', "")
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} is shown: {e}"))
        .text()
        .await
        .unwrap()
}

/// Polls `check` every 100 ms until it holds or `limit` passes; returns how long it took.
async fn within<F, Fut>(limit: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn file_report(server: &Server, description: &str) -> String {
    let reply = post_json(
        &server.url("/api/reports"),
        &json!({"category": "waste_sanitation", "description": description, "lon": 106.8985, "lat": 11.5362}),
        &[],
    );
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["tracking_code"].as_str().unwrap().to_owned()
}

async fn feed_codes(client: &Client) -> Vec<String> {
    let items = client
        .find_all(Locator::Css("#wall-feed .feed-item"))
        .await
        .unwrap();
    let mut codes = Vec::new();
    for item in items {
        codes.push(item.attr("data-code").await.unwrap().unwrap_or_default());
    }
    codes
}

#[test]
fn the_wall_fits_4k_and_1080p_and_follows_new_reports() {
    let server = Server::start(&[]);
    let driver = start_driver();
    runtime().block_on(async {
        for (width, height, name) in [(3840, 2160, "4k"), (1920, 1080, "1080p")] {
            let client = browser(&driver, width, height).await;
            client.goto(&server.url("/wall?interval=0")).await.unwrap();
            wait_for_map(&client).await;
            text_of(&client, "#wall-count-open").await;
            let stats = get(&server.url("/api/stats"), &[]).json();
            for (css, path) in [
                ("#wall-count-today", ["reports", "today"]),
                ("#wall-count-open", ["reports", "open"]),
                ("#wall-count-in-progress", ["reports", "in_progress"]),
                (
                    "#wall-count-resolved-week",
                    ["reports", "resolved_this_week"],
                ),
                ("#wall-cam-online", ["cameras", "by_status"]),
                ("#wall-cam-offline", ["cameras", "by_status"]),
                ("#wall-wifi-sessions", ["wifi", "sessions"]),
            ] {
                let expected = match css {
                    "#wall-cam-online" => &stats["cameras"]["by_status"]["online"],
                    "#wall-cam-offline" => &stats["cameras"]["by_status"]["offline"],
                    _ => &stats[path[0]][path[1]],
                };
                assert_eq!(
                    number(&text_of(&client, css).await),
                    expected.as_i64().unwrap(),
                    "{css} at {name}"
                );
            }
            // The whole wall on one screen, no scrolling; counters big enough to read at 5 m.
            let fit = client
                .execute(
                    "const d = document.documentElement; \
                     const v = document.querySelector('#wall-count-open'); \
                     return [d.scrollWidth <= innerWidth, d.scrollHeight <= innerHeight, \
                             parseFloat(getComputedStyle(v).fontSize), innerHeight];",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(fit[0], json!(true), "no horizontal scroll at {name}");
            assert_eq!(fit[1], json!(true), "no vertical scroll at {name}");
            let (font, inner) = (fit[2].as_f64().unwrap(), fit[3].as_f64().unwrap());
            assert!(
                font >= inner * 0.045,
                "counters are {font}px on a {inner}px-high screen"
            );
            assert_eq!(text_of(&client, "#wall-link").await, "Trực tuyến");
            snapshot(&client, &format!("wall-{name}")).await;

            // A report filed elsewhere reaches the counters and the feed within 2 s.
            let today = number(&text_of(&client, "#wall-count-today").await);
            let code = file_report(&server, &format!("Rác thải ùn ứ ({name})"));
            let took = within(
                Duration::from_secs(2),
                "the new report on the wall",
                || async {
                    number(&text_of(&client, "#wall-count-today").await) == today + 1
                        && feed_codes(&client).await.first() == Some(&code)
                },
            )
            .await;
            eprintln!("wall {name}: new report shown after {took:?}");
            snapshot(&client, &format!("wall-{name}-new-report")).await;
            assert_eq!(page_errors(&client).await, Vec::<String>::new());
            client.close().await.unwrap();
        }
    });
}

/// (id, lon, lat) of an online camera far from every other camera.
fn lonely_online_camera() -> (u64, f64, f64) {
    let text = std::fs::read_to_string(repo_root().join("data/cameras.geojson")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let cams: Vec<(u64, f64, f64, bool)> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (
                f["properties"]["id"].as_u64().unwrap(),
                c[0].as_f64().unwrap(),
                c[1].as_f64().unwrap(),
                f["properties"]["status"] == "online",
            )
        })
        .collect();
    let nearest = |a: &(u64, f64, f64, bool)| {
        cams.iter()
            .filter(|b| b.0 != a.0)
            .map(|b| ((b.1 - a.1) * 109_000.0).hypot((b.2 - a.2) * 110_600.0))
            .fold(f64::INFINITY, f64::min)
    };
    let best = cams
        .iter()
        .filter(|c| c.3)
        .max_by(|a, b| nearest(a).total_cmp(&nearest(b)))
        .unwrap();
    (best.0, best.1, best.2)
}

#[test]
fn a_camera_set_offline_changes_colour_on_the_wall() {
    let server = Server::start(&[]);
    let driver = start_driver();
    let (id, lon, lat) = lonely_online_camera();
    runtime().block_on(async {
        let client = browser(&driver, 1920, 1080).await;
        client
            .goto(&server.url(&format!("/wall?interval=0#18/{lat}/{lon}")))
            .await
            .unwrap();
        let canvas = wait_for_map(&client).await;
        let (x, y, w, h) = canvas.rectangle().await.unwrap();
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        let img = snapshot(&client, "wall-camera-online").await;
        assert!(
            colour_around(&img, cx, cy, 3, hex(ONLINE)),
            "camera {id} drawn as online"
        );

        let operator = staff_session(&server, "van-hanh", "operator");
        let reply = post_json(
            &server.url("/api/cameras/status"),
            &json!({"updates": [{"id": id, "status": "offline"}]}),
            &[("Cookie", &operator)],
        );
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        within(
            Duration::from_secs(3),
            "the camera's new colour",
            || async {
                let png = client.screenshot().await.unwrap();
                let img = image::load_from_memory(&png).unwrap().to_rgba8();
                colour_around(&img, cx, cy, 3, hex(OFFLINE))
            },
        )
        .await;
        snapshot(&client, "wall-camera-offline").await;
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}

#[test]
fn after_a_server_restart_the_wall_reconnects_and_catches_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let config = support::demo_config();
    let server = Server::start_at(&config, tempfile::tempdir().unwrap(), &bind, &[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1920, 1080).await;
        client.goto(&server.url("/wall?interval=0")).await.unwrap();
        wait_for_map(&client).await;
        within(Duration::from_secs(10), "the live link", || async {
            text_of(&client, "#wall-link").await == "Trực tuyến"
        })
        .await;

        let data_dir = server.kill();
        within(
            Duration::from_secs(10),
            "the reconnecting notice",
            || async {
                client
                    .find(Locator::Css("#wall-link"))
                    .await
                    .unwrap()
                    .attr("data-state")
                    .await
                    .unwrap()
                    .as_deref()
                    == Some("reconnecting")
            },
        )
        .await;
        snapshot(&client, "wall-reconnecting").await;

        // Back on the same address; a report is filed before the wall is back.
        let server = Server::start_at(&config, data_dir, &bind, &[]);
        let code = file_report(&server, "Phản ánh gửi khi màn hình đang kết nối lại");
        let took = within(
            Duration::from_secs(40),
            "reconnection and catch-up",
            || async {
                text_of(&client, "#wall-link").await == "Trực tuyến"
                    && feed_codes(&client).await.contains(&code)
            },
        )
        .await;
        eprintln!("wall reconnected and caught up {took:?} after the restart");
        snapshot(&client, "wall-reconnected").await;
        // A report filed after the reconnection arrives live, too.
        let later = file_report(&server, "Phản ánh sau khi kết nối lại");
        within(
            Duration::from_secs(2),
            "a live report after reconnecting",
            || async { feed_codes(&client).await.first() == Some(&later) },
        )
        .await;
        client.close().await.unwrap();
    });
}
