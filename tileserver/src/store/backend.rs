//! What every store does, whichever database holds it. Both implementations keep their methods
//! as inherent methods in one file per concept; `delegate_store_backend!` implements the trait
//! from them.

use super::{
    CameraStatusRow, Change, CountWindow, LayerVersion, ListQuery, NewLayerVersion, NewReportRow,
    ReportChange, ReportCounts, Role, StatusOutcome, StatusReport, StoreError, User,
};
use crate::reports::{HistoryEntry, Report, ReportPoint};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The store's operations. Every write is one committed transaction: when a method returns
/// `Ok`, the data is durable; when it returns an error, nothing of it was stored.
pub trait StoreBackend: Send + Sync {
    /// Where the data lives (a file path, or a URL without its password).
    fn describe(&self) -> String;

    /// Inserts one report with its photos and a "created" history line; returns it as stored.
    fn insert_report(&self, row: &NewReportRow) -> Result<Report, StoreError>;
    /// Inserts many reports in one transaction (seeding an empty store); no change is recorded.
    fn insert_reports(&self, rows: &[NewReportRow]) -> Result<usize, StoreError>;
    fn report_count(&self) -> Result<i64, StoreError>;
    /// The report with this id.
    fn report(&self, id: i64) -> Result<Option<Report>, StoreError>;
    /// The report with this tracking code (already normalised).
    fn report_by_code(&self, code: &str) -> Result<Option<Report>, StoreError>;
    /// Reports matching `query`, newest (highest id) first.
    fn reports(&self, query: &ListQuery) -> Result<Vec<Report>, StoreError>;
    /// Visits what the map shows of every visible report, in id order.
    fn visit_report_points(
        &self,
        visit: &mut dyn FnMut(ReportPoint<'_>),
    ) -> Result<usize, StoreError>;
    /// A report's history, oldest first.
    fn history(&self, report_id: i64) -> Result<Vec<HistoryEntry>, StoreError>;
    /// Applies a staff change and appends its history lines.
    fn update_report(
        &self,
        id: i64,
        change: &ReportChange,
        user_id: i64,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Report, StoreError>;

    /// Stores a report photo (JPEG) durably under `name` (see [`super::is_photo_name`]).
    fn put_photo(&self, name: &str, jpeg: &[u8]) -> Result<(), StoreError>;
    /// A stored photo's bytes.
    fn photo(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Removes a photo that no report refers to (its report could not be stored).
    fn delete_photo(&self, name: &str) -> Result<(), StoreError>;

    /// Adds a user; Conflict when the name is taken.
    fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<User, StoreError>;
    /// A user and their password hash.
    fn user_with_password(&self, username: &str) -> Result<Option<(User, String)>, StoreError>;
    fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The user of an unexpired session.
    fn session_user(&self, token_hash: &str) -> Result<Option<User>, StoreError>;
    fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Records a long-lived API token for a user (integrations, Open311 `api_key`).
    fn create_api_token(
        &self,
        token_hash: &str,
        user_id: i64,
        label: &str,
    ) -> Result<(), StoreError>;
    /// The user of an API token, and the token's label.
    fn api_token_user(&self, token_hash: &str) -> Result<Option<(User, String)>, StoreError>;

    /// Every stored camera status.
    fn camera_statuses(&self) -> Result<Vec<CameraStatusRow>, StoreError>;
    /// Stores a batch of camera status reports (all or nothing), in order.
    fn report_camera_statuses(
        &self,
        reports: &[StatusReport],
        reported_by: &str,
    ) -> Result<Vec<(StatusOutcome, CameraStatusRow)>, StoreError>;

    /// Counts visible (not hidden) reports.
    fn report_counts(&self, window: &CountWindow) -> Result<ReportCounts, StoreError>;

    /// Stores a new version of a layer, served at once when `activate`; returns its number.
    fn add_layer_version(
        &self,
        new: &NewLayerVersion<'_>,
        activate: bool,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
    /// Makes `version` the served version of `layer`; `None` when there is no such version.
    fn activate_layer_version(
        &self,
        layer: &str,
        version: u64,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<()>, StoreError>;
    /// Every version of `layer`, newest first.
    fn layer_versions(&self, layer: &str) -> Result<Vec<LayerVersion>, StoreError>;
    /// The served version number of every layer that has one.
    fn active_layer_versions(&self) -> Result<Vec<(String, u64)>, StoreError>;
    /// The features of one version (gzip GeoJSON).
    fn layer_version_features(
        &self,
        layer: &str,
        version: u64,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// This store instance's name on the changes it writes.
    fn origin(&self) -> &str;
    /// The position of the newest change (0 when there is none).
    fn latest_change(&self) -> Result<i64, StoreError>;
    /// Changes after `seq`, oldest first, at most `limit`.
    fn changes_since(&self, seq: i64, limit: usize) -> Result<Vec<Change>, StoreError>;
    /// Blocks until a change may have been written (PostgreSQL notifies) or `timeout` passes.
    fn wait_for_change(&self, timeout: Duration);
}

/// Implements [`StoreBackend`] for a type from its inherent methods of the same names.
macro_rules! delegate_store_backend {
    ($store:ty) => {
        impl $crate::store::StoreBackend for $store {
            fn describe(&self) -> String {
                <$store>::describe(self)
            }
            fn insert_report(
                &self,
                row: &$crate::store::NewReportRow,
            ) -> Result<$crate::reports::Report, $crate::store::StoreError> {
                <$store>::insert_report(self, row)
            }
            fn insert_reports(
                &self,
                rows: &[$crate::store::NewReportRow],
            ) -> Result<usize, $crate::store::StoreError> {
                <$store>::insert_reports(self, rows)
            }
            fn report_count(&self) -> Result<i64, $crate::store::StoreError> {
                <$store>::report_count(self)
            }
            fn report(
                &self,
                id: i64,
            ) -> Result<Option<$crate::reports::Report>, $crate::store::StoreError> {
                <$store>::report(self, id)
            }
            fn report_by_code(
                &self,
                code: &str,
            ) -> Result<Option<$crate::reports::Report>, $crate::store::StoreError> {
                <$store>::report_by_code(self, code)
            }
            fn reports(
                &self,
                query: &$crate::store::ListQuery,
            ) -> Result<Vec<$crate::reports::Report>, $crate::store::StoreError> {
                <$store>::reports(self, query)
            }
            fn visit_report_points(
                &self,
                visit: &mut dyn FnMut($crate::reports::ReportPoint<'_>),
            ) -> Result<usize, $crate::store::StoreError> {
                <$store>::visit_report_points(self, visit)
            }
            fn history(
                &self,
                report_id: i64,
            ) -> Result<Vec<$crate::reports::HistoryEntry>, $crate::store::StoreError> {
                <$store>::history(self, report_id)
            }
            fn update_report(
                &self,
                id: i64,
                change: &$crate::store::ReportChange,
                user_id: i64,
                actor: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::reports::Report, $crate::store::StoreError> {
                <$store>::update_report(self, id, change, user_id, actor, at)
            }
            fn put_photo(&self, name: &str, jpeg: &[u8]) -> Result<(), $crate::store::StoreError> {
                <$store>::put_photo(self, name, jpeg)
            }
            fn photo(&self, name: &str) -> Result<Option<Vec<u8>>, $crate::store::StoreError> {
                <$store>::photo(self, name)
            }
            fn delete_photo(&self, name: &str) -> Result<(), $crate::store::StoreError> {
                <$store>::delete_photo(self, name)
            }
            fn create_user(
                &self,
                username: &str,
                password_hash: &str,
                role: $crate::store::Role,
            ) -> Result<$crate::store::User, $crate::store::StoreError> {
                <$store>::create_user(self, username, password_hash, role)
            }
            fn user_with_password(
                &self,
                username: &str,
            ) -> Result<Option<($crate::store::User, String)>, $crate::store::StoreError> {
                <$store>::user_with_password(self, username)
            }
            fn create_session(
                &self,
                token_hash: &str,
                user_id: i64,
                expires_at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::create_session(self, token_hash, user_id, expires_at)
            }
            fn session_user(
                &self,
                token_hash: &str,
            ) -> Result<Option<$crate::store::User>, $crate::store::StoreError> {
                <$store>::session_user(self, token_hash)
            }
            fn delete_session(&self, token_hash: &str) -> Result<(), $crate::store::StoreError> {
                <$store>::delete_session(self, token_hash)
            }
            fn create_api_token(
                &self,
                token_hash: &str,
                user_id: i64,
                label: &str,
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::create_api_token(self, token_hash, user_id, label)
            }
            fn api_token_user(
                &self,
                token_hash: &str,
            ) -> Result<Option<($crate::store::User, String)>, $crate::store::StoreError> {
                <$store>::api_token_user(self, token_hash)
            }
            fn camera_statuses(
                &self,
            ) -> Result<Vec<$crate::store::CameraStatusRow>, $crate::store::StoreError> {
                <$store>::camera_statuses(self)
            }
            fn report_camera_statuses(
                &self,
                reports: &[$crate::store::StatusReport],
                reported_by: &str,
            ) -> Result<
                Vec<($crate::store::StatusOutcome, $crate::store::CameraStatusRow)>,
                $crate::store::StoreError,
            > {
                <$store>::report_camera_statuses(self, reports, reported_by)
            }
            fn report_counts(
                &self,
                window: &$crate::store::CountWindow,
            ) -> Result<$crate::store::ReportCounts, $crate::store::StoreError> {
                <$store>::report_counts(self, window)
            }
            fn add_layer_version(
                &self,
                new: &$crate::store::NewLayerVersion<'_>,
                activate: bool,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, $crate::store::StoreError> {
                <$store>::add_layer_version(self, new, activate, at)
            }
            fn activate_layer_version(
                &self,
                layer: &str,
                version: u64,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<()>, $crate::store::StoreError> {
                <$store>::activate_layer_version(self, layer, version, by, at)
            }
            fn layer_versions(
                &self,
                layer: &str,
            ) -> Result<Vec<$crate::store::LayerVersion>, $crate::store::StoreError> {
                <$store>::layer_versions(self, layer)
            }
            fn active_layer_versions(
                &self,
            ) -> Result<Vec<(String, u64)>, $crate::store::StoreError> {
                <$store>::active_layer_versions(self)
            }
            fn layer_version_features(
                &self,
                layer: &str,
                version: u64,
            ) -> Result<Option<Vec<u8>>, $crate::store::StoreError> {
                <$store>::layer_version_features(self, layer, version)
            }
            fn origin(&self) -> &str {
                <$store>::origin(self)
            }
            fn latest_change(&self) -> Result<i64, $crate::store::StoreError> {
                <$store>::latest_change(self)
            }
            fn changes_since(
                &self,
                seq: i64,
                limit: usize,
            ) -> Result<Vec<$crate::store::Change>, $crate::store::StoreError> {
                <$store>::changes_since(self, seq, limit)
            }
            fn wait_for_change(&self, timeout: std::time::Duration) {
                <$store>::wait_for_change(self, timeout)
            }
        }
    };
}
pub(crate) use delegate_store_backend;
