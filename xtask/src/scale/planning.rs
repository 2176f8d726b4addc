//! 200,000 small planning parcels: a grid of city blocks over the whole city, each cell an
//! irregular quadrilateral, one in twenty with a courtyard hole.

use crate::demo::output::{OutFeature, SOURCE};
use crate::demo::planning::LAND_USES;
use crate::demo::wards::BOUNDS;
use geo::{Coord, LineString, Polygon};
use rand::Rng;
use serde_json::json;

pub fn generate(count: usize) -> Vec<OutFeature> {
    let mut rng = crate::demo::rng("scale-planning");
    let [w, s, e, n] = BOUNDS;
    // A grid with about `count` cells of the city's aspect.
    let cols = ((count as f64) * (e - w) / (n - s)).sqrt().ceil() as usize;
    let rows = count.div_ceil(cols);
    let (dx, dy) = ((e - w) / cols as f64, (n - s) / rows as f64);
    (0..count)
        .map(|i| {
            let (col, row) = (i % cols, i / cols);
            let (x0, y0) = (w + col as f64 * dx, s + row as f64 * dy);
            let mut j = |f: f64| rng.random_range(-f..f);
            let inset = 0.08;
            let corner = |cx: f64, cy: f64, j: &mut dyn FnMut(f64) -> f64| Coord {
                x: x0 + (cx + j(0.06)) * dx,
                y: y0 + (cy + j(0.06)) * dy,
            };
            let mut ring: Vec<Coord<f64>> = vec![
                corner(inset, inset, &mut j),
                corner(1.0 - inset, inset, &mut j),
                corner(1.0 - inset, 1.0 - inset, &mut j),
                corner(inset, 1.0 - inset, &mut j),
            ];
            ring.push(ring[0]);
            let holes = if i % 20 == 7 {
                let (cx, cy) = (x0 + 0.5 * dx, y0 + 0.5 * dy);
                let (rx, ry) = (0.15 * dx, 0.15 * dy);
                vec![LineString::from(vec![
                    (cx - rx, cy - ry),
                    (cx - rx, cy + ry),
                    (cx + rx, cy + ry),
                    (cx + rx, cy - ry),
                    (cx - rx, cy - ry),
                ])]
            } else {
                Vec::new()
            };
            let (code, name, _) = LAND_USES[rng.random_range(0..LAND_USES.len())];
            let properties = json!({
                "id": i + 1,
                "zone": format!("S{}-{}", row + 1, col + 1),
                "land_use": code,
                "land_use_name": name,
                "plan_name": "Quy hoạch mẫu quy mô tỉnh (dữ liệu thử tải)",
                "decision_no": "DEMO-SCALE/QĐ-UBND",
                "source": SOURCE,
            });
            OutFeature {
                geometry: Polygon::new(LineString::new(ring), holes).into(),
                properties: properties.as_object().cloned().unwrap_or_default(),
            }
        })
        .collect()
}
