//! `/api/auth/login`, `/api/auth/logout`, `/api/auth/me`, and finding who is calling.

use super::{ApiError, AppState};
use crate::auth::{self, Principal, SESSION_HOURS};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "citygis_session";

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Who is calling: a session cookie or a bearer token, checked against the store.
pub async fn principal(
    state: &web::Data<AppState>,
    req: &HttpRequest,
) -> Result<Option<Principal>, ApiError> {
    let Some(store) = state.store.clone() else {
        return Ok(None);
    };
    let session = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    let bearer = bearer(req);
    if session.is_none() && bearer.is_none() {
        return Ok(None);
    }
    Ok(
        web::block(move || auth::authenticate(&*store, session.as_deref(), bearer.as_deref()))
            .await??,
    )
}

/// The caller, who must be signed in: 401 otherwise.
pub async fn require(
    state: &web::Data<AppState>,
    req: &HttpRequest,
) -> Result<Principal, ApiError> {
    principal(state, req)
        .await?
        .ok_or_else(ApiError::unauthorized)
}

#[derive(Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
}

/// Signs in: 200 with the user and an HttpOnly, SameSite=Strict session cookie; 401 for a wrong
/// name or password; 429 after too many attempts.
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Credentials>,
) -> Result<HttpResponse, ApiError> {
    let ip = super::client_ip(&req);
    state.login_limit.check(ip).map_err(ApiError::too_many)?;
    let store = state.store.clone().ok_or_else(ApiError::unauthorized)?;
    let Credentials { username, password } = body.into_inner();
    let signed = web::block(move || auth::sign_in(&*store, &username, &password)).await??;
    let Some((user, token)) = signed else {
        return Err(ApiError::with_status(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "password",
            "Sai tên đăng nhập hoặc mật khẩu (wrong username or password)",
        ));
    };
    let cookie = Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(req.connection_info().scheme() == "https")
        .max_age(CookieDuration::hours(SESSION_HOURS))
        .finish();
    Ok(HttpResponse::Ok()
        .cookie(cookie)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({ "username": user.username, "role": user.role })))
}

/// Signs out: the session ends and the cookie is cleared. Always 204.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if let (Some(store), Some(cookie)) = (state.store.clone(), req.cookie(SESSION_COOKIE)) {
        let hash = auth::token_hash(cookie.value());
        web::block(move || store.delete_session(&hash)).await??;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Who is signed in: 200 with username and role, or 401.
pub async fn me(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let p = require(&state, &req).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({ "username": p.user.username, "role": p.user.role, "token": p.token_label })))
}
