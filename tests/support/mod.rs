//! Shared helpers for the end-to-end tests: the real `tileserver` binary on a loopback port,
//! spoken to over real HTTP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root (tests run with the package folder as working directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_owned()
}

/// The demo city's configuration file.
pub fn demo_config() -> PathBuf {
    repo_root().join("data/city.toml")
}

/// The demo city's configuration written into `dir` with `extra` TOML appended (e.g. a `[base]`
/// section); the layer files stay those of `data/`.
pub fn demo_config_with(dir: &Path, extra: &str) -> PathBuf {
    let data = repo_root().join("data");
    let text = std::fs::read_to_string(demo_config())
        .unwrap()
        .replace("file = \"", &format!("file = \"{}/", data.display()));
    let config = dir.join("city.toml");
    std::fs::write(&config, format!("{text}\n{extra}\n")).unwrap();
    config
}

/// A lake in the south-west of the demo city, away from the planning zones: (west, south, east,
/// north) in degrees.
pub const LAKE: [f64; 4] = [106.845, 11.49, 106.87, 11.51];

/// An MBTiles file of vector tiles made by GDAL (`ogr2ogr -f MBTILES`, zooms 8–14) with one
/// layer, `water`, holding the lake "Hồ thử nghiệm". Needs `gdal-bin`.
pub fn gdal_base_mbtiles(dir: &Path) -> PathBuf {
    let [w, s, e, n] = LAKE;
    let geojson = dir.join("water.geojson");
    std::fs::write(
        &geojson,
        serde_json::json!({
            "type": "FeatureCollection",
            "features": [{
                "type": "Feature",
                "properties": { "name": "Hồ thử nghiệm" },
                "geometry": { "type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]] }
            }]
        })
        .to_string(),
    )
    .unwrap();
    let file = dir.join("base.mbtiles");
    let out = Command::new("ogr2ogr")
        .args(["-f", "MBTILES"])
        .arg(&file)
        .arg(&geojson)
        .args(["-nln", "water", "-dsco", "MINZOOM=8", "-dsco", "MAXZOOM=14"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run ogr2ogr ({e}): apt-get install gdal-bin"));
    assert!(
        out.status.success(),
        "ogr2ogr failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    file
}

/// The colour of [`gdal_raster_mbtiles`]'s image.
pub const RASTER_RGB: [u8; 3] = [200, 40, 160];

/// An MBTiles file of PNG tiles made by GDAL (`gdal_create` + `gdal_translate -of MBTILES`): the
/// [`LAKE`] rectangle in one flat colour, [`RASTER_RGB`], at zoom 15. Needs `gdal-bin`.
pub fn gdal_raster_mbtiles(dir: &Path) -> PathBuf {
    let [w, s, e, n] = LAKE;
    let tif = dir.join("raster.tif");
    let file = dir.join("raster.mbtiles");
    let [r, g, b] = RASTER_RGB;
    let steps: [Vec<String>; 2] = [
        [
            "gdal_create",
            "-of",
            "GTiff",
            "-outsize",
            "512",
            "512",
            "-bands",
            "3",
            "-burn",
            &r.to_string(),
            "-burn",
            &g.to_string(),
            "-burn",
            &b.to_string(),
            "-a_srs",
            "EPSG:4326",
            "-a_ullr",
            &w.to_string(),
            &n.to_string(),
            &e.to_string(),
            &s.to_string(),
            &tif.display().to_string(),
        ]
        .map(str::to_owned)
        .to_vec(),
        [
            "gdal_translate",
            "-q",
            "-of",
            "MBTILES",
            "-co",
            "TILE_FORMAT=PNG",
            &tif.display().to_string(),
            &file.display().to_string(),
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for step in steps {
        let out = Command::new(&step[0])
            .args(&step[1..])
            .output()
            .unwrap_or_else(|e| panic!("cannot run {} ({e}): apt-get install gdal-bin", step[0]));
        assert!(
            out.status.success(),
            "{} failed: {}",
            step[0],
            String::from_utf8_lossy(&out.stderr)
        );
    }
    file
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running server, killed when dropped. Its data store lives in a temporary folder of its own.
pub struct Server {
    child: Child,
    pub base: String,
    pub data_dir: tempfile::TempDir,
    /// The `--store` it was given (a PostgreSQL URL), if any.
    pub store: Option<String>,
}

impl Server {
    /// Starts the server on the demo city with extra arguments, on a free loopback port.
    pub fn start(extra: &[&str]) -> Self {
        Self::start_with_config(&demo_config(), extra)
    }

    pub fn start_with_config(config: &Path, extra: &[&str]) -> Self {
        let data_dir = tempfile::tempdir().expect("temporary data folder");
        Self::start_in(config, data_dir, extra)
    }

    /// Starts on an existing data folder (to restart a server on the same store).
    pub fn start_in(config: &Path, data_dir: tempfile::TempDir, extra: &[&str]) -> Self {
        Self::start_at(config, data_dir, "127.0.0.1:0", extra)
    }

    /// Starts the server on a given address (to restart it where clients expect it).
    pub fn start_at(
        config: &Path,
        data_dir: tempfile::TempDir,
        bind: &str,
        extra: &[&str],
    ) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tileserver"))
            .arg("serve")
            .arg("--config")
            .arg(config)
            .args(["--bind", bind, "--www"])
            .arg(repo_root().join("www"))
            .arg("--data-dir")
            .arg(data_dir.path())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tileserver binary starts");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            assert!(Instant::now() < deadline, "server did not announce its URL");
            let line = lines
                .next()
                .expect("server exited before announcing its URL")
                .expect("utf-8 line");
            if let Some(at) = line.find("http://") {
                break line[at..].trim_end_matches('/').to_owned();
            }
        };
        let store = extra
            .iter()
            .position(|a| *a == "--store")
            .and_then(|i| extra.get(i + 1))
            .map(|s| s.to_string());
        Self {
            child,
            base,
            data_dir,
            store,
        }
    }

    /// Kills the server at once (SIGKILL), keeping its data folder for a restart.
    pub fn kill(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = tempfile::tempdir().expect("placeholder");
        std::mem::replace(&mut self.data_dir, dir)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP agent that reports 4xx/5xx as responses, not errors, and never decompresses.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A response reduced to what the tests look at.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends a request with the given method and headers, and no body.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> Reply {
    send(method, url, headers, &[])
}

/// GET with headers.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    request("GET", url, headers)
}

/// The XYZ tile holding a longitude/latitude at zoom `z`.
pub fn tile_of(lon: f64, lat: f64, z: u8) -> (u8, u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor()
        as u32;
    (z, x, y)
}

/// Sends a request with a body.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let req = builder.body(body.to_vec()).expect("valid request");
    let res = agent()
        .run(req)
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let mut body = Vec::new();
    res.into_body()
        .into_reader()
        .read_to_end(&mut body)
        .expect("body readable");
    Reply {
        status,
        headers,
        body,
    }
}

/// POSTs JSON.
pub fn post_json(url: &str, value: &serde_json::Value, headers: &[(&str, &str)]) -> Reply {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    send("POST", url, &all, value.to_string().as_bytes())
}

/// A multipart/form-data body: text fields, then files as (field, file name, bytes).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "citygis-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A JPEG with an EXIF segment holding GPS text, as a phone writes it.
pub fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&img)
        .unwrap();
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&[1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPS 11.5395N 106.8965E");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

/// Adds a staff user with `tileserver user add` on the server's store.
pub fn add_staff_user(server: &Server, username: &str, role: &str, password: &str) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tileserver"))
        .args([
            "user",
            "add",
            username,
            "--role",
            role,
            "--password-stdin",
            "--data-dir",
        ])
        .arg(server.data_dir.path())
        .args(server.store.iter().flat_map(|s| ["--store", s]))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    assert!(child.wait().unwrap().success(), "user add");
}

/// Adds a staff user to a server's store with the CLI; returns a signed-in session cookie.
pub fn staff_session(server: &Server, username: &str, role: &str) -> String {
    let password = "mật-khẩu-thử-nghiệm-12345";
    add_staff_user(server, username, role, password);
    let reply = post_json(
        &server.url("/api/auth/login"),
        &serde_json::json!({"username": username, "password": password}),
        &[],
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let cookie = reply
        .header("set-cookie")
        .expect("session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap().to_owned()
}

/// The attributes (as text) of the feature with `id` in a layer of a vector tile.
pub fn tile_feature(
    bytes: &[u8],
    layer: &str,
    id: u64,
) -> Option<std::collections::BTreeMap<String, String>> {
    use geozero::mvt::{Message, Tile};
    let tile = Tile::decode(bytes).expect("a valid vector tile");
    let layer = tile.layers.iter().find(|l| l.name == layer)?;
    let feature = layer.features.iter().find(|f| f.id == Some(id))?;
    Some(
        feature
            .tags
            .chunks(2)
            .map(|kv| {
                let v = &layer.values[kv[1] as usize];
                let text = v
                    .string_value
                    .clone()
                    .or(v.int_value.map(|i| i.to_string()))
                    .or(v.uint_value.map(|i| i.to_string()))
                    .or(v.sint_value.map(|i| i.to_string()))
                    .or(v.double_value.map(|d| d.to_string()))
                    .or(v.float_value.map(|d| d.to_string()))
                    .or(v.bool_value.map(|b| b.to_string()))
                    .unwrap_or_default();
                (layer.keys[kv[0] as usize].clone(), text)
            })
            .collect(),
    )
}

/// (id, lon, lat) of a demo camera and its `n`-th place in the file.
pub fn demo_camera(n: usize) -> (u64, f64, f64) {
    let text = std::fs::read_to_string(repo_root().join("data/cameras.geojson")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let f = &doc["features"][n];
    (
        f["properties"]["id"].as_u64().unwrap(),
        f["geometry"]["coordinates"][0].as_f64().unwrap(),
        f["geometry"]["coordinates"][1].as_f64().unwrap(),
    )
}

/// Reads `/api/events` in a thread; sends each event's (kind, data) on the channel.
pub fn listen_events(server: &Server) -> std::sync::mpsc::Receiver<(String, serde_json::Value)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let url = server.url("/api/events");
    std::thread::spawn(move || {
        let res = agent().get(&url).call().unwrap();
        let mut kind = String::new();
        for line in BufReader::new(res.into_body().into_reader()).lines() {
            let Ok(line) = line else { return };
            if line.starts_with(": connected") {
                let _ = ready_tx.send(());
            } else if let Some(k) = line.strip_prefix("event: ") {
                kind = k.to_owned();
            } else if let Some(d) = line.strip_prefix("data: ")
                && tx
                    .send((kind.clone(), serde_json::from_str(d).unwrap()))
                    .is_err()
            {
                return;
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("event stream connected");
    rx
}
