//! A feature's geometry cut for one tile: transformed to tile coordinates, clipped to the
//! buffered tile, simplified, quantized and oriented; None when nothing visible remains.

use super::clip::{ClipRect, clip_line, clip_ring};
use super::quantize::{TilePoint, orient, quantize, quantize_ring, signed_area2};
use super::tile_id::{MercatorBounds, TileId};
use crate::config::TileSettings;
use geo::{Coord, Geometry, LineString, Simplify};

/// Geometry in integer tile coordinates, ready to encode.
#[derive(Debug, Clone, PartialEq)]
pub enum TileShape {
    Points(Vec<TilePoint>),
    Lines(Vec<Vec<TilePoint>>),
    /// Each polygon is its exterior ring followed by its holes, oriented per MVT 2.1.
    Polygons(Vec<Vec<Vec<TilePoint>>>),
}

/// The affine map from Web Mercator metres to one tile's coordinates (Y down).
#[derive(Debug, Clone, Copy)]
pub struct TileTransform {
    bounds: MercatorBounds,
    scale: f64,
}

impl TileTransform {
    pub fn new(tile: TileId, extent: u32) -> Self {
        Self {
            bounds: tile.bounds(),
            scale: f64::from(extent) / tile.span(),
        }
    }

    /// Tile coordinates of a Web Mercator point.
    pub fn apply(&self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (c.x - self.bounds.min_x) * self.scale,
            y: (self.bounds.max_y - c.y) * self.scale,
        }
    }

    fn line(&self, line: &LineString<f64>) -> Vec<Coord<f64>> {
        line.0.iter().map(|c| self.apply(*c)).collect()
    }
}

/// Cuts `geometry` (Web Mercator) for the tile of `transform`.
pub fn cut(
    geometry: &Geometry<f64>,
    transform: &TileTransform,
    settings: &TileSettings,
) -> Option<TileShape> {
    let rect = clip_rect(settings);
    match geometry {
        Geometry::Point(p) => points([p.0].into_iter(), transform, rect),
        Geometry::MultiPoint(mp) => points(mp.iter().map(|p| p.0), transform, rect),
        Geometry::LineString(l) => lines(std::slice::from_ref(l), transform, rect, settings),
        Geometry::MultiLineString(ml) => lines(&ml.0, transform, rect, settings),
        Geometry::Line(l) => lines(&[LineString::from(*l)], transform, rect, settings),
        Geometry::Polygon(p) => polygons(std::slice::from_ref(p), transform, rect, settings),
        Geometry::MultiPolygon(mp) => polygons(&mp.0, transform, rect, settings),
        Geometry::Rect(r) => polygons(&[r.to_polygon()], transform, rect, settings),
        Geometry::Triangle(t) => polygons(&[t.to_polygon()], transform, rect, settings),
        Geometry::GeometryCollection(_) => None,
    }
}

fn points(
    coords: impl Iterator<Item = Coord<f64>>,
    transform: &TileTransform,
    rect: ClipRect,
) -> Option<TileShape> {
    let mut out: Vec<TilePoint> = Vec::new();
    for c in coords {
        if let Some(p) = point_in_tile(c, transform, rect)
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    (!out.is_empty()).then_some(TileShape::Points(out))
}

/// A Web Mercator point's integer tile coordinates, if within the buffered tile.
pub fn point_in_tile(
    c: Coord<f64>,
    transform: &TileTransform,
    rect: ClipRect,
) -> Option<TilePoint> {
    let t = transform.apply(c);
    // Round first: a point on the buffer's edge must not fall out through a rounding error.
    let rounded = Coord {
        x: t.x.round(),
        y: t.y.round(),
    };
    rect.contains(rounded)
        .then_some([rounded.x as i32, rounded.y as i32])
}

/// The buffered tile's clipping square for `settings`.
pub fn clip_rect(settings: &TileSettings) -> ClipRect {
    let buffer = f64::from(settings.buffer);
    ClipRect {
        min: -buffer,
        max: f64::from(settings.extent) + buffer,
    }
}

fn simplify(points: Vec<Coord<f64>>, tolerance: f64) -> Vec<Coord<f64>> {
    if tolerance <= 0.0 || points.len() <= 2 {
        return points;
    }
    LineString::from(points).simplify(tolerance).0
}

fn lines(
    lines: &[LineString<f64>],
    transform: &TileTransform,
    rect: ClipRect,
    settings: &TileSettings,
) -> Option<TileShape> {
    let out: Vec<Vec<TilePoint>> = lines
        .iter()
        .flat_map(|l| clip_line(&transform.line(l), rect))
        .map(|piece| quantize(&simplify(piece, settings.simplify)))
        .filter(|piece| piece.len() >= 2)
        .collect();
    (!out.is_empty()).then_some(TileShape::Lines(out))
}

/// Clips, simplifies and quantizes one ring; None if it vanishes or is too small to see.
fn ring(
    line: &LineString<f64>,
    transform: &TileTransform,
    rect: ClipRect,
    settings: &TileSettings,
    exterior: bool,
) -> Option<Vec<TilePoint>> {
    let mut open = transform.line(line);
    if open.len() > 1 && open.first() == open.last() {
        open.pop();
    }
    let mut clipped = clip_ring(&open, rect);
    if clipped.len() < 3 {
        return None;
    }
    // Simplify as a closed line so the start point is kept fixed.
    clipped.push(clipped[0]);
    let mut ring = quantize_ring(&simplify(clipped, settings.simplify))?;
    let area2 = signed_area2(&ring).abs();
    if area2 == 0 || (area2 as f64) < 2.0 * settings.min_ring_area {
        return None;
    }
    orient(&mut ring, exterior);
    Some(ring)
}

fn polygons(
    polygons: &[geo::Polygon<f64>],
    transform: &TileTransform,
    rect: ClipRect,
    settings: &TileSettings,
) -> Option<TileShape> {
    let out: Vec<Vec<Vec<TilePoint>>> = polygons
        .iter()
        .filter_map(|p| {
            let exterior = ring(p.exterior(), transform, rect, settings, true)?;
            let mut rings = vec![exterior];
            rings.extend(
                p.interiors()
                    .iter()
                    .filter_map(|h| ring(h, transform, rect, settings, false)),
            );
            Some(rings)
        })
        .collect();
    (!out.is_empty()).then_some(TileShape::Polygons(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, polygon};

    fn settings() -> TileSettings {
        TileSettings {
            simplify: 0.0,
            min_ring_area: 0.0,
            ..TileSettings::default()
        }
    }

    /// The Web Mercator point at tile coordinates (tx, ty) of `tile`.
    fn at(tile: TileId, tx: f64, ty: f64) -> Coord<f64> {
        let b = tile.bounds();
        let s = tile.span() / 4096.0;
        Coord {
            x: b.min_x + tx * s,
            y: b.max_y - ty * s,
        }
    }

    #[test]
    fn point_lands_at_its_tile_coordinates() {
        let tile = TileId::new(10, 500, 400).unwrap();
        let t = TileTransform::new(tile, 4096);
        let shape = cut(&Point(at(tile, 100.0, 4000.0)).into(), &t, &settings()).unwrap();
        assert_eq!(shape, TileShape::Points(vec![[100, 4000]]));
    }

    #[test]
    fn point_in_the_buffer_is_kept_and_beyond_it_dropped() {
        let tile = TileId::new(10, 500, 400).unwrap();
        let t = TileTransform::new(tile, 4096);
        assert!(cut(&Point(at(tile, -64.0, 10.0)).into(), &t, &settings()).is_some());
        assert!(cut(&Point(at(tile, -65.0, 10.0)).into(), &t, &settings()).is_none());
        assert!(
            cut(
                &Point(at(tile, 4096.0 + 64.0, 10.0)).into(),
                &t,
                &settings()
            )
            .is_some()
        );
    }

    #[test]
    fn polygon_with_hole_crossing_an_edge() {
        let tile = TileId::new(12, 3000, 1800).unwrap();
        let t = TileTransform::new(tile, 4096);
        let p = |x, y| at(tile, x, y);
        // Exterior runs from x=-1000 to 2000; the hole sits inside the tile.
        let poly = geo::Polygon::new(
            vec![
                p(-1000.0, 100.0),
                p(2000.0, 100.0),
                p(2000.0, 900.0),
                p(-1000.0, 900.0),
                p(-1000.0, 100.0),
            ]
            .into(),
            vec![
                vec![
                    p(500.0, 300.0),
                    p(800.0, 300.0),
                    p(800.0, 600.0),
                    p(500.0, 600.0),
                    p(500.0, 300.0),
                ]
                .into(),
            ],
        );
        let TileShape::Polygons(polys) = cut(&poly.into(), &t, &settings()).unwrap() else {
            panic!("expected polygons")
        };
        assert_eq!(polys.len(), 1);
        let [exterior, hole] = &polys[0][..] else {
            panic!("expected exterior + hole")
        };
        assert!(signed_area2(exterior) > 0, "exterior clockwise (Y down)");
        assert!(signed_area2(hole) < 0, "hole counter-clockwise");
        assert!(
            exterior.iter().all(|p| p[0] >= -64),
            "clipped at the buffer: {exterior:?}"
        );
        assert_eq!(signed_area2(exterior), 2 * (2000 + 64) * 800);
    }

    #[test]
    fn hole_is_dropped_with_its_exterior_and_tiny_rings_vanish() {
        let tile = TileId::new(12, 3000, 1800).unwrap();
        let t = TileTransform::new(tile, 4096);
        let p = |x, y| at(tile, x, y);
        let far = polygon![p(9000.0, 9000.0), p(9100.0, 9000.0), p(9100.0, 9100.0)];
        assert!(cut(&far.into(), &t, &settings()).is_none());
        let tiny = polygon![p(10.0, 10.0), p(10.3, 10.0), p(10.3, 10.3)];
        assert!(cut(&tiny.into(), &t, &settings()).is_none());
    }

    #[test]
    fn line_crossing_the_tile_is_clipped_to_the_buffer() {
        let tile = TileId::new(14, 13000, 7000).unwrap();
        let t = TileTransform::new(tile, 4096);
        let line = LineString::from(vec![at(tile, -5000.0, 2048.0), at(tile, 9000.0, 2048.0)]);
        let shape = cut(&line.into(), &t, &settings()).unwrap();
        assert_eq!(
            shape,
            TileShape::Lines(vec![vec![[-64, 2048], [4160, 2048]]])
        );
    }

    #[test]
    fn feature_exactly_on_the_tile_edge_is_in_both_tiles() {
        let left = TileId::new(15, 26000, 15000).unwrap();
        let right = TileId::new(15, 26001, 15000).unwrap();
        let edge = at(right, 0.0, 2000.0);
        let a = cut(
            &Point(edge).into(),
            &TileTransform::new(left, 4096),
            &settings(),
        );
        let b = cut(
            &Point(edge).into(),
            &TileTransform::new(right, 4096),
            &settings(),
        );
        assert_eq!(a, Some(TileShape::Points(vec![[4096, 2000]])));
        assert_eq!(b, Some(TileShape::Points(vec![[0, 2000]])));
    }
}
