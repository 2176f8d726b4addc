//! Importing a layer from a planner's file: GeoJSON, CSV (WKT or longitude/latitude columns),
//! GeoPackage, FlatGeobuf or Shapefile, in WGS84, Web Mercator or VN-2000. Each reader streams
//! [`SourceRecord`]s into an [`Importer`], which converts coordinates to WGS84, checks geometry
//! kinds, repairs invalid polygons, maps attribute names to the layer's, and builds the
//! FeatureCollection a layer version stores. Nothing here touches the store or the server.

mod attributes;
mod csv_file;
mod flatgeobuf_file;
mod geojson_file;
mod geometry_repair;
mod geopackage;
mod prj;
mod shapefile_file;
mod text_encoding;

pub use geometry_repair::{Repair, repair_geometry};
pub use prj::crs_from_wkt;

use crate::config::{GeometryKind, LayerConfig};
use crate::crs::{SourceCrs, ToWgs84};
use attributes::AttributeMap;
use geo::{Geometry, MapCoords};
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// Features with more vertices than this are refused (one feature of a city plan has hundreds,
/// a detailed province boundary tens of thousands).
pub const MAX_VERTICES_PER_FEATURE: usize = 1_000_000;

/// The file formats `tileserver import` reads, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    GeoJson,
    Csv,
    GeoPackage,
    FlatGeobuf,
    Shapefile,
}

impl SourceFormat {
    /// The format of `path` by its extension.
    pub fn of(path: &Path) -> Option<SourceFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "geojson" | "json" => SourceFormat::GeoJson,
            "csv" | "txt" => SourceFormat::Csv,
            "gpkg" => SourceFormat::GeoPackage,
            "fgb" => SourceFormat::FlatGeobuf,
            "shp" => SourceFormat::Shapefile,
            _ => return None,
        })
    }

    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::GeoJson => "GeoJSON",
            SourceFormat::Csv => "CSV",
            SourceFormat::GeoPackage => "GeoPackage",
            SourceFormat::FlatGeobuf => "FlatGeobuf",
            SourceFormat::Shapefile => "Shapefile",
        }
    }
}

/// Choices the person importing makes.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The file's coordinate system, overriding what the file declares.
    pub crs: Option<SourceCrs>,
    /// Text encoding of a Shapefile's .dbf or a CSV file (e.g. `windows-1258`), overriding a
    /// `.cpg` file; UTF-8 when neither says.
    pub encoding: Option<String>,
    /// Import the valid features even when some are rejected (otherwise nothing is imported).
    pub skip_invalid: bool,
}

/// What a reader found about the file before its records.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    pub format: SourceFormat,
    /// The coordinate system the file declares (.prj, GeoPackage SRS, FlatGeobuf header).
    pub declared_crs: Option<SourceCrs>,
    /// The text encoding used to read attributes, when the format has a choice.
    pub encoding: Option<String>,
    /// How many records the file holds, when it says.
    pub total: Option<u64>,
}

/// One record of the file as read: a geometry (or why it could not be read) and attributes.
#[derive(Debug)]
pub struct SourceRecord {
    /// 0-based position in the file.
    pub index: usize,
    /// Line in a text file, for messages.
    pub line: Option<u64>,
    pub geometry: Result<Option<Geometry<f64>>, String>,
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// Where in the file a message points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RecordPosition {
    /// 0-based feature index in the file.
    pub index: usize,
    /// 1-based line, for text files.
    pub line: Option<u64>,
}

impl fmt::Display for RecordPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line} (feature {})", self.index),
            None => write!(f, "feature {}", self.index),
        }
    }
}

/// A feature repaired or rejected, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RecordNote {
    pub at: RecordPosition,
    pub reason: String,
}

/// What an import read, repaired and rejected.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportSummary {
    pub format: String,
    /// The coordinate system converted from.
    pub crs: String,
    pub encoding: Option<String>,
    pub read: usize,
    pub imported: usize,
    pub repaired: Vec<RecordNote>,
    pub rejected: Vec<RecordNote>,
    /// File attribute names matched to the layer's under another spelling (file → layer).
    pub renamed: Vec<(String, String)>,
    /// Layer attributes no feature of the file has.
    pub missing_attributes: Vec<String>,
}

/// A file read into a layer's features.
#[derive(Debug)]
pub struct Imported {
    /// The FeatureCollection (WGS84) the layer version stores; the server loads it as is.
    pub geojson: String,
    pub summary: ImportSummary,
}

/// Why a file could not be imported. Nothing is imported when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole: cannot be opened, truncated, wrong format, wrong coordinate system.
    #[error("{file}: {reason}")]
    File { file: PathBuf, reason: String },
    /// One place in the file makes the whole file unusable (bad text encoding, a syntax error).
    #[error("{file}, {at}: {reason}")]
    At {
        file: PathBuf,
        at: String,
        reason: String,
    },
    /// Some features cannot be imported and `skip_invalid` is off.
    #[error("{file}: {} of {} features cannot be imported, so nothing was imported (first: {}: {}); fix them, or pass --skip-invalid to import the others", .summary.rejected.len(), .summary.read, .summary.rejected[0].at, .summary.rejected[0].reason)]
    Rejected {
        file: PathBuf,
        summary: Box<ImportSummary>,
    },
}

impl ImportError {
    /// The whole file refused, for this reason.
    pub(crate) fn file(path: &Path, reason: String) -> ImportError {
        ImportError::File {
            file: path.to_owned(),
            reason,
        }
    }
}

/// Receives what a reader reads.
pub(crate) trait RecordSink {
    /// Called once, before any record.
    fn begin(&mut self, info: SourceInfo) -> Result<(), ImportError>;
    /// Called for every record in file order.
    fn record(&mut self, record: SourceRecord) -> Result<(), ImportError>;
}

/// Reads `path` into features for `layer`. `progress` is told (records read, total if known).
pub fn import_file(
    path: &Path,
    layer: &LayerConfig,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Imported, ImportError> {
    let format = SourceFormat::of(path).ok_or_else(|| ImportError::File {
        file: path.to_owned(),
        reason: "unknown file type: use .geojson, .json, .csv, .gpkg, .fgb or .shp".into(),
    })?;
    if !path.is_file() {
        return Err(ImportError::File {
            file: path.to_owned(),
            reason: "no such file".into(),
        });
    }
    let mut importer = Importer::new(path, layer, options, progress);
    match format {
        SourceFormat::GeoJson => geojson_file::read(path, &mut importer)?,
        SourceFormat::Csv => csv_file::read(path, options, &mut importer)?,
        SourceFormat::GeoPackage => geopackage::read(path, layer, &mut importer)?,
        SourceFormat::FlatGeobuf => flatgeobuf_file::read(path, &mut importer)?,
        SourceFormat::Shapefile => shapefile_file::read(path, options, &mut importer)?,
    }
    importer.finish()
}

/// Turns source records into the layer's features, noting repairs and rejections.
pub(crate) struct Importer<'a> {
    file: PathBuf,
    layer: &'a LayerConfig,
    options: &'a ImportOptions,
    progress: &'a mut dyn FnMut(u64, Option<u64>),
    to_wgs84: Option<ToWgs84>,
    crs: SourceCrs,
    total: Option<u64>,
    attributes: AttributeMap,
    ids: HashSet<u64>,
    features: Vec<geojson::Feature>,
    summary: ImportSummary,
}

impl<'a> Importer<'a> {
    fn new(
        file: &Path,
        layer: &'a LayerConfig,
        options: &'a ImportOptions,
        progress: &'a mut dyn FnMut(u64, Option<u64>),
    ) -> Self {
        Self {
            file: file.to_owned(),
            layer,
            options,
            progress,
            to_wgs84: None,
            crs: SourceCrs::Wgs84,
            total: None,
            attributes: AttributeMap::new(layer),
            ids: HashSet::new(),
            features: Vec::new(),
            summary: ImportSummary::default(),
        }
    }

    fn file_error(&self, reason: String) -> ImportError {
        ImportError::file(&self.file, reason)
    }

    /// Converts one record, or says why it is rejected (`Ok(Err)`); `Err` stops the import.
    fn convert(
        &mut self,
        record: SourceRecord,
    ) -> Result<Result<(geojson::Feature, Option<String>), String>, ImportError> {
        let at = RecordPosition {
            index: record.index,
            line: record.line,
        };
        let geometry = match record.geometry {
            Ok(Some(g)) => g,
            Ok(None) => return Ok(Err("the feature has no geometry".into())),
            Err(reason) => return Ok(Err(format!("unreadable geometry: {reason}"))),
        };
        let vertices = geo::CoordsIter::coords_count(&geometry);
        if vertices > MAX_VERTICES_PER_FEATURE {
            return Ok(Err(format!(
                "{vertices} vertices, more than the {MAX_VERTICES_PER_FEATURE} a feature may have; split it"
            )));
        }
        let geometry = match &self.to_wgs84 {
            None => geometry,
            Some(to) => geometry
                .try_map_coords(|c| {
                    to.convert(c.x, c.y)
                        .map(|(x, y)| geo::coord! { x: x, y: y })
                })
                .map_err(|e| self.wrong_crs(at, e.to_string()))?,
        };
        if let Some(c) = geo::CoordsIter::coords_iter(&geometry)
            .find(|c| !(-180.0..=180.0).contains(&c.x) || !(-85.06..=85.06).contains(&c.y))
        {
            return Err(self.wrong_crs(
                at,
                format!(
                    "coordinate ({}, {}) cannot be {}",
                    c.x,
                    c.y,
                    self.crs.name()
                ),
            ));
        }
        let geometry = match as_layer_kind(geometry, self.layer.geometry) {
            Ok(g) => g,
            Err(reason) => return Ok(Err(reason)),
        };
        let (geometry, repaired) = match repair_geometry(geometry) {
            Repair::Valid(g) => (g, None),
            Repair::Repaired { geometry, problem } => {
                (geometry, Some(format!("{problem}; repaired (made valid)")))
            }
            Repair::Unrepairable(reason) => return Ok(Err(reason)),
        };
        let mut properties = match self.attributes.map(record.properties) {
            Ok(p) => p,
            Err(reason) => return Ok(Err(reason)),
        };
        if let Some(key) = &self.layer.id_property {
            let id = match properties.get(key) {
                None | Some(serde_json::Value::Null) => record.index as u64 + 1,
                Some(v) => match id_value(v) {
                    Some(id) => id,
                    None => {
                        return Ok(Err(format!(
                            "{key:?} (the layer's id) must be a non-negative integer, found {v}"
                        )));
                    }
                },
            };
            if !self.ids.insert(id) {
                return Ok(Err(format!("{key:?} {id} is used by an earlier feature")));
            }
            properties.insert(key.clone(), id.into());
        }
        let feature = geojson::Feature {
            geometry: Some(geojson::Geometry::new(geojson::GeometryValue::from(
                &geometry,
            ))),
            properties: Some(properties),
            ..Default::default()
        };
        Ok(Ok((feature, repaired)))
    }

    fn wrong_crs(&self, at: RecordPosition, reason: String) -> ImportError {
        ImportError::File {
            file: self.file.clone(),
            reason: format!(
                "{at}: {reason}; the file's coordinates do not belong to {} (declared {}); check the .prj or pass --crs",
                self.crs.name(),
                if self.options.crs.is_some() {
                    "with --crs"
                } else {
                    "by the file, or assumed"
                }
            ),
        }
    }

    fn finish(mut self) -> Result<Imported, ImportError> {
        self.summary.imported = self.features.len();
        self.summary.renamed = self.attributes.renamed();
        self.summary.missing_attributes = self.attributes.missing();
        if self.summary.read == 0 {
            return Err(self.file_error("the file holds no features".into()));
        }
        if self.features.is_empty() {
            return Err(ImportError::Rejected {
                file: self.file,
                summary: Box::new(self.summary),
            });
        }
        if !self.summary.rejected.is_empty() && !self.options.skip_invalid {
            return Err(ImportError::Rejected {
                file: self.file,
                summary: Box::new(self.summary),
            });
        }
        let collection = geojson::FeatureCollection {
            bbox: None,
            features: std::mem::take(&mut self.features),
            foreign_members: None,
        };
        let geojson = serde_json::to_string(&collection)
            .map_err(|e| self.file_error(format!("cannot write the features: {e}")))?;
        Ok(Imported {
            geojson,
            summary: self.summary,
        })
    }
}

impl RecordSink for Importer<'_> {
    fn begin(&mut self, info: SourceInfo) -> Result<(), ImportError> {
        let crs = self
            .options
            .crs
            .clone()
            .or(info.declared_crs)
            .unwrap_or(SourceCrs::Wgs84);
        self.to_wgs84 = match crs {
            SourceCrs::Wgs84 => None,
            _ => Some(ToWgs84::new(crs.clone()).map_err(|e| self.file_error(e.to_string()))?),
        };
        self.summary.format = info.format.name().into();
        self.summary.crs = crs.name();
        self.summary.encoding = info.encoding;
        self.crs = crs;
        self.total = info.total;
        (self.progress)(0, self.total);
        Ok(())
    }

    fn record(&mut self, record: SourceRecord) -> Result<(), ImportError> {
        let at = RecordPosition {
            index: record.index,
            line: record.line,
        };
        self.summary.read += 1;
        match self.convert(record)? {
            Ok((feature, repaired)) => {
                if let Some(reason) = repaired {
                    self.summary.repaired.push(RecordNote { at, reason });
                }
                self.features.push(feature);
            }
            Err(reason) => self.summary.rejected.push(RecordNote { at, reason }),
        }
        if self.summary.read.is_multiple_of(256) {
            (self.progress)(self.summary.read as u64, self.total);
        }
        Ok(())
    }
}

/// A geometry as the layer's kind (a collection of polygons becomes a multipolygon), or why not.
fn as_layer_kind(geometry: Geometry<f64>, kind: GeometryKind) -> Result<Geometry<f64>, String> {
    let found = match (GeometryKind::of(&geometry), &geometry) {
        (Some(found), _) => found,
        (None, Geometry::GeometryCollection(parts)) if kind == GeometryKind::Polygon => {
            let polygons: Option<Vec<geo::Polygon<f64>>> = parts
                .iter()
                .map(|g| match g {
                    Geometry::Polygon(p) => Some(vec![p.clone()]),
                    Geometry::MultiPolygon(m) => Some(m.0.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(|v| v.into_iter().flatten().collect());
            return polygons
                .map(|p| Geometry::MultiPolygon(geo::MultiPolygon(p)))
                .ok_or_else(|| {
                    "a geometry collection mixing kinds; the layer holds polygons".into()
                });
        }
        (None, _) => {
            return Err("a geometry collection; the layer holds single kinds".into());
        }
    };
    if found == kind {
        Ok(geometry)
    } else {
        Err(format!(
            "a {} geometry; the layer holds {}s",
            kind_name(found),
            kind_name(kind)
        ))
    }
}

fn kind_name(kind: GeometryKind) -> &'static str {
    match kind {
        GeometryKind::Point => "point",
        GeometryKind::Line => "line",
        GeometryKind::Polygon => "polygon",
    }
}

/// A feature id from a number or a digits-only text.
fn id_value(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
