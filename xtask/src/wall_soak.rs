//! `cargo xtask wall-soak`: the IOC wall left running with events replayed, to see that its
//! memory stays flat. The release server runs on a fresh data folder; headless Chromium (through
//! chromedriver's WebDriver API, spoken here over HTTP) shows `/wall` at 1920×1080 with the ward
//! rotation on; a report is filed every 10 s and a camera changes status every 15 s; once a minute
//! the page's JavaScript heap, WebAssembly memory and DOM size are recorded into
//! `target/wall-soak.json` and printed. Not a test: it takes `--minutes` (30 by default).

use crate::bench::process::Running;
use crate::bench::root;
use anyhow::{Context, bail};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One minute's measurement.
#[derive(Debug, Clone, serde::Serialize)]
struct Sample {
    minute: u64,
    /// JavaScript heap in use, as found (garbage included).
    js_heap_mib: f64,
    /// JavaScript heap in use right after a full garbage collection: what the page keeps.
    js_heap_after_gc_mib: f64,
    wasm_memory_mib: f64,
    dom_nodes: u64,
    reports_filed: u64,
    camera_changes: u64,
}

fn tileserver() -> std::path::PathBuf {
    root().join("target/release/tileserver")
}

/// An operator's API token in `data_dir`.
fn operator_token(data_dir: &std::path::Path) -> anyhow::Result<String> {
    let mut add = Command::new(tileserver())
        .args([
            "user",
            "add",
            "soak",
            "--role",
            "operator",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    writeln!(
        add.stdin.take().context("stdin")?,
        "mật-khẩu-chạy-dài-12345"
    )?;
    anyhow::ensure!(add.wait()?.success(), "user add failed");
    let out = Command::new(tileserver())
        .args([
            "user",
            "token",
            "soak",
            "--label",
            "wall soak",
            "--data-dir",
        ])
        .arg(data_dir)
        .output()?;
    anyhow::ensure!(out.status.success(), "user token failed");
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// POSTs JSON and reads the answer: (status, JSON body or null).
fn post_json(
    agent: &ureq::Agent,
    url: &str,
    body: &Value,
    bearer: Option<&str>,
) -> anyhow::Result<(u16, Value)> {
    let mut request = agent.post(url).header("Content-Type", "application/json");
    if let Some(token) = bearer {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut reply = request.send(body.to_string().as_bytes())?;
    let status = reply.status().as_u16();
    let text = reply.body_mut().read_to_string().unwrap_or_default();
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// A WebDriver session on chromedriver.
struct Browser {
    agent: ureq::Agent,
    session: String,
    _driver: Running,
}

impl Browser {
    fn start() -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut cmd = Command::new("chromedriver");
        // chromedriver announces "… started successfully on port N"; Running waits for a URL.
        cmd.arg(format!("--port={port}"));
        let driver = Running::start_with_marker(cmd, Duration::from_secs(20), "successfully")?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--enable-precise-memory-info",
                         "--js-flags=--expose-gc",
                         "--window-size=1960,1280"],
                "mobileEmulation": {"deviceMetrics": {"width": 1920, "height": 1080, "pixelRatio": 1.0, "mobile": false, "touch": false}}
            }
        }}});
        let url = format!("http://127.0.0.1:{port}");
        let (_, reply) = post_json(&agent, &format!("{url}/session"), &caps, None)?;
        let session = reply["value"]["sessionId"]
            .as_str()
            .with_context(|| format!("no WebDriver session: {reply}"))?;
        Ok(Self {
            session: format!("{url}/session/{session}"),
            agent,
            _driver: driver,
        })
    }

    fn goto(&self, url: &str) -> anyhow::Result<()> {
        post_json(
            &self.agent,
            &format!("{}/url", self.session),
            &json!({ "url": url }),
            None,
        )?;
        Ok(())
    }

    fn execute(&self, script: &str) -> anyhow::Result<Value> {
        let (_, reply) = post_json(
            &self.agent,
            &format!("{}/execute/sync", self.session),
            &json!({ "script": script, "args": [] }),
            None,
        )?;
        Ok(reply["value"].clone())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.session).call();
    }
}

/// Runs the soak for `minutes` and writes the curve.
pub fn run(minutes: u64) -> anyhow::Result<()> {
    crate::frontend::build()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--package", "tileserver"])
        .status()?;
    anyhow::ensure!(built.success(), "building the tile server failed");
    let data_dir = root().join("target/wall-soak/data");
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir)?;
    let token = operator_token(&data_dir)?;
    let mut cmd = Command::new(tileserver());
    cmd.arg("serve")
        .arg("--config")
        .arg(root().join("data/city.toml"))
        .arg("--www")
        .arg(root().join("www"))
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["--bind", "127.0.0.1:0", "--report-rate-limit", "1000000"]);
    let server = Running::start(cmd, Duration::from_secs(120))?;
    let browser = Browser::start()?;
    browser.goto(&format!("{}/wall?interval=10", server.base))?;
    std::thread::sleep(Duration::from_secs(5));

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let categories = [
        "roads_traffic",
        "street_lighting",
        "waste_sanitation",
        "urban_order",
        "trees_parks",
    ];
    let statuses = ["online", "offline", "maintenance"];
    let (mut reports, mut changes) = (0u64, 0u64);
    let mut samples = Vec::new();
    let start = Instant::now();
    let total = Duration::from_secs(minutes * 60);
    println!("minute  js heap MiB  after GC  wasm MiB  DOM nodes  reports  camera changes");
    for second in 0.. {
        if second % 10 == 0 {
            let report = json!({
                "category": categories[rng.random_range(0..categories.len())],
                "description": format!("Phản ánh chạy dài số {reports}"),
                "lon": rng.random_range(106.87..106.93),
                "lat": rng.random_range(11.51..11.56),
            });
            let (status, body) = post_json(
                &agent,
                &format!("{}/api/reports", server.base),
                &report,
                None,
            )?;
            anyhow::ensure!(status == 201, "filing a report answered {status}: {body}");
            reports += 1;
        }
        if second % 15 == 0 {
            let update = json!({"updates": [{
                "id": rng.random_range(1..=1059),
                "status": statuses[rng.random_range(0..statuses.len())],
            }]});
            let (status, _) = post_json(
                &agent,
                &format!("{}/api/cameras/status", server.base),
                &update,
                Some(&token),
            )?;
            anyhow::ensure!(status == 200, "camera status answered {status}");
            changes += 1;
        }
        if second % 60 == 0 {
            let m = browser.execute(
                "const before = performance.memory.usedJSHeapSize; window.gc(); \
                 return [before, window.citygisStats().wasm_memory_bytes, \
                 document.getElementsByTagName('*').length, document.querySelector('#wall-link').dataset.state, \
                 performance.memory.usedJSHeapSize]",
            )?;
            if m[3] != "live" {
                bail!("the wall is not live at minute {}: {m}", second / 60);
            }
            let mib = |v: &Value| v.as_f64().unwrap_or(0.0) / 1_048_576.0;
            let sample = Sample {
                minute: second / 60,
                js_heap_mib: mib(&m[0]),
                js_heap_after_gc_mib: mib(&m[4]),
                wasm_memory_mib: mib(&m[1]),
                dom_nodes: m[2].as_u64().unwrap_or(0),
                reports_filed: reports,
                camera_changes: changes,
            };
            println!(
                "{:>6}  {:>11.2}  {:>8.2}  {:>8.2}  {:>9}  {:>7}  {:>14}",
                sample.minute,
                sample.js_heap_mib,
                sample.js_heap_after_gc_mib,
                sample.wasm_memory_mib,
                sample.dom_nodes,
                reports,
                changes
            );
            samples.push(sample);
        }
        if start.elapsed() >= total {
            break;
        }
        let next = Duration::from_secs(second + 1);
        if let Some(wait) = next.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    let out = root().join("target/wall-soak.json");
    std::fs::write(
        &out,
        serde_json::to_string_pretty(&json!({ "minutes": minutes, "samples": samples }))?,
    )?;
    println!("written {}", out.display());
    Ok(())
}
