//! Imported versions of file layers: each import is kept whole (gzip GeoJSON in WGS84), and one
//! version per layer is the one served. Adding a version and switching to it is one transaction,
//! so a reader sees the old version or the new one, never a mix.

use chrono::{DateTime, Utc};

/// A version about to be stored.
#[derive(Debug, Clone)]
pub struct NewLayerVersion<'a> {
    pub layer: &'a str,
    /// Who imported it: a staff user name, or `cli:` and the system user.
    pub imported_by: &'a str,
    pub source_file: &'a str,
    pub source_format: &'a str,
    pub source_crs: &'a str,
    pub features: usize,
    pub repaired: usize,
    pub rejected: usize,
    /// The FeatureCollection (WGS84), gzip-compressed.
    pub geojson_gzip: &'a [u8],
}

/// A stored version, without its features.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayerVersion {
    pub layer: String,
    /// 1, 2, 3… per layer.
    pub version: u64,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
    pub source_file: String,
    pub source_format: String,
    pub source_crs: String,
    pub features: u64,
    pub repaired: u64,
    pub rejected: u64,
    /// Whether this is the version the layer serves.
    pub active: bool,
}
