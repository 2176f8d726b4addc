//! The planner's map end to end in Chromium: the zoning drawn in its land-use colours with an
//! opacity slider, identify on click (code, plan, decision, date, limits), a swipe comparing an
//! imported version with the configured file, and a planner switching the served version from
//! the map after signing in. Versions come from `tileserver import`. Needs `cargo xtask frontend`
//! (done by `cargo xtask test`), Chromium and chromedriver.

mod support;

#[path = "support/browser.rs"]
mod browser;

use browser::*;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{Server, get, repo_root};

const FILL_OPACITY: f64 = 0.55;

/// The demo planning file with every parcel given one land use.
fn every_parcel(dir: &Path, code: &str, name: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo_root().join("data/planning.geojson")).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    for f in doc["features"].as_array_mut().unwrap() {
        f["properties"]["land_use"] = code.into();
        f["properties"]["land_use_name"] = name.into();
    }
    let path = dir.join(format!("{code}.geojson"));
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

fn import(server: &Server, file: &Path, extra: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .arg("import")
        .arg(file)
        .args(["--layer", "planning", "--config"])
        .arg(support::demo_config())
        .arg("--data-dir")
        .arg(server.data_dir.path())
        .args(extra)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn wait_served(server: &Server, version: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while get(&server.url("/api/layers/planning/versions"), &[]).json()["served"] != version {
        assert!(Instant::now() < deadline, "version {version} never served");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The colour a fill of `rgb` at `alpha` over `under` shows.
fn blend(under: [u8; 3], rgb: [u8; 3], alpha: f64) -> [u8; 3] {
    let mix =
        |i: usize| (f64::from(under[i]) * (1.0 - alpha) + f64::from(rgb[i]) * alpha).round() as u8;
    [mix(0), mix(1), mix(2)]
}

fn distance(p: &image::Rgba<u8>, rgb: [u8; 3]) -> i32 {
    (0..3)
        .map(|i| (i32::from(p[i]) - i32::from(rgb[i])).abs())
        .sum()
}

/// Which of the candidate colours the pixel at (x, y) is nearest to.
async fn nearest(
    client: &Client,
    name: &str,
    x: f64,
    y: f64,
    candidates: &[(&str, [u8; 3])],
) -> String {
    let img = snapshot(client, name).await;
    let p = img.get_pixel(x.round() as u32, y.round() as u32);
    candidates
        .iter()
        .min_by_key(|(_, rgb)| distance(p, *rgb))
        .map(|(n, _)| (*n).to_owned())
        .unwrap()
}

async fn set_value(client: &Client, css: &str, value: &str, event: &str) {
    client
        .execute(
            "const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event(arguments[2], {bubbles: true}));",
            vec![css.into(), value.into(), event.into()],
        )
        .await
        .unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn click_at(client: &Client, canvas: &fantoccini::elements::Element, x: f64, y: f64) {
    let tap = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: canvas.clone(),
            duration: None,
            x,
            y,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client.perform_actions(tap).await.unwrap();
}

#[test]
fn planners_see_identify_fade_swipe_and_switch_zoning_versions() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[]);
    // Version 1 (served): every parcel a park; version 2 (staged): every parcel a school.
    import(
        &server,
        &every_parcel(dir.path(), "DKV", "Đất vui chơi, cây xanh công cộng"),
        &[],
    );
    wait_served(&server, 1);
    import(
        &server,
        &every_parcel(dir.path(), "DGD", "Đất giáo dục và đào tạo"),
        &["--stage"],
    );
    let password = "mật-khẩu-quy-hoạch-2026";
    support::add_staff_user(&server, "quy.hoach", "planner", password);

    // Parcel 1 (a government office zone, TSC, in the configured file), at the map's centre.
    let planning: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("data/planning.geojson")).unwrap(),
    )
    .unwrap();
    let first = &planning["features"][0];
    assert_eq!(first["properties"]["land_use"], "TSC");
    let ring = first["geometry"]["coordinates"][0].as_array().unwrap();
    let n = (ring.len() - 1) as f64;
    let (lon, lat) = ring[..ring.len() - 1].iter().fold((0.0, 0.0), |(x, y), c| {
        (
            x + c[0].as_f64().unwrap() / n,
            y + c[1].as_f64().unwrap() / n,
        )
    });
    let style = get(&server.url("/style.json"), &[]).json();
    let background = hex(style["layers"][0]["paint"]["background-color"]
        .as_str()
        .unwrap());
    let colours = |alpha: f64| {
        vec![
            ("background", background),
            ("TSC", blend(background, hex("#9b5de5"), alpha)),
            ("DKV", blend(background, hex("#3fa34d"), alpha)),
            ("DGD", blend(background, hex("#ffd23f"), alpha)),
        ]
    };

    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1280, 800).await;
        client
            .goto(&server.url(&format!("/#16/{lat}/{lon}/planning")))
            .await
            .unwrap();
        let canvas = wait_for_map(&client).await;
        let (left, top, width, height) = canvas.rectangle().await.unwrap();
        let (cx, cy) = (left + width / 2.0, top + height / 2.0);
        let full = colours(FILL_OPACITY);
        assert_eq!(
            nearest(&client, "20-planning-served", cx, cy, &full).await,
            "DKV",
            "version 1 is served"
        );

        // Identify: the parcel's land use, plan, decision, date and limits.
        click_at(&client, &canvas, 0.0, 0.0).await;
        let popup = text_of(&client, "#feature-popup").await;
        let p = &first["properties"];
        for expected in [
            "Đất vui chơi, cây xanh công cộng",
            "DKV",
            "Quyết định phê duyệt",
            p["decision_no"].as_str().unwrap(),
            "Tầng cao tối đa",
            "Đồ án quy hoạch",
        ] {
            assert!(
                popup.contains(expected),
                "{expected:?} in the popup: {popup}"
            );
        }
        snapshot(&client, "21-planning-identify").await;
        client
            .find(Locator::Css("#feature-popup .close"))
            .await
            .ok();
        client
            .execute(
                "document.querySelector('#feature-popup button')?.click()",
                vec![],
            )
            .await
            .unwrap();

        // Opacity: at 0 the zone is gone; at 100 back.
        client
            .find(Locator::Css("#btn-layers"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        set_value(&client, "#opacity-planning", "0", "input").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            nearest(&client, "22-planning-opacity-0", cx, cy, &full).await,
            "background"
        );
        set_value(&client, "#opacity-planning", "100", "input").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            nearest(&client, "23-planning-opacity-100", cx, cy, &full).await,
            "DKV"
        );

        // Swipe: the configured file (version 0) left of the divider, the served version right.
        client
            .find(Locator::Css("#btn-versions"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let served = text_of(&client, "#versions-served").await;
        assert!(
            served.contains("Phiên bản 1") && served.contains("DKV.geojson"),
            "{served}"
        );
        let listed = client
            .find_all(Locator::Css("#version-list li[data-version]"))
            .await
            .unwrap();
        assert_eq!(listed.len(), 3, "versions 2, 1 and 0");
        client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css("#compare-version option[value='0']"))
            .await
            .unwrap();
        set_value(&client, "#compare-version", "0", "change").await;
        let divider = client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css("#swipe-divider"))
            .await
            .unwrap();
        wait_for_map(&client).await;
        snapshot(&client, "24-planning-swipe").await;
        let (dl, _, dw, _) = divider.rectangle().await.unwrap();
        assert!(
            (dl + dw / 2.0 - cx).abs() < 3.0,
            "the divider starts in the middle"
        );
        // The parcel straddles the divider: its left part is the old use, its right part the new.
        assert_eq!(
            nearest(&client, "24-planning-swipe", cx - 20.0, cy, &full).await,
            "TSC"
        );
        assert_eq!(
            nearest(&client, "24-planning-swipe", cx + 20.0, cy, &full).await,
            "DKV"
        );
        // The panel's slider moves it from the keyboard; dragging moves it too.
        set_value(&client, "#swipe-position", "100", "input").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            nearest(&client, "25-planning-swipe-right", cx + 20.0, cy, &full).await,
            "TSC"
        );
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: divider.clone(),
                duration: None,
                x: 0.0,
                y: 40.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveTo {
                duration: Some(Duration::from_millis(200)),
                x: left + width * 0.25,
                y: cy,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        client.perform_actions(drag).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now: f64 = divider
            .attr("aria-valuenow")
            .await
            .unwrap()
            .unwrap()
            .parse()
            .unwrap();
        assert!((now - 25.0).abs() <= 2.0, "dragged to a quarter: {now}");
        assert_eq!(
            nearest(&client, "26-planning-swipe-dragged", cx - 20.0, cy, &full).await,
            "DKV"
        );
        // Identify left of the divider names the compared version.
        set_value(&client, "#swipe-position", "100", "input").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        click_at(&client, &canvas, 0.0, 0.0).await;
        let version = text_of(&client, "#popup-version").await;
        assert!(version.contains("Phiên bản 0"), "{version}");
        let popup = text_of(&client, "#feature-popup").await;
        assert!(
            popup.contains(p["land_use_name"].as_str().unwrap()),
            "{popup}"
        );
        client
            .execute(
                "document.querySelector('#feature-popup button')?.click()",
                vec![],
            )
            .await
            .unwrap();

        // A planner signs in from the panel and serves version 2.
        client
            .find(Locator::Css(".staff-sign-in summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css("#sign-in input[name=username]"))
            .await
            .unwrap()
            .send_keys("quy.hoach")
            .await
            .unwrap();
        client
            .find(Locator::Css("#sign-in input[name=password]"))
            .await
            .unwrap()
            .send_keys(password)
            .await
            .unwrap();
        client
            .find(Locator::Css("#sign-in button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let activate = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(
                "#version-list li[data-version='2'] .version-activate",
            ))
            .await
            .unwrap();
        activate.click().await.unwrap();
        let message = text_of(&client, "#versions-message").await;
        assert!(message.contains("Đã áp dụng phiên bản 2"), "{message}");
        assert_eq!(
            get(&server.url("/api/layers/planning/versions"), &[]).json()["served"],
            2
        );
        set_value(&client, "#compare-version", "", "change").await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let got = nearest(&client, "27-planning-version-2", cx, cy, &full).await;
            if got == "DGD" {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the map never showed version 2 (still {got})"
            );
        }
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}
