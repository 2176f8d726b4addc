//! The map's state apart from any UI toolkit: the view, the style, the tile sources with their
//! caches, and the user's layer choices; which tiles to fetch, what to draw, what is under the
//! pointer.

use super::filters::ViewFilters;
use super::hit_test;
use super::mercator::{self, WorldPoint};
use super::style::{MapStyle, Paint, StyleLayer};
use super::tile_cache::TileCache;
use super::tile_id::TileId;
use super::vector_tile::{DecodedTile, TileFeature};
use super::viewport::Viewport;
use std::rc::Rc;

/// Tiles kept per source beyond those in view.
const CACHE_TILES: usize = 256;

/// A vector tile source.
#[derive(Debug)]
pub struct Source {
    pub id: String,
    /// URL template with `{z}`, `{x}`, `{y}`.
    pub tiles_url: String,
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub cache: TileCache<DecodedTile>,
}

impl Source {
    /// A source from its TileJSON.
    pub fn from_tilejson(id: &str, tilejson: &serde_json::Value) -> Option<Source> {
        Some(Source {
            id: id.to_owned(),
            tiles_url: tilejson["tiles"][0].as_str()?.to_owned(),
            min_zoom: tilejson["minzoom"].as_u64().unwrap_or(0).min(24) as u8,
            max_zoom: tilejson["maxzoom"].as_u64().unwrap_or(18).min(24) as u8,
            cache: TileCache::new(CACHE_TILES),
        })
    }

    /// The URL of one tile; `generation` makes a fresh URL after the data changed.
    pub fn url(&self, tile: TileId, generation: u32) -> String {
        let url = self
            .tiles_url
            .replace("{z}", &tile.z.to_string())
            .replace("{x}", &tile.x.to_string())
            .replace("{y}", &tile.y.to_string());
        if generation == 0 {
            url
        } else {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}v={generation}")
        }
    }

    /// Tiles the view needs from this source.
    pub fn wanted(&self, viewport: &Viewport) -> Vec<TileId> {
        viewport.cover(viewport.tile_zoom(self.min_zoom, self.max_zoom))
    }
}

/// A feature found under the pointer.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The source layer (e.g. `cameras`).
    pub layer: String,
    pub feature: TileFeature,
    pub tile: TileId,
    /// The tile layer's extent (tile units per tile side).
    pub extent: f64,
    /// Where the feature is: a point's own position, else the pointer's.
    pub lon: f64,
    pub lat: f64,
}

/// The whole state.
#[derive(Debug)]
pub struct MapState {
    pub viewport: Viewport,
    pub style: MapStyle,
    /// Sources in drawing order (a base map first).
    pub sources: Vec<Source>,
    pub filters: ViewFilters,
}

impl MapState {
    /// A map with one source named in the style (plus any others added later).
    pub fn new(style: MapStyle, sources: Vec<Source>, width: f64, height: f64) -> Self {
        let (lon, lat, zoom) = style.center;
        let filters = ViewFilters::new(style.source_layers());
        Self {
            viewport: Viewport::new(lon, lat, zoom, width, height),
            style,
            sources,
            filters,
        }
    }

    /// The source that holds a layer: the base source for layers the main source lacks.
    pub fn source_of(&self, layer: &StyleLayer) -> Option<usize> {
        if self.style.source_layers().contains(&layer.source_layer) {
            self.sources
                .iter()
                .position(|s| s.id == "citygis")
                .or(Some(0))
        } else {
            self.sources.iter().position(|s| s.id != "citygis")
        }
    }

    /// Tiles to request now: (source index, tile, URL, generation).
    pub fn tiles_to_fetch(&self) -> Vec<(usize, TileId, String, u32)> {
        let mut out = Vec::new();
        for (i, source) in self.sources.iter().enumerate() {
            let generation = source.cache.generation();
            for tile in source.wanted(&self.viewport) {
                if source.cache.needs_fetch(tile) {
                    out.push((i, tile, source.url(tile, generation), generation));
                }
            }
        }
        out
    }

    /// Whether every tile in view is loaded (the map is complete).
    pub fn is_complete(&self) -> bool {
        self.sources
            .iter()
            .all(|s| s.cache.all_loaded(&s.wanted(&self.viewport)))
    }

    /// Per source, the tiles to draw (with fallbacks), and drops tiles no longer needed.
    pub fn drawable(&mut self) -> Vec<Vec<(TileId, Rc<DecodedTile>)>> {
        let viewport = self.viewport.clone();
        self.sources
            .iter_mut()
            .map(|s| {
                let wanted = s.wanted(&viewport);
                let drawn = s.cache.drawable(&wanted);
                let keep: Vec<TileId> = drawn.iter().map(|(t, _)| *t).chain(wanted).collect();
                s.cache.evict(&keep);
                drawn
            })
            .collect()
    }

    /// Whether a style layer is drawn at the current zoom with the user's switches.
    pub fn draws(&self, layer: &StyleLayer) -> bool {
        self.viewport.zoom >= layer.min_zoom
            && (self.filters.is_visible(&layer.source_layer)
                || !self.style.source_layers().contains(&layer.source_layer))
    }

    /// Whether a feature of a style layer is drawn (style filter and user filters).
    pub fn draws_feature(&self, layer: &StyleLayer, feature: &TileFeature) -> bool {
        layer
            .filter
            .as_ref()
            .is_none_or(|f| f.test(feature, self.viewport.zoom))
            && self.filters.accepts(&layer.source_layer, feature)
    }

    /// The topmost drawn feature of our layers within `tolerance_px` of a screen position.
    pub fn feature_at(&mut self, sx: f64, sy: f64, tolerance_px: f64) -> Option<Hit> {
        let drawables = self.drawable();
        let world = self.viewport.to_world(sx, sy);
        let zoom = self.viewport.zoom;
        let main_layers = self.style.source_layers();
        for layer in self.style.layers.iter().rev() {
            if !self.draws(layer) || !main_layers.contains(&layer.source_layer) {
                continue;
            }
            let Some(source) = self.source_of(layer) else {
                continue;
            };
            // The most detailed tiles first.
            for (tile, data) in drawables[source].iter().rev() {
                let Some(tile_layer) = data.layer(&layer.source_layer) else {
                    continue;
                };
                let (ox, oy) = tile.origin();
                let size = tile.world_size();
                let (tx, ty) = ((world.x - ox) / size, (world.y - oy) / size);
                if !(0.0..1.0).contains(&tx) || !(0.0..1.0).contains(&ty) {
                    continue;
                }
                let units_per_px = tile_layer.extent / (size * self.viewport.scale());
                let reach = match &layer.paint {
                    Paint::Circle { radius, .. } => {
                        // The radius depends on the feature (clusters); take a generous bound.
                        radius.number(&TileFeature::empty(), zoom, 6.0).max(6.0) * 2.5
                            + tolerance_px
                    }
                    Paint::Line { .. } => tolerance_px + 2.0,
                    Paint::Fill { .. } => 0.0,
                };
                let found = hit_test::feature_at(
                    tile_layer,
                    tx * tile_layer.extent,
                    ty * tile_layer.extent,
                    reach * units_per_px,
                    |f| self.draws_feature(layer, f),
                );
                if let Some((index, _)) = found {
                    let feature = tile_layer.features[index].clone();
                    let (lon, lat) = match &feature.geometry {
                        geo::Geometry::Point(p) => mercator::to_lon_lat(WorldPoint {
                            x: ox + p.x() / tile_layer.extent * size,
                            y: oy + p.y() / tile_layer.extent * size,
                        }),
                        _ => mercator::to_lon_lat(world),
                    };
                    return Some(Hit {
                        layer: layer.source_layer.clone(),
                        feature,
                        tile: *tile,
                        extent: tile_layer.extent,
                        lon,
                        lat,
                    });
                }
            }
        }
        None
    }
}

impl TileFeature {
    /// A feature with no attributes (to evaluate expressions that need none).
    pub fn empty() -> TileFeature {
        TileFeature {
            id: None,
            geometry: geo::Geometry::Point(geo::Point::new(0.0, 0.0)),
            properties: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::vector_tile::{decode, tests::sample_tile};

    fn state() -> MapState {
        let style = MapStyle::parse(
            &serde_json::json!({
                "center": [106.9, 11.535], "zoom": 14,
                "sources": {"citygis": {"type": "vector", "url": "http://h/tiles/planning,cameras"}},
                "layers": [
                    {"id": "planning-fill", "type": "fill", "source-layer": "planning", "paint": {"fill-color": "#f2b36b"}},
                    {"id": "cameras-point", "type": "circle", "source-layer": "cameras", "paint": {"circle-color": "#1c7ed6", "circle-radius": 5}}
                ]
            })
            .to_string(),
        )
        .unwrap();
        let source = Source::from_tilejson(
            "citygis",
            &serde_json::json!({"tiles": ["http://h/tiles/planning,cameras/{z}/{x}/{y}"], "minzoom": 0, "maxzoom": 18}),
        )
        .unwrap();
        MapState::new(style, vec![source], 1024.0, 768.0)
    }

    #[test]
    fn fetches_the_cover_then_hits_what_it_draws() {
        let mut map = state();
        let fetch = map.tiles_to_fetch();
        assert!(!fetch.is_empty());
        let (_, tile, url, _) = &fetch[0];
        assert_eq!(
            url,
            &format!("http://h/tiles/planning,cameras/{}", tile.path())
        );
        // Put the sample tile where the view's centre tile is and click on its first camera
        // (tile units 1000, 1000).
        let tile = *tile;
        map.sources[0]
            .cache
            .insert(tile, decode(&sample_tile()).unwrap(), 0);
        let (ox, oy) = tile.origin();
        let s = tile.world_size();
        let (sx, sy) = map.viewport.to_screen(WorldPoint {
            x: ox + s * 1000.0 / 4096.0,
            y: oy + s * 1000.0 / 4096.0,
        });
        let hit = map
            .feature_at(sx + 2.0, sy - 1.0, 4.0)
            .expect("the camera is there");
        assert_eq!(hit.layer, "cameras");
        assert_eq!(
            hit.feature.text("name").as_deref(),
            Some("Ngã tư Đồng Xoài")
        );
        // Beside the camera but inside the square: the planning zone.
        let (sx, sy) = map.viewport.to_screen(WorldPoint {
            x: ox + s * 0.4,
            y: oy + s * 0.1,
        });
        assert_eq!(map.feature_at(sx, sy, 4.0).unwrap().layer, "planning");
        // The camera layer switched off: the click goes to the zone beneath.
        map.filters.set_visible("cameras", false);
        let (sx, sy) = map.viewport.to_screen(WorldPoint {
            x: ox + s * 1000.0 / 4096.0,
            y: oy + s * 1000.0 / 4096.0,
        });
        assert_eq!(map.feature_at(sx, sy, 4.0).unwrap().layer, "planning");
    }

    #[test]
    fn data_changes_refetch_with_a_fresh_url() {
        let mut map = state();
        let (_, tile, _, _) = map.tiles_to_fetch()[0].clone();
        map.sources[0].cache.insert(tile, DecodedTile::default(), 0);
        map.sources[0].cache.invalidate();
        let again = map.tiles_to_fetch();
        let (_, _, url, generation) = again.iter().find(|(_, t, _, _)| *t == tile).unwrap();
        assert_eq!(*generation, 1);
        assert!(url.ends_with("?v=1"));
    }
}
