//! What is under the pointer: candidates from a layer's R-tree of feature boxes, then the exact
//! test (distance to a point or a line, inside a polygon), all in tile units.

use super::vector_tile::{TileFeature, TileLayer};
use geo::{Contains, Coord, Geometry, LineString, Point, Polygon};
use rstar::AABB;

/// The feature of a layer nearest the point within `tolerance` (tile units); polygons count
/// when they contain the point. Returns the feature's index and its distance.
pub fn feature_at(
    layer: &TileLayer,
    x: f64,
    y: f64,
    tolerance: f64,
    accept: impl Fn(&TileFeature) -> bool,
) -> Option<(usize, f64)> {
    let envelope = AABB::from_corners(
        [x - tolerance, y - tolerance],
        [x + tolerance, y + tolerance],
    );
    let p = Coord { x, y };
    layer
        .index
        .locate_in_envelope_intersecting(&envelope)
        .filter_map(|entry| {
            let i = entry.data;
            let feature = &layer.features[i];
            if !accept(feature) {
                return None;
            }
            let d = distance(&feature.geometry, p);
            (d <= tolerance).then_some((i, d))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// Distance from a point to a geometry (0 inside a polygon).
pub fn distance(geometry: &Geometry<f64>, p: Coord<f64>) -> f64 {
    match geometry {
        Geometry::Point(q) => hypot(q.0, p),
        Geometry::MultiPoint(m) => m
            .iter()
            .map(|q| hypot(q.0, p))
            .fold(f64::INFINITY, f64::min),
        Geometry::LineString(l) => line_distance(l, p),
        Geometry::MultiLineString(m) => m
            .iter()
            .map(|l| line_distance(l, p))
            .fold(f64::INFINITY, f64::min),
        Geometry::Polygon(poly) => polygon_distance(poly, p),
        Geometry::MultiPolygon(m) => m
            .iter()
            .map(|poly| polygon_distance(poly, p))
            .fold(f64::INFINITY, f64::min),
        Geometry::GeometryCollection(c) => c
            .iter()
            .map(|g| distance(g, p))
            .fold(f64::INFINITY, f64::min),
        _ => f64::INFINITY,
    }
}

fn hypot(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

fn line_distance(line: &LineString<f64>, p: Coord<f64>) -> f64 {
    line.lines()
        .map(|seg| {
            let (a, b) = (seg.start, seg.end);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len2 = dx * dx + dy * dy;
            let t = if len2 == 0.0 {
                0.0
            } else {
                (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
            };
            hypot(
                Coord {
                    x: a.x + t * dx,
                    y: a.y + t * dy,
                },
                p,
            )
        })
        .fold(f64::INFINITY, f64::min)
}

fn polygon_distance(poly: &Polygon<f64>, p: Coord<f64>) -> f64 {
    if poly.contains(&Point(p)) {
        0.0
    } else {
        std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .map(|ring| line_distance(ring, p))
            .fold(f64::INFINITY, f64::min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::vector_tile::{decode, tests::sample_tile};

    #[test]
    fn nearest_point_within_tolerance() {
        let tile = decode(&sample_tile()).unwrap();
        let cameras = tile.layer("cameras").unwrap();
        let (i, d) = feature_at(cameras, 1010.0, 995.0, 40.0, |_| true).unwrap();
        assert_eq!(
            cameras.features[i].text("name").as_deref(),
            Some("Ngã tư Đồng Xoài")
        );
        assert!(d < 12.0);
        assert!(
            feature_at(cameras, 1100.0, 1100.0, 40.0, |_| true).is_none(),
            "too far"
        );
        assert!(
            feature_at(cameras, 1010.0, 995.0, 40.0, |f| f.id != Some(1)).is_none(),
            "filtered out"
        );
    }

    #[test]
    fn polygons_hit_inside_not_outside() {
        let tile = decode(&sample_tile()).unwrap();
        let zones = tile.layer("planning").unwrap();
        assert!(feature_at(zones, 1024.0, 1024.0, 5.0, |_| true).is_some());
        assert!(feature_at(zones, 3000.0, 3000.0, 5.0, |_| true).is_none());
        assert!(
            feature_at(zones, 2050.0, 1000.0, 5.0, |_| true).is_some(),
            "near the edge counts"
        );
    }

    #[test]
    fn distance_to_a_line_is_perpendicular() {
        let line = Geometry::LineString(LineString::from(vec![(0.0, 0.0), (100.0, 0.0)]));
        assert_eq!(distance(&line, Coord { x: 50.0, y: 7.0 }), 7.0);
        assert_eq!(distance(&line, Coord { x: 103.0, y: 4.0 }), 5.0);
    }
}
