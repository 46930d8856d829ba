//! The project list every office works from: filters and paging on the server, overdue marks,
//! a link to each project, and the same list as Excel.

use dtpilot_api_types::programme::Page as PageOf;
use dtpilot_api_types::workflow::ProjectView;
use dtpilot_domain::reference::County;
use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;

use crate::api::{self, Query};
use crate::app::{Page, Router};
use crate::components::export::ExportButton;
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, StateBadge, Yuan};
use crate::format::date;
use crate::i18n::{county_name, lang, pick, state_name, tr};
use crate::session::SessionCtx;

/// Every state, in the order of the programme (for the status filter).
pub const ALL_STATES: [ProjectState; 15] = [
    ProjectState::Draft,
    ProjectState::Submitted,
    ProjectState::Returned,
    ProjectState::CountyRecommended,
    ProjectState::Approved,
    ProjectState::InNotice,
    ProjectState::Cleared,
    ProjectState::InProgress,
    ProjectState::AwaitingAcceptance,
    ProjectState::Accepted,
    ProjectState::Failed,
    ProjectState::Settled,
    ProjectState::Closed,
    ProjectState::Rejected,
    ProjectState::Cancelled,
];

/// The filters of a project list; a fixed one (a queue's state) is not offered to change.
#[derive(Debug, Clone, Copy)]
pub struct ProjectFilters {
    pub status: RwSignal<String>,
    pub county: RwSignal<String>,
    pub q: RwSignal<String>,
    /// Only the projects past their batch's deadline (the server's `overdue=true`).
    pub overdue: RwSignal<bool>,
    pub page: RwSignal<i64>,
}

impl ProjectFilters {
    pub fn new(status: Option<ProjectState>) -> ProjectFilters {
        ProjectFilters {
            status: RwSignal::new(status.map(|s| s.code().to_string()).unwrap_or_default()),
            county: RwSignal::new(String::new()),
            q: RwSignal::new(String::new()),
            overdue: RwSignal::new(false),
            page: RwSignal::new(1),
        }
    }

    fn query(self) -> Query {
        Query::new()
            .set("status", self.status.get())
            .set("county", self.county.get())
            .set("q", self.q.get())
            .set("overdue", if self.overdue.get() { "true" } else { "" })
    }
}

#[component]
pub fn ProjectTable(
    /// An id for the table (`{id}` on the table, `{id}-pager`, `{id}-export`).
    id: &'static str,
    /// A queue fixes the state; otherwise the user may filter by it.
    #[prop(optional)]
    status: Option<ProjectState>,
    /// Offer the county filter (city, finance, evaluator).
    #[prop(default = false)]
    county_filter: bool,
    /// Changes whenever the list must be read again (after an action).
    #[prop(optional, into)]
    reload: Option<Signal<u32>>,
    /// Shown when the list is empty (what it holds and what to do).
    empty_zh: &'static str,
    empty_en: &'static str,
) -> impl IntoView {
    let session = SessionCtx::get();
    let router = Router::get();
    let lang = lang();
    let filters = ProjectFilters::new(status);
    let total = RwSignal::new(0_i64);
    let data = LocalResource::new(move || {
        if let Some(r) = reload {
            r.track();
        }
        let query = filters.query().set("page", filters.page.get()).set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<ProjectView>>(&token, &format!("/projects{}", query.string())).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = data.get() {
            total.set(p.total);
        }
    });
    let export_path = Signal::derive(move || format!("/exports/projects{}", filters.query().string()));
    let reset_page = move || filters.page.set(1);

    let status_select = status.is_none().then(|| {
        view! {
            <select
                id=format!("{id}-status")
                on:change=move |ev| {
                    filters.status.set(event_target_value(&ev));
                    reset_page();
                }
            >
                <option value="">{tr("全部状态", "All states")}</option>
                {ALL_STATES
                    .iter()
                    .map(|s| {
                        let s = *s;
                        view! { <option value=s.code()>{move || state_name(s, lang.get())}</option> }
                    })
                    .collect_view()}
            </select>
        }
    });
    let county_select = county_filter.then(|| {
        view! {
            <select
                id=format!("{id}-county")
                on:change=move |ev| {
                    filters.county.set(event_target_value(&ev));
                    reset_page();
                }
            >
                <option value="">{tr("全部县区", "All counties")}</option>
                {County::ALL
                    .iter()
                    .map(|c| {
                        let c = *c;
                        view! { <option value=c.code()>{move || county_name(c, lang.get())}</option> }
                    })
                    .collect_view()}
            </select>
        }
    });

    let rows = move || {
        data.get().map(|answer| match answer {
            Ok(p) if p.items.is_empty() => {
                view! { <Empty text=Signal::derive(move || pick(lang.get(), empty_zh, empty_en).to_string()) /> }
                    .into_any()
            }
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id=id>
                        <thead>
                            <tr>
                                <th>{pick(l, "编号", "No.")}</th>
                                <th>{pick(l, "企业", "Enterprise")}</th>
                                <th>{pick(l, "县区", "County")}</th>
                                <th>{pick(l, "服务商", "Provider")}</th>
                                <th>{pick(l, "状态", "State")}</th>
                                <th class="num">{pick(l, "计划补助", "Planned subsidy")}</th>
                                <th>{pick(l, "期限", "Deadline")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p
                                .items
                                .into_iter()
                                .map(|project| {
                                    let pid = project.id;
                                    let deadline = project.next_deadline.map(|d| date(d, l));
                                    view! {
                                        <tr class:overdue=project.overdue data-project=pid>
                                            <td>{pid}</td>
                                            <td>
                                                <a
                                                    href=Page::Project(pid).path()
                                                    class="open-project"
                                                    on:click=move |ev: leptos::ev::MouseEvent| {
                                                        ev.prevent_default();
                                                        router.go(Page::Project(pid));
                                                    }
                                                >
                                                    {project.enterprise_name}
                                                </a>
                                            </td>
                                            <td>{county_name(project.county, l)}</td>
                                            <td>{project.provider_name}</td>
                                            <td>
                                                <StateBadge state=project.status />
                                            </td>
                                            <td class="num">
                                                <Yuan money=project.planned_subsidy />
                                            </td>
                                            <td>
                                                {deadline}
                                                {project
                                                    .overdue
                                                    .then(|| view! { <span class="badge overdue">{pick(l, "逾期", "overdue")}</span> })}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };

    view! {
        <div class="filters">
            {status_select}
            {county_select}
            <input
                type="search"
                id=format!("{id}-q")
                placeholder=move || pick(lang.get(), "企业名称", "Enterprise name")
                on:change=move |ev| {
                    filters.q.set(event_target_value(&ev));
                    reset_page();
                }
            />
            <label class="check">
                <input
                    type="checkbox"
                    id=format!("{id}-overdue")
                    on:change=move |ev| {
                        filters.overdue.set(event_target_checked(&ev));
                        reset_page();
                    }
                />
                {tr("只看逾期", "Overdue only")}
            </label>
            <ExportButton path=export_path filename="项目清单.xlsx" id=format!("{id}-export") />
        </div>
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {rows}
        </Transition>
        <Pager page=filters.page total=total id=format!("{id}-pager") />
    }
}
