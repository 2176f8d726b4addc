//! Reading request bodies within limits: JSON (size and nesting depth) and multipart forms
//! (text fields and photo files).

use super::ApiError;
use crate::reports::NewReportInput;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web;
use futures_util::StreamExt;

/// Largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 64 * 1024;
/// Deepest nesting of arrays/objects accepted in JSON.
pub const MAX_JSON_DEPTH: usize = 16;
/// Largest multipart body accepted, whatever its parts.
pub const MAX_MULTIPART_BYTES: usize = 64 * 1024 * 1024;
const MAX_TEXT_FIELD: usize = 32 * 1024;

fn too_large(field: &str, limit: usize) -> ApiError {
    ApiError::with_status(
        StatusCode::PAYLOAD_TOO_LARGE,
        field,
        format!(
            "Dữ liệu gửi lên quá lớn (body larger than {} KB)",
            limit / 1024
        ),
    )
}

/// Reads the whole body, up to `limit` bytes.
pub async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::bad_request("body", format!("cannot read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large("body", limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// How deeply arrays and objects nest in JSON text (strings are skipped correctly).
pub fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Largest body of a batch or a geometry (camera status batches, query polygons), bytes.
pub const MAX_BULK_JSON_BYTES: usize = 2 * 1024 * 1024;

/// Parses a JSON object body within the size and depth limits.
pub async fn json_object(
    payload: web::Payload,
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    json_object_up_to(payload, MAX_JSON_BYTES).await
}

/// Parses a JSON object body of at most `limit` bytes, within the depth limit.
pub async fn json_object_up_to(
    payload: web::Payload,
    limit: usize,
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    let body = read_limited(payload, limit).await?;
    if json_depth(&body) > MAX_JSON_DEPTH {
        return Err(ApiError::bad_request(
            "body",
            format!("JSON nested deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            "body",
            "Dữ liệu phải là một đối tượng JSON (expected a JSON object)",
        )),
        Err(e) => Err(ApiError::bad_request(
            "body",
            format!("JSON không hợp lệ (malformed JSON: {e})"),
        )),
    }
}

/// Text of a JSON value for a text field: strings as they are, numbers written out; anything
/// else is a type error for that field.
fn json_text(
    field: &str,
    value: &serde_json::Value,
    errors: &mut Vec<crate::validation::FieldError>,
) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        other => {
            let kind = match other {
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Array(_) => "an array",
                _ => "an object",
            };
            errors.push(crate::validation::FieldError::new(
                field,
                format!("Kiểu dữ liệu sai ({field} must be text or a number, not {kind})"),
            ));
            None
        }
    }
}

/// Sets a report field by name; false for an unknown name.
fn set_field(input: &mut NewReportInput, name: &str, value: Option<String>) -> bool {
    let slot = match name {
        "category" => &mut input.category,
        "description" => &mut input.description,
        "lon" => &mut input.lon,
        "lat" => &mut input.lat,
        "address" => &mut input.address,
        "reporter_name" => &mut input.reporter_name,
        "reporter_phone" => &mut input.reporter_phone,
        "reporter_email" => &mut input.reporter_email,
        _ => return false,
    };
    *slot = value;
    true
}

/// The report fields of a JSON object; unknown fields and wrong types are errors.
pub fn report_from_json(
    map: &serde_json::Map<String, serde_json::Value>,
) -> Result<NewReportInput, ApiError> {
    let mut input = NewReportInput::default();
    let mut errors = Vec::new();
    for (key, value) in map {
        let text = json_text(key, value, &mut errors);
        if !set_field(&mut input, key, text) {
            errors.push(crate::validation::FieldError::new(
                key,
                format!("Trường không được hỗ trợ (unknown field {key:?})"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// The report fields and photo files of a multipart form. Photo parts (named `photos` or
/// `photo`) keep at most `max_photo_bytes + 1` bytes each, enough to tell an oversize photo.
pub async fn report_from_multipart(
    mut form: Multipart,
    max_photo_bytes: usize,
) -> Result<(NewReportInput, Vec<Vec<u8>>), ApiError> {
    let mut input = NewReportInput::default();
    let mut photos = Vec::new();
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field
            .map_err(|e| ApiError::bad_request("body", format!("malformed multipart form: {e}")))?;
        let name = field.name().unwrap_or_default().to_owned();
        let is_photo = name == "photos" || name == "photo";
        let keep = if is_photo {
            max_photo_bytes + 1
        } else {
            MAX_TEXT_FIELD
        };
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| ApiError::bad_request(&name, format!("cannot read {name}: {e}")))?;
            total += chunk.len();
            if total > MAX_MULTIPART_BYTES {
                return Err(too_large("body", MAX_MULTIPART_BYTES));
            }
            let room = keep.saturating_sub(data.len());
            data.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        if is_photo {
            if !data.is_empty() {
                photos.push(data);
            }
        } else {
            if data.len() >= MAX_TEXT_FIELD {
                return Err(too_large(&name, MAX_TEXT_FIELD));
            }
            let text = String::from_utf8(data)
                .map_err(|_| ApiError::bad_request(&name, "text must be UTF-8"))?;
            if !set_field(&mut input, &name, Some(text)) {
                return Err(ApiError::bad_request(
                    &name,
                    format!("Trường không được hỗ trợ (unknown field {name:?})"),
                ));
            }
        }
    }
    Ok((input, photos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(json_depth(br#"{"a":[1,{"b":2}]}"#), 3);
        assert_eq!(json_depth(br#"{"a":"[[[[\"]]]]"}"#), 1);
        assert_eq!(json_depth(b"1"), 0);
    }

    #[test]
    fn json_fields_are_typed() {
        let map =
            serde_json::json!({"lon": 106.9, "lat": "11.5", "category": ["x"], "colour": "red"});
        let err = report_from_json(map.as_object().unwrap()).unwrap_err();
        let fields: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"category") && fields.contains(&"colour"),
            "{fields:?}"
        );
        let ok = report_from_json(
            serde_json::json!({"lon": 106.9, "lat": "11.5"})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(ok.lon.as_deref(), Some("106.9"));
    }
}
