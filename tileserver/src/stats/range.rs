//! The date range of a statistics request: `from` and `to` as local dates, inclusive.

use crate::validation::{FieldError, Problems};
use chrono::NaiveDate;

/// Longest range asked at once, in days.
pub const MAX_DAYS: i64 = 366;
/// Days covered when no `from` is given.
pub const DEFAULT_DAYS: i64 = 30;

/// Local dates, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Reads `from`/`to` (YYYY-MM-DD); `to` defaults to `today`, `from` to 30 days before `to`.
/// Errors name the field.
pub fn parse_range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<DateRange, Vec<FieldError>> {
    let mut problems = Problems::default();
    let mut date = |field: &str, text: Option<&str>| -> Option<NaiveDate> {
        let text = text?;
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| {
                problems.add(
                    field,
                    format!("Ngày theo dạng YYYY-MM-DD, ví dụ 2026-11-22 ({field} must be a date YYYY-MM-DD, got {text:?})"),
                )
            })
            .ok()
    };
    let to_given = date("to", to);
    let from_given = date("from", from);
    let to = to_given.unwrap_or(today);
    let from = from_given.unwrap_or(to - chrono::Duration::days(DEFAULT_DAYS - 1));
    if problems.0.is_empty() {
        if from > to {
            problems.add(
                "to",
                "`to` is before `from` (ngày kết thúc trước ngày bắt đầu)",
            );
        } else if (to - from).num_days() + 1 > MAX_DAYS {
            problems.add(
                "from",
                format!("At most {MAX_DAYS} days at once (tối đa {MAX_DAYS} ngày)"),
            );
        }
    }
    problems.into_result(DateRange { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn defaults_to_the_last_thirty_days_and_names_bad_fields() {
        let today = d("2026-11-22");
        assert_eq!(
            parse_range(None, None, today).unwrap(),
            DateRange {
                from: d("2026-10-24"),
                to: today
            }
        );
        assert_eq!(
            parse_range(Some("2022-01-01"), Some("2022-05-20"), today).unwrap(),
            DateRange {
                from: d("2022-01-01"),
                to: d("2022-05-20")
            }
        );
        let field = |from, to| parse_range(from, to, today).unwrap_err()[0].field.clone();
        assert_eq!(field(Some("22/11/2026"), None), "from");
        assert_eq!(field(None, Some("2026-13-01")), "to");
        assert_eq!(field(Some("2026-11-23"), Some("2026-11-22")), "to");
        assert_eq!(field(Some("2020-01-01"), Some("2026-11-22")), "from");
    }
}
