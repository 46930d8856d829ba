//! The county bureau (县级工信部门): the counts of its desk, the first-instance queue (初审), the
//! county's projects, its enterprises (credit flags, provider assignment) and the public notices
//! of its projects (read only).

use dtpilot_api_types::programme::{EnterpriseView, Page as PageOf};
use dtpilot_api_types::workflow::ProjectView;
use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::api::{self, ApiError, Query};
use crate::components::projects::ProjectTable;
use crate::i18n::{county_name, lang, pick, tr};
use crate::pages::city_notices::NoticeList;
use crate::pages::county_enterprises::EnterpriseList;
use crate::session::SessionCtx;

#[component]
pub fn CountyDashboard() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let county = session.user().and_then(|u| u.county);
    // The notices are only read here; nothing on this page changes them.
    let notices_reload = RwSignal::new(0_u32);
    view! {
        <section class="card" id="dashboard-county">
            <h1>
                {tr("县级初审工作台", "County review desk")} " "
                {move || county.map(|c| county_name(c, lang.get())).map(|n| view! { <small class="muted">{n}</small> })}
            </h1>
            <CountyStats />
            <h2>{tr("待初审申报", "Applications awaiting first-instance review")}</h2>
            <p class="muted">
                {tr(
                    "点击企业名称进入项目页,填写初审意见后推荐、退回修改或不予推荐。",
                    "Open a project by its enterprise name to recommend, return or reject it with a comment.",
                )}
            </p>
            <ProjectTable
                id="county-queue"
                status=ProjectState::Submitted
                empty_zh="暂无待初审的申报。企业提交申报后会出现在这里。"
                empty_en="No application awaits review. Submitted applications appear here."
            />
        </section>
        <section class="card" id="county-projects-section">
            <h2>{tr("本县区全部项目", "All projects of the county")}</h2>
            <ProjectTable
                id="county-projects"
                empty_zh="本县区还没有项目。企业在平台申报后会出现在这里。"
                empty_en="The county has no project yet. Projects appear here once enterprises apply."
            />
        </section>
        <section class="card" id="county-enterprises-section">
            <h2>{tr("本县区企业", "Enterprises of the county")}</h2>
            <EnterpriseList id="county-enterprises" />
        </section>
        <section class="card" id="county-notices-section">
            <h2>{tr("公示情况", "Public notices")}</h2>
            <p class="muted">
                {tr(
                    "公示由市工信局发布和办结;此处列出含本县区项目的公示及其异议。",
                    "The city bureau publishes and closes notices; here are those listing projects of the county.",
                )}
            </p>
            <NoticeList manage=false reload=notices_reload />
        </section>
        {crate::pages::ops_progress::ops_sections()}
    }
}

/// The counts at the top of the county's desk, each the `total` the server counts for a filter.
#[component]
fn CountyStats() -> impl IntoView {
    let submitted = count::<ProjectView>(Query::new().set("status", ProjectState::Submitted.code()), "/projects");
    let in_progress = count::<ProjectView>(Query::new().set("status", ProjectState::InProgress.code()), "/projects");
    let awaiting =
        count::<ProjectView>(Query::new().set("status", ProjectState::AwaitingAcceptance.code()), "/projects");
    let overdue = count::<ProjectView>(Query::new().set("overdue", "true"), "/projects");
    let enterprises = count::<EnterpriseView>(Query::new(), "/enterprises");
    view! {
        <div class="stats" id="county-stats">
            <Stat id="county-stat-submitted" count=submitted zh="待初审申报" en="Awaiting first-instance review" warn=true />
            <Stat id="county-stat-in-progress" count=in_progress zh="改造实施中" en="Retrofit in progress" />
            <Stat id="county-stat-awaiting-acceptance" count=awaiting zh="待评测验收" en="Awaiting acceptance" />
            <Stat id="county-stat-overdue" count=overdue zh="逾期项目" en="Overdue projects" warn=true />
            <Stat id="county-stat-enterprises" count=enterprises zh="本县区企业" en="Enterprises of the county" />
        </div>
        <p class="muted" id="county-overdue-note">
            {tr(
                "超过批次计划期限的项目在下方列表中以“逾期”标出,勾选“只看逾期”可单独列出(逾期仅作提示,不影响办理)。",
                "Projects past their batch deadline are marked “overdue” below; tick “overdue only” to list them (a mark only).",
            )}
        </p>
    }
}

/// The number of rows the server counts for `query` on the list at `path` (one row is fetched).
pub(crate) fn count<T: DeserializeOwned + 'static>(
    query: Query,
    path: &'static str,
) -> LocalResource<Result<i64, ApiError>> {
    let session = SessionCtx::get();
    LocalResource::new(move || {
        let token = session.token();
        let query = query.clone().set("per_page", 1);
        async move { api::get::<PageOf<T>>(&token, &format!("{path}{}", query.string())).await.map(|p| p.total) }
    })
}

/// One count: the number, or "—" with the server's message as its tooltip.
#[component]
pub(crate) fn Stat(
    id: &'static str,
    count: LocalResource<Result<i64, ApiError>>,
    zh: &'static str,
    en: &'static str,
    /// Shown in red when not zero (work waiting).
    #[prop(default = false)]
    warn: bool,
) -> impl IntoView {
    let lang = lang();
    let value = move || count.get();
    view! {
        <div class="stat" id=id class:warn=move || warn && matches!(value(), Some(Ok(n)) if n > 0)>
            <span class="n">
                {move || match value() {
                    None => "…".to_string(),
                    Some(Ok(n)) => n.to_string(),
                    Some(Err(_)) => "—".to_string(),
                }}
            </span>
            <span class="label">{move || pick(lang.get(), zh, en)}</span>
            {move || match value() {
                Some(Err(e)) => Some(view! { <span class="error">{e.message()}</span> }),
                _ => None,
            }}
        </div>
    }
}
