//! `cargo xtask bench`: the load benchmark. Starts the real server (release build) on the scale
//! data and measures over HTTP on loopback — cold and warm tiles on the raw and as-served
//! workloads, start-up time and memory, durable filing — then the peer (geojson-vt + vt-pbf on
//! Node) on the raw workload in the same run, checks with GDAL that both serve the same
//! features, and prints every figure with the ratios. Results go to `target/bench/results.json`
//! and the latency plot to `bench/latency-by-zoom.svg`.

mod gdal_compare;
mod load;
mod plot;
pub(crate) mod process;

use load::{Sample, percentile};
use process::Running;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const ALL_LAYERS: &str = "wards,planning,roads,cameras,wifi,reports";

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Per-zoom and overall figures of a cold pass.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ColdFigures {
    pub tiles: usize,
    pub tiles_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p99_bytes: f64,
    pub mean_bytes: f64,
    /// (zoom, tiles, p50 ms, p99 ms, p99 bytes)
    pub by_zoom: Vec<(u8, usize, f64, f64, f64)>,
}

fn figures(samples: &[Sample], wall: Duration) -> ColdFigures {
    let sorted = |f: &dyn Fn(&Sample) -> f64, z: Option<u8>| {
        let mut v: Vec<f64> = samples
            .iter()
            .filter(|s| z.is_none_or(|z| s.z == z))
            .map(f)
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let ms = |s: &Sample| s.millis;
    let bytes = |s: &Sample| s.bytes as f64;
    let all_ms = sorted(&ms, None);
    let all_bytes = sorted(&bytes, None);
    let zooms: BTreeSet<u8> = samples.iter().map(|s| s.z).collect();
    ColdFigures {
        tiles: samples.len(),
        tiles_per_s: samples.len() as f64 / wall.as_secs_f64(),
        p50_ms: percentile(&all_ms, 50.0),
        p99_ms: percentile(&all_ms, 99.0),
        p99_bytes: percentile(&all_bytes, 99.0),
        mean_bytes: all_bytes.iter().sum::<f64>() / all_bytes.len().max(1) as f64,
        by_zoom: zooms
            .into_iter()
            .map(|z| {
                let (m, b) = (sorted(&ms, Some(z)), sorted(&bytes, Some(z)));
                (
                    z,
                    m.len(),
                    percentile(&m, 50.0),
                    percentile(&m, 99.0),
                    percentile(&b, 99.0),
                )
            })
            .collect(),
    }
}

fn tile_list(scale: &Path) -> anyhow::Result<Vec<(u8, u32, u32)>> {
    let text = std::fs::read_to_string(scale.join("tiles.txt"))?;
    text.lines()
        .map(|l| {
            let v: Vec<u32> = l.split('/').map(str::parse).collect::<Result<_, _>>()?;
            Ok((v[0] as u8, v[1], v[2]))
        })
        .collect()
}

fn ours(config: &Path, data_dir: &Path, extra: &[&str]) -> anyhow::Result<Running> {
    let mut cmd = Command::new(root().join("target/release/tileserver"));
    cmd.arg("serve")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--bind", "127.0.0.1:0"])
        .args(extra);
    Running::start(cmd, Duration::from_secs(600))
}

fn peer(scale: &Path, work: &Path) -> anyhow::Result<Running> {
    let dir = work.join("peer");
    std::fs::create_dir_all(&dir)?;
    for file in ["package.json", "server.mjs"] {
        std::fs::copy(root().join("bench/peer").join(file), dir.join(file))?;
    }
    if !dir.join("node_modules/@maplibre/geojson-vt").exists() {
        eprintln!("bench: npm install (the peer's packages)");
        let ok = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .status()?
            .success();
        anyhow::ensure!(ok, "npm install failed for the peer");
    }
    let mut cmd = Command::new("node");
    cmd.arg("--max-old-space-size=16000")
        .arg(dir.join("server.mjs"))
        .arg(scale)
        .arg("18090");
    Running::start(cmd, Duration::from_secs(900))
}

/// Runs the whole benchmark.
pub fn run(skip_peer: bool) -> anyhow::Result<()> {
    let scale = root().join("target/scale");
    if !scale.join("tiles.txt").exists() {
        eprintln!("bench: writing the scale data (cargo xtask scale-data)");
        crate::scale::write(&scale)?;
    }
    eprintln!("bench: building the release server");
    let ok = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-p", "tileserver"])
        .current_dir(root())
        .status()?
        .success();
    anyhow::ensure!(ok, "release build failed");
    let work = root().join("target/bench");
    let data_dir = work.join("var");
    std::fs::create_dir_all(&work)?;
    if !data_dir.join("citygis.sqlite").exists() {
        eprintln!("bench: seeding the store with 1,000,000 reports (first start only)");
        let seeding = ours(&scale.join("city.toml"), &data_dir, &[])?;
        eprintln!("bench: seeded in {:.1} s", seeding.startup.as_secs_f64());
    }
    let tiles = tile_list(&scale)?;
    let distinct: Vec<(u8, u32, u32)> = tiles
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let script = root().join("bench/tiles.lua");
    let tiles_file = scale.join("tiles.txt");

    eprintln!("bench: ours, raw workload");
    let raw = ours(&scale.join("city-raw.toml"), &data_dir, &[])?;
    let (raw_startup, raw_rss) = (raw.startup.as_secs_f64(), raw.rss_mib());
    let (samples, wall) = load::cold(&raw.base, ALL_LAYERS, &distinct, 2)?;
    let raw_cold = figures(&samples, wall);
    let raw_warm = load::warm(&raw.base, ALL_LAYERS, &tiles_file, &script, 20)?;
    let raw_rss_after = raw.rss_mib();

    let mut peer_results = None;
    if !skip_peer {
        eprintln!("bench: the peer (geojson-vt + vt-pbf), raw workload; loading takes a while");
        let p = peer(&scale, &work)?;
        let (peer_startup, peer_rss) = (p.startup.as_secs_f64(), p.rss_mib());
        let (samples, wall) = load::cold(&p.base, ALL_LAYERS, &distinct, 2)?;
        let peer_cold = figures(&samples, wall);
        let peer_warm = load::warm(&p.base, ALL_LAYERS, &tiles_file, &script, 20)?;
        let counts = gdal_compare::compare(&raw.base, &p.base, &distinct, &work.join("gdal"))?;
        peer_results = Some((
            peer_startup,
            peer_rss,
            p.rss_mib(),
            peer_cold,
            peer_warm,
            counts,
        ));
    }
    drop(raw);

    eprintln!("bench: ours, as served (on a copy of the store: filing adds reports)");
    let served_dir = work.join("var-served");
    let _ = std::fs::remove_dir_all(&served_dir);
    std::fs::create_dir_all(&served_dir)?;
    std::fs::copy(
        data_dir.join("citygis.sqlite"),
        served_dir.join("citygis.sqlite"),
    )?;
    let served = ours(
        &scale.join("city.toml"),
        &served_dir,
        &["--report-rate-limit", "100000000"],
    )?;
    let (served_startup, served_rss) = (served.startup.as_secs_f64(), served.rss_mib());
    let (samples, wall) = load::cold(&served.base, ALL_LAYERS, &distinct, 2)?;
    let served_cold = figures(&samples, wall);
    let served_warm = load::warm(&served.base, ALL_LAYERS, &tiles_file, &script, 20)?;
    let filing = load::filing(&served.base, 10);
    let delay = load::delay_to_tile(&served.base)?;
    drop(served);

    let results = serde_json::json!({
        "machine": machine(),
        "tiles_in_list": tiles.len(),
        "distinct_tiles": distinct.len(),
        "ours_raw": { "startup_s": raw_startup, "rss_mib_after_start": raw_rss, "rss_mib_after_load": raw_rss_after, "cold": raw_cold, "warm": raw_warm },
        "ours_served": { "startup_s": served_startup, "rss_mib_after_start": served_rss, "cold": served_cold, "warm": served_warm,
                         "filing_reports_per_s": filing, "filed_report_in_tile_ms": delay },
        "peer_raw": peer_results.as_ref().map(|(s, r, r2, c, w, counts)| serde_json::json!({
            "startup_s": s, "rss_mib_after_start": r, "rss_mib_after_load": r2, "cold": c, "warm": w, "gdal_feature_counts": counts })),
    });
    std::fs::write(
        work.join("results.json"),
        serde_json::to_string_pretty(&results)?,
    )?;
    print_tables(&results);
    if let Some((_, _, _, peer_cold, _, _)) = &peer_results {
        plot::latency_by_zoom(
            &root().join("bench/latency-by-zoom.svg"),
            &raw_cold,
            peer_cold,
        )?;
        println!("\nplot: bench/latency-by-zoom.svg");
    }
    println!("results: {}", work.join("results.json").display());
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or("")
        .to_owned();
    format!("{cpu}; {cores} cores; {mem}")
}

fn print_tables(r: &serde_json::Value) {
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    println!("\nmachine: {}", r["machine"].as_str().unwrap_or(""));
    println!(
        "tiles: {} requests, {} distinct (z10–z16)\n",
        r["tiles_in_list"], r["distinct_tiles"]
    );
    let ours = &r["ours_raw"];
    let peer = &r["peer_raw"];
    println!("RAW WORKLOAD            ours        peer        ratio");
    let row = |name: &str, a: f64, b: f64, higher_better: bool| {
        let ratio = if higher_better { a / b } else { b / a };
        println!("{name:<22} {a:>10.1}  {b:>10.1}  {ratio:>8.1}×");
    };
    row(
        "cold tiles/s",
        f(&ours["cold"]["tiles_per_s"]),
        f(&peer["cold"]["tiles_per_s"]),
        true,
    );
    row(
        "cold p50 ms",
        f(&ours["cold"]["p50_ms"]),
        f(&peer["cold"]["p50_ms"]),
        false,
    );
    row(
        "cold p99 ms",
        f(&ours["cold"]["p99_ms"]),
        f(&peer["cold"]["p99_ms"]),
        false,
    );
    row(
        "warm requests/s",
        f(&ours["warm"]["requests_per_s"]),
        f(&peer["warm"]["requests_per_s"]),
        true,
    );
    row(
        "warm p99 ms",
        f(&ours["warm"]["p99_ms"]),
        f(&peer["warm"]["p99_ms"]),
        false,
    );
    row(
        "start-up s",
        f(&ours["startup_s"]),
        f(&peer["startup_s"]),
        false,
    );
    row(
        "RSS MiB after load",
        f(&ours["rss_mib_after_load"]),
        f(&peer["rss_mib_after_load"]),
        false,
    );
    println!("\nRAW per zoom: zoom, tiles, ours p50/p99 ms, peer p50/p99 ms");
    for (i, z) in ours["cold"]["by_zoom"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = &peer["cold"]["by_zoom"][i];
        println!(
            "  z{:<3} {:>5}   {:>7.1} {:>7.1}   {:>7.1} {:>7.1}",
            z[0],
            z[1],
            f(&z[2]),
            f(&z[3]),
            f(&p[2]),
            f(&p[3])
        );
    }
    let s = &r["ours_served"];
    println!(
        "\nAS SERVED (ours): cold {:.0} tiles/s, p99 {:.1} ms, p99 size {:.0} KB; warm {:.0} req/s (p99 {:.1} ms)",
        f(&s["cold"]["tiles_per_s"]),
        f(&s["cold"]["p99_ms"]),
        f(&s["cold"]["p99_bytes"]) / 1024.0,
        f(&s["warm"]["requests_per_s"]),
        f(&s["warm"]["p99_ms"])
    );
    println!("AS SERVED per zoom: zoom, tiles, p50 ms, p99 ms, p99 KB");
    for z in s["cold"]["by_zoom"].as_array().into_iter().flatten() {
        println!(
            "  z{:<3} {:>5}   {:>7.1} {:>7.1}  {:>8.1}",
            z[0],
            z[1],
            f(&z[2]),
            f(&z[3]),
            f(&z[4]) / 1024.0
        );
    }
    println!(
        "start-up {:.2} s, RSS {:.0} MiB; filing {:.0} reports/s (16 clients, durable); filed report in its tile after {:.0} ms",
        f(&s["startup_s"]),
        f(&s["rss_mib_after_start"]),
        f(&s["filing_reports_per_s"]),
        f(&s["filed_report_in_tile_ms"])
    );
    let gdal = &peer["gdal_feature_counts"];
    if let Some(counts) = gdal["layers"].as_object() {
        println!(
            "\nGDAL feature counts over {} sampled tiles ({} too large for GDAL to open skipped), ours / peer:",
            gdal["tiles_compared"], gdal["tiles_gdal_could_not_open"]
        );
        for (layer, v) in counts {
            let (a, b) = (f(&v[0]), f(&v[1]));
            println!(
                "  {layer:<10} {a:>9} / {b:>9}  ({:+.2}%)",
                (a - b) / b.max(1.0) * 100.0
            );
        }
    }
}
