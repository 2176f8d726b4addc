//! GDAL as the referee: the same sampled tiles from both servers, read with `ogrinfo`, feature
//! counts summed per layer.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

fn counts(summary: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut layer = None;
    for line in summary.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layer = Some(name.trim().to_owned());
        }
        if let (Some(name), Some(n)) = (&layer, line.strip_prefix("Feature Count: ")) {
            *out.entry(name.clone()).or_default() += n.trim().parse::<u64>().unwrap_or(0);
        }
    }
    out
}

/// Feature counts per layer as GDAL reads the tile; None when GDAL cannot open it (its MVT
/// driver refuses very large tiles).
fn fetch_and_count(
    base: &str,
    tile: (u8, u32, u32),
    dir: &Path,
) -> anyhow::Result<Option<BTreeMap<String, u64>>> {
    let (z, x, y) = tile;
    let res = ureq::get(&format!("{base}/tiles/{}/{z}/{x}/{y}", super::ALL_LAYERS)).call()?;
    if res.status().as_u16() == 204 {
        return Ok(Some(BTreeMap::new()));
    }
    let mut body = Vec::new();
    res.into_body()
        .into_with_config()
        .limit(512 << 20)
        .reader()
        .read_to_end(&mut body)?;
    let folder = dir.join(format!("{z}/{x}"));
    std::fs::create_dir_all(&folder)?;
    let file = folder.join(format!("{y}.pbf"));
    std::fs::write(&file, body)?;
    let out = std::process::Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(&file)
        .output()?;
    Ok(out
        .status
        .success()
        .then(|| counts(&String::from_utf8_lossy(&out.stdout))))
}

/// What GDAL counted on both sides, and how many sampled tiles it could not open on either.
#[derive(Debug, Default, serde::Serialize)]
pub struct Comparison {
    /// Per layer: (our features, the peer's features), over tiles GDAL opened on both sides.
    pub layers: BTreeMap<String, (u64, u64)>,
    pub tiles_compared: usize,
    pub tiles_gdal_could_not_open: usize,
}

/// Reads every 10th distinct tile from both servers with GDAL.
pub fn compare(
    ours: &str,
    peer: &str,
    tiles: &[(u8, u32, u32)],
    dir: &Path,
) -> anyhow::Result<Comparison> {
    let mut result = Comparison::default();
    for &tile in tiles.iter().step_by(10) {
        let (a, b) = (
            fetch_and_count(ours, tile, &dir.join("ours"))?,
            fetch_and_count(peer, tile, &dir.join("peer"))?,
        );
        let (Some(a), Some(b)) = (a, b) else {
            result.tiles_gdal_could_not_open += 1;
            continue;
        };
        result.tiles_compared += 1;
        for (layer, n) in a {
            result.layers.entry(layer).or_default().0 += n;
        }
        for (layer, n) in b {
            result.layers.entry(layer).or_default().1 += n;
        }
    }
    Ok(result)
}
