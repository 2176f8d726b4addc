//! Search by place name (wards, streets, cameras…) or by report tracking code.

use super::api::{self, Place};
use super::i18n::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Whether the text looks like a tracking code (`DX-26-7K3M9Q`).
pub fn is_tracking_code(text: &str) -> bool {
    let parts: Vec<&str> = text.trim().split('-').collect();
    parts.len() == 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_alphabetic())
        && parts[1].len() == 2
        && parts[1].chars().all(|c| c.is_ascii_digit())
        && parts[2].len() == 6
        && parts[2].chars().all(|c| c.is_ascii_alphanumeric())
}

#[derive(Properties, PartialEq)]
pub struct SearchProps {
    pub lang: Lang,
    /// Fly to a place's box.
    pub on_place: Callback<[f64; 4]>,
    /// Open a report by code.
    pub on_code: Callback<String>,
}

/// The search box with its results.
#[function_component(SearchBox)]
pub fn search_box(props: &SearchProps) -> Html {
    let lang = props.lang;
    let input = use_node_ref();
    let results = use_state(|| None::<Result<Vec<Place>, String>>);
    let onsubmit = {
        let (input, results, on_code) = (input.clone(), results.clone(), props.on_code.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(text) = input.cast::<HtmlInputElement>().map(|i| i.value()) else {
                return;
            };
            if text.trim().is_empty() {
                results.set(None);
                return;
            }
            if is_tracking_code(&text) {
                results.set(None);
                on_code.emit(text.trim().to_uppercase());
                return;
            }
            let results = results.clone();
            wasm_bindgen_futures::spawn_local(async move {
                results.set(Some(api::places(&text).await.map_err(|e| e.message())));
            });
        })
    };
    let list = match &*results {
        None => Html::default(),
        Some(Err(m)) => html! { <p class="search-results field-error">{ m.clone() }</p> },
        Some(Ok(places)) if places.is_empty() => {
            html! { <p class="search-results muted">{ lang.t("Không tìm thấy địa điểm nào.", "No place found.") }</p> }
        }
        Some(Ok(places)) => html! {
            <ul class="search-results" id="search-results">{ for places.iter().map(|p| {
                let (bbox, results) = (p.bbox, results.clone());
                let cb = props.on_place.reform(move |_: MouseEvent| {
                    results.set(None);
                    bbox
                });
                html! { <li><button type="button" onclick={cb}>{ p.name.clone() }</button></li> }
            }) }</ul>
        },
    };
    html! {
        <div class="search">
            <form {onsubmit} role="search">
                <label for="search-input" class="visually-hidden">{ lang.t("Tìm phường, đường hoặc mã phản ánh", "Find a ward, street or report code") }</label>
                <input id="search-input" ref={input} type="search" autocomplete="off"
                    placeholder={lang.t("Tìm phường, đường, mã phản ánh…", "Ward, street, report code…")} />
                <button type="submit">{ lang.t("Tìm", "Search") }</button>
            </form>
            { list }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_are_recognised() {
        assert!(is_tracking_code("DX-26-7K3M9Q"));
        assert!(is_tracking_code(" dx-26-7k3m9q "));
        assert!(!is_tracking_code("Tân Phú"));
        assert!(!is_tracking_code("DX-2026-7K3M9Q"));
    }
}
