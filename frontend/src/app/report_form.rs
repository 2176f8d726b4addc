//! Filing a field report: the place (tapped on the map, dragged, or from GPS), category,
//! description, up to three photos and optional contact details that stay private; nearby
//! reports of the same category shown as possible duplicates; the server's field errors next
//! to their fields; the tracking code once the report is stored.

use super::api::{self, ApiFailure, Category, FieldProblem};
use super::i18n::Lang;
use serde_json::Value;
use web_sys::{FormData, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReportFormProps {
    pub lang: Lang,
    pub categories: Vec<Category>,
    /// Where the pin is.
    pub pin: Option<(f64, f64)>,
    pub on_gps: Callback<()>,
    /// The report was stored: its tracking code.
    pub on_filed: Callback<String>,
    pub on_lookup: Callback<String>,
    pub on_close: Callback<()>,
}

/// Most photos sent with a report.
const MAX_PHOTOS: u32 = 3;

fn field_error(errors: &[FieldProblem], fields: &[&str]) -> Html {
    let messages: Vec<&FieldProblem> = errors
        .iter()
        .filter(|e| fields.contains(&e.field.as_str()))
        .collect();
    if messages.is_empty() {
        return Html::default();
    }
    let id = format!("error-{}", fields[0]);
    html! { <p class="field-error" role="alert" id={id}>{ for messages.iter().map(|e| html!{ <span>{ e.message.clone() }</span> }) }</p> }
}

/// The form.
#[function_component(ReportForm)]
pub fn report_form(props: &ReportFormProps) -> Html {
    let lang = props.lang;
    let category = use_state(String::new);
    let errors = use_state(Vec::<FieldProblem>::new);
    let general = use_state(|| None::<String>);
    let sending = use_state(|| false);
    let filed = use_state(|| None::<String>);
    // One key per report being written: kept across retries, renewed once it is filed.
    let client_key = use_state(new_client_key);
    let nearby = use_state(Vec::<Value>::new);
    let description = use_node_ref();
    let photos = use_node_ref();
    let name = use_node_ref();
    let phone = use_node_ref();
    let email = use_node_ref();
    {
        let nearby = nearby.clone();
        use_effect_with(
            (
                props.pin.map(|(a, b)| (a.to_bits(), b.to_bits())),
                (*category).clone(),
            ),
            move |(pin, category)| {
                nearby.set(Vec::new());
                if let (Some((lon, lat)), false) = (pin, category.is_empty()) {
                    let (lon, lat, category) =
                        (f64::from_bits(*lon), f64::from_bits(*lat), category.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(found) = api::nearby(lon, lat, &category).await {
                            nearby.set(found);
                        }
                    });
                }
            },
        );
    }
    if let Some(code) = &*filed {
        let lookup = {
            let code = code.clone();
            props.on_lookup.reform(move |_: MouseEvent| code.clone())
        };
        let close = props.on_close.reform(|_: MouseEvent| ());
        return html! {
            <section class="card form-card" id="report-done" aria-live="polite">
                <h2>{ lang.t("Đã gửi phản ánh", "Report sent") }</h2>
                <p>{ lang.t("Phản ánh của bạn đã được lưu. Mã tra cứu:", "Your report is stored. Tracking code:") }</p>
                <p class="tracking-code" id="tracking-code">{ code.clone() }</p>
                <p class="muted">{ lang.t("Giữ mã này để theo dõi kết quả xử lý.", "Keep this code to follow how it is handled.") }</p>
                <div class="actions">
                    <button type="button" onclick={lookup}>{ lang.t("Xem trạng thái", "See status") }</button>
                    <button type="button" class="secondary" onclick={close}>{ lang.t("Đóng", "Close") }</button>
                </div>
            </section>
        };
    }
    let on_category = {
        let category = category.clone();
        Callback::from(move |e: Event| {
            category.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let onsubmit = {
        let (errors, general, sending, filed) = (
            errors.clone(),
            general.clone(),
            sending.clone(),
            filed.clone(),
        );
        let (description, photos, name, phone, email) = (
            description.clone(),
            photos.clone(),
            name.clone(),
            phone.clone(),
            email.clone(),
        );
        let category = category.clone();
        let client_key = client_key.clone();
        let pin = props.pin;
        let on_filed = props.on_filed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *sending {
                return;
            }
            let mut problems = Vec::new();
            if pin.is_none() {
                problems.push(FieldProblem {
                    field: "location".into(),
                    message: lang
                        .t(
                            "Hãy chạm vào bản đồ để chọn vị trí.",
                            "Tap the map to choose the place.",
                        )
                        .into(),
                });
            }
            let files = photos.cast::<HtmlInputElement>().and_then(|i| i.files());
            if files.as_ref().is_some_and(|f| f.length() > MAX_PHOTOS) {
                problems.push(FieldProblem {
                    field: "photos".into(),
                    message: lang
                        .t("Chỉ gửi tối đa 3 ảnh.", "Send at most 3 photos.")
                        .into(),
                });
            }
            if !problems.is_empty() {
                errors.set(problems);
                return;
            }
            let Ok(form) = FormData::new() else { return };
            let text = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .or_else(|| r.cast::<HtmlTextAreaElement>().map(|t| t.value()))
                    .unwrap_or_default()
            };
            let (lon, lat) = pin.unwrap_or_default();
            let _ = form.append_with_str("category", &category);
            let _ = form.append_with_str("description", &text(&description));
            let _ = form.append_with_str("lon", &format!("{lon:.7}"));
            let _ = form.append_with_str("lat", &format!("{lat:.7}"));
            for (field, r) in [
                ("reporter_name", &name),
                ("reporter_phone", &phone),
                ("reporter_email", &email),
            ] {
                let v = text(r);
                if !v.trim().is_empty() {
                    let _ = form.append_with_str(field, v.trim());
                }
            }
            if let Some(files) = files {
                for i in 0..files.length() {
                    if let Some(file) = files.get(i) {
                        let _ = form.append_with_blob_and_filename("photos", &file, &file.name());
                    }
                }
            }
            sending.set(true);
            errors.set(Vec::new());
            general.set(None);
            let (errors, general, sending, filed, on_filed) = (
                errors.clone(),
                general.clone(),
                sending.clone(),
                filed.clone(),
                on_filed.clone(),
            );
            let client_key = client_key.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::file_report(form, &client_key).await {
                    Ok(doc) => {
                        client_key.set(new_client_key());
                        let code = doc["tracking_code"].as_str().unwrap_or_default().to_owned();
                        filed.set(Some(code.clone()));
                        on_filed.emit(code);
                    }
                    Err(ApiFailure::Invalid(problems)) => {
                        let known = [
                            "category",
                            "description",
                            "lon",
                            "lat",
                            "location",
                            "photos",
                            "reporter_name",
                            "reporter_phone",
                            "reporter_email",
                        ];
                        let others: Vec<String> = problems
                            .iter()
                            .filter(|p| !known.contains(&p.field.as_str()))
                            .map(|p| p.message.clone())
                            .collect();
                        if !others.is_empty() {
                            general.set(Some(others.join(" ")));
                        }
                        errors.set(problems);
                    }
                    Err(other) => general.set(Some(other.message())),
                }
                sending.set(false);
            });
        })
    };
    let place = match props.pin {
        Some((lon, lat)) => {
            html! { <p class="place" id="pin-place">{ icon(PIN_ICON) }{ format!("{lat:.5}, {lon:.5}") }<span class="muted">{ lang.t(" — kéo ghim để chỉnh", " — drag the pin to adjust") }</span></p> }
        }
        None => {
            html! { <p class="hint" id="pin-hint">{ lang.t("Chạm vào bản đồ tại nơi cần phản ánh.", "Tap the map where the problem is.") }</p> }
        }
    };
    let gps = props.on_gps.reform(|_: MouseEvent| ());
    let close = props.on_close.reform(|_: MouseEvent| ());
    let duplicates = if nearby.is_empty() {
        Html::default()
    } else {
        html! {
            <div class="duplicates" id="possible-duplicates">
                <p><strong>{ lang.t("Có thể đã có người phản ánh gần đây:", "Possibly already reported nearby:") }</strong></p>
                <ul>{ for nearby.iter().map(|f| {
                    let p = &f["properties"];
                    html! { <li>
                        <code>{ p["tracking_code"].as_str().unwrap_or_default() }</code>{" · "}
                        { p["status_label"].as_str().unwrap_or_default() }{" · "}
                        { format!("{} m", p["distance_m"].as_f64().unwrap_or_default()) }
                        <br/><span class="muted">{ p["description"].as_str().unwrap_or_default().chars().take(90).collect::<String>() }</span>
                    </li> }
                }) }</ul>
            </div>
        }
    };
    html! {
        <section class="card form-card" id="report-form" aria-labelledby="form-title">
            <button type="button" class="close" onclick={close} aria-label={lang.t("Đóng", "Close")}>{"×"}</button>
            <h2 id="form-title">{ lang.t("Gửi phản ánh hiện trường", "Report a problem") }</h2>
            <form {onsubmit} novalidate=true>
                <div class="field">
                    { place }
                    <button type="button" class="secondary" onclick={gps}>{ lang.t("Dùng vị trí GPS của tôi", "Use my GPS position") }</button>
                    { field_error(&errors, &["location", "lon", "lat"]) }
                </div>
                <div class="field">
                    <label for="report-category">{ lang.t("Lĩnh vực", "Category") }<span aria-hidden="true">{" *"}</span></label>
                    <select id="report-category" required=true onchange={on_category}
                        aria-describedby="error-category">
                        <option value="" selected={category.is_empty()}>{ lang.t("— Chọn lĩnh vực —", "— Choose a category —") }</option>
                        { for props.categories.iter().map(|c| html! {
                            <option value={c.code.clone()} selected={*category == c.code}>{ super::feature_popup::category_name(&props.categories, &c.code, lang) }</option>
                        }) }
                    </select>
                    { field_error(&errors, &["category"]) }
                </div>
                { duplicates }
                <div class="field">
                    <label for="report-description">{ lang.t("Nội dung phản ánh", "What is wrong") }<span aria-hidden="true">{" *"}</span></label>
                    <textarea id="report-description" ref={description} rows="4" required=true
                        placeholder={lang.t("Mô tả sự việc, vị trí cụ thể…", "Describe the problem and where exactly…")}
                        aria-describedby="error-description" />
                    { field_error(&errors, &["description"]) }
                </div>
                <div class="field">
                    <label for="report-photos">{ lang.t("Ảnh (tối đa 3)", "Photos (up to 3)") }</label>
                    <input id="report-photos" ref={photos} type="file" accept="image/jpeg,image/png,image/webp" multiple=true aria-describedby="error-photos" />
                    { field_error(&errors, &["photos"]) }
                </div>
                <fieldset class="contact">
                    <legend>{ lang.t("Thông tin liên hệ (không bắt buộc)", "Contact details (optional)") }</legend>
                    <p class="privacy">{ icon(LOCK_ICON) }{ lang.t(
                        "Họ tên, số điện thoại và email chỉ cán bộ xử lý được xem; không bao giờ hiện trên bản đồ hay trang công khai.",
                        "Your name, phone and email are seen only by the staff handling the report; never on the map or any public page.") }</p>
                    <label for="report-name">{ lang.t("Họ tên", "Name") }</label>
                    <input id="report-name" ref={name} autocomplete="name" aria-describedby="error-reporter_name" />
                    { field_error(&errors, &["reporter_name"]) }
                    <label for="report-phone">{ lang.t("Số điện thoại", "Phone") }</label>
                    <input id="report-phone" ref={phone} type="tel" autocomplete="tel" aria-describedby="error-reporter_phone" />
                    { field_error(&errors, &["reporter_phone"]) }
                    <label for="report-email">{ lang.t("Email", "Email") }</label>
                    <input id="report-email" ref={email} type="email" autocomplete="email" aria-describedby="error-reporter_email" />
                    { field_error(&errors, &["reporter_email"]) }
                </fieldset>
                if let Some(message) = &*general {
                    <p class="field-error" role="alert" id="form-error">{ message.clone() }</p>
                }
                <div class="actions">
                    <button type="submit" id="report-submit" disabled={*sending}>
                        { if *sending { lang.t("Đang gửi…", "Sending…") } else { lang.t("Gửi phản ánh", "Send report") } }
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Path of a map pin, in a 24-unit box (drawn by us: emoji fonts are missing on many Linux
/// wall displays).
const PIN_ICON: &str = "M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z";
/// Path of a padlock, in a 24-unit box.
const LOCK_ICON: &str = "M6 10V8a6 6 0 0 1 12 0v2h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1h1zm2 0h8V8a4 4 0 0 0-8 0v2z";

/// A small inline icon, hidden from screen readers (the text says the same).
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
            <path d={path} fill="currentColor" />
        </svg>
    }
}

/// A random `Idempotency-Key` (32 hexadecimal digits).
fn new_client_key() -> String {
    (0..4)
        .map(|_| format!("{:08x}", (js_sys::Math::random() * 4_294_967_296.0) as u32))
        .collect()
}
