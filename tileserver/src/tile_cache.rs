//! Encoded tiles kept in memory within a byte budget, keyed by the versions of the layers they
//! were built from: a change to a layer changes the key, so a stale tile is never served.

use crate::config::TileSettings;
use crate::layer::Layer;
use crate::tile::{TileError, TileId, build_tile};
use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use moka::sync::Cache;
use std::io::Write;
use std::sync::{Arc, OnceLock, RwLock};

/// A built tile: its bytes, their gzip (made on the first request that accepts it, then kept),
/// and a content hash for ETags. `Bytes` are shared by every response, never copied.
#[derive(Debug)]
pub struct EncodedTile {
    pub raw: Bytes,
    gzip: OnceLock<Bytes>,
    /// xxh3 of `raw`.
    pub hash: u64,
}

impl EncodedTile {
    /// A tile of these bytes.
    pub fn new(raw: Vec<u8>) -> Self {
        let hash = xxhash_rust::xxh3::xxh3_64(&raw);
        Self {
            raw: Bytes::from(raw),
            gzip: OnceLock::new(),
            hash,
        }
    }

    /// The gzip-compressed bytes if already made.
    pub fn gzip_ready(&self) -> Option<Bytes> {
        self.gzip.get().cloned()
    }

    /// The gzip-compressed bytes, compressed once (concurrent first callers wait for it).
    pub fn gzip(&self) -> Bytes {
        self.gzip
            .get_or_init(|| {
                let mut gz =
                    GzEncoder::new(Vec::with_capacity(self.raw.len() / 2), Compression::fast());
                // Writing to a Vec cannot fail.
                let bytes = gz
                    .write_all(&self.raw)
                    .and_then(|()| gz.finish())
                    .unwrap_or_default();
                Bytes::from(bytes)
            })
            .clone()
    }
}

/// What a tile address holds for a set of layers.
#[derive(Debug, Clone)]
pub enum TileContent {
    /// No layer has anything there.
    Empty,
    Tile(Arc<EncodedTile>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TileKey {
    layers: Vec<(String, u64)>,
    tile: TileId,
}

/// Builds tiles on demand and remembers them.
pub struct TileCache {
    cache: Cache<TileKey, TileContent>,
    settings: TileSettings,
}

impl TileCache {
    /// A cache holding at most `budget_bytes` of encoded tiles (both encodings counted).
    pub fn new(settings: TileSettings, budget_bytes: u64) -> Self {
        let cache = Cache::builder()
            .max_capacity(budget_bytes)
            .weigher(|key: &TileKey, value: &TileContent| {
                let names: usize = key.layers.iter().map(|(n, _)| n.len() + 8).sum();
                // The gzip is made later, on demand: counted as half the raw size, about what
                // it takes for vector tiles.
                let body = match value {
                    TileContent::Empty => 0,
                    TileContent::Tile(t) => t.raw.len() + t.raw.len() / 2,
                };
                u32::try_from(64 + names + body).unwrap_or(u32::MAX)
            })
            .build();
        Self { cache, settings }
    }

    /// The tile for `layers` at `tile`, from the cache or freshly built. The layers are read
    /// under their locks for the whole build, so the tile matches the versions it is keyed by.
    /// A failed build is shared by every request that waited for it, hence the `Arc`.
    pub fn get(
        &self,
        layers: &[Arc<RwLock<Layer>>],
        tile: TileId,
    ) -> Result<TileContent, Arc<TileError>> {
        let guards: Vec<_> = layers
            .iter()
            .map(|l| l.read().unwrap_or_else(std::sync::PoisonError::into_inner))
            .collect();
        let key = TileKey {
            layers: guards
                .iter()
                .map(|g| (g.name().to_owned(), g.version()))
                .collect(),
            tile,
        };
        // Concurrent misses for the same key wait for one build instead of each building.
        self.cache
            .try_get_with(key, || -> Result<TileContent, TileError> {
                let refs: Vec<&Layer> = guards.iter().map(|g| &**g).collect();
                Ok(match build_tile(&refs, tile, &self.settings)? {
                    None => TileContent::Empty,
                    Some(raw) => TileContent::Tile(Arc::new(EncodedTile::new(raw))),
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LayerConfig;
    use crate::layer::Feature;
    use crate::mercator::to_mercator;

    fn layer() -> Arc<RwLock<Layer>> {
        let config: LayerConfig = toml::from_str(
            r#"name = "sensors"
               title = "Cảm biến"
               file = "x.geojson"
               geometry = "point"
               attributes = []"#,
        )
        .unwrap();
        let (x, y) = to_mercator(106.9, 11.535);
        let f = Feature {
            id: 1,
            geometry: geo::Point::new(x, y).into(),
            values: Box::new([]),
        };
        Arc::new(RwLock::new(Layer::new(Arc::new(config), vec![f])))
    }

    #[test]
    fn a_changed_layer_is_never_served_stale() {
        let layers = vec![layer()];
        let cache = TileCache::new(TileSettings::default(), 1 << 20);
        let (x, y) = to_mercator(106.9, 11.535);
        let tile = TileId::containing(14, x, y);
        let TileContent::Tile(first) = cache.get(&layers, tile).unwrap() else {
            panic!("tile expected")
        };
        let TileContent::Tile(again) = cache.get(&layers, tile).unwrap() else {
            panic!("tile expected")
        };
        assert!(
            Arc::ptr_eq(&first, &again),
            "second request is served from the cache"
        );

        layers[0].write().unwrap().remove(1);
        assert!(matches!(
            cache.get(&layers, tile).unwrap(),
            TileContent::Empty
        ));
    }

    #[test]
    fn gzip_holds_the_same_bytes() {
        use std::io::Read;
        let e = EncodedTile::new(b"abcabcabc".repeat(100));
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&e.gzip()[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, e.raw);
    }
}
