//! CSV with a WKT geometry column (`WKT`, `geometry`, `geom`) or longitude/latitude columns
//! (`lon`/`lat`, `longitude`/`latitude`, `x`/`y`, `kinh_do`/`vi_do`); comma or semicolon
//! separated; UTF-8 (a BOM is fine) unless `--encoding` says otherwise. Values that read as
//! numbers become numbers, except codes with leading zeros; dates written 2021/06/15 (as GDAL
//! writes them) become 2021-06-15.

use super::text_encoding::{TextEncoding, not_utf8};
use super::{ImportError, ImportOptions, RecordSink, SourceFormat, SourceInfo, SourceRecord};
use std::path::Path;
use std::str::FromStr;

const WKT_COLUMNS: [&str; 4] = ["wkt", "geometry", "geom", "the_geom"];
const LON_LAT_COLUMNS: [(&str, &str); 5] = [
    ("lon", "lat"),
    ("lng", "lat"),
    ("longitude", "latitude"),
    ("x", "y"),
    ("kinh_do", "vi_do"),
];

enum GeometryColumns {
    Wkt(usize),
    LonLat(usize, usize),
}

pub(super) fn read(
    path: &Path,
    options: &ImportOptions,
    sink: &mut dyn RecordSink,
) -> Result<(), ImportError> {
    let file_error = |reason: String| ImportError::file(path, reason);
    let bytes = std::fs::read(path).map_err(|e| file_error(e.to_string()))?;
    let encoding = match &options.encoding {
        Some(label) => TextEncoding::from_label(label).map_err(file_error)?,
        None => TextEncoding::Utf8,
    };
    let text = match encoding {
        TextEncoding::Utf8 => String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
            ImportError::At {
                file: path.to_owned(),
                at: format!("line {line}"),
                reason: not_utf8(),
            }
        })?,
        legacy => legacy.decode(&bytes).map_err(file_error)?,
    };
    let text = text.trim_start_matches('\u{feff}');
    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = if header_line.contains(';') && !header_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_error(format!("cannot read the header line: {e}")))?
        .clone();
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    let find = |wanted: &str| names.iter().position(|n| n.eq_ignore_ascii_case(wanted));
    let columns = WKT_COLUMNS
        .iter()
        .find_map(|w| find(w).map(GeometryColumns::Wkt))
        .or_else(|| {
            LON_LAT_COLUMNS
                .iter()
                .find_map(|(lon, lat)| Some(GeometryColumns::LonLat(find(lon)?, find(lat)?)))
        })
        .ok_or_else(|| {
            file_error(format!(
                "no geometry column: name one WKT (with WKT text) or give lon and lat columns; the header has {}",
                names.join(", ")
            ))
        })?;
    sink.begin(SourceInfo {
        format: SourceFormat::Csv,
        declared_crs: None,
        encoding: Some(encoding.name()),
        total: None,
    })?;
    for (index, row) in reader.records().enumerate() {
        let row = row.map_err(|e| {
            let line = e.position().map_or(index as u64 + 2, |p| p.line());
            ImportError::At {
                file: path.to_owned(),
                at: format!("line {line}"),
                reason: match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "{len} fields where the header has {expected_len} (is the file truncated?)"
                    ),
                    _ => e.to_string(),
                },
            }
        })?;
        let line = row.position().map(|p| p.line());
        let geometry = match columns {
            GeometryColumns::Wkt(i) => parse_wkt(row.get(i).unwrap_or_default()),
            GeometryColumns::LonLat(x, y) => parse_point(row.get(x), row.get(y)),
        };
        let skip = match columns {
            GeometryColumns::Wkt(i) => [Some(i), None],
            GeometryColumns::LonLat(x, y) => [Some(x), Some(y)],
        };
        let properties = names
            .iter()
            .zip(row.iter())
            .enumerate()
            .filter(|(i, _)| !skip.contains(&Some(*i)))
            .map(|(_, (name, value))| (name.clone(), typed(value)))
            .collect();
        sink.record(SourceRecord {
            index,
            line,
            geometry,
            properties,
        })?;
    }
    Ok(())
}

fn parse_wkt(text: &str) -> Result<Option<geo::Geometry<f64>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let wkt = wkt::Wkt::<f64>::from_str(text).map_err(|e| format!("bad WKT: {e}"))?;
    geo::Geometry::try_from(wkt)
        .map(Some)
        .map_err(|e| format!("bad WKT: {e}"))
}

fn parse_point(x: Option<&str>, y: Option<&str>) -> Result<Option<geo::Geometry<f64>>, String> {
    let (x, y) = (x.unwrap_or_default().trim(), y.unwrap_or_default().trim());
    if x.is_empty() && y.is_empty() {
        return Ok(None);
    }
    let number = |s: &str| {
        s.replace(',', ".")
            .parse::<f64>()
            .map_err(|_| format!("{s:?} is not a number"))
    };
    Ok(Some(geo::Point::new(number(x)?, number(y)?).into()))
}

/// A CSV value as a JSON value: integers and decimals as numbers, empty as null, text as text.
fn typed(value: &str) -> serde_json::Value {
    let v = value.trim();
    if v.is_empty() {
        return serde_json::Value::Null;
    }
    // GDAL writes dates as 2021/06/15 in CSV: stored the ISO way, as every other format has them.
    let b = v.as_bytes();
    if b.len() == 10
        && b[4] == b'/'
        && b[7] == b'/'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return serde_json::Value::String(v.replace('/', "-"));
    }
    let leading_zero = v.len() > 1 && v.starts_with('0') && !v.starts_with("0.");
    if !leading_zero {
        if let Ok(i) = v.parse::<i64>() {
            return i.into();
        }
        if let Ok(f) = v.parse::<f64>()
            && f.is_finite()
        {
            return f.into();
        }
    }
    serde_json::Value::String(value.to_owned())
}
