//! Recognises the coordinate system a `.prj` (OGC or ESRI WKT) or a GeoPackage/FlatGeobuf
//! definition describes, among those CityGIS converts.

use crate::crs::SourceCrs;

/// The system the WKT text describes, or why it was not recognised.
pub fn crs_from_wkt(wkt: &str) -> Result<SourceCrs, String> {
    let text = wkt.trim();
    let lower = text.to_ascii_lowercase();
    let Some(name) = quoted_name(text).filter(|n| !n.is_empty()) else {
        return Err("it is empty or not a WKT coordinate system description".into());
    };
    let unknown = || {
        format!(
            "the coordinate system {name:?} is not one CityGIS converts (WGS84, Web Mercator, VN-2000 TM-3 or UTM); if you know its EPSG code, pass --crs EPSG:…"
        )
    };
    if lower.starts_with("projcs") || lower.starts_with("projcrs") {
        // The projected system's own authority comes last, after its datum's and parameters'.
        if let Some(code) = last_epsg_authority(text)
            && let Ok(crs) = SourceCrs::parse(&format!("EPSG:{code}"))
        {
            return Ok(crs);
        }
        let compact: String = lower
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        if compact.contains("pseudomercator")
            || compact.contains("webmercator")
            || compact.contains("popularvisualisation")
        {
            return Ok(SourceCrs::WebMercator);
        }
        if compact.contains("vn2000") {
            let meridian = parameter(&lower, "central_meridian").ok_or_else(unknown)?;
            let scale = parameter(&lower, "scale_factor").unwrap_or(0.9999);
            if (scale - 0.9999).abs() < 1e-7 {
                return SourceCrs::vn2000_tm3(meridian).ok_or_else(|| {
                    format!(
                        "VN-2000 / TM-3 on central meridian {meridian}° has no EPSG code CityGIS knows"
                    )
                });
            }
            if (scale - 0.9996).abs() < 1e-7 {
                return match meridian {
                    m if (m - 105.0).abs() < 1e-6 => Ok(SourceCrs::Vn2000Utm { zone: 48 }),
                    m if (m - 111.0).abs() < 1e-6 => Ok(SourceCrs::Vn2000Utm { zone: 49 }),
                    _ => Err(unknown()),
                };
            }
        }
        return Err(unknown());
    }
    if lower.starts_with("geogcs") || lower.starts_with("geogcrs") || lower.starts_with("geodcrs") {
        let compact: String = lower
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        if compact.contains("wgs84") || compact.contains("wgs1984") {
            return Ok(SourceCrs::Wgs84);
        }
    }
    Err(unknown())
}

/// The first quoted string: the system's name.
fn quoted_name(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let len = text[start..].find('"')?;
    Some(text[start..start + len].to_owned())
}

/// The code of the last `AUTHORITY["EPSG","n"]` or `ID["EPSG",n]` in the text.
fn last_epsg_authority(text: &str) -> Option<u32> {
    let upper = text.to_ascii_uppercase();
    let mut found = None;
    for marker in ["AUTHORITY[\"EPSG\",", "ID[\"EPSG\","] {
        let mut from = 0;
        while let Some(i) = upper[from..].find(marker) {
            let at = from + i + marker.len();
            let digits: String = upper[at..]
                .chars()
                .skip_while(|c| *c == '"' || c.is_whitespace())
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(code) = digits.parse() {
                found = Some((at, code));
            }
            from = at;
        }
    }
    // The outermost system's authority is the last one in the text.
    found.map(|(_, code)| code)
}

/// `PARAMETER["name", value]` (case-insensitive name).
fn parameter(lower: &str, name: &str) -> Option<f64> {
    let marker = format!("parameter[\"{name}\",");
    let at = lower.find(&marker)? + marker.len();
    let end = lower[at..].find(']')?;
    lower[at..at + end].trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_esri_and_ogc_vn2000_and_wgs84() {
        // As GDAL writes a shapefile's .prj for EPSG:9213 (ESRI flavour, no authority).
        let esri = r#"PROJCS["VN-2000_TM-3_zone_481",GEOGCS["GCS_VN-2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",106.5],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(
            crs_from_wkt(esri).unwrap(),
            SourceCrs::parse("EPSG:9213").unwrap()
        );
        let ogc = r#"PROJCS["VN-2000 / UTM zone 48N",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6756"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",105],PARAMETER["scale_factor",0.9996],AUTHORITY["EPSG","3405"]]"#;
        assert_eq!(
            crs_from_wkt(ogc).unwrap(),
            SourceCrs::Vn2000Utm { zone: 48 }
        );
        let wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(crs_from_wkt(wgs).unwrap(), SourceCrs::Wgs84);
        let merc = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984"]]"#;
        assert_eq!(crs_from_wkt(merc).unwrap(), SourceCrs::WebMercator);
    }

    #[test]
    fn names_a_system_it_does_not_convert() {
        let lambert = r#"PROJCS["RGF93 v1 / Lambert-93",GEOGCS["RGF93 v1"],PROJECTION["Lambert_Conformal_Conic_2SP"],AUTHORITY["EPSG","2154"]]"#;
        let e = crs_from_wkt(lambert).unwrap_err();
        assert!(e.contains("Lambert-93") && e.contains("--crs"), "{e}");
    }
}
