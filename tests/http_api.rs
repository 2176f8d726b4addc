//! The HTTP contract, checked against the real binary over loopback: tiles, TileJSON, catalog,
//! style, status codes, gzip, ETag, CORS, HEAD, and that private fields never leave the server.

mod support;

use flate2::read::GzDecoder;
use geozero::mvt::{Message, Tile};
use std::io::Read;
use support::{Server, get, request, tile_of};

const ALL: &str = "wards,planning,roads,cameras,wifi,reports";
/// Chợ Đồng Xoài, in the busiest part of the demo city.
const MARKET: (f64, f64) = (106.8965, 11.5395);

fn tile_path(layers: &str, (z, x, y): (u8, u32, u32)) -> String {
    format!("/tiles/{layers}/{z}/{x}/{y}")
}

fn layer_names(bytes: &[u8]) -> Vec<String> {
    Tile::decode(bytes)
        .expect("valid MVT")
        .layers
        .into_iter()
        .map(|l| l.name)
        .collect()
}

#[test]
fn composite_tile_has_one_layer_per_source_in_the_order_asked() {
    let server = Server::start(&[]);
    let reply = get(
        &server.url(&tile_path(ALL, tile_of(MARKET.0, MARKET.1, 15))),
        &[],
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/vnd.mapbox-vector-tile")
    );
    assert_eq!(
        reply.header("content-encoding"),
        None,
        "no gzip unless asked"
    );
    assert_eq!(
        layer_names(&reply.body),
        ["wards", "planning", "roads", "cameras", "wifi", "reports"]
    );

    let reply = get(
        &server.url(&tile_path(
            "reports,cameras",
            tile_of(MARKET.0, MARKET.1, 15),
        )),
        &[],
    );
    assert_eq!(layer_names(&reply.body), ["reports", "cameras"]);
}

#[test]
fn gzip_on_request_with_its_own_strong_etag() {
    let server = Server::start(&[]);
    let url = server.url(&tile_path(ALL, tile_of(MARKET.0, MARKET.1, 14)));
    let plain = get(&url, &[]);
    let gz = get(&url, &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_eq!(gz.status, 200);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(gz.header("vary").unwrap_or("").contains("Accept-Encoding"));
    let mut unzipped = Vec::new();
    GzDecoder::new(&gz.body[..])
        .read_to_end(&mut unzipped)
        .expect("valid gzip");
    assert_eq!(unzipped, plain.body);
    assert!(gz.body.len() < plain.body.len());
    let (e1, e2) = (plain.header("etag").unwrap(), gz.header("etag").unwrap());
    assert!(
        e1.starts_with('"') && !e1.starts_with("W/"),
        "strong ETag: {e1}"
    );
    assert_ne!(e1, e2, "each encoding has its own ETag");
    let refused = get(&url, &[("Accept-Encoding", "gzip;q=0, identity")]);
    assert_eq!(refused.header("content-encoding"), None);
}

#[test]
fn etag_revalidation_answers_304() {
    let server = Server::start(&["--cache-control", "public, max-age=300"]);
    let url = server.url(&tile_path("cameras", tile_of(MARKET.0, MARKET.1, 16)));
    let first = get(&url, &[]);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("cache-control"), Some("public, max-age=300"));
    let etag = first.header("etag").unwrap().to_owned();
    let again = get(&url, &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = get(&url, &[("If-None-Match", "\"0000000000000000\"")]);
    assert_eq!(other.status, 200);
}

#[test]
fn empty_tile_is_204() {
    let server = Server::start(&[]);
    // Mid-Atlantic at zoom 12: nothing of Đồng Xoài there.
    let reply = get(&server.url(&tile_path(ALL, tile_of(-30.0, 20.0, 12))), &[]);
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());
    // Below the cameras' min zoom the camera layer has nothing either.
    let reply = get(
        &server.url(&tile_path("cameras", tile_of(MARKET.0, MARKET.1, 5))),
        &[],
    );
    assert_eq!(reply.status, 204);
}

#[test]
fn malformed_or_out_of_range_addresses_are_400_naming_the_field() {
    let server = Server::start(&[]);
    for (path, field) in [
        ("/tiles/cameras/abc/1/1", "z"),
        ("/tiles/cameras/25/0/0", "z"),
        ("/tiles/cameras/3/8/0", "x"),
        ("/tiles/cameras/3/-1/0", "x"),
        ("/tiles/cameras/3/0/8", "y"),
        ("/tiles/cameras/3/0/1.5", "y"),
        ("/tiles/cameras,cameras/3/0/0", "layers"),
    ] {
        let reply = get(&server.url(path), &[]);
        assert_eq!(reply.status, 400, "{path}");
        let body = reply.json();
        assert_eq!(body["errors"][0]["field"], field, "{path}: {body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().len() > 5);
    }
    let ok = get(
        &server.url(&format!(
            "{}.pbf",
            tile_path("cameras", tile_of(MARKET.0, MARKET.1, 16))
        )),
        &[],
    );
    assert_eq!(ok.status, 200, ".pbf suffix accepted");
}

#[test]
fn unknown_layer_or_path_is_404_with_json() {
    let server = Server::start(&[]);
    let reply = get(&server.url("/tiles/cameras,airquality/14/0/0"), &[]);
    assert_eq!(reply.status, 404);
    let body = reply.json();
    assert_eq!(body["errors"][0]["field"], "layers");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("airquality")
    );
    assert_eq!(get(&server.url("/tiles/airquality"), &[]).status, 404);
    assert_eq!(get(&server.url("/no/such/thing"), &[]).status, 404);
}

#[test]
fn head_answers_headers_without_a_body() {
    let server = Server::start(&[]);
    let url = server.url(&tile_path(ALL, tile_of(MARKET.0, MARKET.1, 14)));
    let head = request("HEAD", &url, &[]);
    let full = get(&url, &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), full.header("etag"));
    assert_eq!(
        head.header("content-length"),
        Some(full.body.len().to_string().as_str())
    );
    assert_eq!(request("HEAD", &server.url("/catalog"), &[]).status, 200);
}

#[test]
fn cors_is_configurable() {
    let any = Server::start(&[]);
    let url = any.url(&tile_path("cameras", tile_of(MARKET.0, MARKET.1, 16)));
    let reply = get(&url, &[("Origin", "https://qgis.example")]);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    let preflight = request(
        "OPTIONS",
        &url,
        &[
            ("Origin", "https://qgis.example"),
            ("Access-Control-Request-Method", "GET"),
        ],
    );
    assert!(
        preflight.status == 200 || preflight.status == 204,
        "{}",
        preflight.status
    );
    assert!(
        preflight
            .header("access-control-allow-methods")
            .unwrap_or("")
            .contains("GET")
    );

    let one = Server::start(&["--cors-origin", "https://ioc.dongxoai.example"]);
    let url = one.url(&tile_path("cameras", tile_of(MARKET.0, MARKET.1, 16)));
    let allowed = get(&url, &[("Origin", "https://ioc.dongxoai.example")]);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://ioc.dongxoai.example")
    );
    let other = get(&url, &[("Origin", "https://elsewhere.example")]);
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[test]
fn tilejson_describes_the_layer_set() {
    let server = Server::start(&[]);
    let reply = get(&server.url("/tiles/cameras,planning"), &[]);
    assert_eq!(reply.status, 200);
    let doc = reply.json();
    assert_eq!(doc["tilejson"], "3.0.0");
    assert_eq!(
        doc["tiles"][0],
        format!("{}/tiles/cameras,planning/{{z}}/{{x}}/{{y}}", server.base)
    );
    assert_eq!(doc["minzoom"], 10);
    assert_eq!(doc["maxzoom"], 18);
    assert_eq!(doc["scheme"], "xyz");
    let bounds: Vec<f64> = serde_json::from_value(doc["bounds"].clone()).unwrap();
    assert!(bounds[0] < 106.9 && 106.9 < bounds[2] && bounds[1] < 11.535 && 11.535 < bounds[3]);
    let layers = doc["vector_layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[0]["id"], "cameras");
    assert_eq!(layers[0]["fields"]["kind"], "String");
    assert_eq!(layers[0]["fields"]["installed_year"], "Number");
    assert_eq!(layers[0]["fields"]["point_count"], "Number");
    assert!(
        layers[0]["fields"].get("stream_url").is_none(),
        "private field not advertised"
    );
    assert_eq!(layers[1]["id"], "planning");
    assert_eq!(layers[1]["fields"]["land_use"], "String");

    let proxied = Server::start(&["--public-url", "https://gis.dongxoai.example/"]);
    let doc = get(&proxied.url("/tiles/wifi"), &[]).json();
    assert_eq!(
        doc["tiles"][0],
        "https://gis.dongxoai.example/tiles/wifi/{z}/{x}/{y}"
    );
}

#[test]
fn catalog_lists_every_layer_with_counts() {
    let server = Server::start(&[]);
    let doc = get(&server.url("/catalog"), &[]).json();
    assert_eq!(doc["city"]["name"], "Đồng Xoài");
    let layers = doc["layers"].as_array().unwrap();
    let count = |name: &str| {
        layers.iter().find(|l| l["name"] == name).unwrap()["features"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count("cameras"), 1059);
    assert_eq!(count("wards"), 8);
    assert!(count("wifi") >= 3);
    assert!(count("reports") >= 200);
    assert!(count("planning") > 100);
    assert!(count("roads") > 5);
    for l in layers {
        assert_eq!(get(l["tilejson"].as_str().unwrap(), &[]).status, 200);
    }
    let health = get(&server.url("/health"), &[]).json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["layers"], 6);
}

#[test]
fn style_draws_every_layer_from_our_source() {
    let server = Server::start(&[]);
    let style = get(&server.url("/style.json"), &[]).json();
    assert_eq!(style["version"], 8);
    let url = style["sources"]["citygis"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        get(&url, &[]).json()["tilejson"],
        "3.0.0",
        "the style's source resolves"
    );
    let layers = style["layers"].as_array().unwrap();
    for name in ["wards", "planning", "roads", "cameras", "wifi", "reports"] {
        assert!(
            layers.iter().any(|l| l["source-layer"] == name),
            "{name} is drawn"
        );
    }
    // Planning is coloured by land-use code, cameras by kind with a status outline.
    let planning = layers.iter().find(|l| l["id"] == "planning-fill").unwrap();
    let expr = planning["paint"]["fill-color"].to_string();
    assert!(expr.contains("land_use") && expr.contains("ODT"), "{expr}");
    let cameras = layers.iter().find(|l| l["id"] == "cameras-point").unwrap();
    assert!(
        cameras["paint"]["circle-color"]
            .to_string()
            .contains("kind")
    );
    assert!(
        cameras["paint"]["circle-stroke-color"]
            .to_string()
            .contains("offline")
    );
    assert!(layers.iter().any(|l| l["id"] == "cameras-cluster"));
}

#[test]
fn private_fields_never_reach_a_tile() {
    let server = Server::start(&[]);
    let mut checked = 0;
    for z in [10u8, 13, 15, 17] {
        let (z, x0, y0) = tile_of(106.835, 11.595, z);
        let (_, x1, y1) = tile_of(106.965, 11.475, z);
        for x in x0..=x1.min(x0 + 40) {
            for y in y0..=y1.min(y0 + 40) {
                let reply = get(&server.url(&tile_path("cameras", (z, x, y))), &[]);
                if reply.status == 200 {
                    let text = String::from_utf8_lossy(&reply.body);
                    assert!(
                        !text.contains("rtsp://"),
                        "stream address leaked in {z}/{x}/{y}"
                    );
                    assert!(!text.contains("stream_url"));
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} camera tiles checked");
    for path in ["/catalog", "/style.json", "/tiles/cameras"] {
        assert!(!String::from_utf8_lossy(&get(&server.url(path), &[]).body).contains("rtsp://"));
    }
}

#[test]
fn portal_and_about_page_are_served_in_vietnamese() {
    let server = Server::start(&[]);
    let page = get(&server.url("/"), &[]);
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("lang=\"vi\""));
    assert!(
        html.contains("/pkg/citygis.js"),
        "the portal loads the web map"
    );
    let about = String::from_utf8(get(&server.url("/about.html"), &[]).body).unwrap();
    assert!(about.contains("Dữ liệu minh họa"));
}
