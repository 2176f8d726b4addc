//! Scale data for benchmarks: the demo city grown to province size — 1,000,000 field reports
//! (dense in the centre, as in a real city) and 200,000 small planning parcels (some with
//! holes), with the demo cameras, Wi-Fi points, roads and wards — written as GeoJSON that other
//! tools can read, with two configurations (as served, and raw) and a fixed list of 3,000 tile
//! requests. Deterministic, like the demo data; written under `target/`, never committed.

mod configs;
mod planning;
mod reports;
mod tile_list;

use crate::demo::{self, output::feature_collection};
use std::path::Path;

/// Reports in the scale data.
pub const REPORTS: usize = 1_000_000;
/// Planning parcels in the scale data.
pub const PARCELS: usize = 200_000;

/// Writes the scale data set into `out`; returns (file, features) per layer written.
pub fn write(out: &Path) -> anyhow::Result<Vec<(String, usize)>> {
    std::fs::create_dir_all(out)?;
    let mut written = Vec::new();
    let demo_layers = demo::generate();
    let wards: Vec<_> = demo::wards::generate(&mut demo::rng("wards"));
    for layer in demo_layers {
        let features = match layer.name {
            "reports" => reports::generate(REPORTS, &wards),
            "planning" => planning::generate(PARCELS),
            _ => layer.features,
        };
        let file = out.join(format!("{}.geojson", layer.name));
        std::fs::write(
            &file,
            feature_collection(layer.name, layer.description, &features),
        )?;
        written.push((file.display().to_string(), features.len()));
    }
    configs::write(out)?;
    let tiles = tile_list::generate();
    std::fs::write(
        out.join("tiles.txt"),
        tiles
            .iter()
            .map(|(z, x, y)| format!("{z}/{x}/{y}\n"))
            .collect::<String>(),
    )?;
    written.push((out.join("tiles.txt").display().to_string(), tiles.len()));
    Ok(written)
}
