//! `/api/reports`: file, list, look up, find nearby, and (staff) change reports.

use super::auth::{principal, require};
use super::request_body::{json_object, report_from_json, report_from_multipart};
use super::{ApiError, AppState, client_ip};
use crate::reports::{Filing, Report, ReportService, StaffChangeInput, Status};
use crate::store::ListQuery;
use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// Most reports one page holds.
pub const MAX_PAGE: usize = 500;

pub(super) fn service(state: &AppState) -> Result<Arc<ReportService>, ApiError> {
    state
        .reports
        .clone()
        .ok_or_else(|| ApiError::not_found("path", "this server does not take reports"))
}

/// The `Idempotency-Key` header, if sent: 1 to 128 letters, digits, `-` or `_` (a UUID fits).
/// A client that did not get an answer sends the report again with the same key and gets the
/// report stored the first time, never a second one.
fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("");
    let valid = (1..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(ApiError::bad_request(
            "Idempotency-Key",
            "Khóa chống gửi trùng không hợp lệ: 1–128 ký tự chữ, số, - hoặc _ (Idempotency-Key must be 1–128 letters, digits, - or _)",
        ));
    }
    Ok(Some(key.to_owned()))
}

/// Files a report (JSON, or multipart with up to 3 `photos`).
///
/// 201 with `id`, `tracking_code`, `status` once the report is durably stored (the same answer
/// again for a repeated `Idempotency-Key`); 400 naming each bad field; 413 for an oversize photo or body; 429 when this client files too often; 503 when
/// the store cannot take it (nothing is stored).
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let service = service(&state)?;
    service
        .filing_limit
        .check(client_ip(&req))
        .map_err(ApiError::too_many)?;
    let client_key = idempotency_key(&req)?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (input, photos) = if content_type.starts_with("multipart/form-data") {
        report_from_multipart(
            Multipart::new(req.headers(), payload),
            service.config().max_photo_bytes,
        )
        .await?
    } else if content_type.starts_with("application/json") {
        (report_from_json(&json_object(payload).await?)?, Vec::new())
    } else {
        return Err(ApiError::with_status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content-type",
            "send application/json or multipart/form-data",
        ));
    };
    let filing = Filing {
        input,
        photos,
        source: "citizen".into(),
        client_key,
    };
    let worker = Arc::clone(&service);
    let report = web::block(move || worker.file(filing)).await??;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/reports/{}", report.tracking_code),
        ))
        .json(json!({
            "id": report.id,
            "tracking_code": report.tracking_code,
            "status": report.status,
            "url": format!("/api/reports/{}", report.tracking_code),
        })))
}

#[derive(Deserialize)]
pub struct ListParams {
    bbox: Option<String>,
    status: Option<String>,
    category: Option<String>,
    since: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

fn parse_list(params: &ListParams, service: &ReportService) -> Result<ListQuery, ApiError> {
    let mut errors = Vec::new();
    let mut query = ListQuery::default();
    if let Some(bbox) = &params.bbox {
        let parts: Vec<Option<f64>> = bbox
            .split(',')
            .map(|p| p.trim().parse().ok().filter(|v: &f64| v.is_finite()))
            .collect();
        match parts[..] {
            [Some(w), Some(s), Some(e), Some(n)] if w <= e && s <= n => {
                query.bbox = Some([w, s, e, n])
            }
            _ => errors.push(crate::validation::FieldError::new(
                "bbox",
                "bbox must be west,south,east,north in degrees",
            )),
        }
    }
    for s in params
        .status
        .iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.is_empty())
    {
        match s.parse::<Status>() {
            Ok(s) => query.statuses.push(s),
            Err(e) => errors.push(crate::validation::FieldError::new("status", e)),
        }
    }
    for c in params
        .category
        .iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.is_empty())
    {
        if service.config().categories.iter().any(|k| k.code == c) {
            query.categories.push(c.to_owned());
        } else {
            errors.push(crate::validation::FieldError::new(
                "category",
                format!("unknown category {c:?}"),
            ));
        }
    }
    if let Some(since) = &params.since {
        match parse_time(since, service.timezone()) {
            Some(t) => query.since = Some(t),
            None => errors.push(crate::validation::FieldError::new(
                "since",
                "since must be YYYY-MM-DD or ISO 8601 with a time zone",
            )),
        }
    }
    let limit = match params.limit.as_deref().map(str::parse::<usize>) {
        None => 100,
        Some(Ok(n)) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => {
            errors.push(crate::validation::FieldError::new(
                "limit",
                format!("limit must be 1 to {MAX_PAGE}"),
            ));
            100
        }
    };
    query.limit = Some(limit);
    if let Some(cursor) = &params.cursor {
        match cursor.parse::<i64>() {
            Ok(c) => query.before_id = Some(c),
            Err(_) => errors.push(crate::validation::FieldError::new(
                "cursor",
                "cursor must be the value given as next_cursor",
            )),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// A date (`YYYY-MM-DD`, midnight in the city's zone) or an ISO 8601 time.
pub(super) fn parse_time(text: &str, tz: chrono_tz::Tz) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        return tz
            .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .single()
            .map(|t| t.with_timezone(&chrono::Utc));
    }
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

fn collection(features: Vec<Value>, next_cursor: Option<i64>) -> Value {
    json!({ "type": "FeatureCollection", "features": features, "next_cursor": next_cursor })
}

/// Reports as a GeoJSON FeatureCollection, newest first, `limit` per page; `next_cursor` fetches
/// the next page. 400 for a malformed filter.
pub async fn list(
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let service = service(&state)?;
    let query = parse_list(&params, &service)?;
    let limit = query.limit.unwrap_or(100);
    let worker = Arc::clone(&service);
    let reports = web::block(move || worker.list(&query)).await??;
    let next = (reports.len() == limit)
        .then(|| reports.last().map(|r| r.id))
        .flatten();
    let tz = service.timezone();
    let features = reports.iter().map(|r| r.public_feature(tz, None)).collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(collection(features, next)))
}

#[derive(Deserialize)]
pub struct NearbyParams {
    lon: Option<String>,
    lat: Option<String>,
    category: Option<String>,
}

/// Visible reports within the configured radius (250 m by default), of the same category when
/// given, nearest first, each with `distance_m`: hints before filing a duplicate.
pub async fn nearby(
    state: web::Data<AppState>,
    params: web::Query<NearbyParams>,
) -> Result<HttpResponse, ApiError> {
    let service = service(&state)?;
    let number = |field: &str, v: &Option<String>| {
        v.as_deref()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|n| n.is_finite())
            .ok_or_else(|| {
                crate::validation::FieldError::new(
                    field,
                    format!("{field} is required and must be a number"),
                )
            })
    };
    let (lon, lat) = match (number("lon", &params.lon), number("lat", &params.lat)) {
        (Ok(lon), Ok(lat)) => (lon, lat),
        (a, b) => {
            return Err(ApiError::invalid(
                [a.err(), b.err()].into_iter().flatten().collect(),
            ));
        }
    };
    let category = params.category.clone().filter(|c| !c.is_empty());
    let worker = Arc::clone(&service);
    let found = web::block(move || worker.nearby(lon, lat, category.as_deref())).await??;
    let tz = service.timezone();
    let features = found
        .into_iter()
        .map(|(r, d)| {
            let mut f = r.public_feature(tz, None);
            f["properties"]["distance_m"] = json!(d.round());
            f
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(collection(features, None)))
}

/// One report by id or tracking code, with its public history. Signed-in operators also see the
/// reporter's contact details, private notes and hidden reports. 404 when unknown.
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let service = service(&state)?;
    let staff = principal(&state, &req)
        .await?
        .filter(|p| p.can_manage_reports());
    let worker = Arc::clone(&service);
    let include_hidden = staff.is_some();
    let found: Option<(Report, Vec<_>)> =
        web::block(move || -> Result<_, crate::reports::ReportError> {
            match worker.find(&key, include_hidden)? {
                Some(r) => {
                    let history = worker.history(r.id)?;
                    Ok(Some((r, history)))
                }
                None => Ok(None),
            }
        })
        .await??;
    let (report, history) = found
        .ok_or_else(|| ApiError::not_found("id", "Không tìm thấy phản ánh (no such report)"))?;
    let tz = service.timezone();
    if staff.is_some() {
        Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .json(report.staff_feature(tz, &history)))
    } else {
        Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .json(report.public_feature(tz, Some(&history))))
    }
}

/// Staff change a report: status with notes, agency, expected date, duplicate, hide. 200 with the
/// report as staff see it; 401 when not signed in; 403 for a role that may not; 400 naming bad
/// fields; 404 for an unknown report. Every change is added to the report's history.
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let service = service(&state)?;
    let who = require(&state, &req).await?;
    if !who.can_manage_reports() {
        return Err(ApiError::forbidden(format!(
            "Vai trò {} không được xử lý phản ánh (role {} may not change reports)",
            who.user.role, who.user.role
        )));
    }
    let body = json_object(payload).await?;
    let input: StaffChangeInput = serde_json::from_value(Value::Object(body))
        .map_err(|e| ApiError::bad_request("body", e.to_string()))?;
    let worker = Arc::clone(&service);
    let (report, history) = web::block(move || -> Result<_, crate::reports::ReportError> {
        let id = worker
            .find(&key, true)?
            .ok_or(crate::reports::ReportError::NotFound)?
            .id;
        let report = worker.update(id, &input, &who)?;
        let history = worker.history(id)?;
        Ok((report, history))
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(report.staff_feature(service.timezone(), &history)))
}

/// The configured report categories (Vietnamese and English names).
pub async fn categories(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let service = service(&state)?;
    Ok(HttpResponse::Ok().json(json!({ "categories": service.config().categories })))
}
