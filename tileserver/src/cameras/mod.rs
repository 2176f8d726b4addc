//! Camera status: operators and monitoring systems report cameras online, offline or in
//! maintenance; the store keeps the latest status and since when, the camera layer (and so its
//! tiles) changes at once, and a `camera.status` event goes to the live stream.

mod status_input;

pub use status_input::{MAX_BATCH, STATUSES, validate_batch};

use crate::config::CityConfig;
use crate::layer::{Feature, Layer, LayerRegistry, Value};
use crate::reports::EventHub;
use crate::store::{CameraStatusRow, StatusOutcome, Store, StoreError};
use crate::validation::FieldError;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value as Json, json};
use std::sync::{Arc, RwLock};

/// Why a status batch or the service failed.
#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("configuration: {0}")]
    Config(String),
}

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BatchSummary {
    /// Cameras whose status changed.
    pub changed: usize,
    /// Reports repeating the stored status.
    pub unchanged: usize,
    /// Reports older than the latest one about their camera (ignored).
    pub stale: usize,
}

/// Camera status: store, camera layer, events.
pub struct CameraService {
    store: Arc<Store>,
    layer: Arc<RwLock<Layer>>,
    events: Arc<EventHub>,
    tz: Tz,
}

impl CameraService {
    /// The service for the configured camera layer, with the stored statuses applied to it.
    /// None when the configuration has no `[cameras]` section.
    pub fn start(
        config: &CityConfig,
        store: Arc<Store>,
        layers: &LayerRegistry,
        events: Arc<EventHub>,
    ) -> Result<Option<Self>, CameraError> {
        let Some(cameras) = &config.cameras else {
            return Ok(None);
        };
        let layer = Arc::clone(layers.get(&cameras.layer).ok_or_else(|| {
            CameraError::Config(format!("cameras.layer {:?} is not a layer", cameras.layer))
        })?);
        let service = Self {
            store,
            layer,
            events,
            tz: config.timezone(),
        };
        let rows = service.store.camera_statuses()?;
        service.apply(&rows);
        tracing::info!(cameras = rows.len(), "stored camera statuses applied");
        Ok(Some(service))
    }

    /// Whether a camera with this id exists.
    pub fn exists(&self, id: u64) -> bool {
        self.read_layer().feature(id).is_some()
    }

    /// Validates and stores a batch (all or nothing), updates the layer and publishes the
    /// changes. Acknowledge only after this returns Ok: the batch is then durably stored.
    pub fn report(
        &self,
        body: &Json,
        reported_by: &str,
        now: DateTime<Utc>,
    ) -> Result<BatchSummary, CameraError> {
        let reports =
            validate_batch(body, now, |id| self.exists(id)).map_err(CameraError::Invalid)?;
        let outcomes = self.store.report_camera_statuses(&reports, reported_by)?;
        let mut summary = BatchSummary::default();
        let mut changed = Vec::new();
        for (outcome, row) in outcomes {
            match outcome {
                StatusOutcome::Changed => {
                    summary.changed += 1;
                    changed.push(row);
                }
                StatusOutcome::Unchanged => summary.unchanged += 1,
                StatusOutcome::Stale => summary.stale += 1,
            }
        }
        self.apply(&changed);
        self.announce(&changed.iter().collect::<Vec<_>>());
        Ok(summary)
    }

    /// Applies the stored statuses of `ids` (reported through another server) and publishes
    /// those that change the layer.
    pub fn refresh_from_store(&self, ids: &[u64]) -> Result<(), CameraError> {
        let rows: Vec<CameraStatusRow> = self
            .store
            .camera_statuses()?
            .into_iter()
            .filter(|r| ids.contains(&r.camera_id))
            .collect();
        let changed = self.apply(&rows);
        self.announce(&changed);
        Ok(())
    }

    /// Publishes one `camera.status` event for the cameras that changed, if any did.
    fn announce(&self, changed: &[&CameraStatusRow]) {
        if changed.is_empty() {
            return;
        }
        let cameras: Vec<Json> = changed
            .iter()
            .map(|r| json!({ "id": r.camera_id, "status": r.status, "since": self.local(r.since) }))
            .collect();
        self.events
            .publish("camera.status", json!({ "cameras": cameras }));
    }

    fn local(&self, at: DateTime<Utc>) -> String {
        crate::layer::local_time(at, self.tz)
    }

    fn read_layer(&self) -> std::sync::RwLockReadGuard<'_, Layer> {
        self.layer
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes statuses into the camera layer (one version bump per camera changed); returns
    /// the rows that changed it.
    fn apply<'a>(&self, rows: &'a [CameraStatusRow]) -> Vec<&'a CameraStatusRow> {
        let mut layer = self
            .layer
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let status_index = layer.attribute_index("status");
        let since_index = layer.attribute_index("status_since");
        let mut changed = Vec::new();
        for row in rows {
            let Some(old) = layer.feature(row.camera_id) else {
                continue;
            };
            let mut feature: Feature = (**old).clone();
            if let Some(i) = status_index {
                feature.values[i] = Some(Value::text(row.status.as_str()));
            }
            if let Some(i) = since_index {
                feature.values[i] = Some(Value::time(row.since, self.tz));
            }
            if feature != **old {
                layer.upsert(feature);
                changed.push(row);
            }
        }
        changed
    }
}
