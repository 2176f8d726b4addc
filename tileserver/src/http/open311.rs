//! Open311 GeoReport v2 under `/open311/v2/`: discovery, services, service definitions, and
//! service requests (list, one, file), as `.json` or `.xml`.

use super::reports::{parse_time, service};
use super::{AppState, base_url, client_ip};
use crate::auth;
use crate::open311::{self, Format};
use crate::reports::{Filing, NewReportInput, ReportError, ReportService, Status};
use crate::store::ListQuery;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use std::collections::HashMap;
use std::sync::Arc;

/// An answer in the requested format, or the specification's error list.
fn answer(status: StatusCode, format: Format, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(format.content_type())
        .body(body)
}

fn error(status: StatusCode, format: Format, descriptions: &[String]) -> HttpResponse {
    answer(
        status,
        format,
        open311::render_errors(status.as_u16(), descriptions, format),
    )
}

fn format_of(ext: &str) -> Result<Format, HttpResponse> {
    Format::from_extension(ext).ok_or_else(|| {
        error(
            StatusCode::NOT_FOUND,
            Format::Xml,
            &[format!(
                "format {ext:?} is not supported; use .xml or .json"
            )],
        )
    })
}

fn with_service(state: &AppState, format: Format) -> Result<Arc<ReportService>, HttpResponse> {
    service(state).map_err(|_| {
        error(
            StatusCode::NOT_FOUND,
            format,
            &["this server does not take service requests".into()],
        )
    })
}

fn store_error(format: Format, e: ReportError) -> HttpResponse {
    match e {
        ReportError::Invalid(errors) => error(
            StatusCode::BAD_REQUEST,
            format,
            &errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>(),
        ),
        ReportError::TooLarge(e) => error(StatusCode::PAYLOAD_TOO_LARGE, format, &[e.message]),
        ReportError::NotFound => error(
            StatusCode::NOT_FOUND,
            format,
            &["no such service request".into()],
        ),
        other => {
            tracing::error!(error = %other, "open311 failure");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                format,
                &["the store is unavailable; nothing was saved".into()],
            )
        }
    }
}

/// `GET /open311/v2/discovery.{format}`
pub async fn discovery(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
) -> HttpResponse {
    let format = match format_of(&ext) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let doc = open311::discovery(
        &base_url(&state, &req),
        &format!(
            "Trung tâm Điều hành đô thị thông minh {}",
            state.config.city.name
        ),
    );
    answer(
        StatusCode::OK,
        format,
        open311::render_one(&doc, "discovery", format),
    )
}

/// `GET /open311/v2/services.{format}`
pub async fn services(state: web::Data<AppState>, ext: web::Path<String>) -> HttpResponse {
    let format = match format_of(&ext) {
        Ok(f) => f,
        Err(e) => return e,
    };
    match with_service(&state, format) {
        Ok(s) => answer(
            StatusCode::OK,
            format,
            open311::render_list(
                &open311::services(&s.config().categories),
                "services",
                "service",
                format,
            ),
        ),
        Err(e) => e,
    }
}

/// `GET /open311/v2/services/{code}.{format}`: our services have no extra attributes.
pub async fn service_definition(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (code, ext) = path.into_inner();
    let format = match format_of(&ext) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let service = match with_service(&state, format) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if !service.config().categories.iter().any(|c| c.code == code) {
        return error(
            StatusCode::NOT_FOUND,
            format,
            &[format!("no service {code:?}")],
        );
    }
    let doc = serde_json::json!({ "service_code": code, "attributes": [] });
    answer(
        StatusCode::OK,
        format,
        open311::render_one(&doc, "service_definition", format),
    )
}

/// `GET /open311/v2/requests.{format}` with `service_request_id`, `service_code`,
/// `start_date`, `end_date`, `status` (open/closed). Without dates or ids: the last 90 days.
pub async fn list_requests(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let format = match format_of(&ext) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let service = match with_service(&state, format) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let tz = service.timezone();
    let mut query = ListQuery {
        limit: Some(1000),
        ..Default::default()
    };
    let mut problems = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    for (key, value) in params.iter() {
        let list = || value.split(',').map(str::trim).filter(|v| !v.is_empty());
        match key.as_str() {
            "service_request_id" => codes = list().map(str::to_owned).collect(),
            "service_code" => query.categories = list().map(str::to_owned).collect(),
            "status" => {
                for s in list() {
                    match s {
                        "open" => query
                            .statuses
                            .extend(Status::ALL.iter().filter(|s| s.is_open())),
                        "closed" => query
                            .statuses
                            .extend(Status::ALL.iter().filter(|s| !s.is_open())),
                        other => problems.push(format!("status: {other:?} is not open or closed")),
                    }
                }
            }
            "start_date" | "end_date" => match parse_time(value, tz) {
                Some(t) if key == "start_date" => query.since = Some(t),
                Some(t) => query.until = Some(t),
                None => problems.push(format!("{key}: not an ISO 8601 date")),
            },
            _ => {}
        }
    }
    if !problems.is_empty() {
        return error(StatusCode::BAD_REQUEST, format, &problems);
    }
    if codes.is_empty() && query.since.is_none() && query.until.is_none() {
        query.since = Some(chrono::Utc::now() - chrono::Duration::days(90));
    }
    let base = base_url(&state, &req);
    let worker = Arc::clone(&service);
    let result = web::block(
        move || -> Result<Vec<open311::ServiceRequest>, ReportError> {
            if !codes.is_empty() {
                let mut ids = Vec::new();
                for code in &codes {
                    if let Some(r) = worker.find(code, false)? {
                        ids.push(r.id);
                    }
                }
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                query.ids = ids;
            }
            let categories = &worker.config().categories;
            worker
                .list(&query)?
                .iter()
                .map(|r| {
                    Ok(open311::service_request(
                        r,
                        &worker.history(r.id)?,
                        categories,
                        tz,
                        &base,
                    ))
                })
                .collect()
        },
    )
    .await;
    match result {
        Ok(Ok(requests)) => answer(
            StatusCode::OK,
            format,
            open311::render_list(&requests, "service_requests", "request", format),
        ),
        Ok(Err(e)) => store_error(format, e),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format, &[e.to_string()]),
    }
}

/// `GET /open311/v2/requests/{id}.{format}` (id: tracking code or number).
pub async fn get_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, ext) = path.into_inner();
    let format = match format_of(&ext) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let service = match with_service(&state, format) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let base = base_url(&state, &req);
    let worker = Arc::clone(&service);
    let result = web::block(move || -> Result<open311::ServiceRequest, ReportError> {
        let r = worker.find(&id, false)?.ok_or(ReportError::NotFound)?;
        Ok(open311::service_request(
            &r,
            &worker.history(r.id)?,
            &worker.config().categories,
            worker.timezone(),
            &base,
        ))
    })
    .await;
    match result {
        Ok(Ok(request)) => answer(
            StatusCode::OK,
            format,
            open311::render_list(&[request], "service_requests", "request", format),
        ),
        Ok(Err(e)) => store_error(format, e),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format, &[e.to_string()]),
    }
}

/// `POST /open311/v2/requests.{format}` (form-urlencoded): needs a valid `api_key` (403
/// otherwise), `service_code`, `lat`, `long` and `description`; answers 201 with the new
/// `service_request_id` (the tracking code).
pub async fn post_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let format = match format_of(&ext) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let service = match with_service(&state, format) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if let Err(wait) = service.filing_limit.check(client_ip(&req)) {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            format,
            &[format!("too many requests; retry in {wait} s")],
        );
    }
    let form = form.into_inner();
    let Some(key) = form.get("api_key").filter(|k| !k.is_empty()).cloned() else {
        return error(
            StatusCode::FORBIDDEN,
            format,
            &["api_key is required".into()],
        );
    };
    let Some(store) = state.store.clone() else {
        return error(StatusCode::FORBIDDEN, format, &["invalid api_key".into()]);
    };
    let field = |k: &str| form.get(k).cloned().filter(|v| !v.trim().is_empty());
    let name = [field("first_name"), field("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let input = NewReportInput {
        category: field("service_code"),
        description: field("description"),
        lon: field("long"),
        lat: field("lat"),
        address: field("address_string"),
        reporter_name: (!name.is_empty()).then_some(name),
        reporter_phone: field("phone"),
        reporter_email: field("email"),
    };
    let worker = Arc::clone(&service);
    let result = web::block(move || -> Result<Option<String>, ReportError> {
        let Some(principal) = auth::authenticate(&store, None, Some(&key))? else {
            return Ok(None);
        };
        let label = principal.token_label.unwrap_or(principal.user.username);
        let report = worker.file(Filing {
            input,
            photos: Vec::new(),
            source: format!("open311:{label}"),
        })?;
        Ok(Some(report.tracking_code))
    })
    .await;
    match result {
        Ok(Ok(Some(code))) => {
            let body = serde_json::json!([{ "service_request_id": code, "service_notice": "Phản ánh đã được tiếp nhận vào hệ thống", "account_id": null }]);
            let items = body.as_array().cloned().unwrap_or_default();
            answer(
                StatusCode::CREATED,
                format,
                open311::render_list(&items, "service_requests", "request", format),
            )
        }
        Ok(Ok(None)) => error(StatusCode::FORBIDDEN, format, &["invalid api_key".into()]),
        Ok(Err(e)) => store_error(format, e),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format, &[e.to_string()]),
    }
}
