//! Per-zoom grid cells of a clustered point layer — count, position sum and value counts of the
//! attributes whose dominant value clusters show — kept up to date on every insert and remove,
//! so a clustered tile reads its 64 cells instead of every point under it.

use super::feature::{Feature, Value};
use crate::config::{ClusterConfig, LayerConfig};
use crate::mercator::HALF_WORLD;
use geo::{Coord, Geometry};
use rustc_hash::FxHashMap;

/// A cell of the world-aligned grid at one zoom: (column, row).
pub type CellId = (u64, u64);

/// What a cell holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub count: u32,
    /// Sums of the points' Web Mercator coordinates (their mean is the cluster's position).
    pub sum: Coord<f64>,
    /// How many of the cell's points have each value of each dominant attribute. A cell holds
    /// few distinct values, so a short list (no map per cell) keeps a million points' cells small.
    values: Vec<ValueCount>,
}

/// One value of one dominant attribute in a cell, and how many points have it.
#[derive(Debug, Clone, PartialEq)]
struct ValueCount {
    slot: u8,
    count: u32,
    value: Value,
}

impl Cell {
    /// Adds `n` points with `value` for dominant attribute `slot` (or removes them).
    fn count_value(&mut self, slot: u8, value: &Value, n: u32, add: bool) {
        let found = self
            .values
            .iter()
            .position(|e| e.slot == slot && e.value == *value);
        match (found, add) {
            (Some(i), true) => self.values[i].count += n,
            (Some(i), false) => {
                let e = &mut self.values[i];
                e.count = e.count.saturating_sub(n);
                if e.count == 0 {
                    self.values.swap_remove(i);
                }
            }
            (None, true) => self.values.push(ValueCount {
                slot,
                count: n,
                value: value.clone(),
            }),
            (None, false) => {}
        }
    }
}

impl Cell {
    /// The most frequent value of dominant attribute `i`; ties go to the value whose text sorts
    /// first, so tiles are stable.
    pub fn dominant(&self, i: usize) -> Option<&Value> {
        self.values
            .iter()
            .filter(|e| usize::from(e.slot) == i)
            .max_by(|a, b| {
                a.count
                    .cmp(&b.count)
                    .then_with(|| b.value.to_text().cmp(&a.value.to_text()))
            })
            .map(|e| &e.value)
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
    zooms: Vec<FxHashMap<CellId, Cell>>,
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
            zooms: vec![FxHashMap::default(); zooms],
        }
    }

    /// Width of a cell at zoom `z`, in metres.
    pub fn cell_span(&self, z: u8) -> f64 {
        2.0 * HALF_WORLD / ((1u64 << z) * self.cells_per_tile) as f64
    }

    /// Builds the index for many features at once: points go into the deepest zoom's cells,
    /// and each shallower zoom merges the four child cells of each of its cells (the grid halves
    /// exactly), which is far cheaper than placing every point at every zoom.
    pub fn build<'a>(
        layer: &LayerConfig,
        cluster: &ClusterConfig,
        features: impl Iterator<Item = &'a Feature>,
    ) -> Self {
        let mut index = Self::new(layer, cluster);
        let Some(deepest) = index.zooms.len().checked_sub(1) else {
            return index;
        };
        for feature in features {
            index.update_zoom(deepest, feature, true);
        }
        for i in (0..deepest).rev() {
            let (shallow, deep) = index.zooms.split_at_mut(i + 1);
            let parents = &mut shallow[i];
            for (&(gx, gy), child) in &deep[0] {
                let parent = parents.entry((gx / 2, gy / 2)).or_default();
                parent.count += child.count;
                parent.sum = parent.sum + child.sum;
                for e in &child.values {
                    parent.count_value(e.slot, &e.value, e.count, true);
                }
            }
        }
        index
    }

    /// Counts a feature in (`add`) or out of (`!add`) its cell at every clustered zoom.
    pub fn update(&mut self, feature: &Feature, add: bool) {
        for i in 0..self.zooms.len() {
            self.update_zoom(i, feature, add);
        }
    }

    /// Counts a feature in or out of its cell at the zoom of `zooms[i]`.
    fn update_zoom(&mut self, i: usize, feature: &Feature, add: bool) {
        let Some(at) = representative_point(&feature.geometry) else {
            return;
        };
        let span = self.cell_span(self.min_zoom + i as u8);
        let gx = ((at.x + HALF_WORLD) / span).floor().max(0.0) as u64;
        let gy = ((HALF_WORLD - at.y) / span).floor().max(0.0) as u64;
        let cells = &mut self.zooms[i];
        let cell = cells.entry((gx, gy)).or_default();
        if add {
            cell.count += 1;
            cell.sum = cell.sum + at;
        } else {
            cell.count = cell.count.saturating_sub(1);
            cell.sum = cell.sum - at;
        }
        for (slot, &attr) in self.dominant.iter().enumerate() {
            if let Some(v) = &feature.values[attr] {
                cell.count_value(slot as u8, v, 1, add);
            }
        }
        if cell.count == 0 {
            cells.remove(&(gx, gy));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mercator::to_mercator;

    #[test]
    fn building_at_once_equals_adding_one_by_one() {
        let layer: LayerConfig = toml::from_str(
            r#"name = "r"
               title = "r"
               file = "r.geojson"
               geometry = "point"
               attributes = ["status"]
               min_zoom = 6
               [cluster]
               below_zoom = 17
               dominant = ["status"]"#,
        )
        .unwrap();
        let cluster = layer.cluster.clone().unwrap();
        let features: Vec<Feature> = (0..2000u64)
            .map(|i| {
                let (x, y) = to_mercator(
                    106.85 + (i % 47) as f64 * 0.0021,
                    11.49 + (i % 53) as f64 * 0.0019,
                );
                let status = if i % 3 == 0 { "resolved" } else { "submitted" };
                Feature {
                    id: i,
                    geometry: geo::Point::new(x, y).into(),
                    values: vec![Some(Value::String(status.into()))].into(),
                }
            })
            .collect();
        let built = ClusterIndex::build(&layer, &cluster, features.iter());
        let mut added = ClusterIndex::new(&layer, &cluster);
        for f in &features {
            added.update(f, true);
        }
        for (i, (a, b)) in built.zooms.iter().zip(&added.zooms).enumerate() {
            assert_eq!(a.len(), b.len(), "zoom {}", 6 + i);
            for (id, cell) in a {
                let other = &b[id];
                assert_eq!(cell.count, other.count);
                assert!((cell.centre().x - other.centre().x).abs() < 1e-6);
                assert_eq!(cell.dominant(0), other.dominant(0));
            }
        }
    }
}
