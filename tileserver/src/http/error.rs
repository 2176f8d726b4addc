//! The JSON error body every failing endpoint answers with:
//! `{"errors":[{"field": "...", "message": "..."}]}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

/// One problem with a request, naming the field it concerns.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An error answer: a status and the problems found.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<FieldError>,
}

impl ApiError {
    fn one(status: StatusCode, field: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            errors: vec![FieldError {
                field: field.to_owned(),
                message: message.into(),
            }],
        }
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
        HttpResponse::build(self.status)
            .insert_header(("Cache-Control", "no-store"))
            .json(Body {
                errors: &self.errors,
            })
    }
}
