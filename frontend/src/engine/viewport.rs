//! The view: centre, fractional zoom, size in CSS pixels and device pixel ratio; the transforms
//! between the screen and the world, and the tiles a view needs.

use super::mercator::{self, WorldPoint};
use super::tile_id::TileId;

/// CSS pixels of one tile at an integer zoom (as MapLibre: zoom z shows 512·2^z pixels of world).
pub const TILE_PX: f64 = 512.0;

/// Zoom range the map lets a user reach.
pub const MIN_ZOOM: f64 = 2.0;
pub const MAX_ZOOM: f64 = 20.0;

/// What is on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewport {
    pub center: WorldPoint,
    pub zoom: f64,
    /// Size in CSS pixels.
    pub width: f64,
    pub height: f64,
    /// Device pixels per CSS pixel.
    pub pixel_ratio: f64,
}

impl Viewport {
    /// A view centred on a longitude/latitude.
    pub fn new(lon: f64, lat: f64, zoom: f64, width: f64, height: f64) -> Self {
        Self {
            center: mercator::to_world(lon, lat),
            zoom: zoom.clamp(MIN_ZOOM, MAX_ZOOM),
            width,
            height,
            pixel_ratio: 1.0,
        }
    }

    /// CSS pixels per world unit.
    pub fn scale(&self) -> f64 {
        TILE_PX * self.zoom.exp2()
    }

    /// The centre as (longitude, latitude).
    pub fn center_lon_lat(&self) -> (f64, f64) {
        mercator::to_lon_lat(self.center)
    }

    /// World point → screen position (CSS pixels from the top-left corner).
    pub fn to_screen(&self, p: WorldPoint) -> (f64, f64) {
        let s = self.scale();
        (
            (p.x - self.center.x) * s + self.width / 2.0,
            (p.y - self.center.y) * s + self.height / 2.0,
        )
    }

    /// Screen position → world point.
    pub fn to_world(&self, sx: f64, sy: f64) -> WorldPoint {
        let s = self.scale();
        WorldPoint {
            x: self.center.x + (sx - self.width / 2.0) / s,
            y: self.center.y + (sy - self.height / 2.0) / s,
        }
    }

    /// Screen position of a longitude/latitude.
    pub fn lon_lat_to_screen(&self, lon: f64, lat: f64) -> (f64, f64) {
        self.to_screen(mercator::to_world(lon, lat))
    }

    /// Longitude/latitude at a screen position.
    pub fn screen_to_lon_lat(&self, sx: f64, sy: f64) -> (f64, f64) {
        mercator::to_lon_lat(self.to_world(sx, sy))
    }

    /// Moves the map by a screen offset (the content follows the pointer).
    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        let s = self.scale();
        self.center.x -= dx / s;
        self.center.y -= dy / s;
        self.clamp_center();
    }

    /// Changes the zoom keeping the world point under `(sx, sy)` where it is.
    pub fn zoom_around(&mut self, sx: f64, sy: f64, zoom: f64) {
        let anchor = self.to_world(sx, sy);
        self.zoom = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
        let s = self.scale();
        self.center.x = anchor.x - (sx - self.width / 2.0) / s;
        self.center.y = anchor.y - (sy - self.height / 2.0) / s;
        self.clamp_center();
    }

    /// Centres on a longitude/latitude at a zoom.
    pub fn jump_to(&mut self, lon: f64, lat: f64, zoom: f64) {
        self.center = mercator::to_world(lon, lat);
        self.zoom = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
    }

    /// The zoom at which `[west, south, east, north]` fills the view (with a margin in pixels).
    pub fn zoom_to_fit(&self, bounds: [f64; 4], margin: f64) -> f64 {
        let a = mercator::to_world(bounds[0], bounds[3]);
        let b = mercator::to_world(bounds[2], bounds[1]);
        let w = (b.x - a.x).abs().max(1e-12);
        let h = (b.y - a.y).abs().max(1e-12);
        let avail_w = (self.width - 2.0 * margin).max(1.0);
        let avail_h = (self.height - 2.0 * margin).max(1.0);
        ((avail_w / w).min(avail_h / h) / TILE_PX).log2()
    }

    fn clamp_center(&mut self) {
        self.center.x = self.center.x.clamp(0.0, 1.0);
        self.center.y = self.center.y.clamp(0.0, 1.0);
    }

    /// The visible world rectangle: (min x, min y, max x, max y).
    pub fn world_bounds(&self) -> (f64, f64, f64, f64) {
        let a = self.to_world(0.0, 0.0);
        let b = self.to_world(self.width, self.height);
        (a.x, a.y, b.x, b.y)
    }

    /// The zoom of the tiles to draw from a source of `tile_px`-pixel tiles: the view's zoom
    /// rounded down, within what the source offers (past `max_source_zoom` the source's deepest
    /// tiles are drawn larger: overzoom). A 256-pixel tile covers half the side of a 512-pixel
    /// one, so such sources are asked one zoom deeper.
    pub fn tile_zoom_for(&self, tile_px: u32, min_source_zoom: u8, max_source_zoom: u8) -> u8 {
        let deeper = (TILE_PX / f64::from(tile_px.max(1))).log2().round();
        let z = (self.zoom.floor() + deeper).clamp(0.0, 30.0) as u8;
        z.clamp(min_source_zoom, max_source_zoom)
    }

    /// Every tile at zoom `z` that the view shows, nearest the centre first.
    pub fn cover(&self, z: u8) -> Vec<TileId> {
        let n = 1u32 << z;
        let (x0, y0, x1, y1) = self.world_bounds();
        let to_index = |v: f64| ((v * f64::from(n)).floor().max(0.0) as u32).min(n - 1);
        let (tx0, ty0, tx1, ty1) = (to_index(x0), to_index(y0), to_index(x1), to_index(y1));
        // A tile edge exactly at the view's edge does not make the next tile visible.
        let last = |v: f64, t: u32| {
            if t > 0 && (v * f64::from(n) - f64::from(t)).abs() < 1e-9 {
                t - 1
            } else {
                t
            }
        };
        let (tx1, ty1) = (last(x1, tx1).max(tx0), last(y1, ty1).max(ty0));
        let mut tiles = Vec::with_capacity(((tx1 - tx0 + 1) * (ty1 - ty0 + 1)) as usize);
        for x in tx0..=tx1 {
            for y in ty0..=ty1 {
                tiles.push(TileId::new(z, x, y));
            }
        }
        let (cx, cy) = (self.center.x * f64::from(n), self.center.y * f64::from(n));
        tiles.sort_by(|a, b| {
            let d = |t: &TileId| {
                (f64::from(t.x) + 0.5 - cx).powi(2) + (f64::from(t.y) + 0.5 - cy).powi(2)
            };
            d(a).total_cmp(&d(b))
        });
        tiles
    }

    /// Screen rectangle of a tile: (left, top, size) in CSS pixels.
    pub fn tile_rect(&self, tile: TileId) -> (f64, f64, f64) {
        let (ox, oy) = tile.origin();
        let (left, top) = self.to_screen(WorldPoint { x: ox, y: oy });
        (left, top, tile.world_size() * self.scale())
    }

    /// Metres on the ground per CSS pixel at the view's centre.
    pub fn metres_per_pixel(&self) -> f64 {
        let (_, lat) = self.center_lon_lat();
        mercator::metres_per_world_unit(lat) / self.scale()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(zoom: f64) -> Viewport {
        Viewport::new(106.9, 11.535, zoom, 1024.0, 768.0)
    }

    #[test]
    fn screen_and_world_are_inverse() {
        let v = view(14.37);
        for (sx, sy) in [(0.0, 0.0), (512.0, 384.0), (1000.5, 17.25)] {
            let (x, y) = v.to_screen(v.to_world(sx, sy));
            assert!((x - sx).abs() < 1e-6 && (y - sy).abs() < 1e-6);
        }
        let (x, y) = v.lon_lat_to_screen(106.9, 11.535);
        assert!(
            (x - 512.0).abs() < 1e-6 && (y - 384.0).abs() < 1e-6,
            "centre at the middle"
        );
    }

    #[test]
    fn east_is_right_and_north_is_up() {
        let v = view(14.0);
        let (x, y) = v.lon_lat_to_screen(106.91, 11.545);
        assert!(x > 512.0 && y < 384.0);
    }

    #[test]
    fn zoom_around_pointer_keeps_the_point_under_it() {
        let mut v = view(13.2);
        let (sx, sy) = (800.0, 150.0);
        let before = v.screen_to_lon_lat(sx, sy);
        v.zoom_around(sx, sy, 15.75);
        let after = v.screen_to_lon_lat(sx, sy);
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        assert_eq!(v.zoom, 15.75);
        v.zoom_around(sx, sy, 99.0);
        assert_eq!(v.zoom, MAX_ZOOM, "zoom is clamped");
    }

    #[test]
    fn pan_moves_content_with_the_pointer() {
        let mut v = view(14.0);
        let before = v.lon_lat_to_screen(106.9, 11.535);
        v.pan_by(100.0, -40.0);
        let after = v.lon_lat_to_screen(106.9, 11.535);
        assert!((after.0 - before.0 - 100.0).abs() < 1e-6);
        assert!((after.1 - before.1 + 40.0).abs() < 1e-6);
    }

    #[test]
    fn cover_at_integer_zoom_counts_tiles_of_512_pixels() {
        let mut v = view(14.0);
        // Put a tile corner exactly at the centre: 1024×768 then needs 2 × 2 tiles... plus the
        // partial ones: columns ⌈512/512⌉ each side → 2, rows ⌈384/512⌉ each side → 2.
        v.center = WorldPoint {
            x: 13057.0 / 16384.0,
            y: 7640.0 / 16384.0,
        };
        let tiles = v.cover(14);
        assert_eq!(tiles.len(), 4);
        assert!(tiles.contains(&TileId::new(14, 13056, 7639)));
        assert!(tiles.contains(&TileId::new(14, 13057, 7640)));
    }

    #[test]
    fn cover_at_fractional_zoom_uses_the_lower_zoom_tiles_scaled() {
        let v = view(14.6);
        assert_eq!(v.tile_zoom_for(512, 0, 18), 14);
        // 256-pixel raster tiles one zoom deeper, still within the source's range.
        assert_eq!(v.tile_zoom_for(256, 0, 18), 15);
        assert_eq!(v.tile_zoom_for(256, 0, 14), 14);
        let tiles = v.cover(14);
        // At 14.6 a z14 tile is 512·2^0.6 ≈ 776 px: a 1024×768 view spans 2–3 columns and 1–2 rows.
        assert!((2..=6).contains(&tiles.len()), "{tiles:?}");
        let (x0, y0, x1, y1) = v.world_bounds();
        for t in &tiles {
            let (ox, oy) = t.origin();
            let s = t.world_size();
            assert!(
                ox < x1 && ox + s > x0 && oy < y1 && oy + s > y0,
                "{t:?} is visible"
            );
        }
        // The nearest tile to the centre comes first.
        let (ox, oy) = tiles[0].origin();
        assert!(ox <= v.center.x && v.center.x < ox + tiles[0].world_size());
        assert!(oy <= v.center.y && v.center.y < oy + tiles[0].world_size());
    }

    #[test]
    fn overzoom_uses_the_deepest_source_tiles() {
        let v = view(19.4);
        assert_eq!(v.tile_zoom_for(512, 0, 18), 18);
        let (_, _, size) = v.tile_rect(v.cover(18)[0]);
        assert!((size - 512.0 * 1.4f64.exp2()).abs() < 1e-6);
    }

    #[test]
    fn fit_bounds_makes_the_city_fill_the_view() {
        let v = view(5.0);
        let z = v.zoom_to_fit([106.835, 11.475, 106.965, 11.595], 0.0);
        let mut fitted = v.clone();
        fitted.jump_to(106.9, 11.535, z);
        let (x0, _) = fitted.lon_lat_to_screen(106.835, 11.535);
        let (x1, _) = fitted.lon_lat_to_screen(106.965, 11.535);
        let (_, y0) = fitted.lon_lat_to_screen(106.9, 11.595);
        let (_, y1) = fitted.lon_lat_to_screen(106.9, 11.475);
        assert!(x1 - x0 <= 1024.0 + 1e-6 && y1 - y0 <= 768.0 + 1e-6);
        assert!((x1 - x0 - 1024.0).abs() < 1e-3 || (y1 - y0 - 768.0).abs() < 1e-3);
    }
}
