//! The demo city: Đồng Xoài (Bình Phước), generated deterministically.
//!
//! Counts and named places follow `shared/FACTS.md`; positions are approximate and marked so.
//! Each layer draws from its own seeded ChaCha stream, so changing one layer's code leaves the
//! other files byte-identical.

mod cameras;
pub(crate) mod output;
mod places;
pub(crate) mod planning;
mod reports;
mod roads;
pub(crate) mod wards;
mod wifi;

use output::{OutFeature, feature_collection};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// One generated layer, written to `<name>.geojson`.
pub struct DemoLayer {
    pub name: &'static str,
    pub description: &'static str,
    pub features: Vec<OutFeature>,
}

/// A deterministic random stream for one layer.
pub(crate) fn rng(layer: &str) -> ChaCha8Rng {
    let seed = layer.bytes().fold(2022u64, |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    ChaCha8Rng::seed_from_u64(seed)
}

/// Generates the whole city.
pub fn generate() -> Vec<DemoLayer> {
    let wards = wards::generate(&mut rng("wards"));
    let roads = roads::generate(&mut rng("roads"));
    let layer = |name, description, features| DemoLayer {
        name,
        description,
        features,
    };
    vec![
        layer(
            "wards",
            "Phường, xã của TP. Đồng Xoài, ranh giới gần đúng (approximate ward and commune boundaries)",
            wards.iter().map(wards::Ward::to_feature).collect(),
        ),
        layer(
            "roads",
            "Trục đường chính, vị trí gần đúng (main roads, approximate)",
            roads.iter().map(roads::Road::to_feature).collect(),
        ),
        layer(
            "cameras",
            "Camera: 205 thông minh, 1 PTZ trên cao, 526 xã hội hóa, 327 người dân chia sẻ (cameras, approximate positions)",
            cameras::generate(&mut rng("cameras"), &roads, &wards),
        ),
        layer(
            "wifi",
            "Điểm Wi-Fi công cộng miễn phí (free public Wi-Fi points, approximate positions)",
            wifi::generate(&wards),
        ),
        layer(
            "planning",
            "Quy hoạch sử dụng đất, dữ liệu minh họa (illustrative zoning)",
            planning::generate(&mut rng("planning")),
        ),
        layer(
            "reports",
            "Phản ánh hiện trường, dữ liệu minh họa (illustrative field reports)",
            reports::generate(&mut rng("reports"), &roads, &wards),
        ),
    ]
}

/// Writes each layer to `<out>/<name>.geojson`; returns (name, feature count) per file.
pub fn write(layers: &[DemoLayer], out: &Path) -> std::io::Result<Vec<(&'static str, usize)>> {
    std::fs::create_dir_all(out)?;
    layers
        .iter()
        .map(|l| {
            std::fs::write(
                out.join(format!("{}.geojson", l.name)),
                feature_collection(l.name, l.description, &l.features),
            )?;
            Ok((l.name, l.features.len()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed files are exactly what the generator makes: data/ is never edited by hand
    /// and never drifts from the code that documents how it was made.
    #[test]
    fn committed_demo_data_is_what_the_generator_makes() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
        for layer in generate() {
            let committed =
                std::fs::read_to_string(data.join(format!("{}.geojson", layer.name))).unwrap();
            let fresh = feature_collection(layer.name, layer.description, &layer.features);
            assert!(
                committed == fresh,
                "data/{}.geojson differs from the generator: run `cargo xtask demo-data`",
                layer.name
            );
        }
    }
}
