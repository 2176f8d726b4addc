//! Field reports end to end against the real binary over loopback: filing shows up in the API,
//! the map tile, Open311 and the live event stream; every bad input is refused with its field
//! and stores nothing; contact details never leave the server; staff actions need the right
//! role and are audited.

mod support;

use geozero::mvt::{Message, Tile};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::time::Duration;
use support::{Server, get, listen_events, multipart, post_json, send, tile_of};

const LON: f64 = 106.9012;
const LAT: f64 = 11.5318;

fn report(description: &str) -> Value {
    json!({
        "category": "street_lighting",
        "description": description,
        "lon": LON,
        "lat": LAT,
        "address": "Đường Trần Hưng Đạo, phường Tân Phú",
        "reporter_name": "Nguyễn Thị Hoa",
        "reporter_phone": "0912 345 678",
        "reporter_email": "hoa.nguyen@example.vn",
    })
}

/// The report layer's feature count and version, from the catalog.
fn report_layer(server: &Server) -> (u64, u64) {
    let catalog = get(&server.url("/catalog"), &[]).json();
    let layer = catalog["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "reports")
        .unwrap()
        .clone();
    (
        layer["features"].as_u64().unwrap(),
        layer["version"].as_u64().unwrap(),
    )
}

#[test]
fn a_report_sent_again_with_its_idempotency_key_is_stored_once() {
    let server = Server::start(&[]);
    let events = listen_events(&server);
    let (count_before, _) = report_layer(&server);
    let url = server.url("/api/reports");
    let key = [("Idempotency-Key", "7d0c2a9e-4b1f-4f6e-9a53-0e8b1c2d3f4a")];
    let first = post_json(&url, &report("Cống nghẹt, nước tràn lên mặt đường"), &key);
    assert_eq!(
        first.status,
        201,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    // The phone lost the answer and sends the same report again with the same key.
    let again = post_json(&url, &report("Cống nghẹt, nước tràn lên mặt đường"), &key);
    assert_eq!(again.status, 201);
    assert_eq!(
        again.json(),
        first.json(),
        "the same answer as the first time"
    );
    assert_eq!(report_layer(&server).0, count_before + 1, "stored once");
    let created: Vec<_> =
        std::iter::from_fn(|| events.recv_timeout(Duration::from_millis(500)).ok())
            .filter(|(kind, _)| kind == "report.created")
            .collect();
    assert_eq!(created.len(), 1, "announced once");
    // Another key (or none) is another report.
    let other = post_json(
        &url,
        &report("Cống nghẹt, nước tràn lên mặt đường"),
        &[("Idempotency-Key", "another-key")],
    );
    assert_ne!(other.json()["tracking_code"], first.json()["tracking_code"]);
    // A malformed key is refused, naming the header.
    let bad = post_json(&url, &report("x"), &[("Idempotency-Key", "khóa có dấu")]);
    assert_eq!(
        (bad.status, bad.json()["errors"][0]["field"].as_str()),
        (400, Some("Idempotency-Key"))
    );
}

#[test]
fn a_filed_report_is_everywhere_within_a_second() {
    let server = Server::start(&[]);
    let events = listen_events(&server);
    let (count_before, version_before) = report_layer(&server);

    let reply = post_json(
        &server.url("/api/reports"),
        &report("Đèn đường trước số 12 bị tắt ba đêm liền."),
        &[],
    );
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let filed = reply.json();
    let code = filed["tracking_code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("DX-"), "{code}");
    assert_eq!(filed["status"], "submitted");

    // Looked up by its code, with its history.
    let one = get(
        &server.url(&format!("/api/reports/{}", code.to_lowercase())),
        &[],
    )
    .json();
    assert_eq!(one["properties"]["tracking_code"], code.as_str());
    assert_eq!(
        one["properties"]["ward"], "Tân Phú",
        "ward found by point-in-polygon"
    );
    assert!(
        one["properties"]["created_at"]
            .as_str()
            .unwrap()
            .ends_with("+07:00")
    );
    assert_eq!(one["properties"]["history"][0]["action"], "created");

    // In the listing.
    let list = get(
        &server.url("/api/reports?category=street_lighting&status=submitted&limit=500"),
        &[],
    )
    .json();
    assert!(
        list["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["tracking_code"] == code.as_str())
    );

    // On the map: the layer changed, and the tile at its place holds it (no clustering at z17).
    let (count_after, version_after) = report_layer(&server);
    assert_eq!(count_after, count_before + 1);
    assert!(version_after > version_before);
    let (z, x, y) = tile_of(LON, LAT, 17);
    let tile = get(&server.url(&format!("/tiles/reports/{z}/{x}/{y}")), &[]);
    assert_eq!(tile.status, 200);
    let decoded = Tile::decode(&tile.body[..]).unwrap();
    let layer = &decoded.layers[0];
    let code_index = layer
        .values
        .iter()
        .position(|v| v.string_value.as_deref() == Some(code.as_str()))
        .expect("tracking code in the tile");
    assert!(
        layer.features.iter().any(|f| f.id == filed["id"].as_u64()
            && f.tags.chunks(2).any(|t| t[1] as usize == code_index))
    );

    // In Open311, as an open request.
    let open311 = get(&server.url("/open311/v2/requests.json?status=open"), &[]).json();
    let request = open311
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service_request_id"] == code.as_str())
        .expect("in Open311");
    assert_eq!(request["service_code"], "street_lighting");
    assert_eq!(request["lat"], LAT);
    let xml = String::from_utf8(
        get(
            &server.url(&format!("/open311/v2/requests/{code}.xml")),
            &[],
        )
        .body,
    )
    .unwrap();
    assert!(
        xml.contains(&format!("<service_request_id>{code}</service_request_id>"))
            && xml.contains("<status>open</status>"),
        "{xml}"
    );

    // On the live stream.
    let (kind, data) = events
        .recv_timeout(Duration::from_secs(2))
        .expect("an event within 2 s");
    assert_eq!(kind, "report.created");
    assert_eq!(data["properties"]["tracking_code"], code.as_str());
}

#[test]
fn reports_with_photos_keep_no_metadata() {
    let server = Server::start(&[]);
    let photo = support::jpeg_with_exif(640, 480);
    let (content_type, body) = multipart(
        &[
            ("category", "trees_parks"),
            ("description", "Cây đổ chắn lối đi"),
            ("lon", "106.8970"),
            ("lat", "11.5390"),
        ],
        &[
            ("photos", "IMG_0001.jpg", &photo),
            ("photos", "IMG_0002.JPG", &photo),
        ],
    );
    let reply = send(
        "POST",
        &server.url("/api/reports"),
        &[("Content-Type", &content_type)],
        &body,
    );
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let code = reply.json()["tracking_code"].as_str().unwrap().to_owned();
    let one = get(&server.url(&format!("/api/reports/{code}")), &[]).json();
    let photos = one["properties"]["photos"].as_array().unwrap().clone();
    assert_eq!(photos.len(), 2);
    for url in photos {
        let stored = get(&server.url(url.as_str().unwrap()), &[]);
        assert_eq!(stored.status, 200);
        assert_eq!(
            image::guess_format(&stored.body).unwrap(),
            image::ImageFormat::Jpeg
        );
        assert!(
            !stored.body.windows(4).any(|w| w == b"Exif"),
            "EXIF stripped"
        );
        assert!(!stored.body.windows(3).any(|w| w == b"GPS"), "GPS stripped");
        let img = image::load_from_memory(&stored.body).unwrap();
        assert_eq!((img.width(), img.height()), (640, 480));
    }
}

#[test]
fn every_kind_of_bad_input_is_refused_and_stores_nothing() {
    // Refused attempts count towards the filing limit too; this test makes many.
    let server = Server::start(&["--report-rate-limit", "1000"]);
    let url = server.url("/api/reports");
    let before = report_layer(&server);
    let with = |field: &str, value: Value| {
        let mut r = report("Mô tả hợp lệ");
        r[field] = value;
        r
    };
    let mut without_description = report("x");
    without_description
        .as_object_mut()
        .unwrap()
        .remove("description");
    let cases: Vec<(Value, u16, &str)> = vec![
        (without_description, 400, "description"),
        (
            with("description", json!("đ".repeat(4001))),
            400,
            "description",
        ),
        (with("category", json!("ufo")), 400, "category"),
        (with("lon", json!(105.85)), 400, "lon"),
        (with("lat", json!("abc")), 400, "lat"),
        (with("lat", json!(true)), 400, "lat"),
        (
            with("reporter_email", json!("not-an-email")),
            400,
            "reporter_email",
        ),
        (with("unexpected", json!(1)), 400, "unexpected"),
    ];
    for (body, status, field) in cases {
        let reply = post_json(&url, &body, &[]);
        assert_eq!(reply.status, status, "{body}");
        let errors = reply.json()["errors"].as_array().unwrap().clone();
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "{field}: {errors:?}"
        );
    }
    // Malformed and too deeply nested JSON, and a body of the wrong type.
    let malformed = send(
        "POST",
        &url,
        &[("Content-Type", "application/json")],
        b"{\"category\": ",
    );
    assert_eq!(
        (
            malformed.status,
            malformed.json()["errors"][0]["field"].as_str()
        ),
        (400, Some("body"))
    );
    let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    assert_eq!(
        send(
            "POST",
            &url,
            &[("Content-Type", "application/json")],
            deep.as_bytes()
        )
        .status,
        400
    );
    assert_eq!(
        send("POST", &url, &[("Content-Type", "text/plain")], b"hello").status,
        415
    );
    assert_eq!(
        send(
            "POST",
            &url,
            &[("Content-Type", "application/json")],
            &vec![b' '; 70_000]
        )
        .status,
        413
    );

    // Photos: a text file named .jpg, too many photos, and an oversize one.
    let fields = [
        ("category", "other"),
        ("description", "Ảnh kèm theo"),
        ("lon", "106.9"),
        ("lat", "11.53"),
    ];
    let fake: &[u8] = b"this is a text file, not a photo";
    let (ct, body) = multipart(&fields, &[("photos", "photo.jpg", fake)]);
    let reply = send("POST", &url, &[("Content-Type", &ct)], &body);
    assert_eq!(
        (reply.status, reply.json()["errors"][0]["field"].as_str()),
        (400, Some("photos"))
    );
    let small = support::jpeg_with_exif(32, 32);
    let four: Vec<(&str, &str, &[u8])> = (0..4).map(|_| ("photos", "a.jpg", &small[..])).collect();
    let (ct, body) = multipart(&fields, &four);
    let reply = send("POST", &url, &[("Content-Type", &ct)], &body);
    assert_eq!(
        (reply.status, reply.json()["errors"][0]["field"].as_str()),
        (400, Some("photos"))
    );
    let mut huge = small.clone();
    huge.resize(10 * 1024 * 1024 + 10, 0);
    let (ct, body) = multipart(&fields, &[("photos", "big.jpg", &huge)]);
    let reply = send("POST", &url, &[("Content-Type", &ct)], &body);
    assert_eq!(
        (reply.status, reply.json()["errors"][0]["field"].as_str()),
        (413, Some("photos"))
    );

    assert_eq!(report_layer(&server), before, "nothing was stored");
    let photos = std::fs::read_dir(server.data_dir.path().join("photos"))
        .unwrap()
        .count();
    assert_eq!(photos, 0, "no photo file left behind");
}

#[test]
fn filing_too_often_is_limited() {
    let server = Server::start(&["--report-rate-limit", "3"]);
    for i in 0..3 {
        assert_eq!(
            post_json(
                &server.url("/api/reports"),
                &report(&format!("Lần {i}")),
                &[]
            )
            .status,
            201
        );
    }
    let reply = post_json(&server.url("/api/reports"), &report("Lần thứ tư"), &[]);
    assert_eq!(reply.status, 429);
    assert!(reply.header("retry-after").unwrap().parse::<u64>().unwrap() > 0);
    assert!(
        reply.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("giây")
    );
}

#[test]
fn contact_details_never_reach_a_public_answer() {
    let server = Server::start(&[]);
    let reply = post_json(
        &server.url("/api/reports"),
        &report("Đèn hỏng, xin liên hệ tôi"),
        &[],
    );
    let filed = reply.json();
    let (id, code) = (
        filed["id"].as_i64().unwrap(),
        filed["tracking_code"].as_str().unwrap().to_owned(),
    );
    let (z, x, y) = tile_of(LON, LAT, 16);
    let (z12, x12, y12) = tile_of(LON, LAT, 12);
    let public = [
        format!("/api/reports/{code}"),
        format!("/api/reports/{id}"),
        "/api/reports?limit=500".to_owned(),
        format!("/api/reports/nearby?lon={LON}&lat={LAT}&category=street_lighting"),
        "/open311/v2/requests.json".to_owned(),
        "/open311/v2/requests.xml".to_owned(),
        format!("/open311/v2/requests/{code}.json"),
        format!("/tiles/reports/{z}/{x}/{y}"),
        format!("/tiles/wards,planning,roads,cameras,wifi,reports/{z}/{x}/{y}"),
        format!("/tiles/reports/{z12}/{x12}/{y12}"),
        "/catalog".to_owned(),
    ];
    for path in &public {
        let reply = get(&server.url(path), &[]);
        assert_eq!(reply.status, 200, "{path}");
        let text = String::from_utf8_lossy(&reply.body);
        for secret in [
            "Nguyễn Thị Hoa",
            "0912 345 678",
            "hoa.nguyen@example.vn",
            "reporter_",
        ] {
            assert!(!text.contains(secret), "{secret:?} leaked in {path}");
        }
    }
    let nearby = get(
        &server.url(&format!(
            "/api/reports/nearby?lon={LON}&lat={LAT}&category=street_lighting"
        )),
        &[],
    )
    .json();
    assert_eq!(
        nearby["features"][0]["properties"]["tracking_code"],
        code.as_str(),
        "nearby finds it first"
    );
}

#[test]
fn staff_changes_need_the_right_role_and_are_audited() {
    let server = Server::start(&[]);
    let code = post_json(&server.url("/api/reports"), &report("Đèn đường hỏng"), &[]).json()["tracking_code"].as_str().unwrap().to_owned();
    let url = server.url(&format!("/api/reports/{code}"));
    let change = json!({ "status": "in_progress", "note": "Đã giao đội điện lực", "private_note": "Gọi lại người báo", "agency": "Điện lực Đồng Xoài" });
    let patch = |headers: &[(&str, &str)]| {
        let mut all = vec![("Content-Type", "application/json")];
        all.extend_from_slice(headers);
        send("PATCH", &url, &all, change.to_string().as_bytes())
    };

    assert_eq!(patch(&[]).status, 401);
    assert_eq!(patch(&[("Cookie", "citygis_session=forged")]).status, 401);
    let planner = support::staff_session(&server, "quyhoach", "planner");
    assert_eq!(patch(&[("Cookie", &planner)]).status, 403);
    assert_eq!(
        get(&url, &[]).json()["properties"]["status"],
        "submitted",
        "refused calls changed nothing"
    );

    let operator = support::staff_session(&server, "vanhanh", "operator");
    let reply = patch(&[("Cookie", &operator)]);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let staff_view = reply.json();
    assert_eq!(staff_view["properties"]["status"], "in_progress");
    assert_eq!(
        staff_view["properties"]["reporter"]["phone"], "0912 345 678",
        "staff see the contact"
    );

    let public = get(&url, &[]).json();
    let history = public["properties"]["history"].as_array().unwrap();
    let last = history
        .iter()
        .find(|h| h["action"] == "status")
        .expect("status change audited");
    assert_eq!(last["actor"], "vanhanh");
    assert_eq!(last["status"], "in_progress");
    assert_eq!(last["note"], "Đã giao đội điện lực");
    assert!(
        !public.to_string().contains("Gọi lại người báo"),
        "private note stays private"
    );
    assert_eq!(public["properties"]["agency"], "Điện lực Đồng Xoài");

    // Bad changes name their field; a duplicate must point at another report; hiding removes it.
    let bad = send(
        "PATCH",
        &url,
        &[("Content-Type", "application/json"), ("Cookie", &operator)],
        br#"{"status":"done"}"#,
    );
    assert_eq!(
        (bad.status, bad.json()["errors"][0]["field"].as_str()),
        (400, Some("status"))
    );
    let other =
        post_json(&server.url("/api/reports"), &report("Trùng"), &[]).json()["tracking_code"]
            .as_str()
            .unwrap()
            .to_owned();
    let dup = send(
        "PATCH",
        &server.url(&format!("/api/reports/{other}")),
        &[("Content-Type", "application/json"), ("Cookie", &operator)],
        json!({"duplicate_of": code}).to_string().as_bytes(),
    );
    assert_eq!(dup.status, 200);
    assert_eq!(dup.json()["properties"]["status"], "duplicate");
    let hide = send(
        "PATCH",
        &server.url(&format!("/api/reports/{other}")),
        &[("Content-Type", "application/json"), ("Cookie", &operator)],
        br#"{"hidden":true,"private_note":"spam"}"#,
    );
    assert_eq!(hide.status, 200);
    assert_eq!(
        get(&server.url(&format!("/api/reports/{other}")), &[]).status,
        404,
        "hidden from the public"
    );
    assert_eq!(
        get(
            &server.url(&format!("/api/reports/{other}")),
            &[("Cookie", &operator)]
        )
        .status,
        200,
        "staff still see it"
    );

    // Signing out ends the session.
    assert_eq!(
        send(
            "POST",
            &server.url("/api/auth/logout"),
            &[("Cookie", &operator)],
            b""
        )
        .status,
        204
    );
    assert_eq!(patch(&[("Cookie", &operator)]).status, 401);
}

#[test]
fn open311_clients_file_with_an_api_key() {
    let server = Server::start(&[]);
    let _ = support::staff_session(&server, "tichhop", "operator");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .args([
            "user",
            "token",
            "tichhop",
            "--label",
            "Hệ thống 1022",
            "--data-dir",
        ])
        .arg(server.data_dir.path())
        .output()
        .unwrap();
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(key.len() > 30);
    let form = |key: &str| {
        format!(
            "api_key={key}&service_code=water_drainage&lat=11.5361&long=106.8988&description=Ng%E1%BA%ADp+n%C6%B0%E1%BB%9Bc&email=a%40example.vn"
        )
    };
    let url = server.url("/open311/v2/requests.json");
    let denied = send(
        "POST",
        &url,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form("wrong").as_bytes(),
    );
    assert_eq!(denied.status, 403);
    assert_eq!(denied.json()[0]["code"], 403);
    let created = send(
        "POST",
        &url,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form(&key).as_bytes(),
    );
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let code = created.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fetched = get(&server.url(&format!("/api/reports/{code}")), &[]).json();
    assert_eq!(fetched["properties"]["description"], "Ngập nước");
    let missing = send(
        "POST",
        &server.url("/open311/v2/requests.xml"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("api_key={key}&service_code=water_drainage").as_bytes(),
    );
    assert_eq!(missing.status, 400);
    let xml = String::from_utf8(missing.body).unwrap();
    assert!(
        xml.contains("<errors><error><code>400</code><description>") && xml.contains("lat"),
        "{xml}"
    );
    let services =
        String::from_utf8(get(&server.url("/open311/v2/services.xml"), &[]).body).unwrap();
    assert!(
        services.contains("<service_code>street_lighting</service_code>")
            && services.contains("Chiếu sáng công cộng")
    );
    assert_eq!(
        get(&server.url("/open311/v2/services/ufo.json"), &[]).status,
        404
    );
    assert_eq!(
        get(&server.url("/open311/v2/discovery.json"), &[]).json()["endpoints"][0]["formats"][1],
        "application/json"
    );
}

#[test]
fn a_reconnecting_client_gets_what_it_missed() {
    let server = Server::start(&[]);
    // The number of the latest event so far, from the stream's greeting.
    let greeting = support::agent()
        .get(&server.url("/api/events"))
        .call()
        .unwrap();
    let first_line = BufReader::new(greeting.into_body().into_reader())
        .lines()
        .map(|l| l.unwrap())
        .find(|l| l.starts_with(": connected"))
        .unwrap();
    let base: u64 = first_line.rsplit(' ').next().unwrap().parse().unwrap();
    let codes: Vec<String> = (0..3)
        .map(|i| {
            post_json(
                &server.url("/api/reports"),
                &report(&format!("Sự việc {i}")),
                &[],
            )
            .json()["tracking_code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    // A client that saw the first event reconnects: it first gets the next two, in order.
    let res = support::agent()
        .get(&server.url("/api/events"))
        .header("Last-Event-ID", (base + 1).to_string())
        .call()
        .unwrap();
    let mut lines = BufReader::new(res.into_body().into_reader()).lines();
    let mut replayed = Vec::new();
    while replayed.len() < 2 {
        let line = lines.next().expect("stream open").unwrap();
        if let Some(id) = line.strip_prefix("id: ") {
            let event = lines.next().unwrap().unwrap();
            let data: Value = serde_json::from_str(
                lines
                    .next()
                    .unwrap()
                    .unwrap()
                    .strip_prefix("data: ")
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(event, "event: report.created");
            replayed.push((
                id.to_owned(),
                data["properties"]["tracking_code"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            ));
        }
    }
    assert_eq!(
        replayed,
        vec![
            ((base + 2).to_string(), codes[1].clone()),
            ((base + 3).to_string(), codes[2].clone())
        ]
    );
}
