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

/// An answer in the requested format.
fn answer(status: StatusCode, format: Format, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(format.content_type())
        .body(body)
}

/// A failure, answered with the specification's error list in the requested format.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    format: Format,
    descriptions: Vec<String>,
}

impl Failure {
    fn new(status: StatusCode, format: Format, description: impl Into<String>) -> Self {
        Self {
            status,
            format,
            descriptions: vec![description.into()],
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.descriptions.join("; "))
    }
}

impl actix_web::ResponseError for Failure {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        answer(
            self.status,
            self.format,
            open311::render_errors(self.status.as_u16(), &self.descriptions, self.format),
        )
    }
}

fn format_of(ext: &str) -> Result<Format, Failure> {
    Format::from_extension(ext).ok_or_else(|| {
        Failure::new(
            StatusCode::NOT_FOUND,
            Format::Xml,
            format!("format {ext:?} is not supported; use .xml or .json"),
        )
    })
}

fn with_service(state: &AppState, format: Format) -> Result<Arc<ReportService>, Failure> {
    service(state).map_err(|_| {
        Failure::new(
            StatusCode::NOT_FOUND,
            format,
            "this server does not take service requests",
        )
    })
}

fn report_failure(format: Format, e: ReportError) -> Failure {
    match e {
        ReportError::Invalid(errors) => Failure {
            status: StatusCode::BAD_REQUEST,
            format,
            descriptions: errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect(),
        },
        ReportError::TooLarge(e) => Failure::new(StatusCode::PAYLOAD_TOO_LARGE, format, e.message),
        ReportError::NotFound => {
            Failure::new(StatusCode::NOT_FOUND, format, "no such service request")
        }
        other => {
            tracing::error!(error = %other, "open311 failure");
            Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format,
                "the store is unavailable; nothing was saved",
            )
        }
    }
}

/// Runs store work on the blocking pool; its failures answered in the requested format.
async fn blocking<T: Send + 'static>(
    format: Format,
    work: impl FnOnce() -> Result<T, ReportError> + Send + 'static,
) -> Result<T, Failure> {
    web::block(work)
        .await
        .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, format, e.to_string()))?
        .map_err(|e| report_failure(format, e))
}

/// `GET /open311/v2/discovery.{format}`
pub async fn discovery(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
) -> Result<HttpResponse, Failure> {
    let format = format_of(&ext)?;
    let contact = format!(
        "Trung tâm Điều hành đô thị thông minh {}",
        state.config.city.name
    );
    let doc = open311::discovery(&base_url(&state, &req), &contact);
    Ok(answer(
        StatusCode::OK,
        format,
        open311::render_one(&doc, "discovery", format),
    ))
}

/// `GET /open311/v2/services.{format}`
pub async fn services(
    state: web::Data<AppState>,
    ext: web::Path<String>,
) -> Result<HttpResponse, Failure> {
    let format = format_of(&ext)?;
    let service = with_service(&state, format)?;
    let list = open311::services(&service.config().categories);
    Ok(answer(
        StatusCode::OK,
        format,
        open311::render_list(&list, "services", "service", format),
    ))
}

/// `GET /open311/v2/services/{code}.{format}`: our services have no extra attributes.
pub async fn service_definition(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Failure> {
    let (code, ext) = path.into_inner();
    let format = format_of(&ext)?;
    let service = with_service(&state, format)?;
    if !service.config().categories.iter().any(|c| c.code == code) {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            format,
            format!("no service {code:?}"),
        ));
    }
    let doc = serde_json::json!({ "service_code": code, "attributes": [] });
    Ok(answer(
        StatusCode::OK,
        format,
        open311::render_one(&doc, "service_definition", format),
    ))
}

/// `GET /open311/v2/requests.{format}` with `service_request_id`, `service_code`,
/// `start_date`, `end_date`, `status` (open/closed). Without dates or ids: the last 90 days.
pub async fn list_requests(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, Failure> {
    let format = format_of(&ext)?;
    let service = with_service(&state, format)?;
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
        return Err(Failure {
            status: StatusCode::BAD_REQUEST,
            format,
            descriptions: problems,
        });
    }
    if codes.is_empty() && query.since.is_none() && query.until.is_none() {
        query.since = Some(chrono::Utc::now() - chrono::Duration::days(90));
    }
    let base = base_url(&state, &req);
    let worker = Arc::clone(&service);
    let requests = blocking(
        format,
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
    .await?;
    Ok(answer(
        StatusCode::OK,
        format,
        open311::render_list(&requests, "service_requests", "request", format),
    ))
}

/// `GET /open311/v2/requests/{id}.{format}` (id: tracking code or number).
pub async fn get_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Failure> {
    let (id, ext) = path.into_inner();
    let format = format_of(&ext)?;
    let service = with_service(&state, format)?;
    let base = base_url(&state, &req);
    let worker = Arc::clone(&service);
    let request = blocking(
        format,
        move || -> Result<open311::ServiceRequest, ReportError> {
            let r = worker.find(&id, false)?.ok_or(ReportError::NotFound)?;
            Ok(open311::service_request(
                &r,
                &worker.history(r.id)?,
                &worker.config().categories,
                worker.timezone(),
                &base,
            ))
        },
    )
    .await?;
    Ok(answer(
        StatusCode::OK,
        format,
        open311::render_list(&[request], "service_requests", "request", format),
    ))
}

/// `POST /open311/v2/requests.{format}` (form-urlencoded): needs a valid `api_key` (403
/// otherwise), `service_code`, `lat`, `long` and `description`; answers 201 with the new
/// `service_request_id` (the tracking code).
pub async fn post_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Failure> {
    let format = format_of(&ext)?;
    let service = with_service(&state, format)?;
    if let Err(wait) = service.filing_limit.check(client_ip(&req)) {
        return Err(Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            format,
            format!("too many requests; retry in {wait} s"),
        ));
    }
    let form = form.into_inner();
    let invalid_key = || Failure::new(StatusCode::FORBIDDEN, format, "invalid api_key");
    let key = form.get("api_key").filter(|k| !k.is_empty()).cloned();
    let key =
        key.ok_or_else(|| Failure::new(StatusCode::FORBIDDEN, format, "api_key is required"))?;
    let store = state.store.clone().ok_or_else(invalid_key)?;
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
    let code = blocking(format, move || -> Result<Option<String>, ReportError> {
        let Some(principal) = auth::authenticate(&*store, None, Some(&key))? else {
            return Ok(None);
        };
        let label = principal.token_label.unwrap_or(principal.user.username);
        let filing = Filing {
            input,
            photos: Vec::new(),
            source: format!("open311:{label}"),
            client_key: None,
        };
        Ok(Some(worker.file(filing)?.tracking_code))
    })
    .await?
    .ok_or_else(invalid_key)?;
    let created = [serde_json::json!({
        "service_request_id": code,
        "service_notice": "Phản ánh đã được tiếp nhận vào hệ thống",
        "account_id": null,
    })];
    Ok(answer(
        StatusCode::CREATED,
        format,
        open311::render_list(&created, "service_requests", "request", format),
    ))
}
