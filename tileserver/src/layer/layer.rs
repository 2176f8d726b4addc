//! One layer in memory: its features in an R-tree, and a version that changes with every edit.

use super::feature::{Feature, IndexedFeature};
use crate::config::LayerConfig;
use crate::tile::MercatorBounds;
use rstar::{AABB, RTree};
use std::collections::HashMap;
use std::sync::Arc;

/// A layer's features, indexed for envelope queries.
///
/// Every change through [`Layer::upsert`] or [`Layer::remove`] bumps [`Layer::version`], which
/// the tile cache keys on, so a changed layer never serves a stale tile.
#[derive(Debug)]
pub struct Layer {
    config: Arc<LayerConfig>,
    tree: RTree<IndexedFeature>,
    by_id: HashMap<u64, IndexedFeature>,
    version: u64,
}

impl Layer {
    /// Builds the layer with one bulk load.
    pub fn new(config: Arc<LayerConfig>, features: Vec<Feature>) -> Self {
        let items: Vec<IndexedFeature> = features
            .into_iter()
            .filter_map(|f| IndexedFeature::new(Arc::new(f)))
            .collect();
        let by_id = items.iter().map(|i| (i.feature.id, i.clone())).collect();
        Self {
            config,
            tree: RTree::bulk_load(items),
            by_id,
            version: 1,
        }
    }

    pub fn config(&self) -> &LayerConfig {
        &self.config
    }

    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Changes with every edit; starts at 1.
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn len(&self) -> usize {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Features whose envelope intersects `bounds`.
    pub fn query(&self, bounds: MercatorBounds) -> impl Iterator<Item = &Arc<Feature>> {
        let envelope =
            AABB::from_corners([bounds.min_x, bounds.min_y], [bounds.max_x, bounds.max_y]);
        self.tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|item| &item.feature)
    }

    /// The feature with this id.
    pub fn get(&self, id: u64) -> Option<&Arc<Feature>> {
        self.by_id.get(&id).map(|i| &i.feature)
    }

    /// Adds a feature, replacing the one with the same id.
    pub fn upsert(&mut self, feature: Feature) {
        self.remove(feature.id);
        if let Some(item) = IndexedFeature::new(Arc::new(feature)) {
            self.by_id.insert(item.feature.id, item.clone());
            self.tree.insert(item);
        }
        self.version += 1;
    }

    /// Removes the feature with this id, returning it.
    pub fn remove(&mut self, id: u64) -> Option<Arc<Feature>> {
        let item = self.by_id.remove(&id)?;
        self.tree.remove(&item);
        self.version += 1;
        Some(item.feature)
    }

    /// Envelope of all features in Web Mercator metres, None when empty.
    pub fn extent(&self) -> Option<MercatorBounds> {
        if self.is_empty() {
            return None;
        }
        let e = self.tree.root().envelope();
        Some(MercatorBounds {
            min_x: e.lower()[0],
            min_y: e.lower()[1],
            max_x: e.upper()[0],
            max_y: e.upper()[1],
        })
    }
}
