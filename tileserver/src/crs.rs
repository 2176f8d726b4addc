//! Coordinate systems a layer file may be in, converted to WGS84 longitude/latitude on load:
//! WGS84, Web Mercator, and the national VN-2000 (its TM-3 zones with each province's central
//! meridian, and VN-2000 / UTM 48N and 49N), with the official VN-2000 → WGS84 transformation
//! (Decision 05/2007/QĐ-BTNMT, EPSG:6960: a 7-parameter Helmert shift). The projection maths is
//! the pure-Rust `proj4rs`.

use proj4rs::proj::Proj;
use proj4rs::transform::{Transform, TransformClosure, transform};

/// VN-2000 → WGS84 (EPSG:6960) in PROJ.4 `towgs84` form (position-vector rotations, seconds of
/// arc, scale in ppm).
pub const VN2000_TOWGS84: &str =
    "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278";

/// Where VN-2000 coordinates may land: Vietnam with its seas, in degrees.
const VIETNAM: [f64; 4] = [100.0, 6.0, 118.0, 24.5];

/// VN-2000 / TM-3 zones with an EPSG code: (code, central meridian in degrees).
const TM3_ZONES: [(u32, f64); 18] = [
    (5896, 102.0),
    (5897, 105.0),
    (5898, 108.0),
    (5899, 107.75),
    (9205, 103.0),
    (9206, 104.0),
    (9207, 104.5),
    (9208, 104.75),
    (9209, 105.5),
    (9210, 105.75),
    (9211, 106.0),
    (9212, 106.25),
    (9213, 106.5),
    (9214, 107.0),
    (9215, 107.25),
    (9216, 107.5),
    (9217, 108.25),
    (9218, 108.5),
];

/// A coordinate system a layer file may use.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceCrs {
    /// EPSG:4326, longitude/latitude (GeoJSON's own).
    Wgs84,
    /// EPSG:3857, metres.
    WebMercator,
    /// VN-2000 transverse Mercator, 3° zone (k = 0.9999) on `central_meridian` degrees.
    Vn2000Tm3 { central_meridian: f64, epsg: u32 },
    /// VN-2000 / UTM zone 48N or 49N.
    Vn2000Utm { zone: u8 },
}

/// Why a coordinate system or a coordinate was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CrsError {
    #[error(
        "unknown coordinate system {0:?}: use EPSG:4326, EPSG:3857, a VN-2000 / TM-3 code (EPSG:5896–5899, 9205–9218) or VN-2000 / UTM (EPSG:3405, 3406)"
    )]
    Unknown(String),
    #[error("coordinate ({x}, {y}) cannot be {crs}: {reason}")]
    OutOfRange {
        x: f64,
        y: f64,
        crs: String,
        reason: String,
    },
}

impl SourceCrs {
    /// Reads an `EPSG:n` code.
    pub fn parse(text: &str) -> Result<SourceCrs, CrsError> {
        let unknown = || CrsError::Unknown(text.to_owned());
        let code: u32 = text
            .trim()
            .to_ascii_uppercase()
            .strip_prefix("EPSG:")
            .and_then(|n| n.parse().ok())
            .ok_or_else(unknown)?;
        match code {
            4326 => Ok(SourceCrs::Wgs84),
            3857 => Ok(SourceCrs::WebMercator),
            3405 => Ok(SourceCrs::Vn2000Utm { zone: 48 }),
            3406 => Ok(SourceCrs::Vn2000Utm { zone: 49 }),
            _ => TM3_ZONES
                .iter()
                .find(|(epsg, _)| *epsg == code)
                .map(|&(epsg, central_meridian)| SourceCrs::Vn2000Tm3 {
                    central_meridian,
                    epsg,
                })
                .ok_or_else(unknown),
        }
    }

    /// The VN-2000 / TM-3 zone on this central meridian, if it has an EPSG code.
    pub fn vn2000_tm3(central_meridian: f64) -> Option<SourceCrs> {
        TM3_ZONES
            .iter()
            .find(|(_, m)| (m - central_meridian).abs() < 1e-6)
            .map(|&(epsg, central_meridian)| SourceCrs::Vn2000Tm3 {
                central_meridian,
                epsg,
            })
    }

    /// The `EPSG:n` code of this system.
    pub fn code(&self) -> String {
        let n = match self {
            SourceCrs::Wgs84 => 4326,
            SourceCrs::WebMercator => 3857,
            SourceCrs::Vn2000Tm3 { epsg, .. } => *epsg,
            SourceCrs::Vn2000Utm { zone } => 3405 + u32::from(*zone) - 48,
        };
        format!("EPSG:{n}")
    }

    /// A name people recognise.
    pub fn name(&self) -> String {
        match self {
            SourceCrs::Wgs84 => "WGS84 (EPSG:4326)".into(),
            SourceCrs::WebMercator => "Web Mercator (EPSG:3857)".into(),
            SourceCrs::Vn2000Tm3 {
                central_meridian,
                epsg,
            } => format!("VN-2000 / TM-3 kinh tuyến trục {central_meridian}° (EPSG:{epsg})"),
            SourceCrs::Vn2000Utm { zone } => format!("VN-2000 / UTM {zone}N"),
        }
    }

    fn proj_string(&self) -> String {
        match self {
            SourceCrs::Wgs84 => "+proj=longlat +datum=WGS84 +no_defs".into(),
            SourceCrs::WebMercator => "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs".into(),
            SourceCrs::Vn2000Tm3 {
                central_meridian, ..
            } => format!(
                "+proj=tmerc +lat_0=0 +lon_0={central_meridian} +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84={VN2000_TOWGS84} +units=m +no_defs"
            ),
            SourceCrs::Vn2000Utm { zone } => format!(
                "+proj=utm +zone={zone} +ellps=WGS84 +towgs84={VN2000_TOWGS84} +units=m +no_defs"
            ),
        }
    }
}

struct Xyz(f64, f64, f64);

impl Transform for Xyz {
    fn transform_coordinates<F: TransformClosure>(
        &mut self,
        f: &mut F,
    ) -> proj4rs::errors::Result<()> {
        f(self.0, self.1, self.2).map(|(x, y, z)| {
            self.0 = x;
            self.1 = y;
            self.2 = z;
        })
    }
}

/// Converts coordinates of one system to WGS84 longitude/latitude.
pub struct ToWgs84 {
    crs: SourceCrs,
    from: Option<Proj>,
    to: Proj,
}

impl ToWgs84 {
    pub fn new(crs: SourceCrs) -> Result<ToWgs84, CrsError> {
        let proj =
            |s: &str| Proj::from_proj_string(s).map_err(|e| CrsError::Unknown(format!("{s}: {e}")));
        let from = match crs {
            SourceCrs::Wgs84 => None,
            _ => Some(proj(&crs.proj_string())?),
        };
        Ok(ToWgs84 {
            from,
            to: proj(&SourceCrs::Wgs84.proj_string())?,
            crs,
        })
    }

    /// The system converted from.
    pub fn crs(&self) -> &SourceCrs {
        &self.crs
    }

    /// `(x, y)` in the source system → (longitude, latitude); refused, with the reason, when the
    /// numbers cannot be coordinates of that system (degrees given as metres, a point far from
    /// Vietnam for VN-2000).
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        let refuse = |reason: String| CrsError::OutOfRange {
            x,
            y,
            crs: self.crs.name(),
            reason,
        };
        if !x.is_finite() || !y.is_finite() {
            return Err(refuse("not a number".into()));
        }
        let Some(from) = &self.from else {
            return Ok((x, y));
        };
        let vn2000 = matches!(
            self.crs,
            SourceCrs::Vn2000Tm3 { .. } | SourceCrs::Vn2000Utm { .. }
        );
        if vn2000 && (x.abs() < 1000.0 && y.abs() < 1000.0) {
            return Err(refuse(
                "these look like degrees, not metres (is the file in WGS84?)".into(),
            ));
        }
        if vn2000 && !(0.0..=10_000_000.0).contains(&y) {
            return Err(refuse("northing outside 0–10,000 km".into()));
        }
        let mut p = Xyz(x, y, 0.0);
        transform(from, &self.to, &mut p).map_err(|e| refuse(e.to_string()))?;
        let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
        let in_vietnam =
            (VIETNAM[0]..=VIETNAM[2]).contains(&lon) && (VIETNAM[1]..=VIETNAM[3]).contains(&lat);
        if vn2000 && !in_vietnam {
            return Err(refuse(format!(
                "it lands at {lon:.4}, {lat:.4}, outside Vietnam"
            )));
        }
        Ok((lon, lat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two longitude/latitude points (haversine; enough at this scale).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
        let dlat = la2 - la1;
        let dlon = (b.0 - a.0).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * 6_371_008.8 * h.sqrt().asin()
    }

    #[test]
    fn vn2000_control_points_land_within_a_metre_of_proj() {
        // Truth from PROJ 9 (cs2cs EPSG:9212/EPSG:3405 → EPSG:4326, transformation EPSG:6960).
        let cases = [
            (
                "EPSG:9212",
                (600_000.0, 1_270_000.0),
                (107.16838861, 11.48264766),
            ),
            (
                "EPSG:9212",
                (500_000.0, 1_272_000.0),
                (106.25179194, 11.50217524),
            ),
            (
                "EPSG:3405",
                (682_000.0, 1_275_000.0),
                (106.67061681, 11.52796332),
            ),
        ];
        for (code, (x, y), truth) in cases {
            let to = ToWgs84::new(SourceCrs::parse(code).unwrap()).unwrap();
            let got = to.convert(x, y).unwrap();
            let off = metres(got, truth);
            assert!(
                off < 1.0,
                "{code} ({x}, {y}) → {got:?}, {off:.3} m from {truth:?}"
            );
        }
    }

    #[test]
    fn refuses_coordinates_that_cannot_be_vn2000() {
        let to = ToWgs84::new(SourceCrs::parse("EPSG:9212").unwrap()).unwrap();
        let e = to.convert(106.9, 11.5).unwrap_err().to_string();
        assert!(e.contains("degrees") && e.contains("VN-2000"), "{e}");
        let e = to
            .convert(9_500_000.0, 1_270_000.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("outside Vietnam"), "{e}");
        assert!(SourceCrs::parse("EPSG:2154").is_err());
        assert!(SourceCrs::parse("VN2000").is_err());
        // WGS84 passes through; Web Mercator comes back to degrees.
        let merc = ToWgs84::new(SourceCrs::WebMercator).unwrap();
        let (lon, lat) = merc.convert(11_900_000.0, 1_290_000.0).unwrap();
        assert!(
            (lon - 106.899).abs() < 0.01 && (lat - 11.51).abs() < 0.05,
            "{lon} {lat}"
        );
    }
}
