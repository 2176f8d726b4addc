//! FlatGeobuf, read in order with the `flatgeobuf` crate; geometries and properties through
//! geozero.

use super::{ImportError, RecordSink, SourceFormat, SourceInfo, SourceRecord};
use crate::crs::SourceCrs;
use flatgeobuf::{FallibleStreamingIterator, FgbReader};
use geozero::{ColumnValue, FeatureProperties, PropertyProcessor, ToGeo};
use std::io::BufReader;
use std::path::Path;

pub(super) fn read(path: &Path, sink: &mut dyn RecordSink) -> Result<(), ImportError> {
    let file_error = |reason: String| ImportError::file(path, reason);
    let file = std::fs::File::open(path).map_err(|e| file_error(e.to_string()))?;
    let reader = FgbReader::open(BufReader::new(file))
        .map_err(|e| file_error(format!("not a readable FlatGeobuf file: {e}")))?;
    let header = reader.header();
    let declared_crs = match header.crs() {
        None => None,
        Some(crs) => match (crs.org(), crs.code(), crs.wkt()) {
            (org, code, _) if code > 0 && org.is_none_or(|o| o.eq_ignore_ascii_case("EPSG")) => {
                Some(
                    SourceCrs::parse(&format!("EPSG:{code}"))
                        .map_err(|e| file_error(e.to_string()))?,
                )
            }
            (_, _, Some(wkt)) => Some(super::crs_from_wkt(wkt).map_err(file_error)?),
            _ => None,
        },
    };
    let total = Some(header.features_count()).filter(|n| *n > 0);
    sink.begin(SourceInfo {
        format: SourceFormat::FlatGeobuf,
        declared_crs,
        encoding: None,
        total,
    })?;
    let mut features = reader
        .select_all_seq()
        .map_err(|e| file_error(format!("cannot read the features: {e}")))?;
    let mut index = 0;
    loop {
        let feature = match features.next() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(file_error(format!(
                    "feature {index} cannot be read ({e}); is the file truncated?"
                )));
            }
        };
        let geometry = feature.to_geo().map(Some).map_err(|e| e.to_string());
        let mut properties = Properties::default();
        feature
            .process_properties(&mut properties)
            .map_err(|e| ImportError::At {
                file: path.to_owned(),
                at: format!("feature {index}"),
                reason: format!("unreadable attributes: {e}"),
            })?;
        sink.record(SourceRecord {
            index,
            line: None,
            geometry,
            properties: properties.0,
        })?;
        index += 1;
    }
    if let Some(total) = total
        && index as u64 != total
    {
        return Err(file_error(format!(
            "the header promises {total} features, the file holds {index} (is it truncated?)"
        )));
    }
    Ok(())
}

/// Collects a feature's properties as JSON values.
#[derive(Default)]
struct Properties(serde_json::Map<String, serde_json::Value>);

impl PropertyProcessor for Properties {
    fn property(
        &mut self,
        _i: usize,
        name: &str,
        value: &ColumnValue,
    ) -> geozero::error::Result<bool> {
        use serde_json::Value;
        let v = match value {
            ColumnValue::Byte(n) => Value::from(*n),
            ColumnValue::UByte(n) => Value::from(*n),
            ColumnValue::Bool(b) => Value::from(*b),
            ColumnValue::Short(n) => Value::from(*n),
            ColumnValue::UShort(n) => Value::from(*n),
            ColumnValue::Int(n) => Value::from(*n),
            ColumnValue::UInt(n) => Value::from(*n),
            ColumnValue::Long(n) => Value::from(*n),
            ColumnValue::ULong(n) => Value::from(*n),
            ColumnValue::Float(f) => Value::from(f64::from(*f)),
            ColumnValue::Double(f) => Value::from(*f),
            ColumnValue::String(s) => Value::from(*s),
            // FlatGeobuf has no date type: GDAL writes a date as its midnight, given back as a
            // date here like every other format gives it.
            ColumnValue::DateTime(s) => Value::from(
                s.strip_suffix("T00:00:00Z")
                    .or_else(|| s.strip_suffix("T00:00:00"))
                    .unwrap_or(s),
            ),
            ColumnValue::Json(s) => serde_json::from_str(s).unwrap_or(Value::from(*s)),
            ColumnValue::Binary(_) => return Ok(false),
        };
        self.0.insert(name.to_owned(), v);
        Ok(false)
    }
}
