//! The wall's big live counters: reports, cameras by status and kind, Wi-Fi use.

use super::figures::{count, grouped};
use crate::app::i18n::{Lang, value_label};
use crate::engine::wall_style::{CAMERA_MAINTENANCE, CAMERA_OFFLINE, CAMERA_ONLINE};
use serde_json::Value;
use yew::prelude::*;

fn tile(id: &str, label: &str, value: i64, accent: Option<&str>) -> Html {
    let style = accent.map(|c| format!("border-color:{c}"));
    html! {
        <div class="counter" style={style}>
            <span class="counter-value" id={id.to_owned()}>{ grouped(value) }</span>
            <span class="counter-label">{ label.to_owned() }</span>
        </div>
    }
}

/// Counters from `/api/stats`.
pub fn counters(stats: &Value, lang: Lang) -> Html {
    let r = |k: &str| count(stats, &["reports", k]);
    let c = |k: &str| count(stats, &["cameras", "by_status", k]);
    let kinds: Vec<(String, i64, i64)> = stats["cameras"]["by_kind"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(kind, s)| {
                    let n = |k: &str| s[k].as_i64().unwrap_or(0);
                    (kind.clone(), n("online"), n("offline") + n("maintenance"))
                })
                .collect()
        })
        .unwrap_or_default();
    let wifi = &stats["wifi"];
    let periods: Vec<String> = wifi["sessions_periods"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(period)).collect())
        .unwrap_or_default();
    html! {
        <>
            <section class="counters" aria-label={lang.t("Phản ánh hiện trường", "Field reports")}>
                <h2>{ lang.t("Phản ánh hiện trường", "Field reports") }</h2>
                <div class="counter-grid">
                    { tile("wall-count-today", lang.t("Hôm nay", "Today"), r("today"), None) }
                    { tile("wall-count-open", lang.t("Chưa xử lý xong", "Open"), r("open"), None) }
                    { tile("wall-count-in-progress", lang.t("Đang xử lý", "In progress"), r("in_progress"), None) }
                    { tile("wall-count-resolved-week", lang.t("Đã giải quyết tuần này", "Resolved this week"), r("resolved_this_week"), None) }
                </div>
            </section>
            <section class="counters" aria-label={lang.t("Camera giám sát", "Cameras")}>
                <h2>{ lang.t("Camera giám sát", "Cameras") }{ format!(" · {}", grouped(count(stats, &["cameras", "total"]))) }</h2>
                <div class="counter-grid">
                    { tile("wall-cam-online", lang.t("Đang hoạt động", "Online"), c("online"), Some(CAMERA_ONLINE)) }
                    { tile("wall-cam-offline", lang.t("Mất kết nối", "Offline"), c("offline"), Some(CAMERA_OFFLINE)) }
                    { tile("wall-cam-maintenance", lang.t("Đang bảo trì", "Maintenance"), c("maintenance"), Some(CAMERA_MAINTENANCE)) }
                </div>
                <table class="by-kind" id="wall-cam-kinds">
                    <thead><tr><th></th><th>{ lang.t("Hoạt động", "Online") }</th><th>{ lang.t("Không hoạt động", "Down") }</th></tr></thead>
                    <tbody>{ for kinds.iter().map(|(kind, up, down)| html! {
                        <tr data-kind={kind.clone()}>
                            <th scope="row">{ value_label(lang, "kind", kind).unwrap_or(kind.as_str()).to_owned() }</th>
                            <td>{ grouped(*up) }</td><td>{ grouped(*down) }</td>
                        </tr>
                    }) }</tbody>
                </table>
            </section>
            <section class="counters" aria-label="Wi-Fi">
                <h2>{ lang.t("Wi-Fi công cộng", "Public Wi-Fi") }{ format!(" · {} {}", grouped(count(stats, &["wifi", "points"])), lang.t("điểm", "points")) }</h2>
                <div class="counter-grid">
                    { tile("wall-wifi-sessions", lang.t("Lượt truy cập", "Sessions"), count(stats, &["wifi", "sessions"]), None) }
                </div>
                <p class="muted">{ format!("{} {}", lang.t("Kỳ số liệu:", "Period:"), periods.join(", ")) }</p>
            </section>
        </>
    }
}

/// "2022-01-01/2022-05-20" → "1/1/2022–20/5/2022".
fn period(text: &str) -> String {
    let date = |d: &str| {
        let mut p = d.split('-');
        match (p.next(), p.next(), p.next()) {
            (Some(y), Some(m), Some(day)) => format!(
                "{}/{}/{y}",
                day.trim_start_matches('0'),
                m.trim_start_matches('0')
            ),
            _ => d.to_owned(),
        }
    };
    match text.split_once('/') {
        Some((a, b)) => format!("{}–{}", date(a), date(b)),
        None => date(text),
    }
}
