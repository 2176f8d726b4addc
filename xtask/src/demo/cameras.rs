//! Cameras, as counted in Đồng Xoài in 2022 (FACTS.md): 205 smart cameras and 1 high-mounted
//! PTZ camera bought by the city, 526 "socialized" (privately funded) and 327 shared by residents
//! — 1,059 in all, at intersections, markets, public places and along roads.

use super::output::{OutFeature, SOURCE};
use super::places::{PLACES, place};
use super::roads::{Road, RoadClass, point_along};
use super::wards::{Ward, ward_at};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Point};
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::json;

pub const SMART: usize = 205;
pub const SOCIALIZED: usize = 526;
pub const RESIDENT: usize = 327;

/// Where a camera stands and what to call the spot.
struct Site {
    at: Coord<f64>,
    kind: &'static str,
    label: String,
}

/// Generates the 1,059 cameras.
pub fn generate(rng: &mut impl Rng, roads: &[Road], wards: &[Ward]) -> Vec<OutFeature> {
    let mut crossings = intersections(roads);
    let mut sites: Vec<(&'static str, Site)> = Vec::new();

    let square = place("Quảng trường tỉnh Bình Phước");
    sites.push((
        "ptz",
        Site {
            at: Coord {
                x: square.2,
                y: square.3,
            },
            kind: "public_place",
            label: square.0.into(),
        },
    ));

    // Smart cameras: two at every market and public place, then the most important crossings,
    // then along the national and provincial routes.
    let mut smart: Vec<Site> = Vec::new();
    for p in PLACES {
        for k in 0..2 {
            let at = Coord {
                x: p.2 + 0.0002 * f64::from(k),
                y: p.3 - 0.00015 * f64::from(k),
            };
            let kind = if p.1 == "market" {
                "market"
            } else {
                "public_place"
            };
            smart.push(Site {
                at,
                kind,
                label: p.0.into(),
            });
        }
    }
    crossings.sort_by_key(|c| c.rank);
    let split = crossings.len().min(SMART * 3 / 4);
    for c in crossings.drain(..split) {
        smart.push(Site {
            at: c.at,
            kind: "intersection",
            label: c.label,
        });
    }
    let routes: Vec<&Road> = roads
        .iter()
        .filter(|r| r.class <= RoadClass::Provincial)
        .collect();
    while smart.len() < SMART {
        smart.push(along(rng, &routes, 0.0));
    }
    smart.truncate(SMART);
    sites.extend(smart.into_iter().map(|s| ("smart", s)));

    // Socialized cameras: remaining crossings first, then along any road.
    crossings.shuffle(rng);
    let all_roads: Vec<&Road> = roads.iter().collect();
    let mut socialized: Vec<Site> = crossings
        .into_iter()
        .take(SOCIALIZED / 2)
        .map(|c| Site {
            at: c.at,
            kind: "intersection",
            label: c.label,
        })
        .collect();
    while socialized.len() < SOCIALIZED {
        socialized.push(along(rng, &all_roads, 0.00012));
    }
    sites.extend(socialized.into_iter().map(|s| ("socialized", s)));

    // Residents' cameras: on houses along local streets.
    let local: Vec<&Road> = roads
        .iter()
        .filter(|r| r.class == RoadClass::Local)
        .collect();
    for _ in 0..RESIDENT {
        sites.push(("resident", along(rng, &local, 0.0002)));
    }

    sites
        .into_iter()
        .enumerate()
        .map(|(i, (kind, site))| {
            let id = i + 1;
            let status = match (kind, rng.random_range(0..100)) {
                ("resident", 0..15) | (_, 0..8) => "offline",
                (_, 8..11) => "maintenance",
                _ => "online",
            };
            let installed_year = match kind {
                "ptz" => 2021,
                "resident" => rng.random_range(2021..=2022),
                _ => rng.random_range(2020..=2022),
            };
            let properties = json!({
                "id": id,
                "code": format!("DX-CAM-{id:04}"),
                "name": format!("Camera {}", site.label),
                "kind": kind,
                "site": site.kind,
                "ward": ward_at(wards, site.at.x, site.at.y),
                "status": status,
                "installed_year": installed_year,
                // Private: kept in the data store, never published (not in the layer's attributes).
                "stream_url": format!("rtsp://camera-{id:04}.demo.invalid/live"),
                "position": "approximate",
                "source": SOURCE,
            });
            OutFeature {
                geometry: Point(site.at).into(),
                properties: properties.as_object().cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// A camera site along one of `roads`.
fn along(rng: &mut impl Rng, roads: &[&Road], offset: f64) -> Site {
    let (at, road) = point_along(rng, roads, offset);
    let label = match road.class {
        RoadClass::Local => format!("đường {}", road.name),
        _ => format!("dọc {}", road.name),
    };
    Site {
        at,
        kind: "road",
        label,
    }
}

/// A point where two roads cross.
struct Crossing {
    at: Coord<f64>,
    rank: (RoadClass, RoadClass),
    label: String,
}

/// All crossings between different roads, merged within about 30 m.
fn intersections(roads: &[Road]) -> Vec<Crossing> {
    let mut out: Vec<Crossing> = Vec::new();
    for (i, a) in roads.iter().enumerate() {
        for b in &roads[i + 1..] {
            for la in a.line.lines() {
                for lb in b.line.lines() {
                    if let Some(LineIntersection::SinglePoint { intersection, .. }) =
                        line_intersection(la, lb)
                    {
                        if out.iter().any(|c| {
                            (c.at.x - intersection.x).hypot(c.at.y - intersection.y) < 0.0003
                        }) {
                            continue;
                        }
                        let rank = (a.class.min(b.class), a.class.max(b.class));
                        out.push(Crossing {
                            at: intersection,
                            rank,
                            label: format!("nút giao {} – {}", a.name, b.name),
                        });
                    }
                }
            }
        }
    }
    out
}
