//! Where features land in tiles, decoded with geozero's MVT reader (an independent decoder):
//! a point appears in exactly the tiles whose buffered square holds it, at zooms 0–18, at the
//! tile coordinates the slippy-map formulas give; a polygon with a hole and a line crossing tile
//! edges are cut so that the tiles together hold exactly the original area and length.

use geo::{Area, BooleanOps, Euclidean, Length, LineString, MultiLineString, Polygon, Rect, coord};
use geozero::ToGeo;
use geozero::mvt::{Message, Tile};
use std::sync::Arc;
use tileserver::config::{LayerConfig, TileSettings};
use tileserver::layer::{Feature, Layer};
use tileserver::mercator::to_mercator;
use tileserver::tile::{TileId, build_tile};

fn probe_layer(geometry: &str, features: Vec<geo::Geometry<f64>>) -> Layer {
    let config: LayerConfig = toml::from_str(&format!(
        r#"name = "probe"
           title = "Thử"
           file = "probe.geojson"
           geometry = "{geometry}"
           attributes = []
           max_zoom = 22"#
    ))
    .unwrap();
    let features = features
        .into_iter()
        .enumerate()
        .map(|(i, g)| Feature {
            id: i as u64 + 1,
            geometry: g,
            values: Box::new([]),
        })
        .collect();
    Layer::new(Arc::new(config), features)
}

/// The probe layer's geometries in one tile, as geozero decodes them (tile coordinates).
fn decode(layer: &Layer, tile: TileId, settings: &TileSettings) -> Vec<geo::Geometry<f64>> {
    let Some(bytes) = build_tile(&[layer], tile, settings).unwrap() else {
        return vec![];
    };
    let decoded = Tile::decode(&bytes[..]).unwrap();
    assert_eq!(decoded.layers.len(), 1);
    decoded.layers[0]
        .features
        .iter()
        .map(|f| f.to_geo().unwrap())
        .collect()
}

/// Tile-space position of lon/lat in tile (x, y) at zoom z, from the slippy-map formulas.
fn slippy(lon: f64, lat: f64, z: u8, x: u32, y: u32) -> (f64, f64) {
    let n = f64::from(1u32 << z);
    let fx = (lon + 180.0) / 360.0 * n;
    let r = lat.to_radians();
    let fy = (1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
    ((fx - f64::from(x)) * 4096.0, (fy - f64::from(y)) * 4096.0)
}

fn neighbourhood(centre: TileId, radius: i64) -> impl Iterator<Item = TileId> {
    let n = 1i64 << centre.z;
    (-radius..=radius).flat_map(move |dx| {
        (-radius..=radius).filter_map(move |dy| {
            let (x, y) = (i64::from(centre.x) + dx, i64::from(centre.y) + dy);
            ((0..n).contains(&x) && (0..n).contains(&y)).then_some(TileId {
                z: centre.z,
                x: x as u32,
                y: y as u32,
            })
        })
    })
}

#[test]
fn a_point_is_in_exactly_the_tiles_that_cover_it_at_every_zoom() {
    let settings = TileSettings::default();
    let buffer = f64::from(settings.buffer);
    // The market, and a point 20.3 tile units from a z12 tile corner (so within the buffer of
    // neighbours at many zooms; never exactly half a unit, where two roundings could differ).
    let corner = TileId {
        z: 12,
        x: 3264,
        y: 1915,
    }
    .bounds();
    let near_corner = tileserver::mercator::to_lon_lat(
        corner.min_x + corner_offset(12),
        corner.max_y - corner_offset(12),
    );
    for (lon, lat) in [(106.8965, 11.5395), near_corner] {
        let (mx, my) = to_mercator(lon, lat);
        let layer = probe_layer("point", vec![geo::Point::new(mx, my).into()]);
        for z in 0..=18u8 {
            let mut found = 0;
            for tile in neighbourhood(TileId::containing(z, mx, my), 2) {
                let (px, py) = slippy(lon, lat, z, tile.x, tile.y);
                let (rx, ry) = (px.round(), py.round());
                let expected = (-buffer..=4096.0 + buffer).contains(&rx)
                    && (-buffer..=4096.0 + buffer).contains(&ry);
                let got = decode(&layer, tile, &settings);
                assert_eq!(
                    !got.is_empty(),
                    expected,
                    "({lon}, {lat}) in {tile}: tile-space ({px:.2}, {py:.2})"
                );
                if let Some(geo::Geometry::Point(p)) = got.first() {
                    assert_eq!((p.x(), p.y()), (rx, ry), "position in {tile}");
                    found += 1;
                }
            }
            assert!(found >= 1, "zoom {z}: the point is in its own tile");
        }
    }
}

/// 20.3 tile units at zoom `z`, in metres.
fn corner_offset(z: u8) -> f64 {
    TileId { z, x: 0, y: 0 }.span() / 4096.0 * 20.3
}

/// The tile proper, without its buffer, in tile coordinates.
fn tile_square() -> Polygon<f64> {
    Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 4096.0, y: 4096.0 }).to_polygon()
}

#[test]
fn a_polygon_with_a_hole_across_tile_edges_keeps_its_area() {
    let settings = TileSettings::default();
    let (cx, cy) = to_mercator(106.90, 11.535);
    let z = 15u8;
    let span = TileId { z, x: 0, y: 0 }.span();
    // 2.5 tiles wide, with a hole of 1 tile, straddling tile edges.
    let (h, hole) = (1.25 * span, 0.5 * span);
    let square = |r: f64| {
        LineString::from(vec![
            (cx - r, cy - r),
            (cx + r, cy - r),
            (cx + r, cy + r),
            (cx - r, cy + r),
            (cx - r, cy - r),
        ])
    };
    let mut hole_ring = square(hole);
    hole_ring.0.reverse();
    let polygon = Polygon::new(square(h), vec![hole_ring]);
    let expected = polygon.unsigned_area();
    let layer = probe_layer("polygon", vec![polygon.into()]);
    let mut total = 0.0;
    let mut tiles_with_part = 0;
    for tile in neighbourhood(TileId::containing(z, cx, cy), 3) {
        for g in decode(&layer, tile, &settings) {
            let multi: geo::MultiPolygon<f64> = match g {
                geo::Geometry::Polygon(p) => p.into(),
                geo::Geometry::MultiPolygon(mp) => mp,
                other => panic!("expected a polygon, got {other:?}"),
            };
            // Count only what lies in the tile proper; the buffer overlaps the neighbours.
            let own = multi.intersection(&tile_square());
            total += own.unsigned_area() * (span / 4096.0).powi(2);
            tiles_with_part += 1;
        }
    }
    assert!(
        tiles_with_part >= 9,
        "the polygon spans at least 3×3 tiles, got {tiles_with_part}"
    );
    assert!(
        (total - expected).abs() / expected < 0.002,
        "area {total} vs {expected}"
    );
}

#[test]
fn a_line_across_tile_edges_keeps_its_length() {
    let settings = TileSettings {
        simplify: 0.0,
        ..TileSettings::default()
    };
    let (cx, cy) = to_mercator(106.90, 11.535);
    let z = 16u8;
    let span = TileId { z, x: 0, y: 0 }.span();
    let line = LineString::from(vec![
        (cx - 2.3 * span, cy - 0.7 * span),
        (cx + 0.2 * span, cy + 0.1 * span),
        (cx + 2.1 * span, cy + 1.9 * span),
    ]);
    let expected = Euclidean.length(&line);
    let layer = probe_layer("line", vec![line.into()]);
    let mut total = 0.0;
    for tile in neighbourhood(TileId::containing(z, cx, cy), 3) {
        for g in decode(&layer, tile, &settings) {
            let lines: MultiLineString<f64> = match g {
                geo::Geometry::LineString(l) => l.into(),
                geo::Geometry::MultiLineString(ml) => ml,
                other => panic!("expected a line, got {other:?}"),
            };
            let own = tile_square().clip(&lines, false);
            total += Euclidean.length(&own) * span / 4096.0;
        }
    }
    assert!(
        (total - expected).abs() / expected < 0.002,
        "length {total} vs {expected}"
    );
}
