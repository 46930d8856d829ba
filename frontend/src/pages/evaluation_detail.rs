//! The evaluation scheme on the project page (issue 5): the evaluator's inputs for the scheme's
//! detail (dimension scores and the level each business scene reached, from
//! `GET /evaluation-scheme`), and — for everyone — the level the scheme computes beside the
//! recorded one, the detail, and the 小快轻准 products the project names.

use std::collections::BTreeMap;

use dtpilot_api_types::workflow::ProjectView;
use leptos::prelude::*;
use serde::Deserialize;

use crate::api;
use crate::i18n::{lang, level_name, pick, tr};
use crate::session::SessionCtx;

/// What the page needs of the scheme (the server sends more).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SchemeView {
    pub title: String,
    pub dimensions: Vec<DimensionView>,
    pub scenes: Vec<SceneView>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DimensionView {
    pub key: String,
    pub name: String,
    pub max: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SceneView {
    pub key: String,
    pub name: String,
    pub group: String,
    pub mandatory: bool,
}

fn scheme_resource() -> LocalResource<Result<SchemeView, api::ApiError>> {
    let session = SessionCtx::get();
    LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<SchemeView>(&token, "/evaluation-scheme").await }
    })
}

/// The detail typed in the evaluator's form.
#[derive(Debug, Clone, Copy)]
pub struct DetailInputs {
    pub enabled: RwSignal<bool>,
    /// Dimension key → score as typed.
    pub scores: RwSignal<BTreeMap<String, String>>,
    /// Scene key → "1"–"4", or "" when not graded.
    pub scenes: RwSignal<BTreeMap<String, String>>,
}

impl DetailInputs {
    pub fn new() -> DetailInputs {
        DetailInputs {
            enabled: RwSignal::new(false),
            scores: RwSignal::new(BTreeMap::new()),
            scenes: RwSignal::new(BTreeMap::new()),
        }
    }

    /// The `detail` of the evaluation's `meta`, numbers as typed (the server checks them and names
    /// the field at fault), or `None` when not given.
    pub fn value(&self) -> Option<serde_json::Value> {
        if !self.enabled.get_untracked() {
            return None;
        }
        let number = |text: &str| {
            text.trim()
                .parse::<serde_json::Number>()
                .map(serde_json::Value::Number)
                .unwrap_or_else(|_| serde_json::Value::from(text.to_string()))
        };
        let scores: serde_json::Map<String, serde_json::Value> =
            self.scores.get_untracked().iter().map(|(k, v)| (k.clone(), number(v))).collect();
        let scenes: serde_json::Map<String, serde_json::Value> = self
            .scenes
            .get_untracked()
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.clone(), number(v)))
            .collect();
        Some(serde_json::json!({"dimension_scores": scores, "scenes": scenes}))
    }
}

impl Default for DetailInputs {
    fn default() -> Self {
        DetailInputs::new()
    }
}

/// The evaluator's inputs for the scheme's detail (optional).
#[component]
pub fn DetailFields(inputs: DetailInputs, error: RwSignal<Option<api::ApiError>>) -> impl IntoView {
    let lang = lang();
    let scheme = scheme_resource();
    let field_error = move |field: String| {
        move || error.get().and_then(|e| e.on_field(&field)).map(|m| view! { <small class="error">{m}</small> })
    };
    let body = move || {
        scheme.get().map(|answer| match answer {
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
            Ok(s) => {
                let l = lang.get_untracked();
                view! {
                    <p class="muted">{s.title.clone()} {pick(l, "(等级门槛为待核对的假设;以评测等级为准)", " (thresholds are assumptions to check; the recorded level decides)")}</p>
                    <div class="detail-grid" id="detail-dimensions">
                        {s.dimensions.into_iter().map(|d| {
                            let key = d.key.clone();
                            let key2 = d.key.clone();
                            view! {
                                <label>
                                    <span>{format!("{}(0–{})", d.name, d.max)}</span>
                                    <input id=format!("detail-{}", d.key) inputmode="decimal"
                                        prop:value=move || inputs.scores.with(|m| m.get(&key).cloned().unwrap_or_default())
                                        on:input=move |ev| { let v = event_target_value(&ev); inputs.scores.update(|m| { m.insert(key2.clone(), v); }); } />
                                    {field_error(format!("meta.detail.dimension_scores.{}", d.key))}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <div class="detail-grid" id="detail-scenes">
                        {s.scenes.into_iter().map(|sc| {
                            let key = sc.key.clone();
                            let key2 = sc.key.clone();
                            let mark = if sc.mandatory { pick(l, "(必评)", " (required)") } else { "" };
                            view! {
                                <label>
                                    <span>{format!("{}·{}{}", sc.group, sc.name, mark)}</span>
                                    <select id=format!("scene-{}", sc.key)
                                        prop:value=move || inputs.scenes.with(|m| m.get(&key).cloned().unwrap_or_default())
                                        on:change=move |ev| { let v = event_target_value(&ev); inputs.scenes.update(|m| { m.insert(key2.clone(), v); }); }>
                                        <option value="">{pick(l, "未评", "not graded")}</option>
                                        {["1", "2", "3", "4"].into_iter().map(|n| view! { <option value=n>{n}</option> }).collect_view()}
                                    </select>
                                    {field_error(format!("meta.detail.scenes.{}", sc.key))}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <fieldset id="evaluation-detail">
            <legend>
                <label class="check">
                    <input type="checkbox" id="detail-enabled" prop:checked=move || inputs.enabled.get()
                        on:change=move |ev| inputs.enabled.set(event_target_checked(&ev)) />
                    <span>{tr("填写评测指标明细(维度得分与业务场景等级)", "Give the scheme's detail (dimension scores, scene levels)")}</span>
                </label>
            </legend>
            <Show when=move || inputs.enabled.get()>{body}</Show>
        </fieldset>
    }
}

/// The computed level beside the recorded one, the detail, and the linked products.
#[component]
pub fn SchemeAndProducts(project: ProjectView) -> impl IntoView {
    let lang = lang();
    let has_detail = project.evaluation_detail.is_some();
    let products = project.products.clone();
    let scheme = has_detail.then(scheme_resource);
    let detail = project.evaluation_detail.clone();
    let computed = project.computed_level;
    let recorded = project.subsidy.achieved_level;
    let mismatch = project.level_mismatch;
    let level_card = has_detail.then(|| {
        let rows = move || {
            let names = scheme.and_then(|s| s.get()).and_then(Result::ok);
            let name_of = |key: &str, dims: bool| {
                names
                    .as_ref()
                    .and_then(|s| {
                        if dims {
                            s.dimensions.iter().find(|d| d.key == key).map(|d| d.name.clone())
                        } else {
                            s.scenes.iter().find(|d| d.key == key).map(|d| d.name.clone())
                        }
                    })
                    .unwrap_or_else(|| key.to_string())
            };
            let d = detail.clone()?;
            Some(view! {
                <tr><th>{tr("指标总分", "Total score")}</th><td>{d.total.clone()}</td></tr>
                {d.dimension_scores.iter().map(|(k, v)| view! { <tr><th>{name_of(k, true)}</th><td>{v.clone()}</td></tr> }).collect_view()}
                {d.scenes.iter().map(|(k, v)| {
                    let v = *v;
                    view! { <tr><th>{name_of(k, false)}</th><td>{move || level_name(v, lang.get())}</td></tr> }
                }).collect_view()}
            })
        };
        view! {
            <section class="card" id="scheme-check">
                <h2>{tr("评测指标测算", "Level by the evaluation scheme")}</h2>
                <table class="kv" id="scheme-levels">
                    <tr><th>{tr("评测等级(决定补助)", "Recorded level (decides the subsidy)")}</th>
                        <td>{move || recorded.map(|v| level_name(v, lang.get())).unwrap_or_else(|| "—".into())}</td></tr>
                    <tr><th>{tr("指标测算等级", "Computed level")}</th>
                        <td>{move || computed.map(|v| level_name(v, lang.get())).unwrap_or_else(|| "—".into())}
                            {mismatch.then(|| view! { " " <span class="badge flag" id="level-mismatch">{tr("不一致", "mismatch")}</span> })}
                        </td></tr>
                </table>
                <table class="kv" id="scheme-detail">{rows}</table>
            </section>
        }
    });
    let products_card = (!products.is_empty()).then(|| {
        view! {
            <section class="card" id="project-products">
                <h2>{tr("选用的“小快轻准”产品", "小快轻准 products used")}</h2>
                <ul>
                    {products.into_iter().map(|p| view! { <li data-product=p.id>{p.name} " — " <span class="muted">{p.provider_name}</span></li> }).collect_view()}
                </ul>
            </section>
        }
    });
    view! { {level_card} {products_card} }
}
