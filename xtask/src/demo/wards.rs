//! Ward and commune boundaries: a jittered 6×5 lattice over the city, each cell given to one of
//! the 8 units (6 wards, 2 communes) as laid out in `LAYOUT`. Units share exact edges, so the
//! layer covers the city with no gap or overlap. Approximate by construction.

use super::output::{OutFeature, SOURCE};
use geo::{Contains, Coord, LineString, Point, Polygon};
use rand::Rng;
use serde_json::json;
use std::collections::HashMap;

/// City bounds: west, south, east, north (degrees).
pub const BOUNDS: [f64; 4] = [106.835, 11.475, 106.965, 11.595];
const COLS: usize = 6;
const ROWS: usize = 5;

/// (name, kind) of each unit; `LAYOUT` refers to them by index.
const UNITS: [(&str, &str); 8] = [
    ("Tiến Hưng", "xã"),
    ("Tân Thành", "xã"),
    ("Tân Xuân", "phường"),
    ("Tân Đồng", "phường"),
    ("Tân Bình", "phường"),
    ("Tân Phú", "phường"),
    ("Tân Thiện", "phường"),
    ("Tiến Thành", "phường"),
];

/// Unit index of each lattice cell, north row first.
const LAYOUT: [[usize; COLS]; ROWS] = [
    [0, 0, 1, 1, 1, 1],
    [0, 2, 2, 3, 3, 1],
    [0, 4, 5, 5, 3, 1],
    [0, 4, 6, 6, 3, 1],
    [0, 7, 7, 6, 1, 1],
];

/// One ward or commune.
pub struct Ward {
    pub id: u32,
    pub name: &'static str,
    pub kind: &'static str,
    pub polygon: Polygon<f64>,
}

impl Ward {
    pub fn to_feature(&self) -> OutFeature {
        let properties = json!({
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "full_name": format!("{} {}", capitalize(self.kind), self.name),
            "position": "approximate",
            "source": SOURCE,
        });
        OutFeature {
            geometry: self.polygon.clone().into(),
            properties: properties.as_object().cloned().unwrap_or_default(),
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Generates the 8 units.
pub fn generate(rng: &mut impl Rng) -> Vec<Ward> {
    let [w, s, e, n] = BOUNDS;
    let (dx, dy) = ((e - w) / COLS as f64, (n - s) / ROWS as f64);
    // Lattice vertex (col, row); row 0 is the north edge. Interior vertices move freely, edge
    // vertices only outwards/inwards across the city edge, corners stay.
    let mut vertex = HashMap::new();
    for row in 0..=ROWS {
        for col in 0..=COLS {
            let edge_x = col == 0 || col == COLS;
            let edge_y = row == 0 || row == ROWS;
            let jx = if edge_x {
                0.0
            } else {
                rng.random_range(-0.22..0.22) * dx
            };
            let jy = if edge_y {
                0.0
            } else {
                rng.random_range(-0.22..0.22) * dy
            };
            vertex.insert(
                (col, row),
                Coord {
                    x: w + col as f64 * dx + jx,
                    y: n - row as f64 * dy + jy,
                },
            );
        }
    }
    UNITS
        .iter()
        .enumerate()
        .map(|(unit, &(name, kind))| Ward {
            id: unit as u32 + 1,
            name,
            kind,
            polygon: Polygon::new(outline(unit, &vertex), vec![]),
        })
        .collect()
}

/// The outer boundary of a unit's cells: each cell's edges, run counter-clockwise, minus the
/// edges two of its cells share, chained into one ring.
fn outline(unit: usize, vertex: &HashMap<(usize, usize), Coord<f64>>) -> LineString<f64> {
    let mut edges: Vec<((usize, usize), (usize, usize))> = Vec::new();
    for (row, cols) in LAYOUT.iter().enumerate() {
        for (col, &u) in cols.iter().enumerate() {
            if u != unit {
                continue;
            }
            // Counter-clockwise on the map (north up): SW → SE → NE → NW.
            let corners = [
                (col, row + 1),
                (col + 1, row + 1),
                (col + 1, row),
                (col, row),
            ];
            for i in 0..4 {
                let edge = (corners[i], corners[(i + 1) % 4]);
                if let Some(pos) = edges.iter().position(|&(a, b)| (b, a) == edge) {
                    edges.swap_remove(pos);
                } else {
                    edges.push(edge);
                }
            }
        }
    }
    let next: HashMap<_, _> = edges.iter().copied().collect();
    let start = edges
        .iter()
        .map(|e| e.0)
        .min()
        .expect("every unit has cells");
    let mut ring = vec![vertex[&start]];
    let mut at = next[&start];
    while at != start {
        ring.push(vertex[&at]);
        at = next[&at];
    }
    ring.push(vertex[&start]);
    LineString::new(ring)
}

/// Name of the unit containing a point, if any.
pub fn ward_at(wards: &[Ward], lon: f64, lat: f64) -> Option<&'static str> {
    let p = Point::new(lon, lat);
    wards
        .iter()
        .find(|w| w.polygon.contains(&p))
        .map(|w| w.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;
    use rand::SeedableRng;

    #[test]
    fn units_tile_the_city_exactly() {
        let wards = generate(&mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
        assert_eq!(wards.len(), 8);
        let [w, s, e, n] = BOUNDS;
        let total: f64 = wards.iter().map(|w| w.polygon.unsigned_area()).sum();
        assert!((total - (e - w) * (n - s)).abs() < 1e-9, "{total}");
        assert_eq!(wards.iter().filter(|w| w.kind == "xã").count(), 2);
    }
}
