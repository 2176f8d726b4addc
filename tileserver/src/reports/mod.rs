//! Citizens' field reports (phản ánh hiện trường): the model, validation, photos, tracking
//! codes, live events, limits, and the service that ties them to the store and the map layer.
//! Knows nothing of HTTP.

mod events;
mod new_report;
mod photos;
mod report;
mod seed;
mod service;
mod staff_change;
mod status;
pub mod tracking_code;

pub use crate::layer::local_time;
pub use events::{Event, EventHub};
pub use new_report::{NewReportInput, ValidNewReport, validate};
pub use photos::PhotoError;
pub use report::{Contact, HistoryEntry, Photo, Report, ReportPoint};
pub use service::{Filing, ReportError, ReportService};
pub use staff_change::StaffChangeInput;
pub use status::Status;
