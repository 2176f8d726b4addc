//! The wall's feed of the latest reports: category, ward, time and a photo thumbnail.

use crate::app::api::Category;
use crate::app::feature_popup::{category_name, clock_and_date};
use crate::app::i18n::{Lang, value_label};
use serde_json::Value;
use yew::prelude::*;

/// How many reports the feed shows.
pub const FEED_LENGTH: usize = 6;

/// The feed, newest first, from `/api/reports` features.
pub fn feed(reports: &[Value], categories: &[Category], lang: Lang) -> Html {
    html! {
        <section class="feed" aria-label={lang.t("Phản ánh mới nhất", "Latest reports")}>
            <h2>{ lang.t("Phản ánh mới nhất", "Latest reports") }</h2>
            <ol id="wall-feed">{ for reports.iter().take(FEED_LENGTH).map(|r| {
                let p = &r["properties"];
                let code = p["tracking_code"].as_str().unwrap_or_default().to_owned();
                let category = category_name(categories, p["category"].as_str().unwrap_or_default(), lang);
                let status = p["status"].as_str().unwrap_or_default();
                let photo = p["photos"][0].as_str().map(str::to_owned);
                html! {
                    <li class="feed-item" data-code={code.clone()}>
                        if let Some(src) = photo {
                            <img class="thumb" src={src} alt="" loading="lazy" />
                        } else {
                            <span class="thumb none" aria-hidden="true"></span>
                        }
                        <div class="feed-text">
                            <strong>{ category }</strong>
                            <span>{ p["ward"].as_str().unwrap_or(lang.t("Ngoài các phường", "Outside the wards")).to_owned() }</span>
                            <span class="muted">{ format!("{} · {} · {code}", clock_and_date(p["created_at"].as_str().unwrap_or_default()), value_label(lang, "status", status).unwrap_or(status)) }</span>
                        </div>
                    </li>
                }
            }) }</ol>
        </section>
    }
}
