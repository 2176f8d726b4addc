//! Features by id, as one array sorted by id: 16 bytes per feature, where a hash map of a
//! million features takes 36 (its table rounds up to 2²¹ slots). Lookups are a binary search;
//! new reports have the highest id so far and are appended; a removal moves the entries after it.

use super::Feature;
use std::sync::Arc;

/// Features sorted by id, one per id.
#[derive(Debug, Default)]
pub struct IdIndex(Vec<(u64, Arc<Feature>)>);

impl IdIndex {
    /// Indexes `features`; of features sharing an id, the last one is kept.
    pub fn new(features: impl Iterator<Item = Arc<Feature>>) -> Self {
        let mut entries: Vec<(u64, Arc<Feature>)> = features.map(|f| (f.id, f)).collect();
        // Stable, so equal ids stay in input order and the last of each run is the one kept.
        entries.sort_by_key(|(id, _)| *id);
        let mut kept: Vec<(u64, Arc<Feature>)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => kept.push(entry),
            }
        }
        Self(kept)
    }

    fn position(&self, id: u64) -> Result<usize, usize> {
        self.0.binary_search_by_key(&id, |(k, _)| *k)
    }

    pub fn get(&self, id: u64) -> Option<&Arc<Feature>> {
        self.position(id).ok().map(|i| &self.0[i].1)
    }

    /// Adds the feature, replacing the one with the same id.
    pub fn insert(&mut self, feature: Arc<Feature>) {
        let id = feature.id;
        if self.0.last().is_none_or(|(last, _)| *last < id) {
            self.0.push((id, feature));
            return;
        }
        match self.position(id) {
            Ok(i) => self.0[i].1 = feature,
            Err(i) => self.0.insert(i, (id, feature)),
        }
    }

    /// Removes the feature with this id, returning it.
    pub fn remove(&mut self, id: u64) -> Option<Arc<Feature>> {
        let i = self.position(id).ok()?;
        Some(self.0.remove(i).1)
    }

    /// Every feature, by increasing id.
    pub fn values(&self) -> impl Iterator<Item = &Arc<Feature>> {
        self.0.iter().map(|(_, f)| f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(id: u64, tag: i64) -> Arc<Feature> {
        Arc::new(Feature {
            id,
            geometry: geo::Point::new(0.0, 0.0).into(),
            values: vec![Some(super::super::Value::Int(tag))].into(),
        })
    }

    fn tag(f: &Feature) -> &Option<super::super::Value> {
        &f.values[0]
    }

    #[test]
    fn finds_inserts_replaces_and_removes_by_id() {
        let mut index = IdIndex::new(
            [5, 1, 9, 5, 3]
                .into_iter()
                .zip(0..)
                .map(|(id, t)| feature(id, t)),
        );
        assert_eq!(
            index.values().map(|f| f.id).collect::<Vec<_>>(),
            [1, 3, 5, 9]
        );
        // The later of the two features with id 5.
        assert_eq!(
            tag(index.get(5).unwrap()),
            &Some(super::super::Value::Int(3))
        );
        assert!(index.get(4).is_none());

        index.insert(feature(12, 10)); // appended
        index.insert(feature(4, 11)); // in the middle
        index.insert(feature(9, 12)); // replaced
        assert_eq!(
            index.values().map(|f| f.id).collect::<Vec<_>>(),
            [1, 3, 4, 5, 9, 12]
        );
        assert_eq!(
            tag(index.get(9).unwrap()),
            &Some(super::super::Value::Int(12))
        );

        assert_eq!(index.remove(4).map(|f| f.id), Some(4));
        assert!(index.remove(4).is_none());
        assert!(index.get(4).is_none());
        assert_eq!(
            index.values().map(|f| f.id).collect::<Vec<_>>(),
            [1, 3, 5, 9, 12]
        );
    }
}
