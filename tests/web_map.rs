//! The web map end to end: the real server on the demo city, the built WebAssembly portal, and
//! Debian's Chromium driven through chromedriver (WebDriver). Each step saves a screenshot in
//! `target/e2e-artifacts/`. Needs `cargo xtask frontend` first (`cargo xtask test` does it).

mod support;

#[path = "support/browser.rs"]
mod browser;

use browser::*;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{Server, get};

#[test]
fn the_map_draws_a_camera_names_it_on_click_and_hides_it_with_its_layer() {
    let server = Server::start(&[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1280, 800).await;
        let (name, kind, lon, lat) = lonely_camera();
        client
            .goto(&server.url(&format!("/#18/{lat}/{lon}/wards,cameras")))
            .await
            .unwrap();
        let canvas = wait_for_map(&client).await;
        let (x, y, w, h) = canvas.rectangle().await.unwrap();
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        let img = snapshot(&client, "01-map-camera").await;
        let colour = camera_colour(&server, &kind);
        assert!(
            colour_around(&img, cx, cy, 3, colour),
            "camera {name} ({kind}) is drawn at the centre"
        );

        canvas.click().await.unwrap();
        let title = client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css("#popup-title"))
            .await
            .unwrap();
        assert_eq!(title.text().await.unwrap(), name);
        snapshot(&client, "02-camera-popup").await;

        client
            .find(Locator::Css("#btn-layers"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .for_element(Locator::Css("#layer-cameras"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let img = snapshot(&client, "03-cameras-off").await;
        assert!(
            !colour_around(&img, cx, cy, 3, colour),
            "with the layer off the camera is gone"
        );
        assert!(
            client
                .current_url()
                .await
                .unwrap()
                .as_str()
                .ends_with("/wards"),
            "the hash lists the visible layers"
        );
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}

/// (zoom, lat, lon) from a URL's hash.
fn hash_view(url: &str) -> (f64, f64, f64) {
    let hash = url.split_once('#').expect("the URL has a hash").1;
    let parts: Vec<f64> = hash
        .split('/')
        .take(3)
        .map(|p| p.parse().unwrap())
        .collect();
    (parts[0], parts[1], parts[2])
}

#[test]
fn dragging_and_zooming_change_the_url_hash() {
    let server = Server::start(&[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1280, 800).await;
        client.goto(&server.url("/#14/11.535/106.9")).await.unwrap();
        let canvas = wait_for_map(&client).await;
        let (z0, lat0, lon0) = hash_view(client.current_url().await.unwrap().as_str());
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: canvas.clone(),
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(250)),
                x: 150.0,
                y: 0.0,
            })
            .then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(250)),
                x: 150.0,
                y: 100.0,
            })
            .then(PointerAction::Pause {
                duration: Duration::from_millis(200),
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        client.perform_actions(drag).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (z1, lat1, lon1) = hash_view(client.current_url().await.unwrap().as_str());
        assert_eq!(z1, z0);
        assert!(
            lon1 < lon0,
            "dragging right moves the view west: {lon0} → {lon1}"
        );
        assert!(
            lat1 > lat0,
            "dragging down moves the view north: {lat0} → {lat1}"
        );
        snapshot(&client, "04-dragged").await;

        client
            .find(Locator::Css("#zoom-in"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let (z2, ..) = hash_view(client.current_url().await.unwrap().as_str());
        assert_eq!(z2, z0 + 1.0, "the + button zooms in one level");
        canvas.send_keys("-").await.unwrap();
        canvas.send_keys("-").await.unwrap();
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let (z3, ..) = hash_view(client.current_url().await.unwrap().as_str());
        assert!(z3 < z2, "the − key zooms out");
        snapshot(&client, "05-zoomed").await;

        // The hash reopens the same view.
        let url = client.current_url().await.unwrap();
        client.goto(url.as_str()).await.unwrap();
        client.refresh().await.unwrap();
        wait_for_map(&client).await;
        assert_eq!(
            hash_view(client.current_url().await.unwrap().as_str()),
            hash_view(url.as_str())
        );
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}

#[test]
fn filing_a_report_through_the_form_gives_a_code_and_draws_it() {
    let server = Server::start(&[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1280, 800).await;
        // An empty corner of the city, reports only.
        let (lon, lat) = (106.8425, 11.5880);
        client
            .goto(&server.url(&format!("/#18/{lat}/{lon}/reports")))
            .await
            .unwrap();
        let canvas = wait_for_map(&client).await;
        let (x, y, w, h) = canvas.rectangle().await.unwrap();
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        let red = hex("#e03131");
        let before = snapshot(&client, "06-before-filing").await;
        assert!(
            !colour_around(&before, cx, cy, 4, red),
            "no report there yet"
        );

        client
            .find(Locator::Css("#btn-report"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .for_element(Locator::Css("#report-form"))
            .await
            .unwrap();
        canvas.click().await.unwrap();
        client
            .wait()
            .for_element(Locator::Css("#pin-place"))
            .await
            .unwrap();
        // Sent without a category: the server's error appears next to the field, in Vietnamese.
        client
            .find(Locator::Css("#report-description"))
            .await
            .unwrap()
            .send_keys("Đèn đường hỏng, tối om cả đoạn")
            .await
            .unwrap();
        client
            .find(Locator::Css("#report-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let error = client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css("#error-category"))
            .await
            .unwrap();
        let message = error.text().await.unwrap();
        assert!(message.contains("Vui lòng chọn loại phản ánh"), "{message}");
        snapshot(&client, "07-form-error").await;

        client
            .find(Locator::Css("#report-category"))
            .await
            .unwrap()
            .select_by_value("street_lighting")
            .await
            .unwrap();
        client
            .find(Locator::Css("#report-phone"))
            .await
            .unwrap()
            .send_keys("0912345678")
            .await
            .unwrap();
        client
            .find(Locator::Css("#report-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let code = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#tracking-code"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(code.starts_with("DX-"), "{code}");
        snapshot(&client, "08-tracking-code").await;

        let report = get(&server.url(&format!("/api/reports/{code}")), &[]);
        assert_eq!(report.status, 200);
        let doc = report.json();
        assert_eq!(doc["properties"]["category"], "street_lighting");
        let c = &doc["geometry"]["coordinates"];
        assert!(
            (c[0].as_f64().unwrap() - lon).abs() < 1e-4
                && (c[1].as_f64().unwrap() - lat).abs() < 1e-4,
            "{c}"
        );
        assert!(
            !report.body.windows(10).any(|w| w == b"0912345678"),
            "the phone stays private"
        );
        // The form sent an idempotency key with it (so a resend after a lost answer cannot
        // file it twice): read from the server's SQLite file.
        let db = rusqlite::Connection::open_with_flags(
            server.data_dir.path().join("citygis.sqlite"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let key: Option<String> = db
            .query_row(
                "SELECT client_key FROM reports WHERE tracking_code = ?1",
                [&code],
                |r| r.get(0),
            )
            .unwrap();
        let key = key.expect("the web map sends an Idempotency-Key");
        assert!(
            key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()),
            "{key}"
        );

        // The map fetches the changed tiles and draws the new report where it was filed.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let img = snapshot(&client, "09-report-on-map").await;
            if colour_around(&img, cx, cy, 4, red) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the new report never appeared on the map"
            );
        }
        // The lookup page shows its status and history.
        client
            .find(Locator::Css("#report-done button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let found = client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css("#lookup-result"))
            .await
            .unwrap();
        let text = found.text().await.unwrap();
        assert!(text.contains(&code) && text.contains("Mới gửi"), "{text}");
        snapshot(&client, "10-lookup").await;
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}

/// The budgets of the README, measured (not asserted: speed is for benchmarks): time to the
/// first complete map and paint times while panning over the densest part of the demo city.
/// Writes `target/e2e-artifacts/budgets.json`.
#[test]
fn an_mbtiles_base_map_is_drawn_beneath_the_layers_and_switched_off_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let mbtiles = support::gdal_base_mbtiles(dir.path());
    let config = support::demo_config_with(
        dir.path(),
        &format!(
            "[base]\nmbtiles = {:?}\nattribution = \"© Dữ liệu thử\"\n",
            mbtiles.display().to_string()
        ),
    );
    let server = Server::start_with_config(&config, &[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1024, 768).await;
        let [w, s, e, n] = support::LAKE;
        let (lon, lat) = ((w + e) / 2.0, (s + n) / 2.0);
        // Zoom 15 is past the file's deepest tiles (14): they are drawn larger.
        client
            .goto(&server.url(&format!("/#15/{lat}/{lon}")))
            .await
            .unwrap();
        let canvas = wait_for_map(&client).await;
        let (x, y, w, h) = canvas.rectangle().await.unwrap();
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        let water = hex("#aad3df");
        let img = snapshot(&client, "10-base-map-lake").await;
        assert!(
            colour_around(&img, cx, cy, 3, water),
            "the lake of the base map is drawn, in water colour, under the wards"
        );
        let credit = client
            .find(Locator::Css(".attribution"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(credit.contains("© Dữ liệu thử"), "{credit}");

        client
            .find(Locator::Css("#btn-layers"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let switch = client
            .wait()
            .for_element(Locator::Css("label[for=layer-base]"))
            .await
            .unwrap();
        assert_eq!(switch.text().await.unwrap(), "Bản đồ nền");
        switch.click().await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let img = snapshot(&client, "11-base-map-off").await;
        assert!(
            !colour_around(&img, cx, cy, 3, water),
            "with the base map off the lake is gone"
        );
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}

#[test]
fn a_raster_base_map_is_drawn_from_its_images() {
    let dir = tempfile::tempdir().unwrap();
    let mbtiles = support::gdal_raster_mbtiles(dir.path());
    let config = support::demo_config_with(
        dir.path(),
        &format!("[base]\nmbtiles = {:?}\n", mbtiles.display().to_string()),
    );
    let server = Server::start_with_config(&config, &[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1024, 768).await;
        let [w, s, e, n] = support::LAKE;
        let (lon, lat) = ((w + e) / 2.0, (s + n) / 2.0);
        client
            .goto(&server.url(&format!("/#14/{lat}/{lon}")))
            .await
            .unwrap();
        let canvas = wait_for_map(&client).await;
        let (x, y, w, h) = canvas.rectangle().await.unwrap();
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        let img = snapshot(&client, "12-raster-base-map").await;
        assert!(
            colour_around(&img, cx, cy, 3, support::RASTER_RGB),
            "the raster image is drawn under the wards"
        );
        // 0.003° west of the image its tiles are transparent: the map shows through.
        let px_per_degree = 512.0 * 2f64.powi(14) / 360.0;
        let west = cx - (lon - (support::LAKE[0] - 0.003)) * px_per_degree;
        assert!(
            !colour_around(&img, west, cy, 3, support::RASTER_RGB),
            "the image covers only its rectangle"
        );
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}

/// (left, top, width, height) of an element, in CSS pixels.
async fn rect_of(client: &Client, css: &str) -> (f64, f64, f64, f64) {
    client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} is shown: {e}"))
        .rectangle()
        .await
        .unwrap()
}

/// Asserts that an element is shown and lies within the phone's 360-pixel width.
async fn fits_the_phone(client: &Client, css: &str) {
    let (x, _, w, h) = rect_of(client, css).await;
    assert!(w > 0.0 && h > 0.0, "{css} is visible");
    assert!(
        x >= 0.0 && x + w <= 360.5,
        "{css} spans {x}..{} of 360 pixels",
        x + w
    );
}

#[test]
fn on_a_360_pixel_phone_every_control_fits_and_a_report_can_be_placed() {
    let server = Server::start(&[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = phone(&driver).await;
        client.goto(&server.url("/")).await.unwrap();
        let canvas = wait_for_map(&client).await;
        let widths = client
            .execute(
                "return [window.innerWidth, document.documentElement.scrollWidth]",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            widths,
            json!([360, 360]),
            "360 pixels wide, nothing sticks out"
        );
        snapshot(&client, "20-phone-map").await;
        for css in [
            "#btn-layers",
            "#btn-report",
            "#btn-lookup",
            "#btn-lang",
            "#search-input",
            "#zoom-in",
            "#zoom-out",
            "#locate",
            "#map-canvas",
        ] {
            fits_the_phone(&client, css).await;
        }

        client
            .find(Locator::Css("#btn-layers"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        fits_the_phone(&client, ".layers-panel").await;
        fits_the_phone(&client, "#opacity-planning").await;
        snapshot(&client, "21-phone-layers").await;
        client
            .find(Locator::Css("#btn-layers"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();

        client
            .find(Locator::Css("#btn-report"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        fits_the_phone(&client, "#report-form").await;
        // A tap on the map above the form places the pin.
        let (_, form_top, _, _) = rect_of(&client, "#report-form").await;
        let (_, map_top, _, map_h) = canvas.rectangle().await.unwrap();
        let above_form = (map_top + form_top.min(map_top + map_h)) / 2.0 - (map_top + map_h / 2.0);
        let tap = MouseActions::new("finger".into())
            .then(PointerAction::MoveToElement {
                element: canvas.clone(),
                duration: None,
                x: 0.0,
                y: above_form,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        client.perform_actions(tap).await.unwrap();
        fits_the_phone(&client, "#pin-place").await;
        fits_the_phone(&client, "#report-category").await;
        fits_the_phone(&client, "#report-submit").await;
        snapshot(&client, "22-phone-report-form").await;
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}

#[test]
fn a_polygon_drawn_on_the_map_gives_the_planned_land_use_and_exports_it() {
    let server = Server::start(&[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1280, 800).await;
        client
            .goto(&server.url("/#15/11.535/106.9/planning"))
            .await
            .unwrap();
        let canvas = wait_for_map(&client).await;
        client.find(Locator::Css("#btn-area")).await.unwrap().click().await.unwrap();
        for (x, y) in [(-150.0, -100.0), (150.0, -100.0), (150.0, 100.0), (-150.0, 100.0)] {
            let tap = MouseActions::new("mouse".into())
                .then(PointerAction::MoveToElement { element: canvas.clone(), duration: None, x, y })
                .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
                .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT })
                .then(PointerAction::Pause { duration: Duration::from_millis(450) });
            client.perform_actions(tap).await.unwrap();
        }
        let measure = client.find(Locator::Css("#area-measure")).await.unwrap().text().await.unwrap();
        assert!(measure.contains("Chu vi") && measure.contains("ha"), "{measure}");
        client.find(Locator::Css("#area-query")).await.unwrap().click().await.unwrap();
        let result = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#area-result"))
            .await
            .unwrap();
        snapshot(&client, "13-area-query").await;
        // The same polygon asked directly gives the same land-use codes, largest first.
        let polygon: Value = serde_json::from_str(&result.attr("data-polygon").await.unwrap().unwrap()).unwrap();
        let direct = support::post_json(&server.url("/api/query/area"), &polygon, &[]).json();
        let mut shown = Vec::new();
        for row in client.find_all(Locator::Css("#area-result tr[data-code]")).await.unwrap() {
            shown.push(row.attr("data-code").await.unwrap().unwrap());
        }
        let codes: Vec<String> = direct["by_land_use"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect();
        assert!(!codes.is_empty(), "the city centre has planning zones");
        assert_eq!(shown, codes);
        // The downloads hold the answer.
        let fetch = |id: &str| {
            format!("const done = arguments[arguments.length - 1]; fetch(document.getElementById('{id}').href).then(r => r.text()).then(done, e => done('error ' + e));")
        };
        let csv = client.execute_async(&fetch("area-export-csv"), vec![]).await.unwrap();
        let csv = csv.as_str().unwrap();
        assert!(csv.starts_with("code,name,area_m2,share\n"), "{csv}");
        assert_eq!(csv.lines().count(), codes.len() + 1);
        let geojson = client.execute_async(&fetch("area-export-geojson"), vec![]).await.unwrap();
        let geojson: Value = serde_json::from_str(geojson.as_str().unwrap()).unwrap();
        assert_eq!(geojson["type"], "FeatureCollection");
        assert_eq!(geojson["features"].as_array().unwrap().len(), direct["features"]["features"].as_array().unwrap().len());
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}

#[test]
fn budgets_are_measured_while_panning_the_city_centre() {
    let server = Server::start(&[]);
    let driver = start_driver();
    runtime().block_on(async {
        let client = browser(&driver, 1280, 800).await;
        client.goto(&server.url("/#15/11.535/106.9")).await.unwrap();
        let canvas = wait_for_map(&client).await;
        let first: Value = client.execute("return window.citygisStats()", vec![]).await.unwrap();
        let mut pan = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement { element: canvas.clone(), duration: None, x: 0.0, y: 0.0 })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT });
        for i in 0..40 {
            let dx = if (i / 10) % 2 == 0 { 12.0 } else { -12.0 };
            pan = pan.then(PointerAction::MoveBy { duration: Some(Duration::from_millis(16)), x: dx, y: 4.0 });
        }
        pan = pan.then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        client.perform_actions(pan).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after: Value = client.execute("return window.citygisStats()", vec![]).await.unwrap();
        let first_complete = first["first_complete_ms"].as_f64().expect("the map completed");
        let before = first["paint_ms"].as_array().unwrap().len();
        let mut frames: Vec<f64> = after["paint_ms"].as_array().unwrap()[before..].iter().filter_map(Value::as_f64).collect();
        assert!(frames.len() >= 10, "panning painted frames: {}", frames.len());
        frames.sort_by(f64::total_cmp);
        let p = |q: f64| frames[((frames.len() - 1) as f64 * q).round() as usize];
        let report = json!({
            "first_complete_ms": first_complete,
            "pan_frames": frames.len(),
            "pan_paint_ms_p50": p(0.5),
            "pan_paint_ms_p95": p(0.95),
            "pan_paint_ms_max": p(1.0),
            "viewport": "1280x800 (map 1280x~750), zoom 15, city centre, all layers, headless Chromium (software rendering)",
        });
        println!("budgets: {report}");
        std::fs::write(artifacts().join("budgets.json"), serde_json::to_vec_pretty(&report).unwrap()).unwrap();
        snapshot(&client, "11-panned-centre").await;
        assert_eq!(page_errors(&client).await, Vec::<String>::new());
        client.close().await.unwrap();
    });
}
