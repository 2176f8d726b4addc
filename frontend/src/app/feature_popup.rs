//! What a clicked feature is, in plain words: its layer, name and attributes with their labels;
//! for a report, its details from the API (description, photos, status).

use super::api::{self, Category};
use super::i18n::{Lang, attribute_label, value_label};
use crate::engine::map_state::Hit;
use crate::engine::style::LegendEntry;
use serde_json::Value;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct PopupProps {
    pub hit: Rc<Hit>,
    pub lang: Lang,
    pub legend: Vec<LegendEntry>,
    pub categories: Vec<Category>,
    pub on_close: Callback<()>,
    pub on_lookup: Callback<String>,
}

impl PartialEq for PopupProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.hit, &other.hit)
            && self.lang == other.lang
            && self.categories == other.categories
    }
}

/// A category's name in the language.
pub fn category_name(categories: &[Category], code: &str, lang: Lang) -> String {
    categories
        .iter()
        .find(|c| c.code == code)
        .map(|c| match lang {
            Lang::Vi => c.name.clone(),
            Lang::En => c.name_en.clone().unwrap_or_else(|| c.name.clone()),
        })
        .unwrap_or_else(|| code.to_owned())
}

fn shown_value(lang: Lang, legend: Option<&LegendEntry>, key: &str, value: &str) -> String {
    if let Some(v) = value_label(lang, key, value) {
        return v.to_owned();
    }
    if lang == Lang::Vi
        && let Some(item) = legend
            .filter(|l| l.attribute.as_deref() == Some(key))
            .and_then(|l| l.items.iter().find(|i| i.value == value))
    {
        return item.label.clone();
    }
    value.to_owned()
}

/// The popup.
#[function_component(FeaturePopup)]
pub fn feature_popup(props: &PopupProps) -> Html {
    let lang = props.lang;
    let hit = &props.hit;
    let legend = props.legend.iter().find(|l| l.layer == hit.layer);
    let layer_title = legend.map_or(hit.layer.clone(), |l| match lang {
        Lang::Vi => l.title.clone(),
        Lang::En => l.title_en.clone().unwrap_or_else(|| l.title.clone()),
    });
    let f = &hit.feature;
    let title = f
        .text("name")
        .or_else(|| f.text("tracking_code"))
        .or_else(|| {
            f.text("land_use_name")
                .map(|n| format!("{n} — {}", f.text("zone").unwrap_or_default()))
        })
        .unwrap_or_else(|| layer_title.clone());
    let detail = use_state(|| None::<Result<Value, String>>);
    {
        let detail = detail.clone();
        let is_report = hit.layer == "reports";
        let key = f
            .text("tracking_code")
            .or_else(|| f.id.map(|i| i.to_string()));
        use_effect_with((is_report, key.clone()), move |(is_report, key)| {
            detail.set(None);
            if let (true, Some(key)) = (*is_report, key.clone()) {
                wasm_bindgen_futures::spawn_local(async move {
                    detail.set(Some(api::report(&key).await.map_err(|e| e.message())));
                });
            }
        });
    }
    let rows = f
        .properties
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "id" | "name" | "source"))
        .filter_map(|(k, v)| {
            let text = v.as_text();
            if k == "status_since" {
                let label = match f.text("status").as_deref() {
                    Some("offline") => lang.t("Mất kết nối từ", "Offline since"),
                    Some("maintenance") => lang.t("Bảo trì từ", "In maintenance since"),
                    _ => lang.t("Hoạt động từ", "Online since"),
                };
                return Some(html! { <tr><th scope="row">{ label }</th><td>{ clock_and_date(&text) }</td></tr> });
            }
            let label = attribute_label(lang, k)?;
            let value = if k == "category" {
                category_name(&props.categories, &text, lang)
            } else if f.properties.contains_key(&format!("{k}_name")) {
                // A code with its own name beside it (land_use, land_use_name): the code itself.
                text.clone()
            } else {
                shown_value(lang, legend, k, &text)
            };
            Some(html! { <tr><th scope="row">{ label }</th><td>{ value }</td></tr> })
        })
        .collect::<Html>();
    let report = match &*detail {
        None if hit.layer == "reports" => {
            html! { <p class="muted">{ lang.t("Đang tải chi tiết…", "Loading details…") }</p> }
        }
        Some(Ok(doc)) => {
            let p = &doc["properties"];
            let code = p["tracking_code"].as_str().unwrap_or_default().to_owned();
            let photos = p["photos"].as_array().cloned().unwrap_or_default();
            let on_lookup = props.on_lookup.reform(move |_: MouseEvent| code.clone());
            html! {
                <div class="report-detail">
                    <p class="description">{ p["description"].as_str().unwrap_or_default() }</p>
                    if !photos.is_empty() {
                        <div class="photos">{ for photos.iter().filter_map(|u| u.as_str()).map(|u| html! {
                            <a href={u.to_owned()} target="_blank" rel="noopener"><img src={u.to_owned()} alt={lang.t("Ảnh hiện trường", "Photo of the place")} loading="lazy" /></a>
                        }) }</div>
                    }
                    <button type="button" class="link" onclick={on_lookup}>{ lang.t("Xem quá trình xử lý", "See how it was handled") }</button>
                </div>
            }
        }
        Some(Err(message)) => html! { <p class="error">{ message.clone() }</p> },
        None => Html::default(),
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <section class="card popup" id="feature-popup" aria-live="polite" aria-labelledby="popup-title">
            <button type="button" class="close" onclick={close} aria-label={lang.t("Đóng", "Close")}>{"×"}</button>
            <p class="kicker">{ layer_title }</p>
            <h2 id="popup-title">{ title }</h2>
            if let Some((_, version)) = hit.source_layer.split_once('@') {
                <p class="muted" id="popup-version">{ format!("{} {version} ({})",
                    lang.t("Phiên bản", "Version"), lang.t("đang so sánh", "compared")) }</p>
            }
            <table class="attributes"><tbody>{ rows }</tbody></table>
            { report }
            <p class="coords">{ format!("{:.5}, {:.5}", hit.lat, hit.lon) }</p>
        </section>
    }
}

/// "08:05 22/11/2026" from an RFC 3339 local time ("2026-11-22T08:05:00+07:00"); the text as it
/// is when it is not one.
pub fn clock_and_date(rfc3339: &str) -> String {
    let Some((date, time)) = rfc3339.split_once('T') else {
        return rfc3339.to_owned();
    };
    let mut ymd = date.split('-');
    match (ymd.next(), ymd.next(), ymd.next(), time.get(..5)) {
        (Some(y), Some(m), Some(d), Some(hm)) => format!("{hm} {d}/{m}/{y}"),
        _ => rfc3339.to_owned(),
    }
}
