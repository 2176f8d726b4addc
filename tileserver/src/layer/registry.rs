//! All layers of a deployment, by name, each behind its own lock.

use super::{Feature, Layer, LoadError, load_geojson_file};
use crate::config::{CityConfig, LayerSource};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// The layers a server holds, in configuration order.
#[derive(Debug, Default)]
pub struct LayerRegistry {
    layers: Vec<Arc<RwLock<Layer>>>,
    names: Vec<String>,
}

/// Why a list of layer names was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegistryError {
    #[error("unknown layer {0:?}")]
    UnknownLayer(String),
    #[error("layer {0:?} is named twice")]
    Repeated(String),
    #[error("no layer named")]
    Empty,
}

impl LayerRegistry {
    /// Loads every file-backed layer of the configuration; store-backed layers start empty and
    /// are filled by their service (see `reports::ReportService`).
    pub fn load(config: &CityConfig) -> Result<Self, LoadError> {
        Self::load_with(config, HashMap::new())
    }

    /// Like [`LayerRegistry::load`], but a file layer named in `imported` takes those features
    /// (its served imported version) instead of reading its file.
    pub fn load_with(
        config: &CityConfig,
        mut imported: HashMap<String, Vec<Feature>>,
    ) -> Result<Self, LoadError> {
        let mut registry = Self::default();
        for layer_config in &config.layers {
            let features = match layer_config.source {
                LayerSource::File => match imported.remove(&layer_config.name) {
                    Some(features) => features,
                    None => load_geojson_file(&config.layer_file(layer_config), layer_config)?,
                },
                LayerSource::Store => Vec::new(),
            };
            registry.add(Layer::new(Arc::new(layer_config.clone()), features));
        }
        Ok(registry)
    }

    /// Adds a layer (replacing none: names are unique in a valid configuration).
    pub fn add(&mut self, layer: Layer) {
        self.names.push(layer.name().to_owned());
        self.layers.push(Arc::new(RwLock::new(layer)));
    }

    /// The layer with this name.
    pub fn get(&self, name: &str) -> Option<&Arc<RwLock<Layer>>> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.layers[i])
    }

    /// All layer names, in configuration order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// All layers, in configuration order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<RwLock<Layer>>> {
        self.layers.iter()
    }

    /// Resolves a comma-separated list such as `cameras,wifi` into layers, in the order given.
    pub fn resolve(&self, list: &str) -> Result<Vec<Arc<RwLock<Layer>>>, RegistryError> {
        let mut out: Vec<Arc<RwLock<Layer>>> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for name in list.split(',').map(str::trim) {
            if name.is_empty() {
                continue;
            }
            if seen.contains(&name) {
                return Err(RegistryError::Repeated(name.to_owned()));
            }
            let layer = self
                .get(name)
                .ok_or_else(|| RegistryError::UnknownLayer(name.to_owned()))?;
            seen.push(name);
            out.push(Arc::clone(layer));
        }
        if out.is_empty() {
            return Err(RegistryError::Empty);
        }
        Ok(out)
    }
}
