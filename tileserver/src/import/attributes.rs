//! Matches a file's attribute names to the layer's: exactly, ignoring case, or as a Shapefile's
//! 10-character truncation (`land_use_n` → `land_use_name`) when only one layer attribute fits.
//! Text is normalized to Unicode NFC, so Vietnamese typed with combining marks matches.

use crate::config::LayerConfig;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use unicode_normalization::UnicodeNormalization;

/// Longest field name a dBase file holds.
const DBF_NAME_LENGTH: usize = 10;

/// File name → layer attribute, learnt as names are met.
pub(super) struct AttributeMap {
    wanted: Vec<String>,
    resolved: HashMap<String, Option<String>>,
    seen: BTreeSet<String>,
    renamed: BTreeMap<String, String>,
}

impl AttributeMap {
    pub(super) fn new(layer: &LayerConfig) -> Self {
        let mut wanted = layer.attributes.clone();
        if let Some(id) = &layer.id_property
            && !wanted.contains(id)
        {
            wanted.push(id.clone());
        }
        Self {
            wanted,
            resolved: HashMap::new(),
            seen: BTreeSet::new(),
            renamed: BTreeMap::new(),
        }
    }

    fn resolve(&mut self, key: &str) -> Option<String> {
        if let Some(found) = self.resolved.get(key) {
            return found.clone();
        }
        let lower = key.to_lowercase();
        let found = self
            .wanted
            .iter()
            .find(|w| *w == key)
            .or_else(|| self.wanted.iter().find(|w| w.to_lowercase() == lower))
            .or_else(|| {
                if key.chars().count() != DBF_NAME_LENGTH {
                    return None;
                }
                let mut fits = self
                    .wanted
                    .iter()
                    .filter(|w| w.to_lowercase().starts_with(&lower));
                match (fits.next(), fits.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            })
            .cloned();
        if let Some(name) = &found
            && name != key
        {
            self.renamed.insert(key.to_owned(), name.clone());
        }
        self.resolved.insert(key.to_owned(), found.clone());
        found
    }

    /// The layer's attributes of one feature (others dropped), strings in NFC.
    pub(super) fn map(
        &mut self,
        properties: serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Map<String, serde_json::Value>, String> {
        let mut out = serde_json::Map::new();
        for (key, value) in properties {
            let Some(name) = self.resolve(&key) else {
                continue;
            };
            let value = match value {
                serde_json::Value::String(s) => serde_json::Value::String(s.nfc().collect()),
                other => other,
            };
            if out.insert(name.clone(), value).is_some() {
                return Err(format!(
                    "two attributes of the file both map to {name:?} (one is {key:?})"
                ));
            }
            self.seen.insert(name);
        }
        Ok(out)
    }

    /// Names matched under another spelling, file → layer.
    pub(super) fn renamed(&self) -> Vec<(String, String)> {
        self.renamed
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect()
    }

    /// Layer attributes no feature had.
    pub(super) fn missing(&self) -> Vec<String> {
        self.wanted
            .iter()
            .filter(|w| !self.seen.contains(*w))
            .cloned()
            .collect()
    }
}
