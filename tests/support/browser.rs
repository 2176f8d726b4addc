//! Driving Debian's Chromium through chromedriver (WebDriver, fantoccini) for the end-to-end
//! tests of the web map and the wall: sessions (desktop sizes, a phone), waiting for a complete
//! map, screenshots into `target/e2e-artifacts/`, pixel checks, the page's error hook.
#![allow(dead_code)]

use crate::support::{Server, free_port, get, repo_root};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// chromedriver, killed when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_driver() -> Driver {
    let wasm = repo_root().join("www/pkg/citygis_bg.wasm");
    assert!(
        wasm.exists(),
        "{} is missing: build the web map with `cargo xtask frontend` (`cargo xtask test` does)",
        wasm.display()
    );
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver) must be installed");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        profile: tempfile::tempdir().unwrap(),
    }
}

pub async fn browser(driver: &Driver, width: u32, height: u32) -> Client {
    session(driver, width, height, None).await
}

/// A phone: Chromium's device emulation of a 360 × 740 CSS-pixel touch screen at 3× density
/// (a headless window cannot be narrower than 500 pixels).
pub async fn phone(driver: &Driver) -> Client {
    let metrics = json!({
        "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 3.0, "touch": true, "mobile": true },
        "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
    });
    session(driver, 600, 900, Some(metrics)).await
}

/// A screen of exactly `width` × `height` CSS pixels at density 1 (a wall display), through
/// Chromium's device metrics (a window's own size includes its frame).
pub async fn screen(driver: &Driver, width: u32, height: u32) -> Client {
    let metrics = json!({
        "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "touch": false, "mobile": false }
    });
    session(driver, width + 40, height + 200, Some(metrics)).await
}

pub async fn session(driver: &Driver, width: u32, height: u32, mobile: Option<Value>) -> Client {
    let mut options = json!({
        "binary": "/usr/bin/chromium",
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", "--hide-scrollbars",
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", driver.profile.path().display()),
        ]
    });
    if let Some(mobile) = mobile {
        options["mobileEmulation"] = mobile;
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

pub fn artifacts() -> PathBuf {
    let dir = repo_root().join("target/e2e-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves a screenshot and returns it decoded.
pub async fn snapshot(client: &Client, name: &str) -> image::RgbaImage {
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join(format!("{name}.png")), &png).unwrap();
    image::load_from_memory(&png).unwrap().to_rgba8()
}

/// Waits until the map has every tile of its view drawn.
pub async fn wait_for_map(client: &Client) -> Element {
    let canvas = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#map-canvas"))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if canvas.attr("data-complete").await.unwrap().as_deref() == Some("true") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the map never completed its view"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // One more frame so the last tile is painted.
    tokio::time::sleep(Duration::from_millis(300)).await;
    canvas
}

pub async fn page_errors(client: &Client) -> Vec<String> {
    let v = client
        .execute("return window.citygisErrors || ['no error hook']", vec![])
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

pub fn hex(color: &str) -> [u8; 3] {
    let c = color.trim_start_matches('#');
    let n = |i: usize| u8::from_str_radix(&c[i..i + 2], 16).unwrap();
    [n(0), n(2), n(4)]
}

pub fn near(pixel: &image::Rgba<u8>, rgb: [u8; 3], tolerance: i32) -> bool {
    (0..3).all(|i| (i32::from(pixel[i]) - i32::from(rgb[i])).abs() <= tolerance)
}

/// Whether any pixel within `r` of (x, y) has the colour.
pub fn colour_around(img: &image::RgbaImage, x: f64, y: f64, r: i32, rgb: [u8; 3]) -> bool {
    let (cx, cy) = (x.round() as i32, y.round() as i32);
    (-r..=r).any(|dx| {
        (-r..=r).any(|dy| {
            let (px, py) = (cx + dx, cy + dy);
            px >= 0
                && py >= 0
                && (px as u32) < img.width()
                && (py as u32) < img.height()
                && near(img.get_pixel(px as u32, py as u32), rgb, 12)
        })
    })
}

/// A demo camera far from other cameras (so its pixels are its own): (name, kind, lon, lat).
pub fn lonely_camera() -> (String, String, f64, f64) {
    let text = std::fs::read_to_string(repo_root().join("data/cameras.geojson")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let cams: Vec<(String, String, f64, f64)> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            let p = &f["properties"];
            (
                p["name"].as_str().unwrap().to_owned(),
                p["kind"].as_str().unwrap().to_owned(),
                c[0].as_f64().unwrap(),
                c[1].as_f64().unwrap(),
            )
        })
        .collect();
    let nearest = |i: usize| {
        cams.iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| ((c.2 - cams[i].2) * 109_000.0).hypot((c.3 - cams[i].3) * 110_600.0))
            .fold(f64::INFINITY, f64::min)
    };
    let best = (0..cams.len().min(300))
        .max_by(|a, b| nearest(*a).total_cmp(&nearest(*b)))
        .unwrap();
    cams[best].clone()
}

/// The colour the server's style gives a camera kind.
pub fn camera_colour(server: &Server, kind: &str) -> [u8; 3] {
    let style = get(&server.url("/style.json"), &[]).json();
    let legend = style["metadata"]["citygis:legend"].as_array().unwrap();
    let cameras = legend.iter().find(|l| l["layer"] == "cameras").unwrap();
    let item = cameras["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["value"] == kind)
        .unwrap();
    hex(item["color"].as_str().unwrap())
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
