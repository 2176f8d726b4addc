//! Planning versions: which version of the zoning the map serves, a swipe comparison with any
//! other version (imported with `tileserver import`, or the configured file as version 0), and,
//! for a signed-in planner, switching the served version.

use super::api;
use super::i18n::Lang;
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The version chosen for comparison: number, its tile layer name, its tile URL template.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareChoice {
    pub version: u64,
    pub source_layer: String,
    pub tiles: String,
}

#[derive(Properties, PartialEq)]
pub struct VersionsPanelProps {
    pub lang: Lang,
    /// The planning layer's name.
    pub layer: String,
    /// The version being compared, if any.
    pub comparing: Option<u64>,
    /// The divider's place, 0–1.
    pub divider: f64,
    /// Changes whenever the served version may have changed (live events).
    pub revision: u32,
    pub on_compare: Callback<Option<CompareChoice>>,
    pub on_divider: Callback<f64>,
}

fn describe(lang: Lang, v: &Value) -> String {
    let n = v["version"].as_u64().unwrap_or(0);
    let file = v["source_file"].as_str().unwrap_or_default();
    if n == 0 {
        return format!(
            "{} 0 · {} {file}",
            lang.t("Phiên bản", "Version"),
            lang.t("tệp cấu hình", "configured file")
        );
    }
    let date = v["imported_at"]
        .as_str()
        .and_then(|t| t.get(..10))
        .map(|d| {
            let p: Vec<&str> = d.split('-').collect();
            if p.len() == 3 {
                format!("{}/{}/{}", p[2], p[1], p[0])
            } else {
                d.to_owned()
            }
        })
        .unwrap_or_default();
    format!(
        "{} {n} · {date} · {file} ({}, {}) · {} {}",
        lang.t("Phiên bản", "Version"),
        v["source_format"].as_str().unwrap_or_default(),
        v["source_crs"].as_str().unwrap_or_default(),
        v["features"].as_u64().unwrap_or(0),
        lang.t("đối tượng", "features"),
    )
}

/// The panel.
#[function_component(VersionsPanel)]
pub fn versions_panel(props: &VersionsPanelProps) -> Html {
    let lang = props.lang;
    let doc = use_state(|| None::<Result<Value, String>>);
    let me = use_state(|| None::<Value>);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    {
        let (doc, layer) = (doc.clone(), props.layer.clone());
        use_effect_with(props.revision, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                doc.set(Some(
                    api::layer_versions(&layer).await.map_err(|e| e.message()),
                ));
            });
        });
    }
    {
        let me = me.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                me.set(api::signed_in().await);
            });
        });
    }
    let versions: Vec<Value> = match &*doc {
        Some(Ok(d)) => d["versions"].as_array().cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    let served = match &*doc {
        Some(Ok(d)) => d["served"].as_u64(),
        _ => None,
    };
    let served_entry = versions.iter().find(|v| v["served"] == true).cloned();
    let choose = {
        let (on_compare, versions) = (props.on_compare.clone(), versions.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let choice = value.parse::<u64>().ok().and_then(|n| {
                let v = versions.iter().find(|v| v["version"].as_u64() == Some(n))?;
                Some(CompareChoice {
                    version: n,
                    source_layer: v["source_layer"].as_str()?.to_owned(),
                    tiles: v["tiles"][0].as_str()?.to_owned(),
                })
            });
            on_compare.emit(choice);
        })
    };
    let slide = props.on_divider.reform(|e: InputEvent| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        value.parse::<f64>().unwrap_or(50.0) / 100.0
    });
    let can_switch = me
        .as_ref()
        .and_then(|m| m["role"].as_str())
        .is_some_and(|r| r == "planner" || r == "admin");
    let activate = |n: u64| {
        let (layer, message, busy, doc) = (
            props.layer.clone(),
            message.clone(),
            busy.clone(),
            doc.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (layer, message, busy, doc) =
                (layer.clone(), message.clone(), busy.clone(), doc.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::activate_version(&layer, n).await {
                    Ok(_) => {
                        message.set(Some(format!(
                            "{} {n}",
                            lang.t("Đã áp dụng phiên bản", "Now serving version")
                        )));
                        doc.set(Some(
                            api::layer_versions(&layer).await.map_err(|e| e.message()),
                        ));
                    }
                    Err(e) => message.set(Some(e.message())),
                }
                busy.set(false);
            });
        })
    };
    let sign_in = {
        let (me, message) = (me.clone(), message.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let form: web_sys::HtmlFormElement = e.target_unchecked_into();
            let field = |name: &str| {
                form.elements()
                    .named_item(name)
                    .map(|el| wasm_bindgen::JsCast::unchecked_into::<HtmlInputElement>(el).value())
                    .unwrap_or_default()
            };
            let (user, password) = (field("username"), field("password"));
            let (me, message) = (me.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::sign_in(&user, &password).await {
                    Ok(who) => {
                        message.set(None);
                        me.set(Some(who));
                    }
                    Err(e) => message.set(Some(e.message())),
                }
            });
        })
    };
    let list = versions.iter().map(|v| {
        let n = v["version"].as_u64().unwrap_or(0);
        let is_served = Some(n) == served;
        html! {
            <li data-version={n.to_string()} class={classes!(is_served.then_some("served"))}>
                <span>{ describe(lang, v) }</span>
                if is_served {
                    <strong class="badge">{ lang.t("đang dùng", "served") }</strong>
                } else if can_switch && n > 0 {
                    <button type="button" class="version-activate" disabled={*busy} onclick={activate(n)}>
                        { lang.t("Áp dụng phiên bản này", "Serve this version") }
                    </button>
                }
            </li>
        }
    });
    let comparing = props.comparing;
    html! {
        <section class="panel versions-panel" aria-labelledby="versions-title">
            <h2 id="versions-title">{ lang.t("Phiên bản quy hoạch", "Zoning versions") }</h2>
            if let Some(Err(e)) = &*doc {
                <p class="error" role="alert">{ e.clone() }</p>
            }
            if let Some(v) = &served_entry {
                <p id="versions-served">{ lang.t("Bản đồ đang dùng: ", "The map serves: ") }{ describe(lang, v) }</p>
            }
            <label class="field">
                <span>{ lang.t("So sánh với (vuốt)", "Compare with (swipe)") }</span>
                <select id="compare-version" onchange={choose}>
                    <option value="" selected={comparing.is_none()}>{ lang.t("— Không so sánh —", "— No comparison —") }</option>
                    { for versions.iter().filter(|v| v["served"] != true).map(|v| {
                        let n = v["version"].as_u64().unwrap_or(0);
                        html! { <option value={n.to_string()} selected={comparing == Some(n)}>{ describe(lang, v) }</option> }
                    }) }
                </select>
            </label>
            if let Some(n) = comparing {
                <label class="field">
                    <span>{ lang.t("Vị trí thanh chia", "Divider position") }</span>
                    <input type="range" id="swipe-position" min="0" max="100" step="1"
                        value={format!("{:.0}", props.divider * 100.0)} oninput={slide} />
                </label>
                <p class="muted" id="swipe-legend">{ format!("{} {n} · {} {}",
                    lang.t("Bên trái: phiên bản", "Left: version"),
                    lang.t("bên phải: phiên bản đang dùng", "right: served version"),
                    served.unwrap_or(0)) }</p>
            }
            <ul id="version-list" class="version-list">{ for list }</ul>
            if let Some(m) = &*message {
                <p role="status" id="versions-message">{ m.clone() }</p>
            }
            if me.is_none() {
                <details class="staff-sign-in">
                    <summary>{ lang.t("Cán bộ quy hoạch: đăng nhập để đổi phiên bản", "Planners: sign in to switch versions") }</summary>
                    <form id="sign-in" onsubmit={sign_in}>
                        <label class="field"><span>{ lang.t("Tên đăng nhập", "Username") }</span>
                            <input name="username" autocomplete="username" required=true /></label>
                        <label class="field"><span>{ lang.t("Mật khẩu", "Password") }</span>
                            <input name="password" type="password" autocomplete="current-password" required=true /></label>
                        <button type="submit">{ lang.t("Đăng nhập", "Sign in") }</button>
                    </form>
                </details>
            } else if !can_switch {
                <p class="muted">{ lang.t("Chỉ cán bộ quy hoạch mới đổi được phiên bản.", "Only planners can switch versions.") }</p>
            }
            <p class="muted">{ lang.t(
                "Nhập phiên bản mới bằng lệnh: tileserver import TỆP --layer ",
                "Import a new version with: tileserver import FILE --layer ") }{ props.layer.clone() }</p>
        </section>
    }
}
