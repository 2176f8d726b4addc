//! The lookup page: a report's status and history by tracking code.

use super::api::{self, Category};
use super::feature_popup::category_name;
use super::i18n::{Lang, value_label};
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LookupProps {
    pub lang: Lang,
    pub categories: Vec<Category>,
    /// A code to look up at once (from a link or the form).
    pub code: Option<String>,
    /// Show the report on the map: (lon, lat).
    pub on_show: Callback<(f64, f64)>,
    pub on_close: Callback<()>,
}

/// The page.
#[function_component(Lookup)]
pub fn lookup(props: &LookupProps) -> Html {
    let lang = props.lang;
    let input = use_node_ref();
    let result = use_state(|| None::<Result<Value, String>>);
    let busy = use_state(|| false);
    let run = {
        let (result, busy) = (result.clone(), busy.clone());
        Callback::from(move |code: String| {
            if code.trim().is_empty() {
                return;
            }
            busy.set(true);
            let (result, busy) = (result.clone(), busy.clone());
            wasm_bindgen_futures::spawn_local(async move {
                result.set(Some(
                    api::report(&code.trim().to_uppercase())
                        .await
                        .map_err(|e| e.message()),
                ));
                busy.set(false);
            });
        })
    };
    {
        let run = run.clone();
        use_effect_with(props.code.clone(), move |code| {
            if let Some(code) = code {
                run.emit(code.clone());
            }
        });
    }
    let onsubmit = {
        let (input, run) = (input.clone(), run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(i) = input.cast::<HtmlInputElement>() {
                run.emit(i.value());
            }
        })
    };
    let body = match &*result {
        None => Html::default(),
        Some(Err(message)) => html! { <p class="field-error" role="alert">{ message.clone() }</p> },
        Some(Ok(doc)) => {
            let p = &doc["properties"];
            let status = p["status"].as_str().unwrap_or_default();
            let coords = (
                doc["geometry"]["coordinates"][0].as_f64(),
                doc["geometry"]["coordinates"][1].as_f64(),
            );
            let show = match coords {
                (Some(lon), Some(lat)) => {
                    let cb = props.on_show.reform(move |_: MouseEvent| (lon, lat));
                    html! { <button type="button" class="secondary" onclick={cb}>{ lang.t("Xem trên bản đồ", "Show on the map") }</button> }
                }
                _ => Html::default(),
            };
            let history = p["history"].as_array().cloned().unwrap_or_default();
            html! {
                <div class="lookup-result" id="lookup-result">
                    <p class="tracking-code">{ p["tracking_code"].as_str().unwrap_or_default() }</p>
                    <p><span class={format!("status status-{status}")}>{ value_label(lang, "status", status).unwrap_or(status) }</span>
                       {" · "}{ category_name(&props.categories, p["category"].as_str().unwrap_or_default(), lang) }</p>
                    <p>{ p["description"].as_str().unwrap_or_default() }</p>
                    <dl>
                        <dt>{ lang.t("Gửi lúc", "Filed") }</dt><dd>{ p["created_at"].as_str().unwrap_or_default() }</dd>
                        <dt>{ lang.t("Phường, xã", "Ward") }</dt><dd>{ p["ward"].as_str().unwrap_or("—") }</dd>
                        <dt>{ lang.t("Đơn vị xử lý", "Agency") }</dt><dd>{ p["agency"].as_str().unwrap_or("—") }</dd>
                    </dl>
                    <h3>{ lang.t("Quá trình xử lý", "History") }</h3>
                    <ol class="history">{ for history.iter().map(|h| {
                        let s = h["status"].as_str().unwrap_or_default();
                        html! { <li>
                            <time>{ h["at"].as_str().unwrap_or_default() }</time>{" — "}
                            <strong>{ value_label(lang, "status", s).unwrap_or(s) }</strong>
                            if let Some(note) = h["note"].as_str() { <br/><span>{ note }</span> }
                        </li> }
                    }) }</ol>
                    { show }
                </div>
            }
        }
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <section class="card lookup-card" id="lookup" aria-labelledby="lookup-title">
            <button type="button" class="close" onclick={close} aria-label={lang.t("Đóng", "Close")}>{"×"}</button>
            <h2 id="lookup-title">{ lang.t("Tra cứu phản ánh", "Look up a report") }</h2>
            <form {onsubmit} class="inline">
                <label for="lookup-code">{ lang.t("Mã tra cứu", "Tracking code") }</label>
                <input id="lookup-code" ref={input} value={props.code.clone().unwrap_or_default()} placeholder="DX-26-XXXXXX" autocomplete="off" />
                <button type="submit" disabled={*busy}>{ lang.t("Tra cứu", "Look up") }</button>
            </form>
            <div aria-live="polite">{ body }</div>
        </section>
    }
}
