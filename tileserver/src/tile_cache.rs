//! Encoded tiles kept in memory within a byte budget. Each remembers the versions of the layers
//! it was built from; when a layer has changed since, the tile is kept only if the layer's edit
//! log shows no edit in the tile's area (buffer included), so a report filed in one street
//! rebuilds the tiles around it, not every tile of the layer, and a stale tile is never served.

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
    layers: Vec<String>,
    tile: TileId,
}

/// A cached tile and the versions of its layers when it was built (or last found untouched).
#[derive(Debug, Clone)]
struct CachedTile {
    versions: Arc<[u64]>,
    content: TileContent,
}

/// Builds tiles on demand and remembers them.
pub struct TileCache {
    cache: Cache<TileKey, CachedTile>,
    settings: TileSettings,
}

impl TileCache {
    /// A cache holding at most `budget_bytes` of encoded tiles (both encodings counted).
    pub fn new(settings: TileSettings, budget_bytes: u64) -> Self {
        let cache = Cache::builder()
            .max_capacity(budget_bytes)
            .weigher(|key: &TileKey, value: &CachedTile| {
                let names: usize = key.layers.iter().map(|n| n.len() + 8).sum();
                // The gzip is made later, on demand: counted as half the raw size, about what
                // it takes for vector tiles.
                let body = match &value.content {
                    TileContent::Empty => 0,
                    TileContent::Tile(t) => t.raw.len() + t.raw.len() / 2,
                };
                u32::try_from(64 + names + body).unwrap_or(u32::MAX)
            })
            .build();
        Self { cache, settings }
    }

    /// The tile for `layers` at `tile`, from the cache or freshly built. The layers are read
    /// under their locks for the whole call, so no edit happens in between: a cached tile is
    /// served when no layer changed in its area since it was built. A failed build is shared by
    /// every request that waited for it, hence the `Arc`.
    pub fn get(
        &self,
        layers: &[Arc<RwLock<Layer>>],
        tile: TileId,
    ) -> Result<TileContent, Arc<TileError>> {
        let guards: Vec<_> = layers
            .iter()
            .map(|l| l.read().unwrap_or_else(std::sync::PoisonError::into_inner))
            .collect();
        let versions: Arc<[u64]> = guards.iter().map(|g| g.version()).collect();
        let key = TileKey {
            layers: guards.iter().map(|g| g.name().to_owned()).collect(),
            tile,
        };
        if let Some(cached) = self.cache.get(&key) {
            if cached.versions == versions {
                return Ok(cached.content);
            }
            let area = self.area(tile);
            let touched = guards
                .iter()
                .zip(cached.versions.iter())
                .any(|(layer, built_at)| layer.touched_since(*built_at, &area));
            if !touched {
                let content = cached.content.clone();
                self.cache.insert(key, CachedTile { versions, content });
                return Ok(cached.content);
            }
            self.cache.invalidate(&key);
        }
        // Concurrent misses for the same key wait for one build instead of each building. While
        // the read locks are held, whatever another request put there is of these versions.
        let built = self
            .cache
            .try_get_with(key, || -> Result<CachedTile, TileError> {
                let refs: Vec<&Layer> = guards.iter().map(|g| &**g).collect();
                let content = match build_tile(&refs, tile, &self.settings)? {
                    None => TileContent::Empty,
                    Some(raw) => TileContent::Tile(Arc::new(EncodedTile::new(raw))),
                };
                Ok(CachedTile {
                    versions: Arc::clone(&versions),
                    content,
                })
            })?;
        Ok(built.content)
    }

    /// What a tile's content depends on: the tile and its buffer, as the builder queries it.
    fn area(&self, tile: TileId) -> crate::tile::MercatorBounds {
        let buffer =
            tile.span() * f64::from(self.settings.buffer) / f64::from(self.settings.extent);
        tile.bounds().expanded(buffer)
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
    fn an_edit_rebuilds_only_the_tiles_around_it() {
        let layers = vec![layer()];
        let cache = TileCache::new(TileSettings::default(), 1 << 20);
        let (x, y) = to_mercator(106.9, 11.535);
        let tile = TileId::containing(16, x, y);
        let tile_of = |cache: &TileCache| match cache.get(&layers, tile).unwrap() {
            TileContent::Tile(t) => t,
            TileContent::Empty => panic!("tile expected"),
        };
        let first = tile_of(&cache);
        let point = |id, lon, lat| {
            let (x, y) = to_mercator(lon, lat);
            Feature {
                id,
                geometry: geo::Point::new(x, y).into(),
                values: Box::new([]),
            }
        };
        // A point added a few kilometres away: the z16 tile stays as it was.
        layers[0].write().unwrap().upsert(point(2, 106.95, 11.56));
        let kept = tile_of(&cache);
        assert!(
            Arc::ptr_eq(&first, &kept),
            "an edit elsewhere keeps the tile"
        );
        // Moving that point into the tile's buffer (just past its east edge) rebuilds it.
        let east = tile.bounds().max_x + tile.span() * 0.01;
        let (lon, lat) = crate::mercator::to_lon_lat(east, y);
        layers[0].write().unwrap().upsert(point(2, lon, lat));
        let rebuilt = tile_of(&cache);
        assert!(
            !Arc::ptr_eq(&kept, &rebuilt),
            "an edit in the buffer rebuilds"
        );
        assert_ne!(
            kept.raw, rebuilt.raw,
            "the point in the buffer is in the tile"
        );
        // Moving it away again is an edit of the tile too (its old place was there).
        layers[0].write().unwrap().upsert(point(2, 106.95, 11.56));
        assert_eq!(tile_of(&cache).raw, first.raw);
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
