//! Polygon validity: rings that cross themselves or each other, rings with too few points, and
//! repeated points. Invalid polygons are repaired with `geo`'s `MakeValid` (the constrained
//! triangulation method of Ledoux, Arroyo Ohori and Meijers, 2014, as in `prepair`); the
//! self-intersection test indexes segments in an R-tree, so large polygons stay fast.

use geo::{Geometry, LineIntersection, MakeValid, MultiPolygon, Polygon, RemoveRepeatedPoints};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// What [`repair_geometry`] made of a geometry.
#[derive(Debug)]
pub enum Repair {
    /// Valid as it was (repeated points removed).
    Valid(Geometry<f64>),
    /// Invalid, and repaired.
    Repaired {
        geometry: Geometry<f64>,
        /// What was wrong.
        problem: String,
    },
    /// Invalid beyond repair: the reason.
    Unrepairable(String),
}

/// Checks a polygon (or multipolygon) and repairs it when invalid; other kinds pass as they are.
pub fn repair_geometry(geometry: Geometry<f64>) -> Repair {
    let polygons = match geometry {
        Geometry::Polygon(p) => MultiPolygon(vec![p]),
        Geometry::MultiPolygon(m) => m,
        Geometry::Rect(r) => MultiPolygon(vec![r.to_polygon()]),
        Geometry::Triangle(t) => MultiPolygon(vec![t.to_polygon()]),
        other => return Repair::Valid(other),
    };
    let single = polygons.0.len() == 1;
    let polygons = polygons.remove_repeated_points();
    let problem = polygons
        .0
        .iter()
        .enumerate()
        .find_map(|(i, p)| polygon_problem(p).map(|e| (i, e)));
    let as_geometry = |m: MultiPolygon<f64>| {
        if m.0.len() == 1 {
            Geometry::Polygon(m.0.into_iter().next().expect("one polygon"))
        } else {
            Geometry::MultiPolygon(m)
        }
    };
    let Some((part, problem)) = problem else {
        return Repair::Valid(if single {
            as_geometry(polygons)
        } else {
            Geometry::MultiPolygon(polygons)
        });
    };
    let problem = if single {
        problem
    } else {
        format!("part {part}: {problem}")
    };
    match polygons.make_valid() {
        Ok(repaired) if !repaired.0.is_empty() => Repair::Repaired {
            geometry: as_geometry(repaired),
            problem,
        },
        Ok(_) => Repair::Unrepairable(format!("{problem}, and nothing of it has an area")),
        Err(e) => Repair::Unrepairable(format!("{problem}, and it cannot be repaired: {e}")),
    }
}

/// The first thing wrong with a polygon, if any.
fn polygon_problem(polygon: &Polygon<f64>) -> Option<String> {
    let rings: Vec<_> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .collect();
    for (i, ring) in rings.iter().enumerate() {
        let name = ring_name(i);
        if ring.0.len() < 4 {
            return Some(format!("the {name} has fewer than 3 distinct points"));
        }
        if ring.0.first() != ring.0.last() {
            return Some(format!("the {name} is not closed"));
        }
    }
    crossing(&rings).map(|(a, b, at)| {
        if a == b {
            format!(
                "the {} crosses itself near ({:.6}, {:.6})",
                ring_name(a),
                at.x,
                at.y
            )
        } else {
            format!(
                "the {} and the {} cross near ({:.6}, {:.6})",
                ring_name(a),
                ring_name(b),
                at.x,
                at.y
            )
        }
    })
}

fn ring_name(i: usize) -> String {
    if i == 0 {
        "outer ring".into()
    } else {
        format!("hole {i}")
    }
}

type Segment = GeomWithData<Rectangle<[f64; 2]>, (usize, usize)>;

/// Two rings (or one ring with itself) crossing: their indexes and a point of the crossing.
/// Consecutive segments of a ring sharing their common end are not a crossing.
fn crossing(rings: &[&geo::LineString<f64>]) -> Option<(usize, usize, geo::Coord<f64>)> {
    let segments: Vec<Segment> = rings
        .iter()
        .enumerate()
        .flat_map(|(r, ring)| {
            ring.lines().enumerate().map(move |(i, l)| {
                GeomWithData::new(
                    Rectangle::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]),
                    (r, i),
                )
            })
        })
        .collect();
    let line = |(r, i): (usize, usize)| {
        let ring = rings[r];
        geo::Line::new(ring.0[i], ring.0[i + 1])
    };
    let tree = RTree::bulk_load(segments.clone());
    for s in &segments {
        let (r, i) = s.data;
        let a = line(s.data);
        let envelope = AABB::from_corners(s.geom().lower(), s.geom().upper());
        for other in tree.locate_in_envelope_intersecting(&envelope) {
            let (r2, j) = other.data;
            if (r2, j) <= (r, i) {
                continue;
            }
            let b = line(other.data);
            let Some(hit) = geo::line_intersection::line_intersection(a, b) else {
                continue;
            };
            let segments_in_ring = rings[r].0.len() - 1;
            let neighbours = r == r2 && (j == i + 1 || (i == 0 && j == segments_in_ring - 1));
            match hit {
                LineIntersection::SinglePoint { intersection, .. } => {
                    let shared_end = intersection == a.start || intersection == a.end;
                    if neighbours && shared_end {
                        continue;
                    }
                    // Rings of a polygon may touch at a single vertex.
                    if r != r2 && shared_end && (intersection == b.start || intersection == b.end) {
                        continue;
                    }
                    return Some((r, r2, intersection));
                }
                LineIntersection::Collinear { intersection } => {
                    return Some((r, r2, intersection.start));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, polygon};

    #[test]
    fn valid_polygons_pass_unchanged() {
        let square = polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)];
        let with_hole = geo::Polygon::new(
            square.exterior().clone(),
            vec![geo::LineString::from(vec![
                (2., 2.),
                (4., 2.),
                (4., 4.),
                (2., 4.),
                (2., 2.),
            ])],
        );
        for p in [square, with_hole] {
            assert!(matches!(repair_geometry(p.into()), Repair::Valid(_)));
        }
    }

    #[test]
    fn a_bowtie_is_repaired_into_two_triangles_of_the_same_area() {
        let bowtie = polygon![(x: 0., y: 0.), (x: 10., y: 10.), (x: 10., y: 0.), (x: 0., y: 10.)];
        let Repair::Repaired { geometry, problem } = repair_geometry(bowtie.into()) else {
            panic!("a bowtie is invalid")
        };
        assert!(problem.contains("crosses itself near (5.0"), "{problem}");
        let Geometry::MultiPolygon(m) = geometry else {
            panic!("two parts expected")
        };
        assert_eq!(m.0.len(), 2);
        assert!((m.unsigned_area() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn a_hole_crossing_the_outer_ring_is_found() {
        let p = geo::Polygon::new(
            geo::LineString::from(vec![(0., 0.), (10., 0.), (10., 10.), (0., 10.), (0., 0.)]),
            vec![geo::LineString::from(vec![
                (8., 2.),
                (12., 2.),
                (12., 4.),
                (8., 4.),
                (8., 2.),
            ])],
        );
        let Repair::Repaired { problem, .. } = repair_geometry(p.into()) else {
            panic!("invalid")
        };
        assert!(problem.contains("hole 1"), "{problem}");
    }

    #[test]
    fn a_polygon_without_area_is_unrepairable() {
        let flat = polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 5., y: 0.)];
        assert!(matches!(
            repair_geometry(flat.into()),
            Repair::Unrepairable(_)
        ));
    }

    #[test]
    fn a_large_valid_polygon_with_200k_vertices_is_valid() {
        // 200,000 vertices on a circle: the segment R-tree keeps this check near n log n.
        let n = 200_000;
        let ring: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let a = std::f64::consts::TAU * (i % n) as f64 / n as f64;
                (a.cos() * 1000.0, a.sin() * 1000.0)
            })
            .collect();
        let p = geo::Polygon::new(geo::LineString::from(ring), vec![]);
        assert!(matches!(repair_geometry(p.into()), Repair::Valid(_)));
    }
}
