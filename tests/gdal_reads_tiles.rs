//! GDAL (`ogrinfo`, MVT driver) as a real client: it reads sample tiles of every layer with no
//! warning, its feature counts match ours, and it places features where they are in the world.
//! Needs `gdal-bin` (installed by `.ci/run`).

mod support;

use geozero::mvt::{Message, Tile};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use support::{Server, get, tile_of};

fn ogrinfo(args: &[&str], file: &Path) -> (String, String) {
    let out = Command::new("ogrinfo")
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ogrinfo ({e}): install GDAL's command-line tools (apt-get install gdal-bin)"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "ogrinfo failed on {}: {stderr}",
        file.display()
    );
    (stdout, stderr)
}

/// Saves a tile as `<dir>/z/x/y.pbf`, the layout from which GDAL georeferences a lone tile.
fn save(dir: &Path, (z, x, y): (u8, u32, u32), bytes: &[u8]) -> std::path::PathBuf {
    let folder = dir.join(format!("{z}/{x}"));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join(format!("{y}.pbf"));
    std::fs::write(&file, bytes).unwrap();
    file
}

/// Feature count per layer from `ogrinfo -so -al` output.
fn gdal_counts(summary: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let mut layer = None;
    for line in summary.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layer = Some(name.trim().to_owned());
        }
        if let (Some(name), Some(n)) = (&layer, line.strip_prefix("Feature Count: ")) {
            counts.insert(name.clone(), n.trim().parse().unwrap());
        }
    }
    counts
}

#[test]
fn gdal_reads_every_layer_and_counts_what_we_count() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let samples: [(&str, &[u8]); 6] = [
        ("wards", &[8, 11, 13]),
        ("roads", &[11, 14, 16]),
        ("planning", &[12, 14, 16]),
        ("cameras", &[12, 14, 16]),
        ("wifi", &[10, 14, 16]),
        ("reports", &[12, 14, 16]),
    ];
    let mut compared = 0;
    for (layers, zooms) in samples.iter().map(|(l, z)| (l.to_string(), *z)).chain([(
        "wards,planning,roads,cameras,wifi,reports".to_string(),
        &[14u8, 15][..],
    )]) {
        for &z in zooms {
            for (lon, lat) in [
                (106.8965, 11.5395),
                (106.9100, 11.5420),
                (106.8745, 11.5350),
            ] {
                let tile = tile_of(lon, lat, z);
                let reply = get(
                    &server.url(&format!("/tiles/{layers}/{}/{}/{}", tile.0, tile.1, tile.2)),
                    &[],
                );
                if reply.status == 204 {
                    continue;
                }
                assert_eq!(reply.status, 200);
                let ours: BTreeMap<String, usize> = Tile::decode(&reply.body[..])
                    .unwrap()
                    .layers
                    .into_iter()
                    .map(|l| (l.name, l.features.len()))
                    .collect();
                let file = save(dir.path(), tile, &reply.body);
                let (stdout, stderr) = ogrinfo(&["-ro", "-so", "-al"], &file);
                assert!(
                    !stderr.contains("Warning") && !stderr.contains("ERROR"),
                    "GDAL complained about {layers} {tile:?}: {stderr}"
                );
                assert_eq!(gdal_counts(&stdout), ours, "{layers} at {tile:?}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 15, "only {compared} tiles compared");
}

#[test]
fn gdal_places_features_where_they_are() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    // The Wi-Fi point at Chợ Đồng Xoài (data/wifi.geojson).
    let (lon, lat) = (106.8965, 11.5395);
    let tile = tile_of(lon, lat, 16);
    let reply = get(
        &server.url(&format!("/tiles/wifi/{}/{}/{}", tile.0, tile.1, tile.2)),
        &[],
    );
    assert_eq!(reply.status, 200);
    let file = save(dir.path(), tile, &reply.body);
    let (stdout, stderr) = ogrinfo(&["-ro", "-al", "-where", "kind = 'fixed'"], &file);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(
        stdout.contains("venue (String) = Chợ Đồng Xoài"),
        "attributes read with diacritics:\n{stdout}"
    );
    assert!(
        stdout.contains("sessions (Integer"),
        "typed integer attribute:\n{stdout}"
    );
    let point = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("POINT ("))
        .expect("a point geometry");
    let coords: Vec<f64> = point
        .trim_end_matches(')')
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let (mx, my) = tileserver::mercator::to_mercator(lon, lat);
    // GDAL georeferences the tile in EPSG:3857; one tile unit at z16 is about 0.15 m.
    let unit = 2.0 * tileserver::mercator::HALF_WORLD / 65536.0 / 4096.0;
    assert!(
        (coords[0] - mx).abs() <= unit && (coords[1] - my).abs() <= unit,
        "GDAL puts it at {coords:?}, expected ({mx}, {my})"
    );
}
