//! GeoPackage (OGC 12-128r18): an SQLite file, read with rusqlite; geometries are GeoPackage
//! binary blobs decoded with geozero. The feature table is the one named like the layer, or the
//! only one.

use super::{ImportError, RecordSink, SourceFormat, SourceInfo, SourceRecord};
use crate::config::LayerConfig;
use crate::crs::SourceCrs;
use geozero::ToGeo;
use geozero::wkb::GpkgWkb;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

pub(super) fn read(
    path: &Path,
    layer: &LayerConfig,
    sink: &mut dyn RecordSink,
) -> Result<(), ImportError> {
    let file_error = |reason: String| ImportError::file(path, reason);
    let sql_error = |e: rusqlite::Error| {
        file_error(format!(
            "not a readable GeoPackage ({e}); is the file complete?"
        ))
    };
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sql_error)?;
    let tables: Vec<(String, String, i64)> = conn
        .prepare(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c
             JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
             WHERE c.data_type = 'features' ORDER BY c.table_name",
        )
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(sql_error)?;
    let (table, column, srs_id) = match tables.iter().find(|t| t.0 == layer.name) {
        Some(t) => t.clone(),
        None if tables.len() == 1 => tables[0].clone(),
        None if tables.is_empty() => return Err(file_error("no feature table".into())),
        None => {
            return Err(file_error(format!(
                "{} feature tables ({}) and none is named {:?}; keep one, or name it like the layer",
                tables.len(),
                tables
                    .iter()
                    .map(|t| t.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                layer.name
            )));
        }
    };
    let declared_crs = declared_crs(&conn, srs_id).map_err(file_error)?;
    let total: i64 = conn
        .query_row(
            &format!("SELECT COUNT(*) FROM {}", quoted(&table)),
            [],
            |r| r.get(0),
        )
        .map_err(sql_error)?;
    sink.begin(SourceInfo {
        format: SourceFormat::GeoPackage,
        declared_crs,
        encoding: None,
        total: Some(total as u64),
    })?;
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {} ORDER BY rowid", quoted(&table)))
        .map_err(sql_error)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let geometry_index = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(&column))
        .ok_or_else(|| file_error(format!("the geometry column {column:?} is missing")))?;
    let mut rows = stmt.query([]).map_err(sql_error)?;
    let mut index = 0;
    while let Some(row) = rows.next().map_err(sql_error)? {
        let mut properties = serde_json::Map::new();
        let mut geometry = Ok(None);
        for (i, name) in names.iter().enumerate() {
            let value = row.get_ref(i).map_err(sql_error)?;
            if i == geometry_index {
                geometry = match value {
                    ValueRef::Null => Ok(None),
                    ValueRef::Blob(b) => GpkgWkb(b).to_geo().map(Some).map_err(|e| e.to_string()),
                    _ => Err("the geometry column holds no geometry blob".into()),
                };
                continue;
            }
            let value = match value {
                ValueRef::Null | ValueRef::Blob(_) => continue,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(f) => serde_json::Number::from_f64(f)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                ValueRef::Text(t) => match std::str::from_utf8(t) {
                    Ok(s) => s.into(),
                    Err(_) => {
                        return Err(ImportError::At {
                            file: path.to_owned(),
                            at: format!("feature {index}, attribute {name:?}"),
                            reason: "text that is not UTF-8 (a GeoPackage's text is always UTF-8; the file is damaged)".into(),
                        });
                    }
                },
            };
            properties.insert(name.clone(), value);
        }
        sink.record(SourceRecord {
            index,
            line: None,
            geometry,
            properties,
        })?;
        index += 1;
    }
    Ok(())
}

/// The coordinate system of `srs_id`: its EPSG code, or its definition.
fn declared_crs(conn: &Connection, srs_id: i64) -> Result<Option<SourceCrs>, String> {
    // GeoPackage reserves 0 and -1 for "undefined" systems.
    if srs_id <= 0 {
        return Ok(None);
    }
    let (organization, code, definition): (String, i64, String) = conn
        .query_row(
            "SELECT organization, organization_coordsys_id, definition
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| format!("its coordinate system {srs_id} is not described: {e}"))?;
    if organization.eq_ignore_ascii_case("EPSG")
        && let Ok(crs) = SourceCrs::parse(&format!("EPSG:{code}"))
    {
        return Ok(Some(crs));
    }
    super::crs_from_wkt(&definition).map(Some)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
