//! `/projects/{id}`: one project as its office sees it — the step-by-step timeline, the subsidy
//! with the rules behind each figure, expenses, payments, history — and the caller's actions on it
//! (the enterprise submits, records expenses and asks for acceptance; the county and the city
//! review with a comment; the evaluator records the level with the report; the city cancels).
//! The server decides every action; the buttons only offer what the state allows.

use dtpilot_api_types::programme::Page as PageOf;
use dtpilot_api_types::workflow::{
    CancelRequest, CityDecision, CityReviewRequest, CountyDecision, CountyReviewRequest, ExpenseView, PaymentView,
    ProjectView,
};
use dtpilot_domain::reference::ExpenseCategory;
use dtpilot_domain::rules::CancelReason;
use dtpilot_domain::state::{ProjectState, Role};
use dtpilot_domain::{DigitalLevel, Money};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;

use crate::api::{self, ApiError, Query};
use crate::app::{Page, Router};
use crate::components::form::act;
use crate::components::timeline::Timeline;
use crate::components::widgets::{Empty, ErrorLine, FieldError, PaymentBadge, ProgressBar, StateBadge, Yuan};
use crate::format::{date, datetime, today_cst};
use crate::i18n::{
    Lang, action_name, county_name, lang, level_name, payment_kind_name, pick, rule_name, state_name, tr,
};
use crate::session::SessionCtx;

#[component]
pub fn ProjectPage(id: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let router = Router::get();
    // Bumped after every action: the project, its expenses and payments are read again.
    let reload = RwSignal::new(0_u32);
    let project = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<ProjectView>(&token, &format!("/projects/{id}")).await }
    });
    let role = session.user().map(|u| u.role);

    view! {
        <p>
            <a
                href="/"
                id="back-to-dashboard"
                on:click=move |ev: leptos::ev::MouseEvent| {
                    ev.prevent_default();
                    router.go(Page::Dashboard);
                }
            >
                {tr("← 返回工作台", "← Back to the dashboard")}
            </a>
        </p>
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {move || {
                project
                    .get()
                    .map(|answer| match answer {
                        Ok(p) => view! { <ProjectDetail project=p role=role reload=reload /> }.into_any(),
                        Err(e) => view! { <section class="card"><p class="error" id="project-error">{e.message()}</p></section> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn ProjectDetail(project: ProjectView, role: Option<Role>, reload: RwSignal<u32>) -> impl IntoView {
    let lang = lang();
    let id = project.id;
    let state = project.status;
    let l = lang.get_untracked();
    let actions = match role {
        Some(Role::Enterprise) if state.is_editable() => view! { <SubmitAction id=id reload=reload /> }.into_any(),
        Some(Role::Enterprise) if state == ProjectState::InProgress => {
            view! { <CompleteAction id=id reload=reload /> }.into_any()
        }
        Some(Role::County) if state == ProjectState::Submitted => {
            view! { <ReviewAction id=id reload=reload city=false /> }.into_any()
        }
        Some(Role::City) if state == ProjectState::CountyRecommended => {
            view! { <ReviewAction id=id reload=reload city=true /> }.into_any()
        }
        Some(Role::Evaluator) if state == ProjectState::AwaitingAcceptance => {
            view! { <EvaluationAction id=id reload=reload /> }.into_any()
        }
        _ => ().into_any(),
    };
    let cancel =
        (role == Some(Role::City) && !state.is_terminal()).then(|| view! { <CancelAction id=id reload=reload /> });
    let expense_form = (role == Some(Role::Enterprise) && state == ProjectState::InProgress)
        .then(|| view! { <ExpenseForm id=id reload=reload /> });
    let has_report =
        matches!(state, ProjectState::Accepted | ProjectState::Failed | ProjectState::Settled | ProjectState::Closed)
            && project.subsidy.achieved_level.is_some();
    let history = project.history.clone();
    let subsidy = project.subsidy.clone();

    view! {
        <section class="card" id="project" data-project=id data-state=state.code()>
            <h1>
                {project.enterprise_name.clone()} " "
                <small class="muted">{format!("#{id}")}</small> " " <StateBadge state=state />
                {project.overdue.then(|| view! { <span class="badge overdue">{pick(l, "逾期", "overdue")}</span> })}
            </h1>
            <Timeline project=project.clone() />
            {actions}
            {cancel}
        </section>
        <section class="card">
            <h2>{tr("补助资金", "Subsidy")}</h2>
            <table class="kv" id="subsidy">
                <tr><th>{tr("计划补助", "Planned subsidy")}</th><td class="num"><Yuan money=subsidy.planned_subsidy /></td><td class="muted">"R1 R2"</td></tr>
                <tr><th>{tr("预拨资金", "Prepayment")}</th><td class="num"><Yuan money=subsidy.prepayment /></td><td class="muted">"R3"</td></tr>
                <tr><th>{tr("合规投资(已登记)", "Eligible investment (recorded)")}</th><td class="num"><Yuan money=subsidy.eligible_investment /></td><td></td></tr>
                <tr>
                    <th>{tr("验收数字化水平", "Achieved level")}</th>
                    <td>{subsidy.achieved_level.map(|v| level_name(v, l)).unwrap_or_else(|| "—".into())}</td>
                    <td></td>
                </tr>
                <tr>
                    <th>{tr("最终补助", "Final subsidy")}</th>
                    <td class="num">{subsidy.final_subsidy.map(|m| view! { <Yuan money=m /> }.into_any()).unwrap_or_else(|| "—".into_any())}</td>
                    <td class="muted">"R4 R6"</td>
                </tr>
                <tr><th>{tr("已拨付", "Paid")}</th><td class="num"><Yuan money=subsidy.paid_total /></td><td></td></tr>
                <tr><th>{tr("已追回", "Recovered")}</th><td class="num"><Yuan money=subsidy.recovered_total /></td><td></td></tr>
                <tr><th>{tr("应拨付余额", "Balance due")}</th><td class="num"><Yuan money=subsidy.balance_due /></td><td class="muted">"R5"</td></tr>
                <tr><th>{tr("应追回金额", "Recovery due")}</th><td class="num"><Yuan money=subsidy.recovery_due /></td><td class="muted">"R5 R6 R7"</td></tr>
            </table>
            <p class="muted">{tr("适用规则:", "Rules applied: ")}</p>
            <ul class="rules" id="rules-applied">
                {subsidy
                    .rules_applied
                    .iter()
                    .map(|r| {
                        let r = r.clone();
                        let r2 = r.clone();
                        view! { <li><strong>{r}</strong> " " {move || rule_name(&r2, lang.get())}</li> }
                    })
                    .collect_view()}
            </ul>
        </section>
        <crate::pages::evaluation_detail::SchemeAndProducts project=project.clone() />
        <section class="card">
            <h2>{tr("项目信息", "Project")}</h2>
            <table class="kv" id="project-facts">
                <tr><th>{tr("所属县区", "County")}</th><td>{move || county_name(project.county, lang.get())}</td></tr>
                <tr><th>{tr("服务商", "Provider")}</th><td>{project.provider_name.clone()}</td></tr>
                <tr><th>{tr("批次", "Batch")}</th><td>{project.batch_id}</td></tr>
                <tr id="project-diagnosis">
                    <th>{tr("依据的诊断报告", "Diagnosis it rests on")}</th>
                    <td>
                        {project.diagnosis_id.map_or_else(|| "—".to_string(), |d| format!("#{d}"))}
                        " "
                        <small class="muted">{tr("(诊断补贴拨付给该报告的服务商,R10)", "(the diagnosis subsidy goes to this report's provider, R10)")}</small>
                    </td>
                </tr>
                <tr><th>{tr("合同编号", "Contract no.")}</th><td>{project.contract_no.clone()}</td></tr>
                <tr><th>{tr("合同金额", "Contract amount")}</th><td class="num"><Yuan money=project.contract_amount /></td></tr>
                <tr><th>{tr("计划合规投资", "Planned eligible investment")}</th><td class="num"><Yuan money=project.planned_eligible_investment /></td></tr>
                <tr><th>{tr("目标数字化水平", "Target level")}</th><td>{move || level_name(project.target_level, lang.get())}</td></tr>
                <tr>
                    <th>{tr("计划期限", "Deadline")}</th>
                    <td>{move || project.next_deadline.map(|d| date(d, lang.get())).unwrap_or_else(|| "—".into())}</td>
                </tr>
                <tr><th>{tr("政策版本", "Policy")}</th><td>{project.policy.clone()}</td></tr>
            </table>
            {has_report.then(|| view! { <ReportLink id=id /> })}
        </section>
        <section class="card">
            <h2>{tr("改造支出与发票", "Expenses and invoices")}</h2>
            {expense_form}
            <ExpenseList id=id reload=reload />
        </section>
        <section class="card">
            <h2>{tr("资金拨付记录", "Payment instructions")}</h2>
            <ProjectPayments id=id reload=reload />
        </section>
        <section class="card">
            <h2>{tr("办理记录", "History")}</h2>
            <table class="list" id="history">
                <thead>
                    <tr>
                        <th>{tr("时间", "Time")}</th>
                        <th>{tr("事项", "Action")}</th>
                        <th>{tr("状态", "State")}</th>
                        <th>{tr("办理人", "By")}</th>
                        <th>{tr("意见", "Comment")}</th>
                    </tr>
                </thead>
                <tbody>
                    {history
                        .into_iter()
                        .map(|h| {
                            let role = h.actor_role.as_deref().and_then(Role::from_code);
                            view! {
                                <tr>
                                    <td>{move || datetime(h.at, lang.get())}</td>
                                    <td>{let a = h.action.clone(); move || action_name(&a, lang.get())}</td>
                                    <td>{move || state_name(h.to, lang.get())}</td>
                                    <td>{move || role.map(|r| crate::i18n::role_name(r, lang.get())).unwrap_or_else(|| pick(lang.get(), "平台", "platform"))}</td>
                                    <td>{h.comment.clone()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn SubmitAction(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |_| {
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, ProjectView>(&token, &format!("/projects/{id}/submit"), &serde_json::json!({})).await
            },
            |_| {},
        );
    };
    view! {
        <div class="actions">
            <button type="button" class="primary" id="submit-project" on:click=submit disabled=move || busy.get()>
                {tr("提交申报", "Submit the application")}
            </button>
            <ErrorLine error=error />
        </div>
    }
}

#[component]
fn CompleteAction(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let complete = move |_| {
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, ProjectView>(&token, &format!("/projects/{id}/complete"), &serde_json::json!({})).await
            },
            |_| {},
        );
    };
    view! {
        <div class="actions">
            <button type="button" class="primary" id="complete-project" on:click=complete disabled=move || busy.get()>
                {tr("改造完成,申请验收", "Retrofit done: ask for acceptance")}
            </button>
            <ErrorLine error=error />
        </div>
    }
}

/// The county's first-instance review (初审) or the city's comprehensive review (综合评审):
/// a decision with a comment (the server requires one to return or reject).
#[component]
fn ReviewAction(id: i64, reload: RwSignal<u32>, city: bool) -> impl IntoView {
    let session = SessionCtx::get();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let comment = RwSignal::new(String::new());
    let decide = move |decision: &'static str| {
        let token = session.token();
        let comment = comment.get_untracked();
        act(
            busy,
            error,
            reload,
            async move {
                if city {
                    let decision = match decision {
                        "approve" => CityDecision::Approve,
                        "return" => CityDecision::Return,
                        _ => CityDecision::Reject,
                    };
                    let body = CityReviewRequest { decision, comment };
                    api::post::<_, ProjectView>(&token, &format!("/projects/{id}/city-review"), &body).await
                } else {
                    let decision = match decision {
                        "recommend" => CountyDecision::Recommend,
                        "return" => CountyDecision::Return,
                        _ => CountyDecision::Reject,
                    };
                    let body = CountyReviewRequest { decision, comment };
                    api::post::<_, ProjectView>(&token, &format!("/projects/{id}/county-review"), &body).await
                }
            },
            |_| {},
        );
    };
    let (yes_id, yes_zh, yes_en, yes_code) = if city {
        ("city-approve", "综合评审通过", "Approve", "approve")
    } else {
        ("county-recommend", "初审推荐", "Recommend", "recommend")
    };
    let prefix = if city { "city" } else { "county" };
    view! {
        <div class="actions review" id="review">
            <h3>{if city { tr("综合评审意见", "Comprehensive review") } else { tr("初审意见", "First-instance review") }}</h3>
            <label class="wide">
                <span>{tr("审核意见", "Comment")}</span>
                <textarea id="review-comment" rows="3" bind:value=comment></textarea>
                <FieldError error=error field="comment" />
            </label>
            <div class="buttons">
                <button type="button" class="primary" id=yes_id disabled=move || busy.get() on:click=move |_| decide(yes_code)>
                    {tr(yes_zh, yes_en)}
                </button>
                <button type="button" class="secondary" id=format!("{prefix}-return") disabled=move || busy.get() on:click=move |_| decide("return")>
                    {tr("退回修改", "Return for changes")}
                </button>
                <button type="button" class="danger" id=format!("{prefix}-reject") disabled=move || busy.get() on:click=move |_| decide("reject")>
                    {if city { tr("不予通过", "Reject") } else { tr("不予推荐", "Do not recommend") }}
                </button>
            </div>
            <ErrorLine error=error />
        </div>
    }
}

#[component]
fn CancelAction(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let open = RwSignal::new(false);
    let reason = RwSignal::new("cancelled".to_string());
    let comment = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = session.token();
        let reason = match reason.get_untracked().as_str() {
            "bankrupt" => CancelReason::Bankrupt,
            "fraud" => CancelReason::Fraud,
            _ => CancelReason::Cancelled,
        };
        let body = CancelRequest { reason, comment: comment.get_untracked() };
        act(
            busy,
            error,
            reload,
            async move { api::post::<_, ProjectView>(&token, &format!("/projects/{id}/cancel"), &body).await },
            |_| {},
        );
    };
    view! {
        <details class="cancel" prop:open=move || open.get() on:toggle=move |_| open.update(|o| *o = !*o)>
            <summary>{tr("取消项目(R7:追回已拨资金)", "Cancel the project (R7: recover all paid)")}</summary>
            <form on:submit=submit id="cancel-form">
                <label>
                    <span>{tr("原因", "Reason")}</span>
                    <select bind:value=reason id="cancel-reason">
                        <option value="cancelled">{tr("主动取消", "Withdrawn")}</option>
                        <option value="bankrupt">{tr("破产", "Bankrupt")}</option>
                        <option value="fraud">{tr("弄虚作假(取消资格)", "Fraud (disqualifies)")}</option>
                    </select>
                </label>
                <label>
                    <span>{tr("说明", "Comment")}</span>
                    <input id="cancel-comment" bind:value=comment />
                    <FieldError error=error field="comment" />
                </label>
                <button type="submit" class="danger" disabled=move || busy.get()>{tr("确认取消", "Cancel the project")}</button>
                <ErrorLine error=error />
            </form>
        </details>
    }
}

/// The expense form of the enterprise (R4: only eligible categories count).
#[component]
fn ExpenseForm(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let category = RwSignal::new("software".to_string());
    let amount = RwSignal::new(String::new());
    let invoice = RwSignal::new(String::new());
    let paid_on = RwSignal::new(today_cst().to_string());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = session.token();
        // The values as typed: the server validates them and names the field that is wrong.
        let body = serde_json::json!({
            "category": category.get_untracked(),
            "amount": amount.get_untracked().trim(),
            "invoice_no": invoice.get_untracked().trim(),
            "paid_on": paid_on.get_untracked(),
        });
        act(
            busy,
            error,
            reload,
            async move {
                let answer = api::post::<_, ExpenseView>(&token, &format!("/projects/{id}/expenses"), &body).await;
                if answer.is_ok() {
                    amount.set(String::new());
                    invoice.set(String::new());
                }
                answer
            },
            |_| {},
        );
    };
    view! {
        <form on:submit=submit id="expense-form" class="inline-form">
            <label>
                <span>{tr("类别", "Category")}</span>
                <select bind:value=category id="expense-category">
                    {ExpenseCategory::ALL
                        .iter()
                        .map(|c| {
                            let c = *c;
                            view! { <option value=c.code()>{move || if lang.get() == Lang::Zh { c.name_zh() } else { c.name_en() }}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError error=error field="category" />
            </label>
            <label>
                <span>{tr("金额(元)", "Amount (yuan)")}</span>
                <input id="expense-amount" inputmode="decimal" bind:value=amount required />
                <FieldError error=error field="amount" />
            </label>
            <label>
                <span>{tr("发票号码", "Invoice no.")}</span>
                <input id="expense-invoice" bind:value=invoice required />
                <FieldError error=error field="invoice_no" />
            </label>
            <label>
                <span>{tr("支付日期", "Paid on")}</span>
                <input id="expense-paid-on" type="date" bind:value=paid_on required />
                <FieldError error=error field="paid_on" />
            </label>
            <button type="submit" disabled=move || busy.get()>{tr("登记支出", "Record the expense")}</button>
            <ErrorLine error=error />
        </form>
    }
}

#[component]
fn ExpenseList(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let list = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<Vec<ExpenseView>>(&token, &format!("/projects/{id}/expenses")).await }
    });
    move || {
        list.get().map(|answer| match answer {
            Ok(items) if items.is_empty() => view! {
                <Empty text=Signal::derive(move || pick(lang.get(), "尚未登记支出。改造实施期间,企业在此登记每张发票。", "No expense yet. During the retrofit the enterprise records each invoice here.").to_string()) />
            }
            .into_any(),
            Ok(items) => {
                let l = lang.get();
                let eligible: Money = items.iter().filter(|e| e.eligible).map(|e| e.amount).fold(Money::ZERO, |a, b| a + b);
                view! {
                    <table class="list" id="expenses">
                        <thead>
                            <tr>
                                <th>{pick(l, "支付日期", "Paid on")}</th>
                                <th>{pick(l, "类别", "Category")}</th>
                                <th>{pick(l, "发票号码", "Invoice")}</th>
                                <th class="num">{pick(l, "金额", "Amount")}</th>
                                <th>{pick(l, "计入合规投资", "Eligible")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items
                                .into_iter()
                                .map(|e| view! {
                                    <tr>
                                        <td>{date(e.paid_on, l)}</td>
                                        <td>{if l == Lang::Zh { e.category.name_zh() } else { e.category.name_en() }}</td>
                                        <td>{e.invoice_no}</td>
                                        <td class="num"><Yuan money=e.amount /></td>
                                        <td>{if e.eligible { pick(l, "是", "yes") } else { pick(l, "否(R4)", "no (R4)") }}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                        <tfoot>
                            <tr>
                                <th colspan="3">{pick(l, "合规投资合计", "Eligible total")}</th>
                                <td class="num"><Yuan money=eligible /></td>
                                <td></td>
                            </tr>
                        </tfoot>
                    </table>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    }
}

#[component]
fn ProjectPayments(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let list = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        let query = Query::new().set("project_id", id).set("per_page", 100);
        async move { api::get::<PageOf<PaymentView>>(&token, &format!("/payments{}", query.string())).await }
    });
    move || {
        list.get().map(|answer| match answer {
            Ok(p) if p.items.is_empty() => view! {
                <Empty text=Signal::derive(move || pick(lang.get(), "尚无拨付指令。公示无异议后平台自动生成预拨付指令。", "No instruction yet. The prepayment is created when the notice clears.").to_string()) />
            }
            .into_any(),
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id="project-payments">
                        <thead>
                            <tr>
                                <th>{pick(l, "编号", "No.")}</th>
                                <th>{pick(l, "类型", "Kind")}</th>
                                <th class="num">{pick(l, "金额", "Amount")}</th>
                                <th>{pick(l, "状态", "Status")}</th>
                                <th>{pick(l, "支付日期", "Paid on")}</th>
                                <th>{pick(l, "凭证号", "Voucher")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p.items
                                .into_iter()
                                .map(|pay| view! {
                                    <tr>
                                        <td>{pay.id}</td>
                                        <td>{payment_kind_name(pay.kind, l)}</td>
                                        <td class="num"><Yuan money=pay.amount /></td>
                                        <td><PaymentBadge status=pay.status /></td>
                                        <td>{pay.paid_on.map(|d| date(d, l))}</td>
                                        <td>{pay.voucher_no}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    }
}

/// The acceptance report (PDF), downloaded with the caller's token.
#[component]
fn ReportLink(id: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let error = RwSignal::new(None::<ApiError>);
    let download = move |_| {
        let token = session.token();
        spawn_local(async move {
            if let Err(e) = api::download(&token, &format!("/projects/{id}/evaluation/file"), "验收报告.pdf").await
            {
                error.set(Some(e));
            }
        });
    };
    view! {
        <p>
            <button type="button" class="secondary" id="download-report" on:click=download>
                {tr("下载验收报告(PDF)", "Download the acceptance report (PDF)")}
            </button>
            <ErrorLine error=error />
        </p>
    }
}

/// The evaluator records the achieved level and score with the acceptance report (PDF), with the
/// upload's progress; the server decides accepted/failed and the settlement (R4–R6).
#[component]
fn EvaluationAction(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let progress = RwSignal::new(None::<u32>);
    let level = RwSignal::new("2".to_string());
    let score = RwSignal::new(String::new());
    let evaluated_on = RwSignal::new(today_cst().to_string());
    let detail = crate::pages::evaluation_detail::DetailInputs::new();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let file = file_input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0));
        let Some(file) = file else {
            let message = pick(lang.get_untracked(), "请选择验收报告 PDF 文件", "Choose the acceptance report (PDF)");
            error.set(Some(ApiError::local("file", message)));
            return;
        };
        // Numbers as typed (the server checks level 1–4 and a score of at most two decimals).
        let level_json = level
            .get_untracked()
            .trim()
            .parse::<u64>()
            .map(serde_json::Value::from)
            .unwrap_or_else(|_| level.get_untracked().into());
        let score_text = score.get_untracked();
        let score_json = serde_json::from_str::<serde_json::Number>(score_text.trim())
            .map(serde_json::Value::Number)
            .unwrap_or_else(|_| serde_json::Value::from(score_text));
        let mut meta = serde_json::json!({ "level": level_json, "score": score_json, "evaluated_on": evaluated_on.get_untracked() });
        if let Some(d) = detail.value() {
            meta["detail"] = d;
        }
        let Ok(form) = web_sys::FormData::new() else { return };
        let _ = form.append_with_str("meta", &meta.to_string());
        let _ = form.append_with_blob_and_filename("file", file.unchecked_ref::<web_sys::Blob>(), &file.name());
        busy.set(true);
        error.set(None);
        progress.set(Some(0));
        let token = session.token();
        spawn_local(async move {
            let answer = api::upload::<ProjectView>(&token, &format!("/projects/{id}/evaluation"), form, move |p| {
                progress.set(Some(p))
            })
            .await;
            match answer {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
            progress.set(None);
            busy.set(false);
        });
    };
    view! {
        <form class="actions" id="evaluation-form" on:submit=submit>
            <h3>{tr("评测验收结果", "Acceptance result")}</h3>
            <label>
                <span>{tr("评测数字化水平", "Level achieved")}</span>
                <select bind:value=level id="evaluation-level">
                    {DigitalLevel::ALL
                        .iter()
                        .map(|v| {
                            let v = *v;
                            view! { <option value=v.get().to_string()>{move || level_name(v, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError error=error field="meta.level" />
            </label>
            <label>
                <span>{tr("评测得分", "Score")}</span>
                <input id="evaluation-score" inputmode="decimal" bind:value=score required />
                <FieldError error=error field="meta.score" />
            </label>
            <label>
                <span>{tr("评测日期", "Evaluated on")}</span>
                <input id="evaluation-date" type="date" bind:value=evaluated_on required />
                <FieldError error=error field="meta.evaluated_on" />
            </label>
            <label>
                <span>{tr("验收报告(PDF,≤20MB)", "Report (PDF, ≤ 20 MiB)")}</span>
                <input id="evaluation-file" type="file" accept="application/pdf" node_ref=file_input />
                <FieldError error=error field="file" />
            </label>
            <crate::pages::evaluation_detail::DetailFields inputs=detail error=error />
            {move || progress.get().map(|p| view! { <ProgressBar percent=Signal::derive(move || p) /> })}
            <button type="submit" disabled=move || busy.get()>{tr("提交评测结果", "Record the evaluation")}</button>
            <ErrorLine error=error />
        </form>
    }
}
