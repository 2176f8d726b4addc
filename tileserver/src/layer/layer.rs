//! One layer in memory: its features in an R-tree, and a version that changes with every edit.

use super::cluster_index::ClusterIndex;
use super::edit_log::EditLog;
use super::feature::{Feature, IndexedFeature, Value, envelope_of};
use super::id_index::IdIndex;
use crate::config::LayerConfig;
use crate::tile::MercatorBounds;
use geo::BoundingRect;
use rstar::RTree;
use std::sync::Arc;

/// A layer's features, indexed for envelope queries.
///
/// Every change through [`Layer::upsert`] or [`Layer::remove`] bumps [`Layer::version`], which
/// the tile cache keys on, so a changed layer never serves a stale tile.
#[derive(Debug)]
pub struct Layer {
    config: Arc<LayerConfig>,
    tree: RTree<IndexedFeature>,
    /// Features by id (the R-tree item is rebuilt from the feature when it is removed, so the
    /// index holds only a pointer per feature).
    by_id: IdIndex,
    version: u64,
    field_types: Vec<Option<FieldType>>,
    /// Per-zoom cluster cells, for a layer clustered at low zoom.
    clusters: Option<ClusterIndex>,
    /// Where recent edits were, so the tile cache keeps the tiles they did not touch.
    edits: EditLog,
}

/// The type of an attribute's values, as TileJSON names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Number,
    String,
    Boolean,
}

impl FieldType {
    /// TileJSON's name for the type.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Number => "Number",
            FieldType::String => "String",
            FieldType::Boolean => "Boolean",
        }
    }

    fn of(value: &Value) -> Self {
        match value {
            Value::String(_) | Value::Short(_) | Value::Time(_) => FieldType::String,
            Value::Int(_) | Value::Float(_) => FieldType::Number,
            Value::Bool(_) => FieldType::Boolean,
        }
    }
}

impl Layer {
    /// Builds the layer with one bulk load.
    pub fn new(config: Arc<LayerConfig>, features: Vec<Feature>) -> Self {
        let items: Vec<IndexedFeature> = features
            .into_iter()
            .filter_map(|f| IndexedFeature::new(Arc::new(f)))
            .collect();
        let by_id = IdIndex::new(items.iter().map(|i| Arc::clone(&i.feature)));
        let clusters = config
            .cluster
            .as_ref()
            .map(|c| ClusterIndex::build(&config, c, items.iter().map(|i| &*i.feature)));
        let mut layer = Self {
            clusters,
            field_types: vec![None; config.attributes.len()],
            config,
            tree: RTree::new(),
            by_id,
            version: 1,
            edits: EditLog::starting_at(1),
        };
        for item in &items {
            layer.note_types(&item.feature);
        }
        layer.tree = RTree::bulk_load(items);
        layer
    }

    /// Records the types of a feature's values; the first type seen for an attribute wins.
    fn note_types(&mut self, feature: &Feature) {
        for (slot, value) in self.field_types.iter_mut().zip(feature.values.iter()) {
            if let (None, Some(v)) = (&slot, value) {
                *slot = Some(FieldType::of(v));
            }
        }
    }

    /// Type of each published attribute (None where no feature has a value for it yet).
    pub fn field_types(&self) -> impl Iterator<Item = (&str, Option<FieldType>)> {
        self.config
            .attributes
            .iter()
            .map(String::as_str)
            .zip(self.field_types.iter().copied())
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

    /// Features whose envelope intersects `bounds` (exactly: the tree's single-precision
    /// envelopes are checked against the feature's own).
    pub fn query(&self, bounds: MercatorBounds) -> impl Iterator<Item = &Arc<Feature>> {
        self.query_items(bounds)
            .map(|item| &item.feature)
            .filter(move |f| {
                f.geometry.bounding_rect().is_some_and(|r| {
                    r.min().x <= bounds.max_x
                        && r.max().x >= bounds.min_x
                        && r.min().y <= bounds.max_y
                        && r.max().y >= bounds.min_y
                })
            })
    }

    /// Per-zoom cluster cells, when the layer is clustered.
    pub fn clusters(&self) -> Option<&ClusterIndex> {
        self.clusters.as_ref()
    }

    /// R-tree items (id, feature and envelope) whose envelope intersects `bounds`; the
    /// envelopes are rounded outward, so items up to 2 m beyond `bounds` may come too (a
    /// tile clips them away; [`Self::query`] leaves them out).
    pub fn query_items(&self, bounds: MercatorBounds) -> impl Iterator<Item = &IndexedFeature> {
        self.tree
            .locate_in_envelope_intersecting(&envelope_of(&bounds))
    }

    /// The feature with this id.
    pub fn feature(&self, id: u64) -> Option<&Arc<Feature>> {
        self.by_id.get(id)
    }

    /// Every feature, by increasing id.
    pub fn features(&self) -> impl Iterator<Item = &Arc<Feature>> {
        self.by_id.values()
    }

    /// Where an attribute sits in each feature's `values`.
    pub fn attribute_index(&self, name: &str) -> Option<usize> {
        self.config.attributes.iter().position(|a| a == name)
    }

    /// Adds a feature, replacing the one with the same id.
    pub fn upsert(&mut self, feature: Feature) {
        self.remove(feature.id);
        self.note_types(&feature);
        if let Some(index) = self.clusters.as_mut() {
            index.update(&feature, true);
        }
        self.version += 1;
        if let Some(item) = IndexedFeature::new(Arc::new(feature)) {
            self.edits.record(self.version, item.bounds());
            self.by_id.insert(Arc::clone(&item.feature));
            self.tree.insert(item);
        }
    }

    /// Takes the place of this layer with `other` (built beforehand, outside any lock), with a
    /// newer version, so no tile of the old content is served from the cache.
    pub fn replace_with(&mut self, other: Layer) {
        let version = self.version.max(other.version);
        *self = other;
        self.version = version + 1;
        self.edits = EditLog::starting_at(self.version);
    }

    /// Removes the feature with this id, returning it.
    pub fn remove(&mut self, id: u64) -> Option<Arc<Feature>> {
        let feature = self.by_id.remove(id)?;
        self.version += 1;
        if let Some(item) = IndexedFeature::new(Arc::clone(&feature)) {
            self.edits.record(self.version, item.bounds());
            self.tree.remove(&item);
        }
        if let Some(index) = self.clusters.as_mut() {
            index.update(&feature, false);
        }
        Some(feature)
    }

    /// Whether a tile over `area` built at `version` may differ from one built now: an edit
    /// since touched the area (or the layer was replaced, or the log does not reach back).
    pub fn touched_since(&self, version: u64, area: &MercatorBounds) -> bool {
        version != self.version
            && (version > self.version || self.edits.touched_since(version, area))
    }

    /// Envelope of all features in Web Mercator metres, None when empty.
    pub fn extent(&self) -> Option<MercatorBounds> {
        if self.is_empty() {
            return None;
        }
        let e = self.tree.root().envelope();
        Some(MercatorBounds {
            min_x: f64::from(e.lower()[0]),
            min_y: f64::from(e.lower()[1]),
            max_x: f64::from(e.upper()[0]),
            max_y: f64::from(e.upper()[1]),
        })
    }
}
