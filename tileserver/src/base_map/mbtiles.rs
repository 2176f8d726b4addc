//! A read-only MBTiles 1.3 file (SQLite): its metadata and its tiles, addressed in XYZ.
//!
//! MBTiles stores rows in TMS order (y counted from the south), so `y` is flipped on the way in.
//! Vector tiles are usually gzip-compressed in the file (planetiler, tilemaker, GDAL); they are
//! handed out as stored, with a flag saying so, so that the HTTP layer can pass them through.

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why an MBTiles file cannot be used or read.
#[derive(Debug, thiserror::Error)]
pub enum MbTilesError {
    #[error("{path}: cannot open: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{path}: not an MBTiles file: {reason}")]
    NotMbTiles { path: PathBuf, reason: String },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

/// What the tiles of a file are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileFormat {
    /// Mapbox Vector Tiles.
    Pbf,
    Png,
    Jpeg,
    Webp,
}

impl TileFormat {
    fn parse(text: &str) -> Option<TileFormat> {
        match text.to_ascii_lowercase().as_str() {
            "pbf" | "mvt" => Some(TileFormat::Pbf),
            "png" => Some(TileFormat::Png),
            "jpg" | "jpeg" => Some(TileFormat::Jpeg),
            "webp" => Some(TileFormat::Webp),
            _ => None,
        }
    }

    /// The MIME type tiles are served with.
    pub fn content_type(self) -> &'static str {
        match self {
            TileFormat::Pbf => crate::http::MVT_CONTENT_TYPE,
            TileFormat::Png => "image/png",
            TileFormat::Jpeg => "image/jpeg",
            TileFormat::Webp => "image/webp",
        }
    }

    /// Whether the tiles are vector tiles (else images).
    pub fn is_vector(self) -> bool {
        self == TileFormat::Pbf
    }

    /// The name used in the `format` metadata and TileJSON.
    pub fn as_str(self) -> &'static str {
        match self {
            TileFormat::Pbf => "pbf",
            TileFormat::Png => "png",
            TileFormat::Jpeg => "jpg",
            TileFormat::Webp => "webp",
        }
    }
}

/// One layer of a vector MBTiles file, from its `json` metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorLayer {
    pub id: String,
    /// "Point", "LineString" or "Polygon" when the file's tile statistics say so.
    pub geometry: Option<String>,
    /// The layer's `vector_layers` entry as written in the file (for TileJSON).
    pub description: Value,
}

/// The metadata table, read once when the file is opened.
#[derive(Debug, Clone)]
pub struct MbTilesMetadata {
    pub name: String,
    pub format: TileFormat,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// `[west, south, east, north]` in degrees.
    pub bounds: Option<[f64; 4]>,
    pub attribution: Option<String>,
    pub vector_layers: Vec<VectorLayer>,
}

/// A tile as stored in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTile {
    pub data: Vec<u8>,
    /// The bytes are a gzip stream (starts with the gzip magic number).
    pub gzipped: bool,
}

/// An open MBTiles file, shared by the server's workers.
pub struct MbTiles {
    path: PathBuf,
    metadata: MbTilesMetadata,
    /// Read-only connections; a reader takes a free one.
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for MbTiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MbTiles")
            .field("path", &self.path)
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

impl MbTiles {
    /// Opens a file read-only with `readers` connections and reads its metadata.
    pub fn open(path: &Path, readers: usize) -> Result<MbTiles, MbTilesError> {
        let open = || {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|source| MbTilesError::Open {
                path: path.to_owned(),
                source,
            })
        };
        let first = open()?;
        let metadata = read_metadata(&first).map_err(|reason| MbTilesError::NotMbTiles {
            path: path.to_owned(),
            reason,
        })?;
        let mut connections = vec![Mutex::new(first)];
        for _ in 1..readers.max(1) {
            connections.push(Mutex::new(open()?));
        }
        Ok(MbTiles {
            path: path.to_owned(),
            metadata,
            connections,
            next: AtomicUsize::new(0),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's metadata.
    pub fn metadata(&self) -> &MbTilesMetadata {
        &self.metadata
    }

    /// The tile at XYZ `z/x/y`, or None when the file has no such tile.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<StoredTile>, MbTilesError> {
        if z > 30 || u64::from(y) >= 1u64 << z {
            return Ok(None);
        }
        let tms_y = (1u64 << z) - 1 - u64::from(y);
        let data: Option<Vec<u8>> = self
            .with_connection(|c| {
                c.prepare_cached(
                    "SELECT tile_data FROM tiles \
                     WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                )?
                .query_row((z, x, tms_y), |row| row.get(0))
                .optional()
            })
            .map_err(|source| MbTilesError::Read {
                path: self.path.clone(),
                source,
            })?;
        Ok(data.filter(|d| !d.is_empty()).map(|data| StoredTile {
            gzipped: data.starts_with(&[0x1f, 0x8b]),
            data,
        }))
    }

    fn with_connection<R>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<R>,
    ) -> rusqlite::Result<R> {
        for slot in &self.connections {
            if let Ok(c) = slot.try_lock() {
                return f(&c);
            }
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        let c = self.connections[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&c)
    }
}

fn read_metadata(c: &Connection) -> Result<MbTilesMetadata, String> {
    let rows: HashMap<String, String> = c
        .prepare("SELECT name, value FROM metadata")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(|e| format!("no readable metadata table ({e})"))?;
    c.prepare("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0")
        .map_err(|e| format!("no tiles table ({e})"))?;
    let format = rows.get("format").ok_or("the metadata has no `format`")?;
    let format = TileFormat::parse(format)
        .ok_or_else(|| format!("tile format {format:?} is not pbf, png, jpg or webp"))?;
    let zoom = |key: &str| -> Result<Option<u8>, String> {
        rows.get(key)
            .map(|v| {
                v.trim()
                    .parse::<u8>()
                    .ok()
                    .filter(|z| *z <= 30)
                    .ok_or(format!("`{key}` {v:?} is not a zoom level"))
            })
            .transpose()
    };
    let (min_zoom, max_zoom) = match (zoom("minzoom")?, zoom("maxzoom")?) {
        (Some(min), Some(max)) => (min, max),
        _ => c
            .query_row(
                "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles",
                [],
                |r| Ok((r.get::<_, Option<u8>>(0)?, r.get::<_, Option<u8>>(1)?)),
            )
            .map(|(min, max)| (min.unwrap_or(0), max.unwrap_or(0)))
            .map_err(|e| format!("cannot read the zoom levels ({e})"))?,
    };
    if min_zoom > max_zoom {
        return Err(format!("minzoom {min_zoom} is above maxzoom {max_zoom}"));
    }
    let bounds = match rows.get("bounds") {
        Some(text) => Some(parse_bounds(text)?),
        None => None,
    };
    let vector_layers = match rows.get("json") {
        Some(text) => vector_layers(text)?,
        None => Vec::new(),
    };
    if format.is_vector() && vector_layers.is_empty() {
        return Err("a vector MBTiles file needs `vector_layers` in its `json` metadata".into());
    }
    Ok(MbTilesMetadata {
        name: rows.get("name").cloned().unwrap_or_default(),
        format,
        min_zoom,
        max_zoom,
        bounds,
        attribution: rows.get("attribution").cloned().filter(|a| !a.is_empty()),
        vector_layers,
    })
}

fn parse_bounds(text: &str) -> Result<[f64; 4], String> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`bounds` {text:?} is not four numbers"))?;
    match numbers[..] {
        [w, s, e, n] if w < e && s < n => Ok([w, s, e, n]),
        _ => Err(format!("`bounds` {text:?} is not west,south,east,north")),
    }
}

fn vector_layers(text: &str) -> Result<Vec<VectorLayer>, String> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| format!("`json` metadata is not JSON ({e})"))?;
    let geometry_of = |id: &str| -> Option<String> {
        doc["tilestats"]["layers"]
            .as_array()?
            .iter()
            .find(|l| l["layer"] == id)?["geometry"]
            .as_str()
            .map(|g| g.trim_start_matches("Multi").to_owned())
    };
    doc["vector_layers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|layer| {
            let id = layer["id"]
                .as_str()
                .ok_or("a `vector_layers` entry has no `id`")?;
            Ok(VectorLayer {
                id: id.to_owned(),
                geometry: geometry_of(id),
                description: layer.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tile's XYZ address and bytes.
    type TestTile<'a> = ((u8, u32, u32), &'a [u8]);

    /// Writes an MBTiles file the way the spec lays it out, with the given tiles (XYZ).
    fn write(path: &Path, metadata: &[(&str, &str)], tiles: &[TestTile]) {
        let c = Connection::open(path).unwrap();
        c.execute_batch(
            "CREATE TABLE metadata (name TEXT, value TEXT);
             CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
        )
        .unwrap();
        for (k, v) in metadata {
            c.execute("INSERT INTO metadata VALUES (?1, ?2)", (k, v))
                .unwrap();
        }
        for ((z, x, y), data) in tiles {
            let row = (1u32 << z) - 1 - y;
            c.execute(
                "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                (z, x, row, data),
            )
            .unwrap();
        }
    }

    const VECTOR_JSON: &str = r#"{"vector_layers":[{"id":"water","fields":{"name":"String"}},{"id":"roads","fields":{}}],
        "tilestats":{"layerCount":2,"layers":[{"layer":"water","geometry":"MultiPolygon"},{"layer":"roads","geometry":"LineString"}]}}"#;

    #[test]
    fn reads_metadata_and_flips_rows_to_xyz() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.mbtiles");
        write(
            &path,
            &[
                ("name", "Đồng Xoài base"),
                ("format", "pbf"),
                ("minzoom", "10"),
                ("maxzoom", "14"),
                ("bounds", "106.8,11.4,107.0,11.6"),
                ("attribution", "© OpenStreetMap"),
                ("json", VECTOR_JSON),
            ],
            &[
                ((14, 13057, 7666), b"\x1f\x8bgzipped"),
                ((14, 13057, 7667), b"raw"),
            ],
        );
        let file = MbTiles::open(&path, 2).unwrap();
        let m = file.metadata();
        assert_eq!(m.name, "Đồng Xoài base");
        assert_eq!(m.format, TileFormat::Pbf);
        assert_eq!((m.min_zoom, m.max_zoom), (10, 14));
        assert_eq!(m.bounds, Some([106.8, 11.4, 107.0, 11.6]));
        let layers: Vec<_> = m
            .vector_layers
            .iter()
            .map(|l| (l.id.as_str(), l.geometry.as_deref()))
            .collect();
        assert_eq!(
            layers,
            [("water", Some("Polygon")), ("roads", Some("LineString"))]
        );
        let tile = file.tile(14, 13057, 7666).unwrap().unwrap();
        assert!(tile.gzipped);
        assert_eq!(tile.data, b"\x1f\x8bgzipped");
        let tile = file.tile(14, 13057, 7667).unwrap().unwrap();
        assert!(!tile.gzipped);
        assert_eq!(file.tile(14, 13057, 7668).unwrap(), None);
        assert_eq!(file.tile(3, 0, 9).unwrap(), None, "y outside the zoom");
    }

    #[test]
    fn zoom_range_falls_back_to_the_tiles_present() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("raster.mbtiles");
        write(
            &path,
            &[("format", "png")],
            &[((3, 1, 1), b"png"), ((7, 1, 1), b"png")],
        );
        let file = MbTiles::open(&path, 1).unwrap();
        assert_eq!(file.metadata().format, TileFormat::Png);
        assert_eq!((file.metadata().min_zoom, file.metadata().max_zoom), (3, 7));
    }

    #[test]
    fn refuses_files_that_are_not_mbtiles_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.mbtiles");
        let e = MbTiles::open(&missing, 1).unwrap_err().to_string();
        assert!(
            e.contains("missing.mbtiles") && e.contains("cannot open"),
            "{e}"
        );

        let text = dir.path().join("notes.mbtiles");
        std::fs::write(&text, "not a database at all, just some text here").unwrap();
        let e = MbTiles::open(&text, 1).unwrap_err().to_string();
        assert!(
            e.contains("notes.mbtiles") && e.contains("not an MBTiles file"),
            "{e}"
        );

        let no_format = dir.path().join("noformat.mbtiles");
        write(&no_format, &[("name", "x")], &[]);
        let e = MbTiles::open(&no_format, 1).unwrap_err().to_string();
        assert!(e.contains("`format`"), "{e}");

        let no_layers = dir.path().join("nolayers.mbtiles");
        write(&no_layers, &[("format", "pbf")], &[]);
        let e = MbTiles::open(&no_layers, 1).unwrap_err().to_string();
        assert!(e.contains("vector_layers"), "{e}");
    }
}
