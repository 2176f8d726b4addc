//! Load generators: the cold pass (each distinct tile once, from two client workers), the warm
//! pass (wrk, 16 connections), and durable report filing from 16 clients.

use anyhow::Context;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One tile request's outcome.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub z: u8,
    pub millis: f64,
    pub bytes: usize,
}

/// The cold pass: every tile once, split over `workers` threads. Returns samples and wall time.
pub fn cold(
    base: &str,
    layers: &str,
    tiles: &[(u8, u32, u32)],
    workers: usize,
) -> anyhow::Result<(Vec<Sample>, Duration)> {
    let samples = Arc::new(Mutex::new(Vec::with_capacity(tiles.len())));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for w in 0..workers {
            let samples = Arc::clone(&samples);
            scope.spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                for &(z, x, y) in tiles.iter().skip(w).step_by(workers) {
                    let t = Instant::now();
                    let Ok(res) = agent
                        .get(&format!("{base}/tiles/{layers}/{z}/{x}/{y}"))
                        .call()
                    else {
                        continue;
                    };
                    let mut body = Vec::new();
                    let _ = res
                        .into_body()
                        .into_with_config()
                        .limit(512 << 20)
                        .reader()
                        .read_to_end(&mut body);
                    let millis = t.elapsed().as_secs_f64() * 1000.0;
                    samples.lock().unwrap().push(Sample {
                        z,
                        millis,
                        bytes: body.len(),
                    });
                }
            });
        }
    });
    let wall = started.elapsed();
    let samples = Arc::try_unwrap(samples)
        .map_err(|_| anyhow::anyhow!("workers still hold samples"))?
        .into_inner()?;
    Ok((samples, wall))
}

/// What wrk measured.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Warm {
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

fn wrk_duration_ms(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, factor) = if let Some(v) = text.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = text.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = text.strip_suffix('s') {
        (v, 1000.0)
    } else {
        (text, 1.0)
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// The warm pass: the tile list replayed for `seconds` by wrk with 16 connections.
pub fn warm(
    base: &str,
    layers: &str,
    tiles_file: &Path,
    script: &Path,
    seconds: u32,
) -> anyhow::Result<Warm> {
    let out = std::process::Command::new("wrk")
        .args(["-t2", "-c16", &format!("-d{seconds}s"), "--latency", "-s"])
        .arg(script)
        .arg(base)
        .env("TILES_FILE", tiles_file)
        .env("LAYERS", layers)
        .output()
        .context("cannot run wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut warm = Warm::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", v] => warm.requests_per_s = v.parse().unwrap_or(0.0),
            ["50%", v] => warm.p50_ms = wrk_duration_ms(v).unwrap_or(0.0),
            ["99%", v] => warm.p99_ms = wrk_duration_ms(v).unwrap_or(0.0),
            _ => {}
        }
    }
    Ok(warm)
}

/// Durable filing from 16 clients for `seconds`: acknowledged reports per second.
pub fn filing(base: &str, seconds: u64) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let acknowledged: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|client| {
                scope.spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    let mut ok = 0;
                    let mut i = 0u32;
                    while Instant::now() < deadline {
                        i += 1;
                        let body = serde_json::json!({
                            "category": "roads_traffic",
                            "description": format!("Thử tải: máy khách {client}, lần {i}"),
                            "lon": 106.86 + f64::from(client) * 0.004,
                            "lat": 11.50 + f64::from(i % 50) * 0.001,
                        });
                        let sent = agent
                            .post(&format!("{base}/api/reports"))
                            .header("Content-Type", "application/json")
                            .send(body.to_string());
                        if sent.is_ok_and(|r| r.status().as_u16() == 201) {
                            ok += 1;
                        }
                    }
                    ok
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    acknowledged as f64 / started.elapsed().as_secs_f64()
}

/// Files one report and polls its z17 tile until the report is in it: the delay, in ms.
pub fn delay_to_tile(base: &str) -> anyhow::Result<f64> {
    let (lon, lat) = (106.9123, 11.5234);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let started = Instant::now();
    let res = agent
        .post(&format!("{base}/api/reports"))
        .header("Content-Type", "application/json")
        .send(serde_json::json!({"category": "other", "description": "Đo độ trễ", "lon": lon, "lat": lat}).to_string())?;
    let reply: serde_json::Value = serde_json::from_reader(res.into_body().into_reader())?;
    let code = reply["tracking_code"]
        .as_str()
        .context("tracking code")?
        .to_owned();
    let n = f64::from(1u32 << 17);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = f64::to_radians(lat);
    let y =
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    loop {
        let mut body = Vec::new();
        let res = agent
            .get(&format!("{base}/tiles/reports/17/{x}/{y}"))
            .call()?;
        res.into_body().into_reader().read_to_end(&mut body)?;
        if body.windows(code.len()).any(|w| w == code.as_bytes()) {
            return Ok(started.elapsed().as_secs_f64() * 1000.0);
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(10),
            "report not in its tile after 10 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The `p`-th percentile (0–100) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}
