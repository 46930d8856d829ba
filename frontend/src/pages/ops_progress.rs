//! 批次进度: a batch's member enterprises with their project's stage, next deadline and overdue
//! mark (`GET /batches/{id}/progress`), paged and filtered on the server; the same list as Excel.
//! The city sees every county (and may pick one); a county bureau its own.

use dtpilot_api_types::programme::BatchView;
use dtpilot_api_types::reports::BatchProgressView;
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::report::Stage;
use leptos::prelude::*;

use crate::api::{self, Query};
use crate::components::export::ExportButton;
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::Empty;
use crate::i18n::{county_name, industry_name, lang, pick, stage_name, state_name, tr};
use crate::session::SessionCtx;

#[component]
pub fn BatchProgressPanel(
    /// The city picks a county; a county bureau is held to its own by the server.
    #[prop(default = false)]
    county_filter: bool,
) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let batch = RwSignal::new(None::<i64>);
    let county = RwSignal::new(String::new());
    let industry = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let overdue = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let batches = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<Vec<BatchView>>(&token, "/batches").await }
    });
    // The first batch until one is chosen.
    Effect::new(move |_| {
        if let (None, Some(Ok(list))) = (batch.get_untracked(), batches.get()) {
            batch.set(list.first().map(|b| b.id));
        }
    });
    let filters = move || {
        Query::new()
            .set("county", county.get())
            .set("industry", industry.get())
            .set("stage", stage.get())
            .set("overdue", overdue.get())
    };
    let data = LocalResource::new(move || {
        let query = filters().set("page", page.get()).set("per_page", PER_PAGE);
        let token = session.token();
        let id = batch.get();
        async move {
            match id {
                Some(id) => api::get::<BatchProgressView>(&token, &format!("/batches/{id}/progress{}", query.string()))
                    .await
                    .map(Some),
                None => Ok(None),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(Some(p))) = data.get() {
            total.set(p.total);
        }
    });
    let reset = move |signal: RwSignal<String>| {
        move |ev| {
            signal.set(event_target_value(&ev));
            page.set(1);
        }
    };
    let export_path = Signal::derive(move || {
        let q = filters().set("format", "xlsx");
        batch.get().map_or_else(String::new, |id| format!("/batches/{id}/progress{}", q.string()))
    });
    view! {
        <div class="filters" id="progress-filters">
            <select
                id="progress-batch"
                on:change=move |ev| {
                    batch.set(event_target_value(&ev).parse().ok());
                    page.set(1);
                }
            >
                {move || {
                    batches
                        .get()
                        .and_then(Result::ok)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|b| {
                            let selected = batch.get() == Some(b.id);
                            let label = format!("{}(改造 {},验收 {})", b.name, b.retrofit_due, b.acceptance_end);
                            view! { <option value=b.id.to_string() selected=selected>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
            {county_filter
                .then(|| {
                    view! {
                        <select id="progress-county" on:change=reset(county)>
                            <option value="">{tr("全部县区", "All counties")}</option>
                            {County::ALL
                                .iter()
                                .map(|c| view! { <option value=c.code()>{move || county_name(*c, lang.get())}</option> })
                                .collect_view()}
                        </select>
                    }
                })}
            <select id="progress-industry" on:change=reset(industry)>
                <option value="">{tr("全部行业", "All industries")}</option>
                {Industry::ALL
                    .iter()
                    .map(|i| view! { <option value=i.code()>{move || industry_name(*i, lang.get())}</option> })
                    .collect_view()}
            </select>
            <select id="progress-stage" on:change=reset(stage)>
                <option value="">{tr("全部阶段", "All stages")}</option>
                {Stage::ALL
                    .iter()
                    .map(|s| view! { <option value=s.code()>{move || stage_name(*s, lang.get())}</option> })
                    .collect_view()}
            </select>
            <select id="progress-overdue" on:change=reset(overdue)>
                <option value="">{tr("是否逾期:全部", "Overdue: all")}</option>
                <option value="true">{tr("仅逾期", "Overdue only")}</option>
                <option value="false">{tr("未逾期", "Not overdue")}</option>
            </select>
            <ExportButton path=export_path filename="批次进度.xlsx" id="progress-export" />
        </div>
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {move || {
                data.get()
                    .map(|answer| match answer {
                        Ok(Some(p)) if p.items.is_empty() => {
                            view! {
                                <Empty text=Signal::derive(move || {
                                    pick(lang.get(), "该批次没有符合条件的企业。", "No member of the batch matches.").to_string()
                                }) />
                            }
                                .into_any()
                        }
                        Ok(Some(p)) => view! { <ProgressTable view=p /> }.into_any(),
                        Ok(None) => {
                            view! { <p class="muted">{tr("还没有批次。", "There is no batch yet.")}</p> }.into_any()
                        }
                        Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
                    })
            }}
        </Transition>
        <Pager page=page total=total id="progress-pager" />
    }
}

#[component]
fn ProgressTable(view: BatchProgressView) -> impl IntoView {
    let lang = lang();
    let today = view.today;
    view! {
        <p class="muted" id="progress-today">
            {move || format!("{}{}", pick(lang.get(), "逾期按中国时间判断,今天:", "Overdue as of (China time) "), today)}
        </p>
        <table class="list" id="progress-table">
            <thead>
                <tr>
                    <th>{tr("企业", "Enterprise")}</th>
                    <th>{tr("县区", "County")}</th>
                    <th>{tr("行业", "Industry")}</th>
                    <th>{tr("项目状态", "Project state")}</th>
                    <th>{tr("阶段", "Stage")}</th>
                    <th>{tr("下一期限", "Next deadline")}</th>
                    <th>{tr("逾期", "Overdue")}</th>
                </tr>
            </thead>
            <tbody>
                {view
                    .items
                    .into_iter()
                    .map(|i| {
                        let project = i.project_id;
                        let status = i.status;
                        view! {
                            <tr data-enterprise=i.enterprise_id class:overdue=i.overdue>
                                <td>
                                    {match project {
                                        Some(pid) => {
                                            view! { <a href=format!("/projects/{pid}")>{i.enterprise_name.clone()}</a> }.into_any()
                                        }
                                        None => i.enterprise_name.clone().into_any(),
                                    }}
                                </td>
                                <td>{move || county_name(i.county, lang.get())}</td>
                                <td>{move || industry_name(i.industry, lang.get())}</td>
                                <td>{move || status.map(|s| state_name(s, lang.get())).unwrap_or("—")}</td>
                                <td>{move || stage_name(i.stage, lang.get())}</td>
                                <td>{i.next_deadline.map_or_else(|| "—".to_string(), |d| d.to_string())}</td>
                                <td>
                                    {move || {
                                        if i.overdue {
                                            view! { <span class="badge danger">{pick(lang.get(), "逾期", "Overdue")}</span> }.into_any()
                                        } else {
                                            view! { <span class="muted">{pick(lang.get(), "否", "No")}</span> }.into_any()
                                        }
                                    }}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The city's tabs of this feature (0: batch progress, 1: 周调度/月通报, 2: import), each a card.
pub fn ops_tab(which: usize, city: bool) -> AnyView {
    use crate::pages::ops_import::ImportPanel;
    use crate::pages::ops_reports::ReportsPanel;
    match which {
        0 => view! {
            <section class="card" id="ops-batch-progress">
                <h2>{tr("批次进度", "Batch progress")}</h2>
                <BatchProgressPanel county_filter=city />
            </section>
        }
        .into_any(),
        1 => view! {
            <section class="card" id="ops-reports">
                <h2>{tr("周调度 / 月通报", "Weekly dispatch / monthly bulletin")}</h2>
                <ReportsPanel county_filter=city />
            </section>
        }
        .into_any(),
        _ => view! {
            <section class="card" id="ops-import">
                <h2>{tr("导入企业名单", "Import enterprise lists")}</h2>
                <ImportPanel />
            </section>
        }
        .into_any(),
    }
}

/// The county bureau's sections of this feature (its own county; the server holds it there).
pub fn ops_sections() -> impl IntoView {
    view! { {ops_tab(0, false)} {ops_tab(1, false)} {ops_tab(2, false)} }
}
