//! The two configurations of the scale data: as served (the demo city's own `city.toml`), and
//! raw — every feature in every tile, no clustering, no dropping, every layer at every zoom —
//! the same content a general tile server produces, for a like-for-like comparison.

use std::path::Path;

pub fn write(out: &Path) -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let served = std::fs::read_to_string(root.join("data/city.toml"))?;
    std::fs::write(out.join("city.toml"), &served)?;
    let mut raw: toml::Table = served.parse()?;
    if let Some(tiles) = raw.get_mut("tiles").and_then(|t| t.as_table_mut()) {
        tiles.insert("min_ring_area".into(), toml::Value::Float(0.0));
    }
    for layer in raw
        .get_mut("layers")
        .and_then(|l| l.as_array_mut())
        .into_iter()
        .flatten()
    {
        if let Some(layer) = layer.as_table_mut() {
            layer.remove("cluster");
            layer.insert("min_zoom".into(), toml::Value::Integer(0));
        }
    }
    std::fs::write(
        out.join("city-raw.toml"),
        format!(
            "# Raw workload: no clustering, nothing dropped, all zooms.\n{}",
            toml::to_string(&raw)?
        ),
    )?;
    Ok(())
}
