//! A batch of camera status reports as sent by operators and monitoring systems, checked field by
//! field: `{"updates": [{"id": 12, "status": "offline", "at": "2026-11-22T08:00:00+07:00"}, …]}`.

use crate::store::StatusReport;
use crate::validation::{FieldError, Problems};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Statuses a camera can have.
pub const STATUSES: [&str; 3] = ["online", "offline", "maintenance"];

/// Most reports in one batch.
pub const MAX_BATCH: usize = 5000;

/// Checks a batch: every report names an existing camera (`exists`), a known status and, if
/// given, a time no later than a minute after `now` (default: `now`). Errors name the field,
/// e.g. `updates[3].status`.
pub fn validate_batch(
    body: &Value,
    now: DateTime<Utc>,
    exists: impl Fn(u64) -> bool,
) -> Result<Vec<StatusReport>, Vec<FieldError>> {
    let mut problems = Problems::default();
    let Some(updates) = body.get("updates").and_then(Value::as_array) else {
        problems.add(
            "updates",
            "Cần danh sách updates (a list `updates` of {id, status, at} is required)",
        );
        return problems.into_result(Vec::new());
    };
    if updates.is_empty() || updates.len() > MAX_BATCH {
        problems.add(
            "updates",
            format!("Cần từ 1 đến {MAX_BATCH} mục (1 to {MAX_BATCH} updates per request)"),
        );
        return problems.into_result(Vec::new());
    }
    let mut reports = Vec::with_capacity(updates.len());
    for (i, update) in updates.iter().enumerate() {
        let field = |name: &str| format!("updates[{i}].{name}");
        let id = update.get("id").and_then(Value::as_u64);
        match id {
            None => problems.add(
                &field("id"),
                "Cần mã camera là số nguyên (id must be a camera's integer id)",
            ),
            Some(id) if !exists(id) => problems.add(
                &field("id"),
                format!("Không có camera {id} (no camera with id {id})"),
            ),
            Some(_) => {}
        }
        let status = update.get("status").and_then(Value::as_str);
        if !status.is_some_and(|s| STATUSES.contains(&s)) {
            problems.add(
                &field("status"),
                format!(
                    "Trạng thái phải là một trong {STATUSES:?} (status must be one of {STATUSES:?})"
                ),
            );
        }
        let at = match update.get("at") {
            None | Some(Value::Null) => Some(now),
            Some(Value::String(text)) => match DateTime::parse_from_rfc3339(text) {
                Ok(t) if t.with_timezone(&Utc) <= now + chrono::Duration::minutes(1) => {
                    Some(t.with_timezone(&Utc))
                }
                Ok(_) => {
                    problems.add(
                        &field("at"),
                        "Thời điểm ở tương lai (`at` is in the future)",
                    );
                    None
                }
                Err(_) => {
                    problems.add(
                        &field("at"),
                        "Thời điểm theo RFC 3339, ví dụ 2026-11-22T08:00:00+07:00 (`at` must be RFC 3339)",
                    );
                    None
                }
            },
            Some(_) => {
                problems.add(&field("at"), "`at` must be an RFC 3339 string");
                None
            }
        };
        if let (Some(id), Some(status), Some(at)) = (id, status, at) {
            reports.push(StatusReport {
                camera_id: id,
                status: status.to_owned(),
                at,
            });
        }
    }
    problems.into_result(reports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_a_batch_and_names_each_bad_field() {
        let now = Utc::now();
        let ok = validate_batch(
            &json!({"updates": [{"id": 1, "status": "offline", "at": "2026-01-02T08:00:00+07:00"}, {"id": 2, "status": "online"}]}),
            now,
            |id| id <= 2,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].at.to_rfc3339(), "2026-01-02T01:00:00+00:00");
        assert_eq!(ok[1].at, now);

        let errors = validate_batch(
            &json!({"updates": [{"id": 1, "status": "broken"}, {"id": 99, "status": "online", "at": "yesterday"}, {"status": "online"}]}),
            now,
            |id| id <= 2,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "updates[0].status",
                "updates[1].id",
                "updates[1].at",
                "updates[2].id"
            ]
        );
        let none = validate_batch(&json!({"cameras": []}), now, |_| true).unwrap_err();
        assert_eq!(none[0].field, "updates");
    }
}
