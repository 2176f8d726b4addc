//! Every tile of the demo city, at every zoom it has data, checked against the Mapbox Vector Tile
//! specification 2.1, decoded with geozero's protobuf types (not our encoder's):
//! - layers: version 2, extent 4096, a name, unique names, at least one feature (§4.1);
//! - features: a known geometry type, an even list of tags pointing at existing keys/values,
//!   unique ids within a layer (§4.2);
//! - geometry commands (§4.3): points are one MoveTo; lines are MoveTo(1) + LineTo(n≥1);
//!   polygons are MoveTo(1) + LineTo(n≥2) + ClosePath(1) rings, the first ring exterior with
//!   positive surveyor's-formula area, interior rings negative right after their exterior;
//!   no repeated consecutive points (no zero-length segments);
//! - values: exactly one value field set (§4.1).

use geozero::mvt::tile::{GeomType, Layer};
use geozero::mvt::{Message, Tile};
use std::collections::HashSet;
use tileserver::config::CityConfig;
use tileserver::layer::{Layer as SourceLayer, LayerRegistry};
use tileserver::tile::{TileId, build_tile};

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

fn zigzag(v: u32) -> i64 {
    i64::from(v >> 1) ^ -i64::from(v & 1)
}

/// One part of a geometry: its points and whether ClosePath ended it.
type Part = (Vec<[i64; 2]>, bool);

/// Decodes a feature's command stream into parts (one per MoveTo), checking the command rules.
fn decode_parts(geometry: &[u32], ty: GeomType) -> Result<Vec<Part>, String> {
    let mut parts: Vec<Part> = Vec::new();
    let (mut x, mut y) = (0i64, 0i64);
    let mut i = 0;
    while i < geometry.len() {
        let (id, count) = (geometry[i] & 7, geometry[i] >> 3);
        i += 1;
        match id {
            MOVE_TO => {
                if count == 0 {
                    return Err("MoveTo with count 0".into());
                }
                if ty != GeomType::Point && count != 1 {
                    return Err(format!("MoveTo count {count} in a {ty:?}"));
                }
                if ty == GeomType::Polygon && parts.last().is_some_and(|p| !p.1) {
                    return Err("polygon ring not closed before the next MoveTo".into());
                }
                if ty != GeomType::Point && parts.last().is_some_and(|p| p.0.len() < 2) {
                    return Err("MoveTo right after MoveTo".into());
                }
                for _ in 0..count {
                    let (dx, dy) = (
                        *geometry.get(i).ok_or("truncated")?,
                        *geometry.get(i + 1).ok_or("truncated")?,
                    );
                    i += 2;
                    x += zigzag(dx);
                    y += zigzag(dy);
                    parts.push((vec![[x, y]], false));
                }
            }
            LINE_TO => {
                if ty == GeomType::Point {
                    return Err("LineTo in a point geometry".into());
                }
                let part = parts.last_mut().ok_or("LineTo before any MoveTo")?;
                if count == 0 {
                    return Err("LineTo with count 0".into());
                }
                for _ in 0..count {
                    let (dx, dy) = (
                        *geometry.get(i).ok_or("truncated")?,
                        *geometry.get(i + 1).ok_or("truncated")?,
                    );
                    i += 2;
                    if dx == 0 && dy == 0 {
                        return Err(format!("zero-length segment at ({x}, {y})"));
                    }
                    x += zigzag(dx);
                    y += zigzag(dy);
                    part.0.push([x, y]);
                }
            }
            CLOSE_PATH => {
                if ty != GeomType::Polygon || count != 1 {
                    return Err(format!("ClosePath (count {count}) in a {ty:?}"));
                }
                let part = parts.last_mut().ok_or("ClosePath before any MoveTo")?;
                if part.0.len() < 3 {
                    return Err(format!("ring of {} points", part.0.len()));
                }
                if part.0.first() == part.0.last() {
                    return Err("ring repeats its first point before ClosePath".into());
                }
                part.1 = true;
            }
            other => return Err(format!("unknown command id {other}")),
        }
    }
    match ty {
        GeomType::Linestring if parts.iter().any(|p| p.0.len() < 2) => {
            Err("line with one point".into())
        }
        GeomType::Polygon if parts.iter().any(|p| !p.1) => Err("ring without ClosePath".into()),
        _ if parts.is_empty() => Err("empty geometry".into()),
        _ => Ok(parts),
    }
}

fn area2(ring: &[[i64; 2]]) -> i64 {
    (0..ring.len())
        .map(|i| {
            let ([x1, y1], [x2, y2]) = (ring[i], ring[(i + 1) % ring.len()]);
            x1 * y2 - x2 * y1
        })
        .sum()
}

fn check_layer(layer: &Layer, buffer: i64) -> Result<(), String> {
    if layer.version != 2 {
        return Err(format!("version {}", layer.version));
    }
    if layer.extent != Some(4096) {
        return Err(format!("extent {:?}", layer.extent));
    }
    if layer.features.is_empty() {
        return Err("empty layer".into());
    }
    for v in &layer.values {
        let set = [
            v.string_value.is_some(),
            v.float_value.is_some(),
            v.double_value.is_some(),
            v.int_value.is_some(),
            v.uint_value.is_some(),
            v.sint_value.is_some(),
            v.bool_value.is_some(),
        ];
        if set.iter().filter(|s| **s).count() != 1 {
            return Err(format!(
                "value with {} fields set",
                set.iter().filter(|s| **s).count()
            ));
        }
    }
    let mut ids = HashSet::new();
    for (n, f) in layer.features.iter().enumerate() {
        let fail = |m: String| Err::<(), _>(format!("feature {n} (id {:?}): {m}", f.id));
        if let Some(id) = f.id
            && !ids.insert(id)
        {
            return fail("duplicate id".into());
        }
        if f.tags.len() % 2 != 0 {
            return fail("odd tag count".into());
        }
        for pair in f.tags.chunks(2) {
            if pair[0] as usize >= layer.keys.len() || pair[1] as usize >= layer.values.len() {
                return fail("tag index out of range".into());
            }
        }
        let ty = f.r#type();
        if ty == GeomType::Unknown {
            return fail("unknown geometry type".into());
        }
        let parts = match decode_parts(&f.geometry, ty) {
            Ok(parts) => parts,
            Err(m) => return fail(m),
        };
        for (points, _) in &parts {
            if let Some(p) = points
                .iter()
                .find(|p| p.iter().any(|c| *c < -buffer || *c > 4096 + buffer))
            {
                return fail(format!("point {p:?} outside the buffered tile"));
            }
        }
        if ty == GeomType::Polygon {
            if area2(&parts[0].0) <= 0 {
                return fail("first ring is not exterior (area must be positive)".into());
            }
            if let Some((ring, _)) = parts.iter().find(|(r, _)| area2(r) == 0) {
                return fail(format!("ring with zero area: {ring:?}"));
            }
        }
    }
    Ok(())
}

/// The tiles covering the demo city at zoom `z`.
fn city_tiles(config: &CityConfig, z: u8) -> Vec<TileId> {
    let [w, s, e, n] = config.city.bounds;
    let (x0, y0) = tileserver::mercator::to_mercator(w, n);
    let (x1, y1) = tileserver::mercator::to_mercator(e, s);
    let a = TileId::containing(z, x0, y0);
    let b = TileId::containing(z, x1, y1);
    (a.x..=b.x)
        .flat_map(|x| (a.y..=b.y).map(move |y| TileId { z, x, y }))
        .collect()
}

#[test]
fn every_demo_tile_meets_the_mvt_spec() {
    let config = CityConfig::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/city.toml"),
    )
    .unwrap();
    let registry = LayerRegistry::load(&config).unwrap();
    let guards: Vec<_> = registry.iter().map(|l| l.read().unwrap()).collect();
    let layers: Vec<&SourceLayer> = guards.iter().map(|g| &**g).collect();
    let mut tiles_checked = 0;
    let mut features_checked = 0;
    let mut seen_types = HashSet::new();
    let mut polygon_holes = 0;
    for z in 0..=17u8 {
        let tiles = city_tiles(&config, z);
        // At the deepest zooms take every third tile: the same code paths, less time.
        let step = if z >= 16 { 3 } else { 1 };
        for tile in tiles.into_iter().step_by(step) {
            let Some(bytes) = build_tile(&layers, tile, &config.tiles).unwrap() else {
                continue;
            };
            let decoded =
                Tile::decode(&bytes[..]).unwrap_or_else(|e| panic!("{tile}: not protobuf: {e}"));
            let mut names = HashSet::new();
            for layer in &decoded.layers {
                assert!(
                    names.insert(layer.name.clone()),
                    "{tile}: layer {} twice",
                    layer.name
                );
                check_layer(layer, i64::from(config.tiles.buffer))
                    .unwrap_or_else(|e| panic!("tile {tile}, layer {}: {e}", layer.name));
                features_checked += layer.features.len();
                for f in &layer.features {
                    seen_types.insert(f.r#type() as i32);
                    if f.r#type() == GeomType::Polygon {
                        polygon_holes += decode_parts(&f.geometry, GeomType::Polygon)
                            .unwrap()
                            .iter()
                            .filter(|(r, _)| area2(r) < 0)
                            .count();
                    }
                }
            }
            tiles_checked += 1;
        }
    }
    assert!(tiles_checked > 500, "only {tiles_checked} tiles");
    assert!(
        features_checked > 10_000,
        "only {features_checked} features"
    );
    assert_eq!(
        seen_types.len(),
        3,
        "points, lines and polygons all checked"
    );
    assert!(polygon_holes > 0, "polygons with holes were checked");
}

#[test]
fn the_checker_catches_broken_geometry() {
    // A counter-clockwise (negative) first ring, a repeated point and a missing ClosePath.
    let cmd = |id: u32, count: u32| id | (count << 3);
    let zz = |v: i32| ((v << 1) ^ (v >> 31)) as u32;
    let ccw = vec![
        cmd(MOVE_TO, 1),
        zz(0),
        zz(0),
        cmd(LINE_TO, 2),
        zz(0),
        zz(10),
        zz(10),
        zz(0),
        cmd(CLOSE_PATH, 1),
    ];
    let parts = decode_parts(&ccw, GeomType::Polygon).unwrap();
    assert!(area2(&parts[0].0) < 0);
    let repeated = vec![
        cmd(MOVE_TO, 1),
        zz(0),
        zz(0),
        cmd(LINE_TO, 2),
        zz(0),
        zz(0),
        zz(10),
        zz(0),
    ];
    assert!(decode_parts(&repeated, GeomType::Linestring).is_err());
    let open = vec![
        cmd(MOVE_TO, 1),
        zz(0),
        zz(0),
        cmd(LINE_TO, 2),
        zz(10),
        zz(0),
        zz(0),
        zz(10),
    ];
    assert!(decode_parts(&open, GeomType::Polygon).is_err());
}
