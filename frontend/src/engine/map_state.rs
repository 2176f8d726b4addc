//! The map's state apart from any UI toolkit: the view, the style, the tile sources with their
//! caches, and the user's layer choices; which tiles to fetch, what to draw, what is under the
//! pointer.

use super::filters::ViewFilters;
use super::hit_test;
use super::mercator::{self, WorldPoint};
use super::style::{MAIN_SOURCE, MapStyle, Paint, StyleLayer};
use super::tile_cache::TileCache;
use super::tile_data::TileData;
use super::tile_id::TileId;
use super::vector_tile::TileFeature;
use super::viewport::Viewport;
use std::rc::Rc;

/// Tiles kept per source beyond those in view.
const CACHE_TILES: usize = 256;

/// The layer-panel switch that shows or hides every layer of a base map.
pub const BASE_SWITCH: &str = "base";

/// A tile source: vector tiles, or raster images of `tile_size` pixels.
#[derive(Debug)]
pub struct Source {
    pub id: String,
    /// URL template with `{z}`, `{x}`, `{y}`.
    pub tiles_url: String,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// Images rather than vector tiles.
    pub raster: bool,
    /// Pixels per tile side (512 for vector tiles; 256 for most raster services).
    pub tile_size: u32,
    /// `[west, south, east, north]` of the data, when the TileJSON says.
    pub bounds: Option<[f64; 4]>,
    pub cache: TileCache<TileData>,
}

impl Source {
    /// A vector source from its TileJSON.
    pub fn from_tilejson(id: &str, tilejson: &serde_json::Value) -> Option<Source> {
        let mut source = Source::from_template(
            id,
            tilejson["tiles"][0].as_str()?,
            tilejson["minzoom"].as_u64().unwrap_or(0).min(24) as u8,
            tilejson["maxzoom"].as_u64().unwrap_or(18).min(24) as u8,
        );
        source.bounds = serde_json::from_value(tilejson["bounds"].clone()).ok();
        Some(source)
    }

    /// A vector source from its URL template and zoom range.
    pub fn from_template(id: &str, tiles_url: &str, min_zoom: u8, max_zoom: u8) -> Source {
        Source {
            id: id.to_owned(),
            tiles_url: tiles_url.to_owned(),
            min_zoom,
            max_zoom,
            raster: false,
            tile_size: 512,
            bounds: None,
            cache: TileCache::new(CACHE_TILES),
        }
    }

    /// The same source, of raster images `tile_size` pixels wide.
    pub fn raster(self, tile_size: u32) -> Source {
        Source {
            raster: true,
            tile_size,
            ..self
        }
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
        viewport.cover(viewport.tile_zoom_for(self.tile_size, self.min_zoom, self.max_zoom))
    }
}

/// The source of another version of a layer, drawn beside the served one for comparison.
pub const COMPARE_SOURCE: &str = "compare";

/// Another version of one layer drawn left of a divider, the served version right of it (a
/// swipe comparison).
#[derive(Debug, Clone, PartialEq)]
pub struct Compare {
    /// The compared layer (e.g. `planning`).
    pub layer: String,
    /// The layer's name in the other version's tiles (e.g. `planning@1`).
    pub source_layer: String,
    /// The divider's place as a share of the map's width, 0–1.
    pub divider: f64,
}

/// One way of drawing a style layer: from which source and tile layer, within which band of
/// the screen (x from, x to, in CSS pixels), if not all of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pass<'a> {
    pub source: usize,
    pub source_layer: &'a str,
    pub band: Option<(f64, f64)>,
}

/// A feature found under the pointer.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The source layer (e.g. `cameras`).
    pub layer: String,
    /// The tile layer it came from: `layer`, or another version's (`planning@1`) under a
    /// comparison.
    pub source_layer: String,
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
    /// A version comparison, when one is on.
    pub compare: Option<Compare>,
}

impl MapState {
    /// A map of the style's sources; the city's layers can be switched one by one, a base map
    /// as a whole.
    pub fn new(style: MapStyle, sources: Vec<Source>, width: f64, height: f64) -> Self {
        let (lon, lat, zoom) = style.center;
        let mut switches = style.source_layers().to_vec();
        if sources.iter().any(|s| s.id != MAIN_SOURCE) {
            switches.push(BASE_SWITCH.to_owned());
        }
        let filters = ViewFilters::new(&switches);
        Self {
            viewport: Viewport::new(lon, lat, zoom, width, height),
            style,
            sources,
            filters,
            compare: None,
        }
    }

    /// Starts comparing (`Some((compare, tile URL template of the other version))`) or stops.
    pub fn set_compare(&mut self, compare: Option<(Compare, String)>) {
        self.sources.retain(|s| s.id != COMPARE_SOURCE);
        self.compare = None;
        let Some((compare, tiles_url)) = compare else {
            return;
        };
        let (min_zoom, max_zoom) = self
            .sources
            .iter()
            .find(|s| s.id == MAIN_SOURCE)
            .map_or((0, 18), |s| (s.min_zoom, s.max_zoom));
        self.sources.push(Source::from_template(
            COMPARE_SOURCE,
            &tiles_url,
            min_zoom,
            max_zoom,
        ));
        self.compare = Some(compare);
    }

    /// Moves the comparison's divider (share of the width, clamped to 0–1).
    pub fn set_divider(&mut self, divider: f64) {
        if let Some(c) = &mut self.compare {
            c.divider = divider.clamp(0.0, 1.0);
        }
    }

    /// How to draw a style layer: once from its source, or, for the compared layer, the other
    /// version left of the divider and the served one right of it.
    pub fn passes<'a>(&'a self, layer: &'a StyleLayer) -> Vec<Pass<'a>> {
        let Some(source) = self.source_of(layer) else {
            return Vec::new();
        };
        let whole = Pass {
            source,
            source_layer: &layer.source_layer,
            band: None,
        };
        let compared = self
            .compare
            .as_ref()
            .filter(|c| layer.source == MAIN_SOURCE && c.layer == layer.source_layer);
        let other = self.sources.iter().position(|s| s.id == COMPARE_SOURCE);
        match (compared, other) {
            (Some(c), Some(other)) => {
                let x = c.divider * self.viewport.width;
                vec![
                    Pass {
                        source: other,
                        source_layer: &c.source_layer,
                        band: Some((0.0, x)),
                    },
                    Pass {
                        band: Some((x, self.viewport.width)),
                        ..whole
                    },
                ]
            }
            _ => vec![whole],
        }
    }

    /// The index of the source a style layer draws from.
    pub fn source_of(&self, layer: &StyleLayer) -> Option<usize> {
        self.sources.iter().position(|s| s.id == layer.source)
    }

    /// The layer-panel switch of a style layer: its own layer's, or the base map's.
    pub fn switch_of<'a>(&self, layer: &'a StyleLayer) -> &'a str {
        if layer.source == MAIN_SOURCE {
            &layer.source_layer
        } else {
            BASE_SWITCH
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
    pub fn drawable(&mut self) -> Vec<Vec<(TileId, Rc<TileData>)>> {
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
        self.viewport.zoom >= layer.min_zoom && self.filters.is_visible(self.switch_of(layer))
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
        for layer in self.style.layers.iter().rev() {
            if !self.draws(layer) || layer.source != MAIN_SOURCE {
                continue;
            }
            // Under a comparison, the version drawn where the pointer is.
            let passes = self.passes(layer);
            let Some(pass) = passes
                .iter()
                .find(|p| p.band.is_none_or(|(from, to)| (from..to).contains(&sx)))
            else {
                continue;
            };
            // The most detailed tiles first.
            for (tile, data) in drawables[pass.source].iter().rev() {
                let Some(tile_layer) = data.layer(pass.source_layer) else {
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
                    Paint::Fill { .. } | Paint::Raster { .. } | Paint::Heatmap { .. } => 0.0,
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
                        source_layer: pass.source_layer.to_owned(),
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
            .insert(tile, TileData::Vector(decode(&sample_tile()).unwrap()), 0);
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
    fn a_comparison_draws_the_other_version_left_of_the_divider() {
        let mut map = state();
        map.set_compare(Some((
            Compare {
                layer: "planning".into(),
                source_layer: "planning@1".into(),
                divider: 0.25,
            },
            "http://h/tiles/planning@1/{z}/{x}/{y}".into(),
        )));
        let planning = map.style.layers[0].clone();
        let cameras = map.style.layers[1].clone();
        let passes = map.passes(&planning);
        assert_eq!(passes.len(), 2);
        assert_eq!(
            (passes[0].source_layer, passes[0].band),
            ("planning@1", Some((0.0, 256.0)))
        );
        assert_eq!(
            (passes[1].source_layer, passes[1].band),
            ("planning", Some((256.0, 1024.0)))
        );
        assert_eq!(
            map.passes(&cameras).len(),
            1,
            "other layers are drawn whole"
        );
        // The other version's tiles are fetched from its own URL.
        assert!(
            map.tiles_to_fetch()
                .iter()
                .any(|(_, _, url, _)| url.starts_with("http://h/tiles/planning@1/"))
        );
        // A click left of the divider identifies the other version's feature.
        let (_, tile, _, _) = map.tiles_to_fetch()[0].clone();
        let mut other = decode(&sample_tile()).unwrap();
        for layer in &mut other.layers {
            if layer.name == "planning" {
                layer.name = "planning@1".into();
            }
        }
        let compare = map.sources.len() - 1;
        map.sources[compare]
            .cache
            .insert(tile, TileData::Vector(other), 0);
        let (ox, oy) = tile.origin();
        let s = tile.world_size();
        let (sx, sy) = map.viewport.to_screen(WorldPoint {
            x: ox + s * 0.4,
            y: oy + s * 0.1,
        });
        map.set_divider(sx / 1024.0 + 0.05);
        let hit = map.feature_at(sx, sy, 4.0).unwrap();
        assert_eq!(
            (hit.layer.as_str(), hit.source_layer.as_str()),
            ("planning", "planning@1")
        );
        // Right of the divider the served tiles are asked, and none is loaded yet.
        map.set_divider(sx / 1024.0 - 0.05);
        assert!(map.feature_at(sx, sy, 4.0).is_none());
        map.set_compare(None);
        assert!(map.sources.iter().all(|s| s.id != COMPARE_SOURCE));
    }

    #[test]
    fn data_changes_refetch_with_a_fresh_url() {
        let mut map = state();
        let (_, tile, _, _) = map.tiles_to_fetch()[0].clone();
        map.sources[0]
            .cache
            .insert(tile, TileData::Vector(Default::default()), 0);
        map.sources[0].cache.invalidate();
        let again = map.tiles_to_fetch();
        let (_, _, url, generation) = again.iter().find(|(_, t, _, _)| *t == tile).unwrap();
        assert_eq!(*generation, 1);
        assert!(url.ends_with("?v=1"));
    }

    #[test]
    fn a_base_map_has_one_switch_and_draws_from_its_own_source() {
        let style = MapStyle::parse(
            &serde_json::json!({
                "sources": {
                    "citygis": {"type": "vector", "url": "http://h/tiles/wards"},
                    "base": {"type": "raster", "tiles": ["https://t/{z}/{x}/{y}.png"], "tileSize": 256}
                },
                "layers": [
                    {"id": "base-raster", "type": "raster", "source": "base"},
                    {"id": "wards-fill", "type": "fill", "source": "citygis", "source-layer": "wards", "paint": {"fill-color": "#5b6c8f"}}
                ]
            })
            .to_string(),
        )
        .unwrap();
        let city = Source::from_template("citygis", "http://h/tiles/wards/{z}/{x}/{y}", 0, 18);
        let base = Source::from_template("base", "https://t/{z}/{x}/{y}.png", 0, 19).raster(256);
        let mut map = MapState::new(style, vec![city, base], 1024.0, 768.0);
        map.viewport.zoom = 14.0;
        let names: Vec<&str> = map.filters.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["wards", BASE_SWITCH]);
        let (raster, wards) = (map.style.layers[0].clone(), map.style.layers[1].clone());
        assert_eq!(map.source_of(&raster), Some(1));
        assert_eq!(map.source_of(&wards), Some(0));
        // The raster source is asked for 256-pixel tiles one zoom deeper.
        let zooms: std::collections::BTreeSet<(usize, u8)> = map
            .tiles_to_fetch()
            .iter()
            .map(|(s, t, _, _)| (*s, t.z))
            .collect();
        assert_eq!(zooms.into_iter().collect::<Vec<_>>(), [(0, 14), (1, 15)]);
        map.filters.set_visible(BASE_SWITCH, false);
        assert!(!map.draws(&raster));
        assert!(map.draws(&wards));
    }
}
