//! The pure tile builder on the scale data (`cargo xtask scale-data` first), per zoom, on both
//! workloads: raw (every feature, like a general tile server) and as served (clustering and
//! generalization on). Each iteration builds every distinct tile of that zoom in the fixed list.
//!
//! `cargo bench -p tileserver --bench tile_builder`

use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;
use tileserver::config::{CityConfig, LayerSource};
use tileserver::layer::{Layer, LayerRegistry};
use tileserver::tile::{TileId, build_tile};

fn scale_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/scale")
}

/// The configuration with every layer read from its file (reports included), so the bench
/// measures the tile builder alone, without the store.
fn load(config_file: &str) -> (CityConfig, LayerRegistry) {
    let path = scale_dir().join(config_file);
    let mut config = CityConfig::load(&path)
        .unwrap_or_else(|e| panic!("{e}: run `cargo xtask scale-data` first"));
    for layer in &mut config.layers {
        layer.source = LayerSource::File;
    }
    let layers = LayerRegistry::load(&config).expect("scale layers load");
    (config, layers)
}

fn tile_list() -> BTreeSet<TileId> {
    std::fs::read_to_string(scale_dir().join("tiles.txt"))
        .expect("tiles.txt")
        .lines()
        .map(|l| {
            let v: Vec<u32> = l.split('/').map(|p| p.parse().unwrap()).collect();
            TileId::new(v[0], v[1], v[2]).unwrap()
        })
        .collect()
}

fn bench_workload(c: &mut Criterion, name: &str, config_file: &str) {
    let (config, registry) = load(config_file);
    let guards: Vec<_> = registry.iter().map(|l| l.read().unwrap()).collect();
    let layers: Vec<&Layer> = guards.iter().map(|g| &**g).collect();
    let tiles = tile_list();
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for z in 10..=16u8 {
        let at_zoom: Vec<TileId> = tiles.iter().copied().filter(|t| t.z == z).collect();
        group.throughput(criterion::Throughput::Elements(at_zoom.len() as u64));
        group.bench_function(format!("z{z}"), |b| {
            b.iter(|| {
                for &tile in &at_zoom {
                    std::hint::black_box(build_tile(&layers, tile, &config.tiles).unwrap());
                }
            })
        });
    }
    group.finish();
}

fn raw(c: &mut Criterion) {
    bench_workload(c, "raw", "city-raw.toml");
}

fn served(c: &mut Criterion) {
    bench_workload(c, "served", "city.toml");
}

criterion_group!(benches, raw, served);
criterion_main!(benches);
