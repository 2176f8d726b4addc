//! Versions of file layers (planning data) imported with `tileserver import`: which one each
//! layer serves, switching to another atomically while the server runs, and older versions
//! loaded on demand for comparison. Version 0 is the layer's configured file.

use crate::config::{CityConfig, LayerConfig, LayerSource};
use crate::layer::{Feature, Layer, LayerRegistry, Location, parse_geojson};
use crate::reports::EventHub;
use crate::store::{LayerVersion, Store, StoreError};
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, RwLock};

/// Older versions kept in memory for comparison at once (each is a whole layer).
const COMPARE_SLOTS: usize = 2;

/// Why a version could not be listed, loaded or switched to.
#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    #[error("unknown layer {0:?}, or it is not a file layer")]
    UnknownLayer(String),
    #[error("layer {layer:?} has no version {version}")]
    UnknownVersion { layer: String, version: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored version {version} of {layer:?} cannot be read: {reason}")]
    Corrupt {
        layer: String,
        version: u64,
        reason: String,
    },
}

/// A version loaded for comparison: layer name, version, the layer.
type CompareSlot = (String, u64, Arc<RwLock<Layer>>);

/// The served version of each file layer and the comparison versions.
pub struct LayerVersions {
    store: Arc<Store>,
    config: CityConfig,
    layers: HashMap<String, Arc<RwLock<Layer>>>,
    served: Mutex<HashMap<String, u64>>,
    /// Versions that failed to load, not retried every second (the error is logged once).
    failed: Mutex<Vec<(String, u64)>>,
    /// Held while switching, so the watcher and an activation never switch the same layer
    /// twice at once.
    switching: Mutex<()>,
    compare: Mutex<Vec<CompareSlot>>,
    events: Arc<EventHub>,
}

/// Compressed GeoJSON of a version → the layer's features.
pub fn features_from_gzip(
    layer: &LayerConfig,
    version: u64,
    gzip: &[u8],
) -> Result<Vec<Feature>, VersionError> {
    let corrupt = |reason: String| VersionError::Corrupt {
        layer: layer.name.clone(),
        version,
        reason,
    };
    let mut text = String::new();
    flate2::read::GzDecoder::new(gzip)
        .read_to_string(&mut text)
        .map_err(|e| corrupt(e.to_string()))?;
    // Imports are stored in WGS84 whatever the file was in.
    let wgs84 = LayerConfig {
        crs: None,
        ..layer.clone()
    };
    parse_geojson(&text, &wgs84).map_err(|(at, reason)| {
        corrupt(match at {
            Location::Feature(i) => format!("feature {i}: {reason}"),
            _ => reason,
        })
    })
}

/// The features of every file layer's served version in the store, by layer name (layers
/// without one are absent and load their file).
pub fn served_features(
    config: &CityConfig,
    store: &Store,
) -> Result<HashMap<String, (u64, Vec<Feature>)>, VersionError> {
    let mut out = HashMap::new();
    for (name, version) in store.active_layer_versions()? {
        let Some(layer) = config
            .layers
            .iter()
            .find(|l| l.name == name && l.source == LayerSource::File)
        else {
            tracing::warn!(layer = %name, "the store holds versions of a layer the configuration does not have");
            continue;
        };
        let gzip = store
            .layer_version_features(&name, version)?
            .ok_or_else(|| VersionError::UnknownVersion {
                layer: name.clone(),
                version,
            })?;
        out.insert(name, (version, features_from_gzip(layer, version, &gzip)?));
    }
    Ok(out)
}

impl LayerVersions {
    /// Watches the file layers of `registry`; `served` is what each serves now.
    pub fn new(
        config: &CityConfig,
        store: Arc<Store>,
        registry: &LayerRegistry,
        served: HashMap<String, u64>,
        events: Arc<EventHub>,
    ) -> Self {
        let layers = config
            .layers
            .iter()
            .filter(|l| l.source == LayerSource::File)
            .filter_map(|l| Some((l.name.clone(), Arc::clone(registry.get(&l.name)?))))
            .collect();
        Self {
            store,
            config: config.clone(),
            layers,
            served: Mutex::new(served),
            failed: Mutex::new(Vec::new()),
            switching: Mutex::new(()),
            compare: Mutex::new(Vec::new()),
            events,
        }
    }

    fn layer_config(&self, name: &str) -> Result<&LayerConfig, VersionError> {
        self.config
            .layers
            .iter()
            .find(|l| l.name == name && l.source == LayerSource::File)
            .ok_or_else(|| VersionError::UnknownLayer(name.to_owned()))
    }

    /// The version a layer serves (0: its configured file).
    pub fn served(&self, layer: &str) -> u64 {
        lock(&self.served).get(layer).copied().unwrap_or(0)
    }

    /// A layer's stored versions, newest first.
    pub fn list(&self, layer: &str) -> Result<Vec<LayerVersion>, VersionError> {
        self.layer_config(layer)?;
        Ok(self.store.layer_versions(layer)?)
    }

    /// Makes `version` the served one (stored first, then switched in memory).
    pub fn activate(&self, layer: &str, version: u64, by: &str) -> Result<(), VersionError> {
        self.layer_config(layer)?;
        self.store
            .activate_layer_version(layer, version, by, chrono::Utc::now())?
            .ok_or_else(|| VersionError::UnknownVersion {
                layer: layer.to_owned(),
                version,
            })?;
        // Asked again: try it again even if it failed to load before.
        lock(&self.failed).retain(|(n, v)| !(n == layer && *v == version));
        self.refresh()?;
        Ok(())
    }

    /// Switches every layer whose served version in the store changed (by an import, or by
    /// another server sharing the store): the new version is loaded whole, then swapped in
    /// under the layer's lock, so requests see the old version or the new, never a mix.
    /// Returns the layers switched and their versions.
    pub fn refresh(&self) -> Result<Vec<(String, u64)>, VersionError> {
        let _switching = lock(&self.switching);
        let mut switched = Vec::new();
        for (name, version) in self.store.active_layer_versions()? {
            if self.served(&name) == version {
                continue;
            }
            let Some(target) = self.layers.get(&name) else {
                continue;
            };
            let attempt = (name.clone(), version);
            if lock(&self.failed).contains(&attempt) {
                continue;
            }
            let new_layer = match self.load(&name, version) {
                Ok(layer) => layer,
                Err(e) => {
                    lock(&self.failed).push(attempt);
                    return Err(e);
                }
            };
            let features = new_layer.len();
            target
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .replace_with(new_layer);
            lock(&self.served).insert(name.clone(), version);
            tracing::info!(layer = %name, version, features, "layer switched to a new version");
            self.events.publish(
                "layer.version",
                serde_json::json!({ "layer": name, "version": version }),
            );
            switched.push((name, version));
        }
        Ok(switched)
    }

    fn load(&self, name: &str, version: u64) -> Result<Layer, VersionError> {
        let config = self.layer_config(name)?;
        let features = self.load_features(config, version)?;
        Ok(Layer::new(Arc::new(config.clone()), features))
    }

    fn load_features(
        &self,
        config: &LayerConfig,
        version: u64,
    ) -> Result<Vec<Feature>, VersionError> {
        let name = config.name.as_str();
        Ok(if version == 0 {
            crate::layer::load_geojson_file(&self.config.layer_file(config), config).map_err(
                |e| VersionError::Corrupt {
                    layer: name.to_owned(),
                    version,
                    reason: e.to_string(),
                },
            )?
        } else {
            let gzip = self
                .store
                .layer_version_features(name, version)?
                .ok_or_else(|| VersionError::UnknownVersion {
                    layer: name.to_owned(),
                    version,
                })?;
            features_from_gzip(config, version, &gzip)?
        })
    }

    /// A version of a layer as a layer of its own, named `name@version` (for tiles drawn side
    /// by side with the served one). Loaded on first use; the last few are kept.
    pub fn compare_layer(
        &self,
        name: &str,
        version: u64,
    ) -> Result<Arc<RwLock<Layer>>, VersionError> {
        if let Some(found) = lock(&self.compare)
            .iter()
            .find(|(n, v, _)| n == name && *v == version)
        {
            return Ok(Arc::clone(&found.2));
        }
        let mut config = self.layer_config(name)?.clone();
        let features = self.load_features(&config, version)?;
        config.name = format!("{name}@{version}");
        let layer = Arc::new(RwLock::new(Layer::new(Arc::new(config), features)));
        let mut compare = lock(&self.compare);
        compare.retain(|(n, v, _)| !(n == name && *v == version));
        compare.insert(0, (name.to_owned(), version, Arc::clone(&layer)));
        compare.truncate(COMPARE_SLOTS);
        Ok(layer)
    }

    /// Checks the store for switched versions every `interval`, for the life of the process.
    pub fn watch(self: &Arc<Self>, interval: std::time::Duration) {
        let versions = Arc::clone(self);
        std::thread::Builder::new()
            .name("layer-versions".into())
            .spawn(move || {
                // One line per outage of the store, not one per second.
                let mut failing = false;
                loop {
                    std::thread::sleep(interval);
                    match versions.refresh() {
                        Ok(_) if failing => {
                            tracing::info!("layer versions can be read again");
                            failing = false;
                        }
                        Ok(_) => {}
                        Err(e) if !failing => {
                            tracing::error!(error = %e, "cannot switch a layer version");
                            failing = true;
                        }
                        Err(_) => {}
                    }
                }
            })
            .expect("a thread can be started at start-up");
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
