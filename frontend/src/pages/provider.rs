//! The provider's desk (服务商工作台): its record in the provider pool (a suspended or removed
//! provider is told it takes no new work), the enterprises it serves (assigned or contracted; paged
//! and filtered on the server) with the diagnostic-report upload for each, and the projects it is
//! contracted for.

use dtpilot_api_types::programme::{Capability, EnterpriseView, Page as PageOf, ProviderStatus, ProviderView};
use dtpilot_domain::reference::{County, Industry};
use leptos::prelude::*;

use crate::api::{self, Query};
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::projects::ProjectTable;
use crate::components::widgets::Empty;
use crate::i18n::{Lang, county_name, industry_name, lang, pick, tr};
use crate::pages::enterprise_diagnoses::DiagnosisList;
use crate::pages::provider_diagnosis::DiagnosisForm;
use crate::session::SessionCtx;

fn capability_name(c: Capability, l: Lang) -> &'static str {
    match c {
        Capability::Diagnosis => pick(l, "咨询诊断", "Diagnosis"),
        Capability::Retrofit => pick(l, "数字化改造", "Retrofit"),
        Capability::Cloud => pick(l, "上云用云", "Cloud"),
        Capability::Integration => pick(l, "总集成", "Integration"),
        Capability::Training => pick(l, "人才培训", "Training"),
    }
}

fn status_name(s: ProviderStatus, l: Lang) -> &'static str {
    match s {
        ProviderStatus::Active => pick(l, "在库(正常服务)", "Active"),
        ProviderStatus::Suspended => pick(l, "已暂停", "Suspended"),
        ProviderStatus::Removed => pick(l, "已移出资源池", "Removed from the pool"),
    }
}

#[component]
pub fn ProviderDashboard() -> impl IntoView {
    let session = SessionCtx::get();
    let Some(provider_id) = session.user().and_then(|u| u.provider_id) else {
        return view! {
            <section class="card" id="dashboard-provider">
                <h1>{tr("服务商工作台", "Provider desk")}</h1>
                <p class="error">{tr("此账号未关联服务商,请联系平台管理员。", "This account is linked to no provider; ask the administrator.")}</p>
            </section>
        }
        .into_any();
    };
    let record = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<ProviderView>(&token, &format!("/providers/{provider_id}")).await }
    });
    // Known to be active (a suspended or removed provider is not offered the upload).
    let active = Signal::derive(move || !matches!(record.get(), Some(Ok(p)) if p.status != ProviderStatus::Active));
    view! {
        <section id="dashboard-provider" class="dashboard">
            <section class="card">
                <h1>{tr("服务商工作台", "Provider desk")}</h1>
                <PoolRecord record=record />
            </section>
            <ServedEnterprises active=active />
            <crate::pages::provider_money::ProviderMoney provider_id=provider_id />
            <crate::pages::catalogue::ProviderProducts provider_id=provider_id />
            <crate::pages::catalogue::ProviderPerformance />
            <section class="card" id="provider-projects-section">
                <h2>{tr("我的项目", "My projects")}</h2>
                <p class="muted">{tr("本单位作为改造服务商签约的项目。", "The projects the provider is contracted for.")}</p>
                <ProjectTable
                    id="provider-projects"
                    empty_zh="暂无签约项目。企业申报时选择本单位作为改造服务商后,项目会出现在这里。"
                    empty_en="No contracted project yet. Projects appear here once an enterprise names the provider in its application."
                />
            </section>
        </section>
    }
    .into_any()
}

/// `GET /providers/{id}`: status, capabilities and the reason of a suspension.
#[component]
fn PoolRecord(record: LocalResource<Result<ProviderView, api::ApiError>>) -> impl IntoView {
    let lang = lang();
    move || {
        let l = lang.get();
        match record.get() {
            None => view! { <p class="muted">{pick(l, "加载中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" id="provider-record">{e.message()}</p> }.into_any(),
            Some(Ok(p)) => {
                let warning = (p.status != ProviderStatus::Active).then(|| {
                    view! {
                        <p class="notice warn" id="provider-suspended" role="alert">
                            {pick(
                                l,
                                "本单位已被暂停或移出服务商资源池:不能上传新的诊断报告,也不能被签订新的改造合同。已签约项目的查看不受影响。",
                                "The provider is suspended or removed from the pool: it cannot upload new diagnostic reports or be named in new contracts. Existing projects stay visible.",
                            )}
                            {p.status_reason.clone().map(|r| format!("{}{r}", pick(l, "原因:", " Reason: ")))}
                        </p>
                    }
                });
                view! {
                    <div id="provider-record" data-status=p.status.code()>
                        {warning}
                        <table class="kv">
                            <tr><th>{pick(l, "服务商名称", "Name")}</th><td>{p.name.clone()}</td></tr>
                            <tr><th>{pick(l, "统一社会信用代码", "Credit code")}</th><td>{p.credit_code.clone()}</td></tr>
                            <tr>
                                <th>{pick(l, "资源池状态", "Pool status")}</th>
                                <td>
                                    <span class=if p.status == ProviderStatus::Active { "badge ok" } else { "badge flag" } id="provider-status">
                                        {status_name(p.status, l)}
                                    </span>
                                </td>
                            </tr>
                            {p.status_reason.clone().map(|r| view! { <tr><th>{pick(l, "状态说明", "Reason")}</th><td id="provider-status-reason">{r}</td></tr> })}
                            <tr>
                                <th>{pick(l, "服务能力", "Capabilities")}</th>
                                <td>
                                    {p.capabilities
                                        .iter()
                                        .map(|c| view! { <span class="badge">{capability_name(*c, l)}</span> " " })
                                        .collect_view()}
                                </td>
                            </tr>
                        </table>
                    </div>
                }
                .into_any()
            }
        }
    }
}

/// `GET /enterprises` (scoped to those assigned to or contracted with the provider), with the
/// diagnosis panel of the enterprise chosen.
#[component]
fn ServedEnterprises(active: Signal<bool>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let county = RwSignal::new(String::new());
    let industry = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    // The enterprise whose reports are open: (id, name).
    let chosen = RwSignal::new(None::<(i64, String)>);
    let list = LocalResource::new(move || {
        let query = Query::new()
            .set("county", county.get())
            .set("industry", industry.get())
            .set("q", q.get())
            .set("page", page.get())
            .set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<EnterpriseView>>(&token, &format!("/enterprises{}", query.string())).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = list.get() {
            total.set(p.total);
        }
    });
    let rows = move || {
        let l = lang.get();
        match list.get() {
            None => view! { <p class="muted">{pick(l, "加载中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
            Some(Ok(p)) if p.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(
                        lang.get(),
                        "没有符合条件的企业。县区或市工信部门将企业分配给本单位后,企业会出现在这里;也可清除筛选条件再试。",
                        "No enterprise matches. Enterprises appear here once a county or the city assigns them to the provider; try clearing the filters.",
                    )
                    .to_string()
                }) />
            }
            .into_any(),
            Some(Ok(p)) => view! {
                <table class="list" id="provider-enterprise-list">
                    <thead>
                        <tr>
                            <th>{pick(l, "企业名称", "Enterprise")}</th>
                            <th>{pick(l, "统一社会信用代码", "Credit code")}</th>
                            <th>{pick(l, "县区", "County")}</th>
                            <th>{pick(l, "行业", "Industry")}</th>
                            <th>{pick(l, "规模/信用", "SME / credit")}</th>
                            <th>{pick(l, "诊断报告", "Diagnosis")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {p.items
                            .into_iter()
                            .map(|e| {
                                let eid = e.id;
                                let name = e.name.clone();
                                let flags = [
                                    (!e.sme, pick(l, "非中小企业", "not SME")),
                                    (e.credit_abnormal, pick(l, "经营异常", "abnormal")),
                                    (e.dishonest, pick(l, "失信", "dishonest")),
                                    (e.disqualified, pick(l, "取消资格", "disqualified")),
                                ];
                                let any_flag = flags.iter().any(|(on, _)| *on);
                                view! {
                                    <tr data-enterprise=eid class:chosen=move || chosen.with(|c| c.as_ref().is_some_and(|(id, _)| *id == eid))>
                                        <td>{e.name}</td>
                                        <td>{e.credit_code}</td>
                                        <td>{county_name(e.county, l)}</td>
                                        <td>{industry_name(e.industry, l)}</td>
                                        <td>
                                            {flags
                                                .into_iter()
                                                .filter(|(on, _)| *on)
                                                .map(|(_, text)| view! { <span class="badge flag">{text}</span> " " })
                                                .collect_view()}
                                            {(!any_flag).then(|| view! { <span class="badge ok">{pick(l, "正常", "ok")}</span> })}
                                        </td>
                                        <td>
                                            <button
                                                type="button"
                                                class="secondary open-diag"
                                                id=format!("diag-open-{eid}")
                                                on:click=move |_| chosen.set(Some((eid, name.clone())))
                                            >
                                                {move || if active.get() { pick(lang.get(), "上传诊断报告", "Upload report") } else { pick(lang.get(), "查看诊断报告", "View reports") }}
                                            </button>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
        }
    };
    let reset = move || page.set(1);
    view! {
        <section class="card" id="provider-enterprises">
            <h2>{tr("我的服务企业", "Enterprises served")}</h2>
            <p class="muted">
                {tr(
                    "分配给本单位或与本单位签约的企业。为每户企业完成咨询诊断后,上传诊断报告(一企一档),企业方可申报改造补助。",
                    "Enterprises assigned to or contracted with the provider. Upload each one's diagnostic report: the enterprise needs it to apply.",
                )}
            </p>
            <div class="filters">
                <select id="provider-enterprises-county" on:change=move |ev| { county.set(event_target_value(&ev)); reset(); }>
                    <option value="">{tr("全部县区", "All counties")}</option>
                    {County::ALL
                        .iter()
                        .map(|c| {
                            let c = *c;
                            view! { <option value=c.code()>{move || county_name(c, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
                <select id="provider-enterprises-industry" on:change=move |ev| { industry.set(event_target_value(&ev)); reset(); }>
                    <option value="">{tr("全部行业", "All industries")}</option>
                    {Industry::ALL
                        .iter()
                        .map(|i| {
                            let i = *i;
                            view! { <option value=i.code()>{move || industry_name(i, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
                <input
                    type="search"
                    id="provider-enterprises-q"
                    placeholder=move || pick(lang.get(), "企业名称或信用代码", "Name or credit code")
                    on:change=move |ev| { q.set(event_target_value(&ev)); reset(); }
                />
            </div>
            {rows}
            <Pager page=page total=total id="provider-enterprises-pager" />
        </section>
        {move || chosen.get().map(|(eid, name)| view! { <DiagnosisPanel enterprise_id=eid name=name chosen=chosen active=active /> })}
    }
}

/// One enterprise's reports, with the upload form while the provider is active.
#[component]
fn DiagnosisPanel(
    enterprise_id: i64,
    name: String,
    chosen: RwSignal<Option<(i64, String)>>,
    active: Signal<bool>,
) -> impl IntoView {
    let reload = RwSignal::new(0_u32);
    let lang = lang();
    view! {
        <section class="card" id="diag-panel" data-enterprise=enterprise_id>
            <h2>
                {name} " · " {tr("诊断报告", "Diagnostic reports")} " "
                <button type="button" class="secondary" id="diag-close" on:click=move |_| chosen.set(None)>
                    {tr("关闭", "Close")}
                </button>
            </h2>
            {move || {
                if active.get() {
                    view! {
                        <h3>{tr("上传诊断报告", "Upload a report")}</h3>
                        <DiagnosisForm enterprise_id=enterprise_id reload=reload />
                    }
                        .into_any()
                } else {
                    view! {
                        <p class="notice warn">
                            {pick(lang.get(), "本单位已暂停或移出资源池,不能上传新的诊断报告。", "The provider is suspended or removed: it cannot upload new reports.")}
                        </p>
                    }
                        .into_any()
                }
            }}
            <h3>{tr("已上传的诊断报告", "Reports on file")}</h3>
            <DiagnosisList
                enterprise_id=enterprise_id
                reload=reload
                id="diag-list"
                empty_zh="尚未上传诊断报告。完成诊断后请在上方上传;企业须有诊断报告方可申报改造补助。"
                empty_en="No report yet. Upload it above once the diagnosis is done; the enterprise needs it to apply."
            />
        </section>
    }
}
