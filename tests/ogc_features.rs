//! OGC API – Features: GDAL's OAPIF driver (an independent client) lists every layer and reads
//! all of each layer's features; paging and bbox behave; private fields never appear; bad
//! parameters are refused naming them. Needs `gdal-bin`.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;
use support::{Server, get};

fn ogrinfo(args: &[&str]) -> String {
    let out = Command::new("ogrinfo")
        .args(args)
        .output()
        .expect("ogrinfo runs (apt-get install gdal-bin)");
    assert!(
        out.status.success(),
        "ogrinfo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn gdal_lists_every_layer_and_reads_all_their_features() {
    let server = Server::start(&[]);
    let api = format!("OAPIF:{}", server.url("/ogc"));
    let listing = ogrinfo(&["-so", &api]);
    let catalog = get(&server.url("/catalog"), &[]).json();
    let layers = catalog["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 6);
    for layer in layers {
        let name = layer["name"].as_str().unwrap();
        assert!(
            listing.contains(&format!(": {name} (")),
            "{name} listed:\n{listing}"
        );
        let features = ogrinfo(&["-al", "-q", &api, name]);
        let read = features.matches("OGRFeature(").count();
        assert_eq!(
            read as u64,
            layer["features"].as_u64().unwrap(),
            "all of {name} read by GDAL"
        );
    }
    // The field figure: 1,059 cameras.
    let cameras = ogrinfo(&["-al", "-q", &api, "cameras"]);
    assert_eq!(cameras.matches("OGRFeature(").count(), 1059);
    assert!(!cameras.contains("stream_url") && !cameras.contains("rtsp://"));
    let reports = ogrinfo(&["-al", "-q", &api, "reports"]);
    assert!(
        !reports.contains("reporter_"),
        "no contact details in reports"
    );
}

#[test]
fn paging_and_bbox_follow_the_standard() {
    let server = Server::start(&[]);
    let mut url = server.url("/ogc/collections/cameras/items?limit=400");
    let mut ids = BTreeSet::new();
    let mut pages = 0;
    loop {
        let page = get(&url, &[]);
        assert_eq!(page.status, 200);
        assert_eq!(page.header("content-type"), Some("application/geo+json"));
        let doc = page.json();
        assert_eq!(doc["numberMatched"], 1059);
        for f in doc["features"].as_array().unwrap() {
            assert!(ids.insert(f["id"].as_u64().unwrap()), "no feature twice");
        }
        pages += 1;
        match doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
        {
            Some(next) => url = next["href"].as_str().unwrap().to_owned(),
            None => break,
        }
    }
    assert_eq!((ids.len(), pages), (1059, 3));

    let bbox = [106.89, 11.52, 106.91, 11.54];
    let doc = get(
        &server.url(&format!(
            "/ogc/collections/cameras/items?limit=10000&bbox={},{},{},{}",
            bbox[0], bbox[1], bbox[2], bbox[3]
        )),
        &[],
    )
    .json();
    let inside: Vec<&Value> = doc["features"].as_array().unwrap().iter().collect();
    assert!(!inside.is_empty() && inside.len() < 1059);
    for f in &inside {
        let c = &f["geometry"]["coordinates"];
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            lon >= bbox[0] - 1e-6
                && lon <= bbox[2] + 1e-6
                && lat >= bbox[1] - 1e-6
                && lat <= bbox[3] + 1e-6
        );
    }
    let one = get(&server.url("/ogc/collections/cameras/items/1"), &[]).json();
    assert_eq!(one["properties"]["code"], "DX-CAM-0001");

    for (path, field, status) in [
        ("/ogc/collections/cameras/items?limit=0", "limit", 400),
        ("/ogc/collections/cameras/items?bbox=1,2,3", "bbox", 400),
        ("/ogc/collections/ufo/items", "collectionId", 404),
        ("/ogc/collections/cameras/items/999999", "featureId", 404),
    ] {
        let res = get(&server.url(path), &[]);
        assert_eq!(res.status, status, "{path}");
        assert_eq!(res.json()["errors"][0]["field"], field, "{path}");
    }
    let conformance = get(&server.url("/ogc/conformance"), &[]).json();
    assert!(
        conformance["conformsTo"]
            .to_string()
            .contains("ogcapi-features-1/1.0/conf/geojson")
    );
}
