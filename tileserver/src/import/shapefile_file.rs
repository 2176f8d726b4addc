//! Shapefiles: the `.shp` with its `.shx` index and `.dbf` attributes (all required), the
//! `.prj` for the coordinate system and the `.cpg` for the attributes' text encoding.

use super::text_encoding::TextEncoding;
use super::{ImportError, ImportOptions, RecordSink, SourceFormat, SourceInfo, SourceRecord};
use shapefile::dbase;
use shapefile::dbase::FieldValue;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

pub(super) fn read(
    path: &Path,
    options: &ImportOptions,
    sink: &mut dyn RecordSink,
) -> Result<(), ImportError> {
    let file_error = |reason: String| ImportError::file(path, reason);
    let sidecar = |ext: &str| -> Result<File, ImportError> {
        let p = path.with_extension(ext);
        File::open(&p).map_err(|e| {
            file_error(format!(
                "its .{ext} file {} cannot be opened ({e}); a Shapefile needs its .shp, .shx and .dbf together",
                p.display()
            ))
        })
    };
    let shp = File::open(path).map_err(|e| file_error(e.to_string()))?;
    let mut shapes =
        shapefile::ShapeReader::with_shx(BufReader::new(shp), BufReader::new(sidecar("shx")?))
            .map_err(|e| file_error(format!("not a readable .shp file: {e}")))?;
    let declared_crs = match std::fs::read(path.with_extension("prj")) {
        Err(_) => None,
        Ok(bytes) => {
            let wkt = String::from_utf8_lossy(&bytes);
            Some(super::crs_from_wkt(&wkt).map_err(|e| file_error(format!("its .prj: {e}")))?)
        }
    };
    let encoding = match (
        &options.encoding,
        std::fs::read_to_string(path.with_extension("cpg")),
    ) {
        (Some(label), _) => TextEncoding::from_label(label).map_err(file_error)?,
        (None, Ok(cpg)) => TextEncoding::from_label(&cpg).map_err(|e| {
            file_error(format!(
                "its .cpg names an encoding CityGIS cannot use: {e}"
            ))
        })?,
        (None, Err(_)) => TextEncoding::Utf8,
    };
    // UTF-8 is read strictly: bytes that are not UTF-8 are an error naming the fix, never "�".
    let builder = match encoding {
        TextEncoding::Utf8 => dbase::ReaderBuilder::new().with_encoding(dbase::Unicode),
        TextEncoding::Legacy(e) => {
            dbase::ReaderBuilder::new().with_encoding(dbase::encoding::EncodingRs::from(e))
        }
    };
    let mut records = builder
        .build(BufReader::new(sidecar("dbf")?))
        .map_err(|e| file_error(format!("its .dbf cannot be read: {e}")))?;
    let total = shapes
        .shape_count()
        .map_err(|e| file_error(format!("its .shx cannot be read: {e}")))?;
    if records.header().num_records as usize != total {
        return Err(file_error(format!(
            "the .shp has {total} shapes but the .dbf {} records; the files do not belong together",
            records.header().num_records
        )));
    }
    sink.begin(SourceInfo {
        format: SourceFormat::Shapefile,
        declared_crs,
        encoding: Some(encoding.name()),
        total: Some(total as u64),
    })?;
    let shape_iter = shapes.iter_shapes();
    let record_iter = records.iter_records();
    for (index, (shape, record)) in shape_iter.zip(record_iter).enumerate() {
        let shape = shape.map_err(|e| {
            file_error(format!(
                "shape {index} cannot be read ({e}); is the .shp truncated?"
            ))
        })?;
        let record = record.map_err(|e| ImportError::At {
            file: path.with_extension("dbf"),
            at: format!("record {index}"),
            reason: match encoding {
                TextEncoding::Utf8 => format!("{e}: {}", super::text_encoding::not_utf8()),
                TextEncoding::Legacy(_) => e.to_string(),
            },
        })?;
        let geometry = match shape {
            shapefile::Shape::NullShape => Ok(None),
            shape => geo::Geometry::<f64>::try_from(shape)
                .map(Some)
                .map_err(|e| e.to_string()),
        };
        let properties = record
            .into_iter()
            .filter_map(|(name, value)| Some((name, json_value(value)?)))
            .collect();
        sink.record(SourceRecord {
            index,
            line: None,
            geometry,
            properties,
        })?;
    }
    Ok(())
}

fn json_value(value: FieldValue) -> Option<serde_json::Value> {
    use serde_json::Value;
    let number = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            Value::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    };
    Some(match value {
        FieldValue::Character(s) => Value::from(s?.trim_end().to_owned()),
        FieldValue::Memo(s) => Value::from(s),
        FieldValue::Numeric(n) => number(n?),
        FieldValue::Float(f) => number(f64::from(f?)),
        FieldValue::Double(f) | FieldValue::Currency(f) => number(f),
        FieldValue::Integer(i) => Value::from(i),
        FieldValue::Logical(b) => Value::from(b?),
        FieldValue::Date(d) => {
            let d = d?;
            Value::from(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        FieldValue::DateTime(t) => {
            let (d, time) = (t.date(), t.time());
            Value::from(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                time.hours(),
                time.minutes(),
                time.seconds()
            ))
        }
    })
}
