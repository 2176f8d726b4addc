//! Reads a layer's GeoJSON file into features projected to Web Mercator.

use super::feature::{Feature, Value};
use super::interner::Interner;
use crate::config::{GeometryKind, LayerConfig};
use crate::crs::{SourceCrs, ToWgs84};
use crate::mercator::{MAX_LATITUDE, to_mercator};
use geo::{Geometry, MapCoords};
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a layer file was refused: the file, where in it, and the reason.
#[derive(Debug, thiserror::Error)]
pub struct LoadError {
    pub file: PathBuf,
    pub location: Location,
    pub reason: String,
}

/// Where in a file a [`LoadError`] was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The whole file (cannot be read, is not a FeatureCollection).
    File,
    /// A JSON syntax error at this line and column.
    Text { line: usize, column: usize },
    /// The feature at this index (0-based) of the collection.
    Feature(usize),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match self.location {
            Location::File => write!(f, "{file}: {}", self.reason),
            Location::Text { line, column } => {
                write!(f, "{file}, line {line}, column {column}: {}", self.reason)
            }
            Location::Feature(i) => write!(f, "{file}, feature {i}: {}", self.reason),
        }
    }
}

/// Loads the GeoJSON FeatureCollection at `path` for `layer`.
pub fn load_geojson_file(path: &Path, layer: &LayerConfig) -> Result<Vec<Feature>, LoadError> {
    let error = |location, reason: String| LoadError {
        file: path.to_owned(),
        location,
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(Location::File, e.to_string()))?;
    parse_geojson(&text, layer).map_err(|(location, reason)| error(location, reason))
}

/// Parses GeoJSON text for `layer`; errors carry the location and reason. The features are
/// read one at a time and converted as they come, so no tree of the whole file is ever built:
/// memory holds the text and the finished features, which keeps a large layer's load fast and
/// leaves the heap unfragmented.
pub fn parse_geojson(text: &str, layer: &LayerConfig) -> Result<Vec<Feature>, (Location, String)> {
    let reprojection = match layer.crs.as_deref().map(SourceCrs::parse).transpose() {
        Ok(Some(SourceCrs::Wgs84) | None) => None,
        Ok(Some(crs)) => {
            Some(ToWgs84::new(crs).map_err(|e| (Location::Feature(0), e.to_string()))?)
        }
        Err(e) => return Err((Location::Feature(0), e.to_string())),
    };
    let mut reading = Reading {
        layer,
        reprojection: reprojection.as_ref(),
        strings: Interner::default(),
        seen_ids: HashSet::new(),
        features: Vec::new(),
        refused: None,
    };
    let mut json = serde_json::Deserializer::from_str(text);
    let parsed = serde::de::DeserializeSeed::deserialize(CollectionSeed(&mut reading), &mut json)
        .and_then(|()| json.end());
    if let Some(refused) = reading.refused {
        return Err(refused);
    }
    parsed.map_err(|e| {
        let location = Location::Text {
            line: e.line(),
            column: e.column(),
        };
        let what = if e.is_syntax() || e.is_eof() {
            "not valid JSON"
        } else {
            "not a GeoJSON FeatureCollection"
        };
        (location, format!("{what}: {e}"))
    })?;
    Ok(reading.features)
}

/// What parsing keeps between features.
struct Reading<'a> {
    layer: &'a LayerConfig,
    reprojection: Option<&'a ToWgs84>,
    strings: Interner,
    seen_ids: HashSet<u64>,
    features: Vec<Feature>,
    /// The first feature refused, with where and why (parsing stops there).
    refused: Option<(Location, String)>,
}

impl Reading<'_> {
    fn add(&mut self, index: usize, f: geojson::Feature) -> Result<(), String> {
        let feature = convert_feature(index, f, self.layer, self.reprojection, &mut self.strings)?;
        if !self.seen_ids.insert(feature.id) {
            return Err(format!("duplicate feature id {}", feature.id));
        }
        self.features.push(feature);
        Ok(())
    }
}

/// The top-level object: `type` must be `FeatureCollection`; `features` is streamed; any other
/// member is skipped.
struct CollectionSeed<'r, 'a>(&'r mut Reading<'a>);

impl<'de> serde::de::DeserializeSeed<'de> for CollectionSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for CollectionSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }

    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        use serde::de::Error;
        let (mut kind, mut features) = (None::<String>, false);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => kind = Some(map.next_value()?),
                "features" => {
                    map.next_value_seed(FeaturesSeed(&mut *self.0))?;
                    features = true;
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        match kind.as_deref() {
            Some("FeatureCollection") if features => Ok(()),
            Some("FeatureCollection") => Err(M::Error::missing_field("features")),
            Some(other) => Err(M::Error::custom(format!(
                "type is {other:?}, expected \"FeatureCollection\""
            ))),
            None => Err(M::Error::missing_field("type")),
        }
    }
}

/// The `features` array, each feature converted as soon as it is read.
struct FeaturesSeed<'r, 'a>(&'r mut Reading<'a>);

impl<'de> serde::de::DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of GeoJSON features")
    }

    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        if let Some(n) = seq.size_hint() {
            self.0.features.reserve(n);
        }
        let mut index = 0;
        while let Some(feature) = seq.next_element::<geojson::Feature>()? {
            if let Err(reason) = self.0.add(index, feature) {
                self.0.refused = Some((Location::Feature(index), reason));
                return Err(serde::de::Error::custom("feature refused"));
            }
            index += 1;
        }
        Ok(())
    }
}

fn convert_feature(
    index: usize,
    f: geojson::Feature,
    layer: &LayerConfig,
    reprojection: Option<&ToWgs84>,
    strings: &mut Interner,
) -> Result<Feature, String> {
    let geometry = f.geometry.as_ref().ok_or("feature has no geometry")?;
    let mut geometry: Geometry<f64> =
        Geometry::try_from(geometry.clone()).map_err(|e| format!("bad geometry: {e}"))?;
    if let Some(to_wgs84) = reprojection {
        geometry = geometry
            .try_map_coords(|c| {
                to_wgs84
                    .convert(c.x, c.y)
                    .map(|(x, y)| geo::coord! { x: x, y: y })
            })
            .map_err(|e| e.to_string())?;
    }
    check_kind(&geometry, layer.geometry)?;
    check_coordinates(&geometry)?;
    let properties = f.properties.unwrap_or_default();
    let id = match &layer.id_property {
        Some(key) => match properties.get(key) {
            Some(serde_json::Value::Number(n)) => n.as_u64().ok_or_else(|| {
                format!("property {key:?} must be a non-negative integer, found {n}")
            })?,
            Some(other) => {
                return Err(format!(
                    "property {key:?} must be a non-negative integer, found {other}"
                ));
            }
            None => {
                return Err(format!(
                    "property {key:?} (the layer's id_property) is missing"
                ));
            }
        },
        None => index as u64 + 1,
    };
    let values = layer
        .attributes
        .iter()
        .map(|key| properties.get(key).and_then(|v| to_value(v, strings)))
        .collect();
    let geometry = geometry.map_coords(|c| {
        let (x, y) = to_mercator(c.x, c.y);
        geo::coord! { x: x, y: y }
    });
    Ok(Feature {
        id,
        geometry,
        values,
    })
}

/// Converts a JSON property to a published value; objects and arrays are published as JSON text.
pub fn to_value(v: &serde_json::Value, strings: &mut Interner) -> Option<Value> {
    use serde_json::Value as J;
    match v {
        J::Null => None,
        J::Bool(b) => Some(Value::Bool(*b)),
        J::Number(n) => Some(match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64()?),
        }),
        J::String(s) => Some(Value::shared(s, strings)),
        other => Some(Value::shared(&other.to_string(), strings)),
    }
}

fn check_kind(geometry: &Geometry<f64>, kind: GeometryKind) -> Result<(), String> {
    let Some(found) = GeometryKind::of(geometry) else {
        return Err("geometry collections are not supported in a layer".into());
    };
    if found == kind {
        Ok(())
    } else {
        Err(
            format!("the layer holds {kind:?} geometries, this feature is a {found:?}")
                .to_lowercase(),
        )
    }
}

fn check_coordinates(geometry: &Geometry<f64>) -> Result<(), String> {
    use geo::CoordsIter;
    for c in geometry.coords_iter() {
        if !c.x.is_finite()
            || !c.y.is_finite()
            || !(-180.0..=180.0).contains(&c.x)
            || !(-90.0..=90.0).contains(&c.y)
        {
            return Err(format!(
                "coordinate ({}, {}) is not a WGS84 longitude/latitude",
                c.x, c.y
            ));
        }
        if c.y.abs() > MAX_LATITUDE {
            return Err(format!(
                "latitude {} is beyond Web Mercator's ±{MAX_LATITUDE:.4}",
                c.y
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(kind: &str) -> LayerConfig {
        toml::from_str(&format!(
            r#"name = "t"
               title = "t"
               file = "t.geojson"
               geometry = "{kind}"
               id_property = "id"
               attributes = ["name", "count"]"#
        ))
        .unwrap()
    }

    #[test]
    fn reads_points_with_typed_values() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[106.9,11.5]},
             "properties":{"id":7,"name":"Chợ Đồng Xoài","count":3,"secret":"rtsp://x"}}]}"#;
        let features = parse_geojson(text, &layer("point")).unwrap();
        assert_eq!(features.len(), 1);
        assert_eq!(features[0].id, 7);
        assert_eq!(
            features[0].values[0],
            Some(Value::String("Chợ Đồng Xoài".into()))
        );
        assert_eq!(features[0].values[1], Some(Value::Int(3)));
        assert_eq!(
            features[0].values.len(),
            2,
            "unpublished properties are not kept"
        );
    }

    #[test]
    fn names_the_line_of_a_syntax_error() {
        let text = "{\"type\":\"FeatureCollection\",\n\"features\":[\n{,}]}";
        let (location, reason) = parse_geojson(text, &layer("point")).unwrap_err();
        assert!(
            matches!(location, Location::Text { line: 3, .. }),
            "{location:?}"
        );
        assert!(reason.contains("JSON"));
    }

    #[test]
    fn names_the_feature_and_reason() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[106.9,11.5]},"properties":{"id":1}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[206.9,11.5]},"properties":{"id":2}}]}"#;
        let (location, reason) = parse_geojson(text, &layer("point")).unwrap_err();
        assert_eq!(location, Location::Feature(1));
        assert!(reason.contains("206.9"), "{reason}");

        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[106.9,11.5],[107,11.6]]},"properties":{"id":1}}]}"#;
        let (location, reason) = parse_geojson(text, &layer("point")).unwrap_err();
        assert_eq!(location, Location::Feature(0));
        assert!(reason.contains("line"), "{reason}");

        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[106.9,11.5]},"properties":{"id":"a"}}]}"#;
        let (_, reason) = parse_geojson(text, &layer("point")).unwrap_err();
        assert!(reason.contains("non-negative integer"), "{reason}");
    }

    #[test]
    fn refuses_duplicate_ids() {
        let f = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[106.9,11.5]},"properties":{"id":1}}"#;
        let text = format!(r#"{{"type":"FeatureCollection","features":[{f},{f}]}}"#);
        let (location, reason) = parse_geojson(&text, &layer("point")).unwrap_err();
        assert_eq!(location, Location::Feature(1));
        assert!(reason.contains("duplicate"));
    }
}
