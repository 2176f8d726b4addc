//! Measure and ask the zoning: the user clicks the map to draw a polygon; the panel shows its
//! perimeter and area as it grows, then the planned land use inside it (m² and share per code,
//! from `/api/query/area`), which can be downloaded as GeoJSON or CSV.

use super::api;
use super::i18n::Lang;
use crate::engine::measure::{area_m2, format_area, format_length, length_m};
use serde_json::{Value, json};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AreaPanelProps {
    pub lang: Lang,
    /// Vertices drawn so far (lon, lat).
    pub points: Vec<(f64, f64)>,
    pub on_clear: Callback<()>,
}

/// The drawn ring as a closed GeoJSON Polygon.
pub fn polygon(points: &[(f64, f64)]) -> Value {
    let mut ring: Vec<[f64; 2]> = points.iter().map(|(x, y)| [*x, *y]).collect();
    if let Some(first) = ring.first().copied() {
        ring.push(first);
    }
    json!({ "type": "Polygon", "coordinates": [ring] })
}

/// The answer as CSV: code, name, m², share.
pub fn csv(answer: &Value) -> String {
    let mut out = String::from("code,name,area_m2,share\n");
    for row in answer["by_land_use"].as_array().into_iter().flatten() {
        let name = row["name"]
            .as_str()
            .unwrap_or_default()
            .replace('"', "\"\"");
        out.push_str(&format!(
            "{},\"{name}\",{},{}\n",
            row["code"].as_str().unwrap_or_default(),
            row["area_m2"],
            row["share"]
        ));
    }
    out
}

/// A download link for text made here (a blob: URL).
fn blob_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The server's answer with its download links (blob: URLs, revoked when replaced).
#[derive(PartialEq)]
struct Answer {
    doc: Value,
    geojson: Option<String>,
    csv: Option<String>,
}

impl Answer {
    fn new(doc: Value) -> Self {
        Self {
            geojson: blob_url(&doc["features"].to_string(), "application/geo+json"),
            csv: blob_url(&csv(&doc), "text/csv"),
            doc,
        }
    }
}

/// The panel.
#[function_component(AreaPanel)]
pub fn area_panel(props: &AreaPanelProps) -> Html {
    let lang = props.lang;
    let answer = use_state(|| None::<Result<Answer, String>>);
    {
        // Download links live as long as their answer.
        let links: Vec<String> = match &*answer {
            Some(Ok(a)) => [a.geojson.clone(), a.csv.clone()]
                .into_iter()
                .flatten()
                .collect(),
            _ => Vec::new(),
        };
        use_effect_with(links, |links| {
            let links = links.clone();
            move || {
                for url in links {
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
            }
        });
    }
    let busy = use_state(|| false);
    {
        // A new drawing makes the old answer stale.
        let answer = answer.clone();
        use_effect_with(props.points.len(), move |n| {
            if *n < 3 {
                answer.set(None);
            }
        });
    }
    let points = &props.points;
    let ask = {
        let (answer, busy, poly) = (answer.clone(), busy.clone(), polygon(points));
        Callback::from(move |_: MouseEvent| {
            let (answer, busy, poly) = (answer.clone(), busy.clone(), poly.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                answer.set(Some(
                    api::area_query(&poly)
                        .await
                        .map(Answer::new)
                        .map_err(|e| e.message()),
                ));
                busy.set(false);
            });
        })
    };
    let clear = props.on_clear.reform(|_: MouseEvent| ());
    let result = match &*answer {
        Some(Ok(Answer { doc, geojson, csv })) => {
            let rows = doc["by_land_use"].as_array().cloned().unwrap_or_default();
            let (geojson, csv) = (geojson.clone(), csv.clone());
            html! {
                <section id="area-result" data-polygon={polygon(points).to_string()}>
                    <p>{ format!("{} {} · {} {}",
                        lang.t("Có quy hoạch:", "Planned:"), format_area(doc["planned_m2"].as_f64().unwrap_or(0.0)),
                        lang.t("chưa có:", "unplanned:"), format_area(doc["unplanned_m2"].as_f64().unwrap_or(0.0))) }</p>
                    <table class="area-table">
                        <thead><tr><th>{ lang.t("Loại đất", "Land use") }</th><th>{ lang.t("Diện tích", "Area") }</th><th>{ "%" }</th></tr></thead>
                        <tbody>{ for rows.iter().map(|r| html! {
                            <tr data-code={r["code"].as_str().unwrap_or_default().to_owned()}>
                                <th scope="row">{ format!("{} — {}", r["code"].as_str().unwrap_or_default(), r["name"].as_str().unwrap_or_default()) }</th>
                                <td>{ format_area(r["area_m2"].as_f64().unwrap_or(0.0)) }</td>
                                <td>{ format!("{:.1}", r["share"].as_f64().unwrap_or(0.0) * 100.0).replace('.', ",") }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                    <p class="muted">{ lang.t("Diện tích trắc địa trên ellipsoid WGS84.", "Geodesic areas on the WGS84 ellipsoid.") }</p>
                    <p class="export">
                        if let Some(href) = geojson {
                            <a id="area-export-geojson" href={href} download="quy-hoach.geojson">{ lang.t("Tải GeoJSON", "Download GeoJSON") }</a>
                        }
                        if let Some(href) = csv {
                            <a id="area-export-csv" href={href} download="quy-hoach.csv">{ lang.t("Tải CSV", "Download CSV") }</a>
                        }
                    </p>
                </section>
            }
        }
        Some(Err(message)) => html! { <p class="error" role="alert">{ message.clone() }</p> },
        None => Html::default(),
    };
    let measure = if points.len() >= 3 {
        let mut ring = points.clone();
        ring.push(points[0]);
        format!(
            "{} {} · {} {}",
            lang.t("Chu vi", "Perimeter"),
            format_length(length_m(&ring)),
            lang.t("diện tích", "area"),
            format_area(area_m2(points))
        )
    } else if points.len() == 2 {
        format!(
            "{} {}",
            lang.t("Khoảng cách", "Distance"),
            format_length(length_m(points))
        )
    } else {
        lang.t(
            "Bấm lên bản đồ để đặt các đỉnh.",
            "Click the map to place the corners.",
        )
        .to_owned()
    };
    html! {
        <section class="panel area-panel" aria-labelledby="area-title">
            <h2 id="area-title">{ lang.t("Đo và tra cứu quy hoạch", "Measure and ask the zoning") }</h2>
            <p id="area-measure" aria-live="polite">{ measure }</p>
            <div class="area-actions">
                <button type="button" id="area-query" class="primary" onclick={ask} disabled={points.len() < 3 || *busy}>
                    { lang.t("Tra cứu quy hoạch trong vùng", "Planned land use inside") }
                </button>
                <button type="button" id="area-clear" onclick={clear}>{ lang.t("Vẽ lại", "Start again") }</button>
            </div>
            { result }
        </section>
    }
}
