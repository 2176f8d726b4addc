//! The base map: an MBTiles file made by GDAL is served as the `base` source (TileJSON, tiles
//! passed through gzip or unpacked, 204 outside the file), drawn beneath the city's layers in the
//! style, and read back by GDAL; a raster XYZ URL becomes a raster source; bad settings are
//! refused with the reason. Needs `gdal-bin`.

mod support;

use geozero::mvt::{Message, Tile};
use std::io::Read;
use std::process::Command;
use support::{LAKE, Server, demo_config_with, gdal_base_mbtiles, get, tile_of};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

/// (layer name, feature count, first feature's `name`) of each layer of a vector tile.
fn layers_of(bytes: &[u8]) -> Vec<(String, usize, Option<String>)> {
    let tile = Tile::decode(bytes).expect("a valid vector tile");
    tile.layers
        .iter()
        .map(|l| {
            let name = l.features.first().and_then(|f| {
                f.tags.chunks(2).find_map(|kv| {
                    (l.keys[kv[0] as usize] == "name")
                        .then(|| l.values[kv[1] as usize].string_value.clone())
                        .flatten()
                })
            });
            (l.name.clone(), l.features.len(), name)
        })
        .collect()
}

#[test]
fn an_mbtiles_file_made_by_gdal_is_the_base_source() {
    let dir = tempfile::tempdir().unwrap();
    let mbtiles = gdal_base_mbtiles(dir.path());
    let config = demo_config_with(
        dir.path(),
        &format!(
            "[base]\nmbtiles = {:?}\nattribution = \"© Dữ liệu thử\"\n",
            mbtiles.display().to_string()
        ),
    );
    let server = Server::start_with_config(&config, &[]);

    let tilejson = get(&server.url("/tiles/base"), &[]).json();
    assert_eq!(tilejson["tilejson"], "3.0.0");
    assert_eq!(tilejson["format"], "pbf");
    assert_eq!(
        (tilejson["minzoom"].as_u64(), tilejson["maxzoom"].as_u64()),
        (Some(8), Some(14))
    );
    assert_eq!(tilejson["vector_layers"][0]["id"], "water");
    assert_eq!(tilejson["attribution"], "© Dữ liệu thử");
    let template = tilejson["tiles"][0].as_str().unwrap();
    assert_eq!(template, server.url("/tiles/base/{z}/{x}/{y}"));

    // The tile holding the lake's centre, as a browser asks for it: gzip passed through.
    let (lon, lat) = ((LAKE[0] + LAKE[2]) / 2.0, (LAKE[1] + LAKE[3]) / 2.0);
    let (z, x, y) = tile_of(lon, lat, 14);
    let url = server.url(&format!("/tiles/base/{z}/{x}/{y}"));
    let gz = get(&url, &[("Accept-Encoding", "gzip")]);
    assert_eq!(gz.status, 200);
    assert_eq!(
        gz.header("content-type"),
        Some("application/vnd.mapbox-vector-tile")
    );
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let layers = layers_of(&gunzip(&gz.body));
    assert_eq!(
        layers,
        [("water".to_owned(), 1, Some("Hồ thử nghiệm".to_owned()))]
    );
    // A client that does not take gzip gets the same tile unpacked.
    let plain = get(&url, &[]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, gunzip(&gz.body));
    // Revalidation.
    let etag = gz.header("etag").unwrap().to_owned();
    let again = get(
        &url,
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);

    // GDAL, an independent reader, finds the lake in the tile we served.
    let folder = dir.path().join(format!("tiles/{z}/{x}"));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join(format!("{y}.pbf"));
    std::fs::write(&file, &plain.body).unwrap();
    let out = Command::new("ogrinfo")
        .args(["-al", "-so"])
        .arg(&file)
        .output()
        .expect("ogrinfo runs");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        summary.contains("Layer name: water") && summary.contains("Feature Count: 1"),
        "{summary}"
    );

    // Outside the file: no content; a bad address: 400 naming the coordinate.
    let (z, x, y) = tile_of(105.0, 21.0, 14);
    assert_eq!(
        get(&server.url(&format!("/tiles/base/{z}/{x}/{y}")), &[]).status,
        204
    );
    let bad = get(&server.url("/tiles/base/14/1/99999"), &[]);
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["errors"][0]["field"], "y", "{}", bad.json());

    // The style draws the base map beneath every layer of ours, with its credit.
    let style = get(&server.url("/style.json"), &[]).json();
    assert_eq!(style["sources"]["base"]["type"], "vector");
    assert_eq!(style["sources"]["base"]["url"], server.url("/tiles/base"));
    assert_eq!(style["sources"]["base"]["attribution"], "© Dữ liệu thử");
    let ids: Vec<&str> = style["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    let water = ids
        .iter()
        .position(|id| *id == "base-water-fill")
        .expect("a water layer");
    let first_ours = ids.iter().position(|id| *id == "wards-fill").unwrap();
    assert!(water < first_ours, "{ids:?}");
    let legend = style["metadata"]["citygis:legend"].as_array().unwrap();
    assert!(
        legend
            .iter()
            .any(|l| l["layer"] == "base" && l["title"] == "Bản đồ nền")
    );
}

#[test]
fn a_raster_mbtiles_file_is_served_as_images() {
    let dir = tempfile::tempdir().unwrap();
    let mbtiles = support::gdal_raster_mbtiles(dir.path());
    let config = demo_config_with(
        dir.path(),
        &format!("[base]\nmbtiles = {:?}\n", mbtiles.display().to_string()),
    );
    let server = Server::start_with_config(&config, &[]);
    let tilejson = get(&server.url("/tiles/base"), &[]).json();
    assert_eq!(tilejson["format"], "png");
    assert!(tilejson.get("vector_layers").is_none());
    let style = get(&server.url("/style.json"), &[]).json();
    assert_eq!(style["sources"]["base"]["type"], "raster");
    assert_eq!(style["sources"]["base"]["url"], server.url("/tiles/base"));
    assert_eq!(style["layers"][1]["id"], "base-raster");
    let (lon, lat) = ((LAKE[0] + LAKE[2]) / 2.0, (LAKE[1] + LAKE[3]) / 2.0);
    let (z, x, y) = tile_of(lon, lat, 15);
    let tile = get(
        &server.url(&format!("/tiles/base/{z}/{x}/{y}.png")),
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(tile.status, 200);
    assert_eq!(tile.header("content-type"), Some("image/png"));
    assert_eq!(
        tile.header("content-encoding"),
        None,
        "images are not gzipped"
    );
    let image = image::load_from_memory(&tile.body)
        .expect("a PNG")
        .to_rgba8();
    let centre = image.get_pixel(image.width() / 2, image.height() / 2);
    assert_eq!(
        &centre.0[..3],
        &support::RASTER_RGB,
        "the tile shows GDAL's image"
    );
}

#[test]
fn a_raster_service_is_a_raster_source_and_no_base_tiles_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let config = demo_config_with(
        dir.path(),
        "[base]\nraster = \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"\nattribution = \"© OpenStreetMap contributors\"\n",
    );
    let server = Server::start_with_config(&config, &[]);
    let style = get(&server.url("/style.json"), &[]).json();
    let base = &style["sources"]["base"];
    assert_eq!(base["type"], "raster");
    assert_eq!(
        base["tiles"][0],
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    );
    assert_eq!(base["tileSize"], 256);
    assert_eq!(base["attribution"], "© OpenStreetMap contributors");
    assert_eq!(
        style["layers"][1]["type"], "raster",
        "right above the background"
    );
    let missing = get(&server.url("/tiles/base/14/0/0"), &[]);
    assert_eq!(missing.status, 404);
    assert!(
        missing.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("[base]")
    );
}

#[test]
fn bad_base_map_settings_are_refused_with_the_reason() {
    let check = |extra: &str| -> String {
        let dir = tempfile::tempdir().unwrap();
        let config = demo_config_with(dir.path(), extra);
        let out = Command::new(env!("CARGO_BIN_EXE_tileserver"))
            .args(["check", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{extra} was accepted");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = check("[base]\nmbtiles = \"nowhere.mbtiles\"\n");
    assert!(
        e.contains("nowhere.mbtiles") && e.contains("cannot open"),
        "{e}"
    );
    let e = check("[base]\nmbtiles = \"a.mbtiles\"\nraster = \"https://t/{z}/{x}/{y}.png\"\n");
    assert!(e.contains("either mbtiles or raster"), "{e}");
    let e = check("[base]\nraster = \"https://t/tiles.png\"\n");
    assert!(e.contains("base.raster") && e.contains("{z}"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.mbtiles");
    std::fs::write(&junk, "this is not a SQLite database, only some words").unwrap();
    let e = check(&format!(
        "[base]\nmbtiles = {:?}\n",
        junk.display().to_string()
    ));
    assert!(
        e.contains("junk.mbtiles") && e.contains("not an MBTiles file"),
        "{e}"
    );

    // A good file: `check` says what it holds.
    let file = gdal_base_mbtiles(dir.path());
    let config = demo_config_with(
        dir.path(),
        &format!("[base]\nmbtiles = {:?}\n", file.display().to_string()),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .args(["check", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("base map:") && stdout.contains("layers water"),
        "{stdout}"
    );
}
