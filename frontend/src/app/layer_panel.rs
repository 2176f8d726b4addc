//! The layer list: each layer on or off with its opacity and legend, and the filters (camera
//! kind and status, report status and category).

use super::api::Category;
use super::i18n::{Lang, value_label};
use super::map_controller::{MapController, MapEvent, MapHandle};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties)]
pub struct LayerPanelProps {
    pub handle: MapHandle,
    pub lang: Lang,
    pub categories: Vec<Category>,
    /// Changes whenever the map's choices change, so the panel redraws.
    pub revision: u32,
}

impl PartialEq for LayerPanelProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.handle, &other.handle)
            && self.lang == other.lang
            && self.categories == other.categories
            && self.revision == other.revision
    }
}

/// (layer, attribute, heading vi, heading en) of the filters offered.
const FILTERS: [(&str, &str, &str, &str); 4] = [
    ("cameras", "kind", "Loại camera", "Camera kind"),
    ("cameras", "status", "Trạng thái camera", "Camera status"),
    ("reports", "status", "Tình trạng xử lý", "Report status"),
    (
        "reports",
        "category",
        "Lĩnh vực phản ánh",
        "Report category",
    ),
];

/// The panel.
#[function_component(LayerPanel)]
pub fn layer_panel(props: &LayerPanelProps) -> Html {
    let lang = props.lang;
    let handle = props.handle.clone();
    let me = handle.borrow();
    let style = &me.state.style;
    let rows = me.state.filters.layers.iter().map(|setting| {
        let name = setting.name.clone();
        let legend = style.legend_of(&name);
        let title = legend.map_or(name.clone(), |l| match lang {
            Lang::Vi => l.title.clone(),
            Lang::En => l.title_en.clone().unwrap_or_else(|| l.title.clone()),
        });
        let toggle = {
            let (handle, name) = (handle.clone(), name.clone());
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                MapController::update(&handle, |me| {
                    me.state.filters.set_visible(&name, on);
                    vec![MapEvent::ViewChanged]
                });
            })
        };
        let opacity = {
            let (handle, name) = (handle.clone(), name.clone());
            Callback::from(move |e: InputEvent| {
                let v: f64 = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(100.0);
                MapController::update(&handle, |me| {
                    me.state.filters.set_opacity(&name, v / 100.0);
                    vec![MapEvent::ViewChanged]
                });
            })
        };
        let swatches = legend.filter(|l| l.color.is_some() || !l.items.is_empty()).map(|l| {
            if l.items.is_empty() {
                html! { <li><span class="swatch" style={format!("background:{}", l.color.clone().unwrap_or_default())}></span>{ title.clone() }</li> }
            } else {
                l.items.iter().map(|item| {
                    let label = match lang {
                        Lang::Vi => item.label.clone(),
                        Lang::En => value_label(lang, l.attribute.as_deref().unwrap_or(""), &item.value)
                            .map_or_else(|| item.label.clone(), str::to_owned),
                    };
                    html! { <li><span class="swatch" style={format!("background:{}", item.color)}></span>{ label }</li> }
                }).collect::<Html>()
            }
        });
        let percent = (setting.opacity * 100.0).round() as i32;
        html! {
            <li class="layer">
                <div class="layer-row">
                    <input type="checkbox" id={format!("layer-{name}")} checked={setting.visible} onchange={toggle} />
                    <label for={format!("layer-{name}")}>{ title.clone() }</label>
                </div>
                <label class="opacity">
                    <span>{ lang.t("Độ đậm", "Opacity") }{ format!(" {percent}%") }</span>
                    <input type="range" min="0" max="100" step="5" value={percent.to_string()}
                        id={format!("opacity-{name}")}
                        aria-label={format!("{} — {}", lang.t("Độ đậm", "Opacity"), title)}
                        oninput={opacity} disabled={!setting.visible} />
                </label>
                <ul class="legend">{ swatches.unwrap_or_default() }</ul>
            </li>
        }
    });
    let filters = FILTERS.iter().filter(|(layer, ..)| me.state.filters.layer(layer).is_some()).map(|(layer, attribute, vi, en)| {
        let values: Vec<(String, String)> = match (*layer, *attribute) {
            ("reports", "category") => props.categories.iter().map(|c| {
                let label = match lang {
                    Lang::Vi => c.name.clone(),
                    Lang::En => c.name_en.clone().unwrap_or_else(|| c.name.clone()),
                };
                (c.code.clone(), label)
            }).collect(),
            ("cameras", "status") => ["online", "offline", "maintenance"].iter().map(|v| {
                ((*v).to_owned(), value_label(lang, "status", v).unwrap_or(v).to_owned())
            }).collect(),
            _ => style.legend_of(layer).map(|l| l.items.iter().map(|i| {
                let label = match lang {
                    Lang::Vi => i.label.clone(),
                    Lang::En => value_label(lang, attribute, &i.value).map_or_else(|| i.label.clone(), str::to_owned),
                };
                (i.value.clone(), label)
            }).collect()).unwrap_or_default(),
        };
        let boxes = values.into_iter().map(|(value, label)| {
            let id = format!("filter-{layer}-{attribute}-{value}");
            let shown = me.state.filters.is_value_shown(layer, attribute, &value);
            let onchange = {
                let (handle, layer, attribute, value) = (handle.clone(), layer.to_string(), attribute.to_string(), value.clone());
                Callback::from(move |e: Event| {
                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                    MapController::update(&handle, |me| {
                        me.state.filters.set_value_shown(&layer, &attribute, &value, on);
                        vec![MapEvent::ViewChanged]
                    });
                })
            };
            html! { <label class="chip" for={id.clone()}><input type="checkbox" id={id} checked={shown} {onchange} />{ label }</label> }
        }).collect::<Html>();
        html! { <fieldset class="filter"><legend>{ lang.t(vi, en) }</legend>{ boxes }</fieldset> }
    }).collect::<Html>();
    html! {
        <section class="panel layers-panel" aria-labelledby="layers-title">
            <h2 id="layers-title">{ lang.t("Lớp bản đồ", "Map layers") }</h2>
            <ul class="layer-list">{ for rows }</ul>
            <h3>{ lang.t("Bộ lọc", "Filters") }</h3>
            { filters }
        </section>
    }
}
