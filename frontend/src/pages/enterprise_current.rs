//! "我的申报": the enterprise's current project (its latest one that is not rejected), step by
//! step with what to do next, the subsidy figures with the rules behind each, and the way to the
//! project page where it submits, records expenses and invoices, and asks for acceptance.

use dtpilot_api_types::workflow::{ProjectView, SubsidyView};
use dtpilot_domain::Money;
use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;

use crate::api;
use crate::app::{Page, Router};
use crate::components::timeline::Timeline;
use crate::components::widgets::{Empty, StateBadge, Yuan};
use crate::format::date;
use crate::i18n::{lang, level_name, pick, rule_name, tr};
use crate::pages::enterprise::ProjectsResource;
use crate::session::SessionCtx;

/// The rules that produce each figure of the subsidy (shown when the project applied them).
const FIGURE_RULES: [(&str, &[&str]); 5] = [
    ("planned", &["R1", "R1*", "R2"]),
    ("prepayment", &["R3"]),
    ("final", &["R1*", "R4", "R6", "R7"]),
    ("balance", &["R5"]),
    ("recovery", &["R5", "R6", "R7"]),
];

#[component]
pub fn CurrentProject(projects: ProjectsResource) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    // The latest project that is not rejected (the list is newest first).
    let current = Memo::new(move |_| {
        projects.get().and_then(|answer| {
            answer.ok().and_then(|p| p.items.iter().find(|p| p.status.blocks_new_application()).map(|p| p.id))
        })
    });
    let detail = LocalResource::new(move || {
        let id = current.get();
        let token = session.token();
        async move {
            match id {
                Some(id) => Some(api::get::<ProjectView>(&token, &format!("/projects/{id}")).await),
                None => None,
            }
        }
    });
    let body = move || {
        let l = lang.get();
        match (projects.get(), detail.get()) {
            (None, _) => view! { <p class="muted">{pick(l, "加载中…", "Loading…")}</p> }.into_any(),
            (Some(Err(e)), _) => view! { <p class="error">{e.message()}</p> }.into_any(),
            (Some(Ok(_)), _) if current.get().is_none() => view! {
                <Empty text=Signal::derive(move || {
                    pick(
                        lang.get(),
                        "目前没有在办的申报。取得服务商的诊断报告后,可在下方“新建申报”中提出改造补助申请。",
                        "No application in progress. Once a provider's diagnostic report is on file, apply with the form below.",
                    )
                    .to_string()
                }) />
            }
            .into_any(),
            (_, None | Some(None)) => view! { <p class="muted">{pick(l, "加载中…", "Loading…")}</p> }.into_any(),
            (_, Some(Some(Err(e)))) => view! { <p class="error">{e.message()}</p> }.into_any(),
            (_, Some(Some(Ok(p)))) => view! { <ProjectSummary project=p /> }.into_any(),
        }
    };
    view! {
        <section class="card" id="current-project">
            <h2>{tr("我的申报", "My application")}</h2>
            {body}
        </section>
    }
}

#[component]
fn ProjectSummary(project: ProjectView) -> impl IntoView {
    let router = Router::get();
    let lang = lang();
    let l = lang.get_untracked();
    let id = project.id;
    let state = project.status;
    let link_text = match state {
        ProjectState::Draft | ProjectState::Returned => {
            pick(l, "打开项目:核对并提交申报 →", "Open the project: check and submit →")
        }
        ProjectState::InProgress => {
            pick(l, "打开项目:登记支出与发票、申请验收 →", "Open the project: record expenses, ask for acceptance →")
        }
        _ => pick(l, "打开项目详情 →", "Open the project →"),
    };
    let deadline = project.next_deadline.map(|d| date(d, l));
    view! {
        <div data-project=id data-state=state.code()>
            <p>
                <strong>{format!("#{id}")}</strong> " " <StateBadge state=state /> " "
                {project.overdue.then(|| view! { <span class="badge overdue">{pick(l, "逾期", "overdue")}</span> })}
                <span class="muted">
                    {format!(
                        " {} {} · {} {} · {} {} · {} {}",
                        pick(l, "批次", "batch"),
                        project.batch_id,
                        pick(l, "服务商", "provider"),
                        project.provider_name,
                        pick(l, "合同", "contract"),
                        project.contract_no,
                        pick(l, "目标", "target"),
                        level_name(project.target_level, l),
                    )}
                </span>
            </p>
            {deadline.map(|d| view! { <p class="muted">{pick(l, "计划期限:", "Deadline: ")} {d}</p> })}
            <Timeline project=project.clone() />
            <SubsidyFigures subsidy=project.subsidy.clone() />
            <p>
                <a
                    href=Page::Project(id).path()
                    id="open-current-project"
                    class="button-link"
                    on:click=move |ev: leptos::ev::MouseEvent| {
                        ev.prevent_default();
                        router.go(Page::Project(id));
                    }
                >
                    {link_text}
                </a>
            </p>
        </div>
    }
}

/// The subsidy: planned, prepayment, final, balance due or recovery due, each with its rules.
#[component]
fn SubsidyFigures(subsidy: SubsidyView) -> impl IntoView {
    let lang = lang();
    let l = lang.get_untracked();
    let applied = subsidy.rules_applied.clone();
    let rules_of = move |figure: &str| {
        let ids: Vec<&'static str> = FIGURE_RULES
            .iter()
            .find(|(f, _)| *f == figure)
            .map(|(_, ids)| ids.iter().copied().filter(|r| applied.iter().any(|a| a == r)).collect())
            .unwrap_or_default();
        ids.into_iter().map(|r| view! { <abbr class="rule" title=rule_name(r, l)>{r}</abbr> " " }).collect_view()
    };
    let row = move |key: &'static str, zh: &'static str, en: &'static str, money: Option<Money>| {
        view! {
            <tr id=format!("current-{key}")>
                <th>{pick(l, zh, en)}</th>
                <td class="num">
                    {match money {
                        Some(m) => view! { <Yuan money=m /> }.into_any(),
                        None => view! { <span class="muted">{pick(l, "待验收后确定", "after acceptance")}</span> }.into_any(),
                    }}
                </td>
                <td class="muted">{rules_of(key)}</td>
            </tr>
        }
    };
    view! {
        <table class="kv" id="current-subsidy">
            {row("planned", "计划补助", "Planned subsidy", Some(subsidy.planned_subsidy))}
            {row("prepayment", "预拨资金", "Prepayment", Some(subsidy.prepayment))}
            {row("final", "最终补助", "Final subsidy", subsidy.final_subsidy)}
            <tr>
                <th>{pick(l, "已拨付 / 已追回", "Paid / recovered")}</th>
                <td class="num"><Yuan money=subsidy.paid_total /> " / " <Yuan money=subsidy.recovered_total /></td>
                <td></td>
            </tr>
            {row("balance", "应拨付余额", "Balance due", Some(subsidy.balance_due))}
            {row("recovery", "应退回(追回)金额", "Recovery due", Some(subsidy.recovery_due))}
        </table>
        <p class="muted">{pick(l, "适用规则:", "Rules applied:")}</p>
        <ul class="rules" id="current-rules">
            {subsidy
                .rules_applied
                .into_iter()
                .map(|r| {
                    let name = rule_name(&r, l);
                    let code = r.clone();
                    view! { <li data-rule=code><strong>{r}</strong> " " {name}</li> }
                })
                .collect_view()}
        </ul>
    }
}
