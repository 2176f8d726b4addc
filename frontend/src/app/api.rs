//! Calls to the tile server's JSON API.

use serde::Deserialize;
use serde_json::Value;

/// A report category (Open311 service).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

/// A place found by name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Place {
    pub name: String,
    pub layer: String,
    pub bbox: [f64; 4],
}

/// One bad field, as the server names it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server refused the input, field by field.
    Invalid(Vec<FieldProblem>),
    /// Anything else: network, 404, 429, 5xx, with a message.
    Other { status: u16, message: String },
}

impl ApiFailure {
    /// A one-line message.
    pub fn message(&self) -> String {
        match self {
            ApiFailure::Invalid(problems) => problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            ApiFailure::Other { message, .. } => message.clone(),
        }
    }
}

async fn read(
    response: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<Value, ApiFailure> {
    let response = response.map_err(|e| ApiFailure::Other {
        status: 0,
        message: e.to_string(),
    })?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let problems: Vec<FieldProblem> =
        serde_json::from_value(body["errors"].clone()).unwrap_or_default();
    if status == 400 && !problems.is_empty() {
        return Err(ApiFailure::Invalid(problems));
    }
    let message = problems
        .first()
        .map(|p| p.message.clone())
        .or_else(|| body["error"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("HTTP {status}"));
    Err(ApiFailure::Other { status, message })
}

/// GET a JSON document.
pub async fn get_json(url: &str) -> Result<Value, ApiFailure> {
    read(gloo_net::http::Request::get(url).send().await).await
}

/// GET a text document.
pub async fn get_text(url: &str) -> Result<String, ApiFailure> {
    let response = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| ApiFailure::Other {
            status: 0,
            message: e.to_string(),
        })?;
    if !response.ok() {
        return Err(ApiFailure::Other {
            status: response.status(),
            message: format!("{url}: HTTP {}", response.status()),
        });
    }
    response.text().await.map_err(|e| ApiFailure::Other {
        status: 0,
        message: e.to_string(),
    })
}

/// The report categories.
pub async fn categories() -> Result<Vec<Category>, ApiFailure> {
    let doc = get_json("/api/categories").await?;
    Ok(serde_json::from_value(doc["categories"].clone()).unwrap_or_default())
}

/// Places by name.
pub async fn places(query: &str) -> Result<Vec<Place>, ApiFailure> {
    let q = js_sys::encode_uri_component(query);
    let doc = get_json(&format!("/api/places?q={q}")).await?;
    Ok(serde_json::from_value(doc["places"].clone()).unwrap_or_default())
}

/// A report (GeoJSON feature with its public history) by tracking code or id.
pub async fn report(key: &str) -> Result<Value, ApiFailure> {
    let key = js_sys::encode_uri_component(key.trim());
    get_json(&format!("/api/reports/{key}")).await
}

/// Visible reports near a place, of a category.
pub async fn nearby(lon: f64, lat: f64, category: &str) -> Result<Vec<Value>, ApiFailure> {
    let category = js_sys::encode_uri_component(category);
    let doc = get_json(&format!(
        "/api/reports/nearby?lon={lon}&lat={lat}&category={category}"
    ))
    .await?;
    Ok(doc["features"].as_array().cloned().unwrap_or_default())
}

/// Files a report (multipart with photos); the server's answer (`tracking_code`…). Sending the
/// same form again with the same `idempotency_key` (after a lost answer) cannot file it twice.
pub async fn file_report(
    form: web_sys::FormData,
    idempotency_key: &str,
) -> Result<Value, ApiFailure> {
    let request = gloo_net::http::Request::post("/api/reports")
        .header("Idempotency-Key", idempotency_key)
        .body(form)
        .map_err(|e| ApiFailure::Other {
            status: 0,
            message: e.to_string(),
        })?;
    read(request.send().await).await
}

/// The planned land use inside a polygon (`POST /api/query/area`).
pub async fn area_query(polygon: &Value) -> Result<Value, ApiFailure> {
    let request = gloo_net::http::Request::post("/api/query/area")
        .json(polygon)
        .map_err(|e| ApiFailure::Other {
            status: 0,
            message: e.to_string(),
        })?;
    read(request.send().await).await
}

/// POST a JSON body (or none) and read the JSON answer.
async fn post_json(url: &str, body: Option<&Value>) -> Result<Value, ApiFailure> {
    let request = gloo_net::http::Request::post(url);
    let request = match body {
        Some(body) => request.json(body).map_err(|e| ApiFailure::Other {
            status: 0,
            message: e.to_string(),
        })?,
        None => request.build().map_err(|e| ApiFailure::Other {
            status: 0,
            message: e.to_string(),
        })?,
    };
    read(request.send().await).await
}

/// A layer's versions (`GET /api/layers/{layer}/versions`).
pub async fn layer_versions(layer: &str) -> Result<Value, ApiFailure> {
    let layer = js_sys::encode_uri_component(layer);
    get_json(&format!("/api/layers/{layer}/versions")).await
}

/// Makes a version the served one (planners and admins).
pub async fn activate_version(layer: &str, version: u64) -> Result<Value, ApiFailure> {
    let layer = js_sys::encode_uri_component(layer);
    post_json(
        &format!("/api/layers/{layer}/versions/{version}/activate"),
        None,
    )
    .await
}

/// Signs a staff member in (the session is a cookie); `{username, role}`.
pub async fn sign_in(username: &str, password: &str) -> Result<Value, ApiFailure> {
    post_json(
        "/api/auth/login",
        Some(&serde_json::json!({ "username": username, "password": password })),
    )
    .await
}

/// The signed-in staff member, if any: `{username, role}`.
pub async fn signed_in() -> Option<Value> {
    get_json("/api/auth/me").await.ok()
}
