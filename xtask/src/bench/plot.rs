//! The benchmark's plot: cold per-tile latency (p50 and p99) by zoom, ours against the peer, on a
//! log scale, as SVG.

use super::ColdFigures;
use plotters::prelude::*;
use std::path::Path;

pub fn latency_by_zoom(file: &Path, ours: &ColdFigures, peer: &ColdFigures) -> anyhow::Result<()> {
    let root = SVGBackend::new(file, (900, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let max = ours
        .by_zoom
        .iter()
        .chain(&peer.by_zoom)
        .map(|z| z.3)
        .fold(1.0, f64::max)
        * 2.0;
    let min = ours
        .by_zoom
        .iter()
        .chain(&peer.by_zoom)
        .map(|z| z.2)
        .fold(f64::INFINITY, f64::min)
        .max(0.01)
        / 2.0;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Cold tile latency by zoom, raw workload (CityGIS vs geojson-vt + vt-pbf)",
            ("sans-serif", 20),
        )
        .margin(20)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(9.5f64..16.5f64, (min..max).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("zoom")
        .y_desc("ms per tile (log)")
        .x_labels(8)
        .draw()?;
    let series = [
        (ours, "CityGIS", RGBColor(28, 126, 214)),
        (peer, "peer (Node)", RGBColor(224, 49, 49)),
    ];
    for (figures, name, color) in series {
        for (p99, label) in [(false, "p50"), (true, "p99")] {
            let points: Vec<(f64, f64)> = figures
                .by_zoom
                .iter()
                .map(|z| (f64::from(z.0), if p99 { z.3 } else { z.2 }))
                .collect();
            let style = if p99 {
                color.stroke_width(2)
            } else {
                color.mix(0.6).stroke_width(1)
            };
            chart
                .draw_series(LineSeries::new(points.clone(), style))?
                .label(format!("{name} {label}"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
