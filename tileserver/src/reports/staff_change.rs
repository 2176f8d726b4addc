//! What a staff member sends to change a report (`PATCH /api/reports/{id}`), before checking.

/// The fields of a change as received; None leaves a field alone.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffChangeInput {
    pub status: Option<String>,
    /// Shown to the citizen in the report's history.
    pub note: Option<String>,
    /// Staff only.
    pub private_note: Option<String>,
    pub agency: Option<String>,
    /// `YYYY-MM-DD` (end of that day in the city's time zone) or an ISO 8601 time.
    pub expected_date: Option<String>,
    /// Id or tracking code of the report this one repeats.
    pub duplicate_of: Option<serde_json::Value>,
    pub hidden: Option<bool>,
}
