//! Decoded tiles kept in memory, least recently used evicted, with the fallback that keeps the
//! map from flashing blank: while a tile loads, its loaded children or nearest loaded ancestor
//! stand in for it. When the data change (a new report) the cache's generation moves on: old
//! tiles keep drawing until their replacements arrive.

use super::tile_id::TileId;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// How many zoom levels up a missing tile may borrow from.
pub const MAX_ANCESTOR_LEVELS: u8 = 6;

#[derive(Debug)]
struct Entry<T> {
    tile: Option<Rc<T>>,
    loading: bool,
    failed: bool,
    generation: u32,
    last_used: u64,
}

/// The cache.
#[derive(Debug)]
pub struct TileCache<T> {
    entries: HashMap<TileId, Entry<T>>,
    capacity: usize,
    clock: u64,
    generation: u32,
}

impl<T> TileCache<T> {
    /// A cache holding at most `capacity` tiles (beyond those in view).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            capacity,
            clock: 0,
            generation: 0,
        }
    }

    /// Number of tiles held (loaded or loading).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The data generation; tiles fetched for an older one are refetched.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The data changed: every tile is to be fetched again (and drawn until then).
    pub fn invalidate(&mut self) {
        self.generation += 1;
    }

    /// Whether a tile must be requested now.
    pub fn needs_fetch(&self, id: TileId) -> bool {
        match self.entries.get(&id) {
            None => true,
            Some(e) => !e.loading && !e.failed && e.generation != self.generation,
        }
    }

    /// Records that a request for the tile is on its way.
    pub fn start_loading(&mut self, id: TileId) {
        let generation = self.generation;
        let e = self.entry(id, generation);
        e.loading = true;
        e.failed = false;
        e.generation = generation;
    }

    /// Stores a loaded tile (fetched for `generation`).
    pub fn insert(&mut self, id: TileId, tile: T, generation: u32) {
        let e = self.entry(id, generation);
        e.tile = Some(Rc::new(tile));
        e.loading = false;
        e.failed = false;
        // A reply for an older generation still draws, but is fetched again.
        e.generation = generation;
    }

    /// Records a failed request; the tile is not asked again until the next generation.
    pub fn fail(&mut self, id: TileId) {
        if let Some(e) = self.entries.get_mut(&id) {
            e.loading = false;
            e.failed = true;
        }
    }

    /// A loaded tile.
    pub fn get(&self, id: TileId) -> Option<Rc<T>> {
        self.entries.get(&id).and_then(|e| e.tile.clone())
    }

    /// Whether every wanted tile is loaded (for the current generation).
    pub fn all_loaded(&self, wanted: &[TileId]) -> bool {
        wanted.iter().all(|id| {
            self.entries
                .get(id)
                .is_some_and(|e| (e.tile.is_some() && e.generation == self.generation) || e.failed)
        })
    }

    /// What to draw for the wanted tiles: each loaded tile, or in its place its loaded
    /// children and else its nearest loaded ancestor. Ancestors come first (drawn beneath).
    pub fn drawable(&mut self, wanted: &[TileId]) -> Vec<(TileId, Rc<T>)> {
        let clock = self.tick();
        let mut chosen: Vec<TileId> = Vec::new();
        let mut seen = HashSet::new();
        for &id in wanted {
            if self.get(id).is_some() {
                if seen.insert(id) {
                    chosen.push(id);
                }
                continue;
            }
            let children: Vec<TileId> = id
                .children()
                .into_iter()
                .filter(|c| self.get(*c).is_some())
                .collect();
            let complete = children.len() == 4;
            for c in children {
                if seen.insert(c) {
                    chosen.push(c);
                }
            }
            if complete {
                continue;
            }
            let mut up = id;
            for _ in 0..MAX_ANCESTOR_LEVELS {
                let Some(parent) = up.parent() else { break };
                if self.get(parent).is_some() {
                    if seen.insert(parent) {
                        chosen.push(parent);
                    }
                    break;
                }
                up = parent;
            }
        }
        for id in &chosen {
            if let Some(e) = self.entries.get_mut(id) {
                e.last_used = clock;
            }
        }
        chosen.sort_by_key(|t| t.z);
        chosen
            .into_iter()
            .filter_map(|id| self.get(id).map(|t| (id, t)))
            .collect()
    }

    /// Drops least recently used tiles beyond the capacity, never those in `keep`.
    pub fn evict(&mut self, keep: &[TileId]) {
        if self.entries.len() <= self.capacity {
            return;
        }
        let keep: HashSet<&TileId> = keep.iter().collect();
        let mut candidates: Vec<(u64, TileId)> = self
            .entries
            .iter()
            .filter(|(id, e)| !keep.contains(id) && !e.loading)
            .map(|(id, e)| (e.last_used, *id))
            .collect();
        candidates.sort();
        let excess = self.entries.len() - self.capacity;
        for (_, id) in candidates.into_iter().take(excess) {
            self.entries.remove(&id);
        }
    }

    /// The tile's entry, created empty when missing, marked as just used.
    fn entry(&mut self, id: TileId, generation: u32) -> &mut Entry<T> {
        let clock = self.tick();
        let e = self.entries.entry(id).or_insert(Entry {
            tile: None,
            loading: false,
            failed: false,
            generation,
            last_used: clock,
        });
        e.last_used = clock;
        e
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loading_tile_borrows_its_parent() {
        let mut cache = TileCache::new(10);
        let parent = TileId::new(13, 6528, 3820);
        cache.insert(parent, "z13", 0);
        let child = TileId::new(14, 13057, 7640);
        assert!(cache.needs_fetch(child));
        cache.start_loading(child);
        assert!(!cache.needs_fetch(child));
        let drawn = cache.drawable(&[child]);
        assert_eq!(drawn.len(), 1);
        assert_eq!(drawn[0].0, parent);
        cache.insert(child, "z14", 0);
        assert_eq!(cache.drawable(&[child])[0].0, child);
    }

    #[test]
    fn zooming_out_uses_loaded_children_and_parents_draw_first() {
        let mut cache = TileCache::new(10);
        let tile = TileId::new(12, 3264, 1910);
        cache.insert(TileId::new(10, 816, 477), "z10", 0);
        let [a, b, ..] = tile.children();
        cache.insert(a, "a", 0);
        cache.insert(b, "b", 0);
        let drawn: Vec<TileId> = cache
            .drawable(&[tile])
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        // Two children are there, the gap is filled by the grandparent, drawn beneath them.
        assert_eq!(drawn, [TileId::new(10, 816, 477), a, b]);
    }

    #[test]
    fn invalidation_keeps_drawing_old_tiles_until_refetched() {
        let mut cache = TileCache::new(10);
        let t = TileId::new(14, 1, 1);
        cache.insert(t, 1, 0);
        cache.invalidate();
        assert!(cache.needs_fetch(t));
        assert_eq!(cache.drawable(&[t]).len(), 1);
        cache.start_loading(t);
        cache.insert(t, 2, cache.generation());
        assert!(!cache.needs_fetch(t));
        assert_eq!(*cache.get(t).unwrap(), 2);
    }

    #[test]
    fn eviction_drops_the_least_recently_used_but_never_what_is_in_view() {
        let mut cache = TileCache::new(2);
        let ids: Vec<TileId> = (0..4).map(|x| TileId::new(5, x, 0)).collect();
        for id in &ids {
            cache.insert(*id, (), 0);
        }
        cache.drawable(&[ids[0]]);
        cache.evict(&[ids[1]]);
        assert_eq!(cache.len(), 2);
        assert!(cache.get(ids[0]).is_some() && cache.get(ids[1]).is_some());
    }
}
