//! Clipping to an axis-aligned rectangle in tile coordinates: the buffered tile.
//!
//! Polygons use Sutherland–Hodgman (a ring stays one ring, running along the rectangle's edge
//! where it leaves it, as geojson-vt and tippecanoe do); lines are cut into the pieces that lie
//! inside with Liang–Barsky.

use geo::Coord;

/// A rectangle `[min, max]` on both axes, edges included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClipRect {
    pub min: f64,
    pub max: f64,
}

impl ClipRect {
    /// Whether `c` lies inside or on the edge.
    pub fn contains(&self, c: Coord<f64>) -> bool {
        (self.min..=self.max).contains(&c.x) && (self.min..=self.max).contains(&c.y)
    }
}

/// Clips an open ring (first point not repeated at the end) to `rect`.
/// Returns an empty ring when nothing is inside.
pub fn clip_ring(ring: &[Coord<f64>], rect: ClipRect) -> Vec<Coord<f64>> {
    if ring.iter().all(|c| rect.contains(*c)) {
        return ring.to_vec();
    }
    let mut out = ring.to_vec();
    for edge in [Edge::Left, Edge::Right, Edge::Top, Edge::Bottom] {
        if out.is_empty() {
            break;
        }
        out = clip_ring_to_edge(&out, edge, rect);
    }
    out
}

/// Clips a line to `rect`, returning the pieces inside (each with at least two points).
pub fn clip_line(line: &[Coord<f64>], rect: ClipRect) -> Vec<Vec<Coord<f64>>> {
    let mut pieces = Vec::new();
    let mut current: Vec<Coord<f64>> = Vec::new();
    for pair in line.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        match clip_segment(a, b, rect) {
            Some((p, q)) => {
                if current.last() != Some(&p) {
                    if current.len() >= 2 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(p);
                }
                current.push(q);
                if q != b {
                    // The segment leaves the rectangle: the piece ends here.
                    pieces.push(std::mem::take(&mut current));
                }
            }
            None => {
                if current.len() >= 2 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

#[derive(Clone, Copy)]
enum Edge {
    Left,
    Right,
    Top,
    Bottom,
}

impl Edge {
    fn inside(self, c: Coord<f64>, rect: ClipRect) -> bool {
        match self {
            Edge::Left => c.x >= rect.min,
            Edge::Right => c.x <= rect.max,
            Edge::Top => c.y >= rect.min,
            Edge::Bottom => c.y <= rect.max,
        }
    }

    /// Where segment `a`–`b` crosses this edge's line.
    fn intersect(self, a: Coord<f64>, b: Coord<f64>, rect: ClipRect) -> Coord<f64> {
        let at_x = |x: f64| {
            let t = (x - a.x) / (b.x - a.x);
            Coord {
                x,
                y: a.y + t * (b.y - a.y),
            }
        };
        let at_y = |y: f64| {
            let t = (y - a.y) / (b.y - a.y);
            Coord {
                x: a.x + t * (b.x - a.x),
                y,
            }
        };
        match self {
            Edge::Left => at_x(rect.min),
            Edge::Right => at_x(rect.max),
            Edge::Top => at_y(rect.min),
            Edge::Bottom => at_y(rect.max),
        }
    }
}

fn clip_ring_to_edge(ring: &[Coord<f64>], edge: Edge, rect: ClipRect) -> Vec<Coord<f64>> {
    let mut out = Vec::with_capacity(ring.len() + 4);
    let mut prev = ring[ring.len() - 1];
    let mut prev_inside = edge.inside(prev, rect);
    for &cur in ring {
        let cur_inside = edge.inside(cur, rect);
        if cur_inside {
            if !prev_inside {
                out.push(edge.intersect(prev, cur, rect));
            }
            out.push(cur);
        } else if prev_inside {
            out.push(edge.intersect(prev, cur, rect));
        }
        prev = cur;
        prev_inside = cur_inside;
    }
    out
}

/// Liang–Barsky: the part of segment `a`–`b` inside `rect`.
fn clip_segment(a: Coord<f64>, b: Coord<f64>, rect: ClipRect) -> Option<(Coord<f64>, Coord<f64>)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [
        (-dx, a.x - rect.min),
        (dx, rect.max - a.x),
        (-dy, a.y - rect.min),
        (dy, rect.max - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            Coord {
                x: a.x + t * dx,
                y: a.y + t * dy,
            }
        }
    };
    Some((at(t0), at(t1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECT: ClipRect = ClipRect {
        min: 0.0,
        max: 10.0,
    };

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn ring_inside_is_untouched() {
        let ring = vec![c(1.0, 1.0), c(9.0, 1.0), c(9.0, 9.0)];
        assert_eq!(clip_ring(&ring, RECT), ring);
    }

    #[test]
    fn ring_crossing_the_edge_is_cut_at_it() {
        // A square from x=-5 to 5 loses its left half.
        let ring = vec![c(-5.0, 2.0), c(5.0, 2.0), c(5.0, 8.0), c(-5.0, 8.0)];
        let clipped = clip_ring(&ring, RECT);
        assert!(clipped.iter().all(|p| RECT.contains(*p)));
        let xs: Vec<f64> = clipped.iter().map(|p| p.x).collect();
        assert!(xs.contains(&0.0) && xs.contains(&5.0));
        assert_eq!(
            geo::Polygon::new(clipped.into(), vec![]).unsigned_area_check(),
            30.0
        );
    }

    #[test]
    fn ring_covering_the_rect_becomes_the_rect() {
        let ring = vec![
            c(-50.0, -50.0),
            c(50.0, -50.0),
            c(50.0, 50.0),
            c(-50.0, 50.0),
        ];
        let clipped = clip_ring(&ring, RECT);
        assert_eq!(
            geo::Polygon::new(clipped.into(), vec![]).unsigned_area_check(),
            100.0
        );
    }

    #[test]
    fn ring_outside_vanishes() {
        let ring = vec![c(20.0, 20.0), c(30.0, 20.0), c(30.0, 30.0)];
        assert!(clip_ring(&ring, RECT).is_empty());
    }

    #[test]
    fn line_leaving_and_reentering_gives_two_pieces() {
        let line = vec![c(2.0, 5.0), c(15.0, 5.0), c(15.0, 7.0), c(2.0, 7.0)];
        let pieces = clip_line(&line, RECT);
        assert_eq!(
            pieces,
            vec![
                vec![c(2.0, 5.0), c(10.0, 5.0)],
                vec![c(10.0, 7.0), c(2.0, 7.0)]
            ]
        );
    }

    #[test]
    fn line_through_the_rect_is_cut_at_both_edges() {
        let pieces = clip_line(&[c(-5.0, 5.0), c(15.0, 5.0)], RECT);
        assert_eq!(pieces, vec![vec![c(0.0, 5.0), c(10.0, 5.0)]]);
    }

    #[test]
    fn line_on_the_edge_is_kept() {
        let pieces = clip_line(&[c(0.0, 2.0), c(0.0, 8.0)], RECT);
        assert_eq!(pieces, vec![vec![c(0.0, 2.0), c(0.0, 8.0)]]);
    }

    trait AreaCheck {
        fn unsigned_area_check(&self) -> f64;
    }
    impl AreaCheck for geo::Polygon<f64> {
        fn unsigned_area_check(&self) -> f64 {
            use geo::Area;
            self.unsigned_area()
        }
    }
}
