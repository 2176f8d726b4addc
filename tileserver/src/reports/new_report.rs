//! What a citizen (or an Open311 client) sends to file a report, and its validation. Every
//! problem is reported at once, each naming its field, in Vietnamese with English after it.

use super::report::Contact;
use crate::config::ReportsConfig;
use crate::validation::{FieldError, Problems};

/// The fields of a new report as received (text), before checking.
#[derive(Debug, Clone, Default)]
pub struct NewReportInput {
    pub category: Option<String>,
    pub description: Option<String>,
    pub lon: Option<String>,
    pub lat: Option<String>,
    pub address: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_email: Option<String>,
}

/// A new report that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidNewReport {
    pub category: String,
    pub description: String,
    pub lon: f64,
    pub lat: f64,
    pub address: Option<String>,
    pub contact: Contact,
}

pub const MAX_DESCRIPTION: usize = 4000;
const MAX_ADDRESS: usize = 300;
const MAX_NAME: usize = 100;

/// Empty or whitespace-only text counts as absent.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn has_control_chars(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn text(
    problems: &mut Problems,
    field: &str,
    value: &Option<String>,
    max: usize,
) -> Option<String> {
    let v = present(value)?;
    if v.chars().count() > max {
        problems.add(
            field,
            format!("Tối đa {max} ký tự (at most {max} characters)"),
        );
        return None;
    }
    if has_control_chars(v) {
        problems.add(
            field,
            "Có ký tự điều khiển không hợp lệ (control characters are not allowed)",
        );
        return None;
    }
    Some(v.to_owned())
}

fn coordinate(
    problems: &mut Problems,
    field: &str,
    value: &Option<String>,
    range: (f64, f64),
) -> Option<f64> {
    let Some(v) = present(value) else {
        problems.add(
            field,
            "Vui lòng chọn vị trí trên bản đồ (location is required)",
        );
        return None;
    };
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() => {
            if n < range.0 || n > range.1 {
                problems.add(
                    field,
                    format!("Vị trí nằm ngoài địa bàn thành phố ({field} {n} is outside the city, {} to {})", range.0, range.1),
                );
                None
            } else {
                Some(n)
            }
        }
        _ => {
            problems.add(
                field,
                format!("Phải là một số ({field} must be a number, got {v:?})"),
            );
            None
        }
    }
}

/// Checks `input` against the configured categories and the city's bounds
/// (`[west, south, east, north]`).
pub fn validate(
    input: &NewReportInput,
    config: &ReportsConfig,
    bounds: [f64; 4],
) -> Result<ValidNewReport, Vec<FieldError>> {
    let mut problems = Problems::default();
    let category = match present(&input.category) {
        None => {
            problems.add(
                "category",
                "Vui lòng chọn loại phản ánh (category is required)",
            );
            None
        }
        Some(c) if config.categories.iter().any(|k| k.code == c) => Some(c.to_owned()),
        Some(c) => {
            let codes: Vec<&str> = config.categories.iter().map(|k| k.code.as_str()).collect();
            problems.add(
                "category",
                format!(
                    "Loại phản ánh không hợp lệ (unknown category {c:?}; one of {})",
                    codes.join(", ")
                ),
            );
            None
        }
    };
    let description = if present(&input.description).is_none() {
        problems.add(
            "description",
            "Vui lòng mô tả sự việc (description is required)",
        );
        None
    } else {
        text(
            &mut problems,
            "description",
            &input.description,
            MAX_DESCRIPTION,
        )
    };
    let lon = coordinate(&mut problems, "lon", &input.lon, (bounds[0], bounds[2]));
    let lat = coordinate(&mut problems, "lat", &input.lat, (bounds[1], bounds[3]));
    let address = text(&mut problems, "address", &input.address, MAX_ADDRESS);
    let name = text(
        &mut problems,
        "reporter_name",
        &input.reporter_name,
        MAX_NAME,
    );
    let phone = present(&input.reporter_phone).and_then(|p| {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        let allowed = p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if allowed && (8..=15).contains(&digits) {
            Some(p.to_owned())
        } else {
            problems.add(
                "reporter_phone",
                "Số điện thoại không hợp lệ (phone must be 8–15 digits)",
            );
            None
        }
    });
    let email = present(&input.reporter_email).and_then(|e| {
        let ok = e.len() <= 254
            && !e.contains(char::is_whitespace)
            && e.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if ok {
            Some(e.to_owned())
        } else {
            problems.add(
                "reporter_email",
                "Email không hợp lệ (not a valid email address)",
            );
            None
        }
    });
    match (category, description, lon, lat) {
        (Some(category), Some(description), Some(lon), Some(lat)) if problems.0.is_empty() => {
            Ok(ValidNewReport {
                category,
                description,
                lon,
                lat,
                address,
                contact: Contact { name, phone, email },
            })
        }
        _ => Err(problems.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ReportsConfig {
        toml::from_str(
            r#"layer = "reports"
               [[categories]]
               code = "street_lighting"
               name = "Chiếu sáng"
               name_en = "Street lighting""#,
        )
        .unwrap()
    }

    const BOUNDS: [f64; 4] = [106.8, 11.4, 107.0, 11.6];

    fn good() -> NewReportInput {
        NewReportInput {
            category: Some("street_lighting".into()),
            description: Some("Đèn đường hỏng".into()),
            lon: Some("106.9".into()),
            lat: Some("11.5".into()),
            ..Default::default()
        }
    }

    fn fields(input: &NewReportInput) -> Vec<String> {
        validate(input, &config(), BOUNDS)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn accepts_a_complete_report() {
        let mut input = good();
        input.reporter_phone = Some("+84 912 345 678".into());
        input.reporter_email = Some("dan@example.vn".into());
        let ok = validate(&input, &config(), BOUNDS).unwrap();
        assert_eq!(ok.lon, 106.9);
        assert_eq!(ok.contact.phone.as_deref(), Some("+84 912 345 678"));
    }

    #[test]
    fn names_every_bad_field() {
        assert_eq!(
            fields(&NewReportInput::default()),
            ["category", "description", "lon", "lat"]
        );
        let mut input = good();
        input.category = Some("ufo".into());
        input.lon = Some("abc".into());
        input.lat = Some("21.0".into());
        input.reporter_email = Some("not-an-email".into());
        input.reporter_phone = Some("12".into());
        assert_eq!(
            fields(&input),
            ["category", "lon", "lat", "reporter_phone", "reporter_email"]
        );
    }

    #[test]
    fn description_length_is_counted_in_characters() {
        let mut input = good();
        input.description = Some("đ".repeat(MAX_DESCRIPTION));
        assert!(
            validate(&input, &config(), BOUNDS).is_ok(),
            "4000 Vietnamese letters fit"
        );
        input.description = Some("đ".repeat(MAX_DESCRIPTION + 1));
        assert_eq!(fields(&input), ["description"]);
        input.description = Some("   ".into());
        assert_eq!(fields(&input), ["description"]);
        input.description = Some("bad\u{0}byte".into());
        assert_eq!(fields(&input), ["description"]);
    }
}
