//! Per-zoom grid cells of a clustered point layer — count, position sum and value counts of the
//! attributes whose dominant value clusters show — kept up to date on every insert and remove,
//! so a clustered tile reads its 64 cells instead of every point under it.

use super::feature::{Feature, Value};
use crate::config::{ClusterConfig, LayerConfig};
use crate::mercator::HALF_WORLD;
use geo::{Coord, Geometry};
use std::collections::HashMap;
use std::sync::Arc;

/// A cell of the world-aligned grid at one zoom: (column, row).
pub type CellId = (u64, u64);

/// What a cell holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub count: u32,
    /// Sums of the points' Web Mercator coordinates (their mean is the cluster's position).
    pub sum: Coord<f64>,
    /// Per dominant attribute: value → (count, the value).
    values: Vec<HashMap<Arc<str>, (u32, Value)>>,
}

impl Cell {
    /// The most frequent value of dominant attribute `i`; ties go to the value whose text sorts
    /// first, so tiles are stable.
    pub fn dominant(&self, i: usize) -> Option<&Value> {
        self.values
            .get(i)?
            .iter()
            .max_by(|(ka, (ca, _)), (kb, (cb, _))| ca.cmp(cb).then_with(|| kb.cmp(ka)))
            .map(|(_, (_, v))| v)
    }

    /// Mean position of the cell's points.
    pub fn centre(&self) -> Coord<f64> {
        self.sum / f64::from(self.count.max(1))
    }
}

/// The cells of every clustered zoom.
#[derive(Debug, Clone)]
pub struct ClusterIndex {
    min_zoom: u8,
    cells_per_tile: u64,
    /// Attribute positions of `ClusterConfig::dominant`.
    dominant: Vec<usize>,
    /// `zooms[z - min_zoom]`: the non-empty cells at zoom z.
    zooms: Vec<HashMap<CellId, Cell>>,
}

fn key(v: &Value) -> Arc<str> {
    match v {
        Value::String(s) => Arc::clone(s),
        Value::Int(i) => Arc::from(i.to_string()),
        Value::Float(f) => Arc::from(f.to_string()),
        Value::Bool(b) => Arc::from(b.to_string()),
    }
}

/// The point a clustered feature counts at.
pub fn representative_point(geometry: &Geometry<f64>) -> Option<Coord<f64>> {
    match geometry {
        Geometry::Point(p) => Some(p.0),
        Geometry::MultiPoint(mp) => mp.0.first().map(|p| p.0),
        _ => None,
    }
}

impl ClusterIndex {
    /// An empty index for the zooms `layer.min_zoom..cluster.below_zoom`.
    pub fn new(layer: &LayerConfig, cluster: &ClusterConfig) -> Self {
        let zooms = cluster.below_zoom.saturating_sub(layer.min_zoom) as usize;
        Self {
            min_zoom: layer.min_zoom,
            cells_per_tile: u64::from(512 / cluster.cell_px),
            dominant: cluster
                .dominant
                .iter()
                .filter_map(|d| layer.attributes.iter().position(|a| a == d))
                .collect(),
            zooms: vec![HashMap::new(); zooms],
        }
    }

    /// Width of a cell at zoom `z`, in metres.
    pub fn cell_span(&self, z: u8) -> f64 {
        2.0 * HALF_WORLD / ((1u64 << z) * self.cells_per_tile) as f64
    }

    /// Cells per tile side.
    pub fn cells_per_tile(&self) -> u64 {
        self.cells_per_tile
    }

    /// Counts a feature in (`add`) or out of (`!add`) its cell at every clustered zoom.
    pub fn update(&mut self, feature: &Feature, add: bool) {
        let Some(at) = representative_point(&feature.geometry) else {
            return;
        };
        for (i, z) in (self.min_zoom..).take(self.zooms.len()).enumerate() {
            let span = self.cell_span(z);
            let gx = ((at.x + HALF_WORLD) / span).floor().max(0.0) as u64;
            let gy = ((HALF_WORLD - at.y) / span).floor().max(0.0) as u64;
            let cells = &mut self.zooms[i];
            let cell = cells.entry((gx, gy)).or_insert_with(|| Cell {
                values: vec![HashMap::new(); self.dominant.len()],
                ..Cell::default()
            });
            if add {
                cell.count += 1;
                cell.sum = cell.sum + at;
            } else {
                cell.count = cell.count.saturating_sub(1);
                cell.sum = cell.sum - at;
            }
            for (slot, &attr) in self.dominant.iter().enumerate() {
                if let Some(v) = &feature.values[attr] {
                    let entry = cell.values[slot]
                        .entry(key(v))
                        .or_insert_with(|| (0, v.clone()));
                    if add {
                        entry.0 += 1;
                    } else {
                        entry.0 = entry.0.saturating_sub(1);
                        if entry.0 == 0 {
                            cell.values[slot].remove(&key(v));
                        }
                    }
                }
            }
            if cell.count == 0 {
                cells.remove(&(gx, gy));
            }
        }
    }

    /// The non-empty cells of tile `x`/`y` at zoom `z` (none when `z` is not clustered).
    pub fn cells_in_tile(&self, z: u8, x: u32, y: u32) -> impl Iterator<Item = (CellId, &Cell)> {
        let cells = z
            .checked_sub(self.min_zoom)
            .and_then(|i| self.zooms.get(i as usize));
        let n = self.cells_per_tile;
        let (x0, y0) = (u64::from(x) * n, u64::from(y) * n);
        cells.into_iter().flat_map(move |cells| {
            (y0..y0 + n).flat_map(move |gy| {
                (x0..x0 + n).filter_map(move |gx| cells.get(&(gx, gy)).map(|c| ((gx, gy), c)))
            })
        })
    }
}
