//! GeoJSON FeatureCollections. RFC 7946 GeoJSON is WGS84; files written by older tools (and
//! by `ogr2ogr` for other systems) name theirs in a `crs` member, which is honoured.

use super::{ImportError, RecordSink, SourceFormat, SourceInfo, SourceRecord};
use crate::crs::SourceCrs;
use std::path::Path;

pub(super) fn read(path: &Path, sink: &mut dyn RecordSink) -> Result<(), ImportError> {
    let file_error = |reason: String| ImportError::file(path, reason);
    let bytes = std::fs::read(path).map_err(|e| file_error(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        file_error(format!(
            "not UTF-8 text (byte {}); GeoJSON is always UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let collection: geojson::FeatureCollection = serde_json::from_str(&text).map_err(|e| {
        let what = if e.is_eof() {
            "the file ends early (truncated?)"
        } else if e.is_syntax() {
            "not valid JSON"
        } else {
            "not a GeoJSON FeatureCollection"
        };
        ImportError::At {
            file: path.to_owned(),
            at: format!("line {}, column {}", e.line(), e.column()),
            reason: format!("{what}: {e}"),
        }
    })?;
    let declared_crs = match collection
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("crs"))
        .and_then(|crs| crs.pointer("/properties/name"))
        .and_then(|n| n.as_str())
    {
        None => None,
        Some(name) => Some(named_crs(name).map_err(file_error)?),
    };
    sink.begin(SourceInfo {
        format: SourceFormat::GeoJson,
        declared_crs,
        encoding: None,
        total: Some(collection.features.len() as u64),
    })?;
    for (index, feature) in collection.features.into_iter().enumerate() {
        let geometry = match feature.geometry {
            None => Ok(None),
            Some(g) => geo::Geometry::<f64>::try_from(g.value)
                .map(Some)
                .map_err(|e| e.to_string()),
        };
        sink.record(SourceRecord {
            index,
            line: None,
            geometry,
            properties: feature.properties.unwrap_or_default(),
        })?;
    }
    Ok(())
}

/// `urn:ogc:def:crs:EPSG::9213`, `EPSG:9213` or `urn:ogc:def:crs:OGC:1.3:CRS84`.
fn named_crs(name: &str) -> Result<SourceCrs, String> {
    if name.ends_with("CRS84") {
        return Ok(SourceCrs::Wgs84);
    }
    let code = name.rsplit(':').next().unwrap_or_default();
    SourceCrs::parse(&format!("EPSG:{code}"))
        .map_err(|e| format!("its crs member names {name:?}: {e}"))
}
