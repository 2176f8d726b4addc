//! What the user chose to see: layers on or off with their opacity, and values of attributes
//! hidden by the filters (report status and category, camera kind and status…).

use super::vector_tile::TileFeature;
use std::collections::{BTreeMap, BTreeSet};

/// A layer's switch and opacity.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSetting {
    pub name: String,
    pub visible: bool,
    /// Multiplies the style's opacity (0–1).
    pub opacity: f64,
}

/// The user's choices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewFilters {
    pub layers: Vec<LayerSetting>,
    /// (layer, attribute) → values not drawn.
    hidden: BTreeMap<(String, String), BTreeSet<String>>,
}

impl ViewFilters {
    /// Every layer visible at full opacity.
    pub fn new(layers: &[String]) -> Self {
        Self {
            layers: layers
                .iter()
                .map(|name| LayerSetting {
                    name: name.clone(),
                    visible: true,
                    opacity: 1.0,
                })
                .collect(),
            hidden: BTreeMap::new(),
        }
    }

    /// A layer's setting.
    pub fn layer(&self, name: &str) -> Option<&LayerSetting> {
        self.layers.iter().find(|l| l.name == name)
    }

    /// Whether a layer is drawn.
    pub fn is_visible(&self, name: &str) -> bool {
        self.layer(name).is_some_and(|l| l.visible)
    }

    /// The user's opacity for a layer.
    pub fn opacity(&self, name: &str) -> f64 {
        self.layer(name).map_or(1.0, |l| l.opacity)
    }

    /// Switches a layer on or off.
    pub fn set_visible(&mut self, name: &str, visible: bool) {
        if let Some(l) = self.layers.iter_mut().find(|l| l.name == name) {
            l.visible = visible;
        }
    }

    /// Sets a layer's opacity (clamped to 0–1).
    pub fn set_opacity(&mut self, name: &str, opacity: f64) {
        if let Some(l) = self.layers.iter_mut().find(|l| l.name == name) {
            l.opacity = opacity.clamp(0.0, 1.0);
        }
    }

    /// The visible layers, in order.
    pub fn visible_layers(&self) -> Vec<String> {
        self.layers
            .iter()
            .filter(|l| l.visible)
            .map(|l| l.name.clone())
            .collect()
    }

    /// Shows only the named layers (from a link).
    pub fn show_only(&mut self, names: &[String]) {
        for l in &mut self.layers {
            l.visible = names.contains(&l.name);
        }
    }

    /// Shows or hides features of `layer` whose `attribute` is `value`.
    pub fn set_value_shown(&mut self, layer: &str, attribute: &str, value: &str, shown: bool) {
        let set = self
            .hidden
            .entry((layer.to_owned(), attribute.to_owned()))
            .or_default();
        if shown {
            set.remove(value);
        } else {
            set.insert(value.to_owned());
        }
    }

    /// Whether features of `layer` with this value are shown.
    pub fn is_value_shown(&self, layer: &str, attribute: &str, value: &str) -> bool {
        self.hidden
            .get(&(layer.to_owned(), attribute.to_owned()))
            .is_none_or(|s| !s.contains(value))
    }

    /// Whether a feature of a layer passes the filters (the layer's switch aside). A cluster
    /// is judged by the values it carries (its dominant kind or status).
    pub fn accepts(&self, layer: &str, feature: &TileFeature) -> bool {
        self.hidden.iter().all(|((l, attribute), values)| {
            l != layer
                || values.is_empty()
                || feature.text(attribute).is_none_or(|v| !values.contains(&v))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::vector_tile::PropValue;
    use geo::{Geometry, Point};

    #[test]
    fn hidden_values_hide_features_of_that_layer_only() {
        let mut f = ViewFilters::new(&["cameras".into(), "reports".into()]);
        let offline = TileFeature {
            id: Some(1),
            geometry: Geometry::Point(Point::new(0.0, 0.0)),
            properties: [("status".to_owned(), PropValue::Str("offline".into()))]
                .into_iter()
                .collect(),
        };
        assert!(f.accepts("cameras", &offline));
        f.set_value_shown("cameras", "status", "offline", false);
        assert!(!f.accepts("cameras", &offline));
        assert!(f.accepts("reports", &offline));
        f.set_value_shown("cameras", "status", "offline", true);
        assert!(f.accepts("cameras", &offline));
    }

    #[test]
    fn layer_switches_and_opacity() {
        let mut f = ViewFilters::new(&["wards".into(), "planning".into()]);
        f.set_visible("wards", false);
        f.set_opacity("planning", 1.7);
        assert_eq!(f.visible_layers(), ["planning"]);
        assert_eq!(f.opacity("planning"), 1.0);
        f.show_only(&["wards".into()]);
        assert_eq!(f.visible_layers(), ["wards"]);
    }
}
