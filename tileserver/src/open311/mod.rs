//! Open311 GeoReport v2: our report categories as services and reports as service requests, in
//! the specification's field names, rendered as JSON or XML. Knows nothing of HTTP.

use crate::config::CategoryConfig;
use crate::reports::{HistoryEntry, Report, local_time};
use chrono_tz::Tz;
use quick_xml::escape::escape;
use serde::Serialize;
use serde_json::json;

/// The two formats GeoReport v2 defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// From a resource's extension (`services.xml`).
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// A GeoReport service (one of our report categories).
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub metadata: bool,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub keywords: String,
    pub group: String,
}

/// A GeoReport service request (one of our reports), public fields only.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    pub status: &'static str,
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    pub agency_responsible: Option<String>,
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: f64,
    pub long: f64,
    pub media_url: Option<String>,
}

/// Our categories as services.
pub fn services(categories: &[CategoryConfig]) -> Vec<Service> {
    categories
        .iter()
        .map(|c| Service {
            service_code: c.code.clone(),
            service_name: c.name.clone(),
            description: format!("{} ({})", c.name, c.name_en),
            metadata: false,
            kind: "realtime",
            keywords: c.name_en.to_lowercase(),
            group: c.agency.clone().unwrap_or_default(),
        })
        .collect()
}

/// A report as a service request; `base_url` makes photo links absolute.
pub fn service_request(
    report: &Report,
    history: &[HistoryEntry],
    categories: &[CategoryConfig],
    tz: Tz,
    base_url: &str,
) -> ServiceRequest {
    let name = categories
        .iter()
        .find(|c| c.code == report.category)
        .map_or_else(|| report.category.clone(), |c| c.name.clone());
    ServiceRequest {
        service_request_id: report.tracking_code.clone(),
        status: if report.status.is_open() {
            "open"
        } else {
            "closed"
        },
        status_notes: history
            .iter()
            .rev()
            .find_map(|h| h.public_note.clone())
            .or_else(|| Some(report.status.label_vi().to_owned())),
        service_name: name,
        service_code: report.category.clone(),
        description: report.description.clone(),
        agency_responsible: report.agency.clone(),
        service_notice: None,
        requested_datetime: local_time(report.created_at, tz),
        updated_datetime: local_time(report.updated_at, tz),
        expected_datetime: report.expected_at.map(|t| local_time(t, tz)),
        address: report.address.clone(),
        address_id: None,
        zipcode: None,
        lat: report.lat,
        long: report.lon,
        media_url: report
            .photos
            .first()
            .map(|p| format!("{base_url}/photos/{}", p.file)),
    }
}

/// Renders a list of records under `root`/`item` (XML) or as a JSON array.
pub fn render_list<T: Serialize>(items: &[T], root: &str, item: &str, format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string(items).unwrap_or_else(|_| "[]".into()),
        Format::Xml => {
            let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root}>");
            for record in items {
                out.push_str(&xml_record(
                    item,
                    &serde_json::to_value(record).unwrap_or_default(),
                ));
            }
            out.push_str(&format!("</{root}>\n"));
            out
        }
    }
}

/// Renders one object under `root` (XML) or as JSON.
pub fn render_one(value: &serde_json::Value, root: &str, format: Format) -> String {
    match format {
        Format::Json => value.to_string(),
        Format::Xml => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
            xml_record(root, value)
        ),
    }
}

/// An element holding one child element per field; null fields become empty elements.
fn xml_record(name: &str, value: &serde_json::Value) -> String {
    let mut out = format!("<{name}>");
    if let serde_json::Value::Object(fields) = value {
        for (key, v) in fields {
            match v {
                serde_json::Value::Null => out.push_str(&format!("<{key}/>")),
                serde_json::Value::String(s) => {
                    out.push_str(&format!("<{key}>{}</{key}>", escape(s.as_str())))
                }
                serde_json::Value::Array(items) => {
                    out.push_str(&format!("<{key}>"));
                    let singular = key.strip_suffix('s').unwrap_or(key);
                    for item in items {
                        out.push_str(&xml_record(singular, item));
                    }
                    out.push_str(&format!("</{key}>"));
                }
                serde_json::Value::Object(_) => out.push_str(&xml_record(key, v)),
                other => out.push_str(&format!("<{key}>{other}</{key}>")),
            }
        }
    }
    out.push_str(&format!("</{name}>"));
    out
}

/// The specification's error body: a list of `{code, description}`.
pub fn render_errors(code: u16, descriptions: &[String], format: Format) -> String {
    let errors: Vec<_> = descriptions
        .iter()
        .map(|d| json!({ "code": code, "description": d }))
        .collect();
    render_list(&errors, "errors", "error", format)
}

/// The service discovery document.
pub fn discovery(base_url: &str, contact: &str) -> serde_json::Value {
    json!({
        "changeset": "2026-11-01T00:00:00+07:00",
        "contact": contact,
        "key_service": "Khóa API do quản trị viên cấp: tileserver user token (API keys are issued by an administrator)",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": format!("{base_url}/open311/v2"),
            "changeset": "2026-11-01T00:00:00+07:00",
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_and_nests() {
        let items = vec![
            json!({ "service_code": "a&b", "description": "<Đèn>", "metadata": false, "group": null }),
        ];
        let xml = render_list(&items, "services", "service", Format::Xml);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(xml.contains("<service><service_code>a&amp;b</service_code><description>&lt;Đèn&gt;</description><metadata>false</metadata><group/></service>"), "{xml}");
        let errors = render_errors(400, &["lat: required".into()], Format::Json);
        assert_eq!(errors, r#"[{"code":400,"description":"lat: required"}]"#);
    }
}
