//! The JSON error body every failing endpoint answers with:
//! `{"errors":[{"field": "...", "message": "..."}]}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

pub use crate::validation::FieldError;

/// An error answer: a status and the problems found.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<FieldError>,
    /// Seconds after which to try again (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn one(status: StatusCode, field: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            errors: vec![FieldError::new(field, message)],
            retry_after: None,
        }
    }

    /// 400 with every problem found in the input.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            errors,
            retry_after: None,
        }
    }

    /// Any status with one problem.
    pub fn with_status(status: StatusCode, field: &str, message: impl Into<String>) -> Self {
        Self::one(status, field, message)
    }

    /// 401: the caller is not signed in.
    pub fn unauthorized() -> Self {
        Self::one(
            StatusCode::UNAUTHORIZED,
            "authorization",
            "đăng nhập để thực hiện thao tác này / sign in first",
        )
    }

    /// 403: the caller's role may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::one(StatusCode::FORBIDDEN, "authorization", message)
    }

    /// 429: too many requests from this client; try again after `seconds`.
    pub fn too_many(seconds: u64) -> Self {
        let mut e = Self::one(
            StatusCode::TOO_MANY_REQUESTS,
            "",
            format!(
                "Bạn gửi quá nhiều, vui lòng thử lại sau {seconds} giây (too many requests; retry in {seconds} s)"
            ),
        );
        e.retry_after = Some(seconds);
        e
    }

    /// 503: a dependency (the store) is unavailable; nothing was changed.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::one(StatusCode::SERVICE_UNAVAILABLE, "", message)
    }

    /// 400: `field` is malformed or out of range.
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        Self::one(StatusCode::BAD_REQUEST, field, message)
    }

    /// 404: what `field` names does not exist.
    pub fn not_found(field: &str, message: impl Into<String>) -> Self {
        Self::one(StatusCode::NOT_FOUND, field, message)
    }

    /// 500: something failed on our side; the message is safe to show.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::one(StatusCode::INTERNAL_SERVER_ERROR, "", message)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        write!(f, "{} {}", self.status.as_u16(), messages.join("; "))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        #[derive(Serialize)]
        struct Body<'a> {
            errors: &'a [FieldError],
        }
        let mut res = HttpResponse::build(self.status);
        res.insert_header(("Cache-Control", "no-store"));
        if let Some(seconds) = self.retry_after {
            res.insert_header(("Retry-After", seconds.to_string()));
        }
        res.json(Body {
            errors: &self.errors,
        })
    }
}

/// What a client is told when the database cannot be reached (503, `Retry-After: 5`): nothing
/// of its request was stored, so sending it again is safe.
pub const STORE_UNAVAILABLE: &str = "Cơ sở dữ liệu tạm thời không kết nối được; yêu cầu CHƯA được lưu, vui lòng gửi lại sau ít phút (the database is unreachable; nothing was stored, please send again in a few minutes)";

impl From<crate::reports::ReportError> for ApiError {
    fn from(e: crate::reports::ReportError) -> Self {
        use crate::reports::ReportError as E;
        match e {
            E::Invalid(errors) => ApiError::invalid(errors),
            E::TooLarge(error) => {
                ApiError::with_status(StatusCode::PAYLOAD_TOO_LARGE, &error.field, error.message)
            }
            E::NotFound => ApiError::not_found("id", "Không tìm thấy phản ánh (no such report)"),
            E::Store(crate::store::StoreError::Unavailable(reason)) => {
                tracing::warn!(%reason, "the database is unavailable");
                let mut e = ApiError::unavailable(STORE_UNAVAILABLE);
                e.retry_after = Some(5);
                e
            }
            E::Store(err) => {
                tracing::error!(error = %err, "store failure");
                ApiError::unavailable(
                    "Hệ thống lưu trữ tạm thời không sẵn sàng, chưa có gì được lưu; vui lòng thử lại (the store is unavailable; nothing was saved, please retry)",
                )
            }
            E::Seed(_) | E::Config(_) => ApiError::internal(e.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(format!("worker failed: {e}"))
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        crate::reports::ReportError::Store(e).into()
    }
}
