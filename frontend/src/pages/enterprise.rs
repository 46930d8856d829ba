//! The enterprise's desk (试点企业工作台): its own record and credit flags, its current application
//! step by step with the subsidy it is owed, a new application (with a live estimate), its
//! diagnostic reports, and every project it has. The server scopes every list to the enterprise.

use dtpilot_api_types::programme::{EnterpriseView, Page as PageOf};
use dtpilot_api_types::workflow::ProjectView;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::projects::ProjectTable;
use crate::components::widgets::Yuan;
use crate::i18n::{county_name, industry_name, lang, pick, tr};
use crate::pages::enterprise_apply::NewProjectSection;
use crate::pages::enterprise_current::CurrentProject;
use crate::pages::enterprise_diagnoses::DiagnosisList;
use crate::session::SessionCtx;

/// The enterprise's projects, newest first (an enterprise has a handful: one per batch at most,
/// plus rejected ones), shared by the current-project card and the new-application form.
pub type ProjectsResource = LocalResource<Result<PageOf<ProjectView>, ApiError>>;

#[component]
pub fn EnterpriseDashboard() -> impl IntoView {
    let session = SessionCtx::get();
    let Some(enterprise_id) = session.user().and_then(|u| u.enterprise_id) else {
        return view! {
            <section class="card" id="dashboard-enterprise">
                <h1>{tr("试点企业工作台", "Enterprise desk")}</h1>
                <p class="error">{tr("此账号未关联企业,请联系平台管理员。", "This account is linked to no enterprise; ask the administrator.")}</p>
            </section>
        }
        .into_any();
    };
    let reload = RwSignal::new(0_u32);
    let projects: ProjectsResource = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<PageOf<ProjectView>>(&token, "/projects?per_page=100").await }
    });
    view! {
        <section id="dashboard-enterprise" class="dashboard">
            <section class="card">
                <h1>{tr("试点企业工作台", "Enterprise desk")}</h1>
                <MyEnterprise id=enterprise_id />
            </section>
            <CurrentProject projects=projects />
            <NewProjectSection projects=projects reload=reload />
            <crate::pages::catalogue::EnterpriseCatalogue enterprise_id=enterprise_id projects=projects reload=reload />
            <section class="card" id="diagnoses">
                <h2>{tr("诊断报告(一企一档)", "Diagnostic reports")}</h2>
                <p class="muted">
                    {tr(
                        "服务商为本企业出具的咨询诊断报告。申报改造补助前须至少有一份诊断报告。",
                        "The providers' diagnostic reports about the enterprise. An application needs at least one.",
                    )}
                </p>
                <DiagnosisList
                    enterprise_id=enterprise_id
                    id="diagnoses-table"
                    empty_zh="尚无诊断报告。申报改造补助前,须由为本企业分配的服务商完成咨询诊断并上传诊断报告;请联系服务商或所在县区工信部门。"
                    empty_en="No diagnostic report yet. Before applying, the provider assigned to the enterprise must diagnose it and upload the report; contact the provider or the county bureau."
                />
            </section>
            <crate::pages::enterprise_cloud::CloudFees enterprise_id=enterprise_id />
            <section class="card" id="my-projects">
                <h2>{tr("全部申报项目", "All my projects")}</h2>
                <ProjectTable
                    id="enterprise-projects"
                    reload=reload
                    empty_zh="暂无申报项目。取得诊断报告后,可在上方“新建申报”中提出申请。"
                    empty_en="No project yet. Once a diagnostic report is on file, apply with the form above."
                />
            </section>
        </section>
    }
    .into_any()
}

/// `GET /enterprises/{id}`: the enterprise's record, its SME status and its credit flags (R16, R7).
#[component]
fn MyEnterprise(id: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let found = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<EnterpriseView>(&token, &format!("/enterprises/{id}")).await }
    });
    move || {
        let l = lang.get();
        match found.get() {
            None => view! { <p class="muted">{pick(l, "加载中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" id="my-enterprise">{e.message()}</p> }.into_any(),
            Some(Ok(e)) => view! { <EnterpriseFacts e=e /> }.into_any(),
        }
    }
}

#[component]
fn EnterpriseFacts(e: EnterpriseView) -> impl IntoView {
    let lang = lang();
    let l = lang.get_untracked();
    let yes_no = move |b: bool| if b { pick(l, "是", "yes") } else { pick(l, "否", "no") };
    let flags = flag_badges(&e, l);
    view! {
        <div id="my-enterprise" data-enterprise=e.id>
            <h2>{tr("我的企业", "My enterprise")}</h2>
            <table class="kv">
                <tr><th>{pick(l, "企业名称", "Name")}</th><td id="my-enterprise-name">{e.name.clone()}</td></tr>
                <tr><th>{pick(l, "统一社会信用代码", "Credit code")}</th><td id="my-enterprise-code">{e.credit_code.clone()}</td></tr>
                <tr><th>{pick(l, "所属县区", "County")}</th><td>{county_name(e.county, l)}</td></tr>
                <tr><th>{pick(l, "所属行业", "Industry")}</th><td>{industry_name(e.industry, l)}</td></tr>
                <tr>
                    <th>{pick(l, "企业规模", "Size")}</th>
                    <td id="my-enterprise-sme">
                        {if e.sme {
                            view! { <span class="badge ok">{pick(l, "中小企业", "SME")}</span> }.into_any()
                        } else {
                            view! {
                                <span class="badge flag">{pick(l, "非中小企业", "Not an SME")}</span>
                                " "
                                <span class="muted">
                                    {pick(l, "不符合《中小企业划型标准规定》,不能申报改造补助(R16)。", "Fails the SME test: cannot apply (R16).")}
                                </span>
                            }
                                .into_any()
                        }}
                    </td>
                </tr>
                <tr><th>{pick(l, "从业人员", "Employees")}</th><td>{e.employees}</td></tr>
                <tr><th>{pick(l, "上年营业收入", "Annual revenue")}</th><td><Yuan money=e.annual_revenue /></td></tr>
                <tr><th>{pick(l, "规模以上企业", "Above designated size")}</th><td>{yes_no(e.above_designated_size)}</td></tr>
                <tr><th>{pick(l, "专精特新“小巨人”", "“Little giant”")}</th><td>{yes_no(e.is_little_giant)}</td></tr>
                <tr>
                    <th>{pick(l, "不安排中央资金(R8)", "No central money (R8)")}</th>
                    <td>
                        {yes_no(e.central_fund_excluded)}
                        {e.central_fund_excluded.then(|| view! {
                            <span class="muted">" " {pick(l, "补助全部由市、县资金拨付。", "Paid from local funds only.")}</span>
                        })}
                    </td>
                </tr>
                <tr><th>{pick(l, "联系人", "Contact")}</th><td>{format!("{} {}", e.contact_name, e.contact_phone)}</td></tr>
                <tr><th>{pick(l, "信用状况", "Credit")}</th><td id="my-enterprise-flags">{flags}</td></tr>
            </table>
        </div>
    }
}

/// The credit flags as red badges with what they mean; a green badge when there is none.
fn flag_badges(e: &EnterpriseView, l: crate::i18n::Lang) -> AnyView {
    let mut flags = Vec::new();
    if e.credit_abnormal {
        flags.push((
            "credit_abnormal",
            pick(l, "经营异常", "Abnormal operation"),
            pick(
                l,
                "已被列入经营异常名录:不能申报,也不能拨付补助资金(R16)。移出名录后由县区工信部门更新。",
                "Listed for abnormal operation: cannot apply or be paid (R16) until the county clears the flag.",
            ),
        ));
    }
    if e.dishonest {
        flags.push((
            "dishonest",
            pick(l, "失信", "Dishonest"),
            pick(
                l,
                "已被列入失信主体名单:不能申报,也不能拨付补助资金(R16)。",
                "Listed as a dishonest entity: cannot apply or be paid (R16).",
            ),
        ));
    }
    if e.disqualified {
        flags.push((
            "disqualified",
            pick(l, "取消申报资格", "Disqualified"),
            pick(
                l,
                "因弄虚作假被取消资格:不得再申报任何补助(R7,第十四条)。",
                "Disqualified after fraud: no later application is accepted (R7).",
            ),
        ));
    }
    if flags.is_empty() {
        return view! { <span class="badge ok">{pick(l, "正常", "Good standing")}</span> }.into_any();
    }
    view! {
        <ul class="flags">
            {flags
                .into_iter()
                .map(|(code, name, meaning)| view! {
                    <li data-flag=code>
                        <span class="badge flag">{name}</span>
                        " "
                        <span>{meaning}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
