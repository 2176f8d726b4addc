//! Rounding to integer tile coordinates, and the ring rules of MVT 2.1 (section 4.3.4.4):
//! exterior rings have positive surveyor's-formula area in tile coordinates (clockwise with Y
//! down), interior rings negative, and no ring repeats a point.

use geo::Coord;

/// A point in integer tile coordinates.
pub type TilePoint = [i32; 2];

/// Rounds points, dropping consecutive repeats.
pub fn quantize(points: &[Coord<f64>]) -> Vec<TilePoint> {
    let mut out: Vec<TilePoint> = Vec::with_capacity(points.len());
    for c in points {
        let p = [c.x.round() as i32, c.y.round() as i32];
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// Rounds an open ring; drops repeats (including a last point equal to the first), removes
/// spikes that fold back on themselves and returns None when less than a triangle remains.
pub fn quantize_ring(points: &[Coord<f64>]) -> Option<Vec<TilePoint>> {
    let mut ring = quantize(points);
    while ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    remove_spikes(&mut ring);
    (ring.len() >= 3).then_some(ring)
}

/// Twice the signed area by the surveyor's formula; positive for a clockwise ring with Y down.
pub fn signed_area2(ring: &[TilePoint]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let [x1, y1] = ring[i];
            let [x2, y2] = ring[(i + 1) % n];
            i64::from(x1) * i64::from(y2) - i64::from(x2) * i64::from(y1)
        })
        .sum()
}

/// Makes the ring's orientation match its role: exterior positive, interior negative.
pub fn orient(ring: &mut [TilePoint], exterior: bool) {
    let area = signed_area2(ring);
    if (exterior && area < 0) || (!exterior && area > 0) {
        ring.reverse();
    }
}

/// Removes vertices where the ring goes straight back the way it came (`a → b → a`).
fn remove_spikes(ring: &mut Vec<TilePoint>) {
    let mut changed = true;
    while changed && ring.len() >= 3 {
        changed = false;
        let n = ring.len();
        for i in 0..n {
            let prev = ring[(i + n - 1) % n];
            let next = ring[(i + 1) % n];
            if prev == next {
                // Drop the spike tip and one copy of the repeated base point.
                let tip = i;
                let base = (i + 1) % n;
                let (first, second) = if tip > base { (tip, base) } else { (base, tip) };
                ring.remove(first);
                ring.remove(second);
                changed = true;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn rounds_and_drops_repeats() {
        let q = quantize(&[c(0.2, 0.2), c(0.4, -0.3), c(1.6, 0.0)]);
        assert_eq!(q, vec![[0, 0], [2, 0]]);
    }

    #[test]
    fn collapsed_ring_is_dropped() {
        assert_eq!(
            quantize_ring(&[c(0.1, 0.1), c(0.2, 0.3), c(0.4, 0.1)]),
            None
        );
    }

    #[test]
    fn closing_point_is_removed() {
        let r = quantize_ring(&[c(0.0, 0.0), c(10.0, 0.0), c(10.0, 10.0), c(0.0, 0.0)]).unwrap();
        assert_eq!(r, vec![[0, 0], [10, 0], [10, 10]]);
    }

    #[test]
    fn spikes_are_removed() {
        let r = quantize_ring(&[
            c(0.0, 0.0),
            c(10.0, 0.0),
            c(20.0, 0.0),
            c(10.0, 0.0),
            c(10.0, 10.0),
        ])
        .unwrap();
        assert_eq!(r, vec![[0, 0], [10, 0], [10, 10]]);
    }

    #[test]
    fn orientation_follows_the_spec() {
        // With Y down, (0,0) → (10,0) → (10,10) turns clockwise on screen.
        let mut ring = vec![[0, 0], [0, 10], [10, 10], [10, 0]];
        orient(&mut ring, true);
        assert!(signed_area2(&ring) > 0);
        assert_eq!(ring, vec![[10, 0], [10, 10], [0, 10], [0, 0]]);
        orient(&mut ring, false);
        assert!(signed_area2(&ring) < 0);
    }
}
