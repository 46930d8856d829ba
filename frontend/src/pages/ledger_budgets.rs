//! Budgets and awards (SPEC §7b, R12, R13): the city's tab 预算与奖补 (budgets with a form to set
//! one, awards with a form showing each kind's cap) and the budgets table finance reads. Every
//! figure comes from the server (`GET /budgets`, `GET /awards`); the form checks nothing the server
//! would not check again.

use dtpilot_api_types::ledger::{AwardKindView, AwardView, AwardsView, BudgetView, BudgetsView};
use dtpilot_domain::budget::{Fund, RecipientType};
use dtpilot_domain::policy::AwardKind;
use dtpilot_domain::reference::{County, Industry};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{act, conflict_beside};
use crate::components::widgets::{Empty, ErrorLine, FieldError, Yuan};
use crate::format::datetime;
use crate::i18n::{Lang, award_kind_name, county_name, fund_name, industry_name, lang, pick, tr};
use crate::pages::dashboard::loading;
use crate::session::SessionCtx;

/// The city's tab: budgets, then awards.
#[component]
pub fn BudgetsAndAwards(reload: RwSignal<u32>) -> impl IntoView {
    view! {
        <section class="card" id="city-budgets">
            <h2>{tr("资金预算", "Budgets")}</h2>
            <BudgetsTable reload=reload />
            <BudgetForm reload=reload />
        </section>
        <section class="card" id="city-awards">
            <h2>{tr("奖励", "Awards")}</h2>
            <AwardsPanel reload=reload manage=true />
        </section>
    }
}

fn pool_label(b: &BudgetView, l: Lang) -> String {
    match (b.fund, b.county) {
        (Fund::County, Some(c)) => format!("{} · {}", fund_name(Fund::County, l), county_name(c, l)),
        (f, _) => fund_name(f, l).to_string(),
    }
}

/// Each pool with a budget: amount, committed, paid, recovered, remaining (and the central fund's
/// two parts of R13).
#[component]
pub fn BudgetsTable(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let data = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<BudgetsView>(&token, "/budgets").await }
    });
    move || {
        let l = lang.get();
        match data.get() {
            None => loading().into_any(),
            Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
            Some(Ok(v)) if v.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(lang.get(), "未设预算:各资金池不受预算限制。", "No budget set: no pool is limited.").to_string()
                }) />
                <p class="muted">{v.other_kinds_note}</p>
            }
            .into_any(),
            Some(Ok(v)) => view! {
                <table class="list" id="budgets-table">
                    <thead>
                        <tr>
                            <th>{pick(l, "资金池", "Pool")}</th>
                            <th class="num">{pick(l, "预算", "Budget")}</th>
                            <th class="num">{pick(l, "其中改造补助", "Of which retrofit")}</th>
                            <th class="num">{pick(l, "已占用(未支付)", "Committed")}</th>
                            <th class="num">{pick(l, "已支付", "Paid")}</th>
                            <th class="num">{pick(l, "已追回", "Recovered")}</th>
                            <th class="num">{pick(l, "余额", "Remaining")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {v.items.into_iter().map(|b| {
                            let label = pool_label(&b, l);
                            let parts = b.retrofit_remaining.zip(b.other_remaining);
                            view! {
                                <tr data-fund=b.fund.code()>
                                    <td>{label}</td>
                                    <td class="num"><Yuan money=b.amount /></td>
                                    <td class="num">{b.retrofit_amount.map(|m| view! { <Yuan money=m /> })}</td>
                                    <td class="num"><Yuan money=b.committed /></td>
                                    <td class="num"><Yuan money=b.paid /></td>
                                    <td class="num"><Yuan money=b.recovered /></td>
                                    <td class="num">
                                        <Yuan money=b.remaining />
                                        {parts.map(|(r, o)| view! {
                                            <div class="muted small">
                                                {pick(l, "改造 ", "retrofit ")}<Yuan money=r />
                                                {pick(l, " · 其他 ", " · other ")}<Yuan money=o />
                                            </div>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="muted">{v.other_kinds_note}</p>
            }
            .into_any(),
        }
    }
}

#[component]
fn BudgetForm(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let fund = RwSignal::new("central".to_string());
    let county = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let retrofit = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut body = serde_json::json!({"fund": fund.get_untracked(), "amount": amount.get_untracked().trim()});
        if fund.get_untracked() == "county" {
            body["county"] = serde_json::json!(county.get_untracked());
        }
        if fund.get_untracked() == "central" {
            body["retrofit_amount"] = serde_json::json!(retrofit.get_untracked().trim());
        }
        let token = session.token();
        let taken = pick(lang.get_untracked(), "该资金池已设预算", "This pool has a budget already");
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, BudgetView>(&token, "/budgets", &body)
                    .await
                    .map_err(|e| conflict_beside(e, "budget_exists", "fund", taken))
            },
            move |_| {
                amount.set(String::new());
                retrofit.set(String::new());
            },
        );
    };
    view! {
        <form class="actions inline-form" id="budget-form" on:submit=submit>
            <h3>{tr("设定预算", "Set a budget")}</h3>
            <label>
                <span>{tr("资金来源", "Fund")}</span>
                <select id="bg-fund" bind:value=fund>
                    {Fund::ALL.into_iter().map(|f| view! {
                        <option value=f.code()>{move || fund_name(f, lang.get())}</option>
                    }).collect_view()}
                </select>
                <FieldError error=error field="fund" />
            </label>
            <Show when=move || fund.get() == "county">
                <label>
                    <span>{tr("县区", "County")}</span>
                    <select id="bg-county" bind:value=county>
                        <option value="">{tr("请选择", "Choose")}</option>
                        {County::ALL.iter().map(|c| view! {
                            <option value=c.code()>{move || county_name(*c, lang.get())}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error=error field="county" />
                </label>
            </Show>
            <label>
                <span>{tr("预算金额(元)", "Amount (yuan)")}</span>
                <input id="bg-amount" inputmode="decimal" bind:value=amount required />
                <FieldError error=error field="amount" />
            </label>
            <Show when=move || fund.get() == "central">
                <label>
                    <span>{tr("其中改造补助(元,不低于 80%)", "Of which retrofit (yuan, at least 80%)")}</span>
                    <input id="bg-retrofit" inputmode="decimal" bind:value=retrofit />
                    <FieldError error=error field="retrofit_amount" />
                </label>
            </Show>
            <button type="submit" id="bg-submit" disabled=move || busy.get()>{tr("设定预算", "Set budget")}</button>
            <ErrorLine error=error />
        </form>
    }
}

fn recipient_name(t: RecipientType, l: Lang) -> &'static str {
    match t {
        RecipientType::Enterprise => pick(l, "企业", "Enterprise"),
        RecipientType::Provider => pick(l, "服务商", "Provider"),
        RecipientType::Product => pick(l, "“小快轻准”产品", "Product"),
    }
}

/// The awards in the caller's scope; with `manage`, the city's form to grant one (the cap shown).
#[component]
pub fn AwardsPanel(reload: RwSignal<u32>, manage: bool) -> impl IntoView {
    let session = SessionCtx::get();
    let data = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<AwardsView>(&token, "/awards").await }
    });
    move || match data.get() {
        None => loading().into_any(),
        Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
        Some(Ok(v)) => {
            let kinds = v.kinds.clone();
            view! {
                <AwardList items=v.items />
                {manage.then(|| view! { <AwardForm kinds=kinds reload=reload /> })}
            }
            .into_any()
        }
    }
}

#[component]
fn AwardList(items: Vec<AwardView>) -> impl IntoView {
    let lang = lang();
    let l = lang.get_untracked();
    if items.is_empty() {
        return view! { <Empty text=Signal::derive(move || pick(lang.get(), "暂无奖励。", "No awards yet.").to_string()) /> }
            .into_any();
    }
    view! {
        <table class="list" id="awards-table">
            <thead>
                <tr>
                    <th>{pick(l, "授予时间", "Granted")}</th>
                    <th>{pick(l, "类别", "Kind")}</th>
                    <th>{pick(l, "对象", "Recipient")}</th>
                    <th>{pick(l, "行业", "Industry")}</th>
                    <th class="num">{pick(l, "金额", "Amount")}</th>
                    <th class="num">{pick(l, "上限", "Cap")}</th>
                    <th>{pick(l, "说明", "Comment")}</th>
                </tr>
            </thead>
            <tbody>
                {items.into_iter().map(|a| view! {
                    <tr data-award=a.id>
                        <td>{datetime(a.created_at, l)}</td>
                        <td>{award_kind_name(a.kind, l)}</td>
                        <td>{format!("{} · {}", recipient_name(a.recipient.kind, l), a.recipient_name)}</td>
                        <td>{a.industry.map(|i| industry_name(i, l))}</td>
                        <td class="num"><Yuan money=a.amount /></td>
                        <td class="num"><Yuan money=a.cap /></td>
                        <td>{a.comment}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn AwardForm(kinds: Vec<AwardKindView>, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let kind = RwSignal::new(AwardKind::ExcellentProvider.key().to_string());
    let recipient_type = RwSignal::new("provider".to_string());
    let recipient_id = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let industry = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let kinds = StoredValue::new(kinds);
    let current = move || kinds.with_value(|ks| ks.iter().find(|k| k.kind.key() == kind.get()).cloned());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut body = serde_json::json!({
            "kind": kind.get_untracked(),
            "recipient": {"type": recipient_type.get_untracked(), "id": recipient_id.get_untracked().trim().parse::<i64>().unwrap_or(0)},
            "amount": amount.get_untracked().trim(),
            "comment": comment.get_untracked().trim(),
        });
        if !industry.get_untracked().is_empty() {
            body["industry"] = serde_json::json!(industry.get_untracked());
        }
        let token = session.token();
        let taken = pick(lang.get_untracked(), "该行业的名额已满", "This industry's place is taken");
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, AwardView>(&token, "/awards", &body)
                    .await
                    .map_err(|e| conflict_beside(e, "award_industry_limit", "industry", taken))
            },
            move |_| {
                amount.set(String::new());
                comment.set(String::new());
                recipient_id.set(String::new());
            },
        );
    };
    view! {
        <form class="actions inline-form" id="award-form" on:submit=submit>
            <h3>{tr("授予奖励", "Grant an award")}</h3>
            <label>
                <span>{tr("类别", "Kind")}</span>
                <select id="aw-kind" bind:value=kind>
                    {AwardKind::ALL.into_iter().map(|k| view! {
                        <option value=k.key()>{move || award_kind_name(k, lang.get())}</option>
                    }).collect_view()}
                </select>
            </label>
            <p class="muted" id="aw-cap">
                {move || current().map(|k| {
                    let l = lang.get();
                    let recipients = k.recipients.iter().map(|r| recipient_name(*r, l)).collect::<Vec<_>>().join("、");
                    let places = k.per_industry.map(|n| format!("{}{n}", pick(l, ";每个行业名额 ", "; places per industry "))).unwrap_or_default();
                    view! {
                        {pick(l, "上限 ", "Cap ")}<Yuan money=k.cap />
                        {format!("({});{}{recipients}{places}", k.source, pick(l, "对象:", "to: "))}
                    }
                })}
            </p>
            <label>
                <span>{tr("对象类别", "Recipient type")}</span>
                <select id="aw-recipient-type" bind:value=recipient_type>
                    {RecipientType::ALL.into_iter().map(|r| view! {
                        <option value=r.code()>{move || recipient_name(r, lang.get())}</option>
                    }).collect_view()}
                </select>
                <FieldError error=error field="recipient.type" />
            </label>
            <label>
                <span>{tr("对象编号(企业或服务商 id)", "Recipient id (enterprise or provider)")}</span>
                <input id="aw-recipient-id" inputmode="numeric" bind:value=recipient_id required />
                <FieldError error=error field="recipient.id" />
            </label>
            <label>
                <span>{tr("行业(标准包必填)", "Industry (required for the standard package)")}</span>
                <select id="aw-industry" bind:value=industry>
                    <option value="">{tr("不限", "None")}</option>
                    {Industry::ALL.iter().map(|i| view! {
                        <option value=i.code()>{move || industry_name(*i, lang.get())}</option>
                    }).collect_view()}
                </select>
                <FieldError error=error field="industry" />
            </label>
            <label>
                <span>{tr("金额(元)", "Amount (yuan)")}</span>
                <input id="aw-amount" inputmode="decimal" bind:value=amount required />
                <FieldError error=error field="amount" />
            </label>
            <label>
                <span>{tr("说明", "Comment")}</span>
                <input id="aw-comment" bind:value=comment />
                <FieldError error=error field="comment" />
            </label>
            <button type="submit" id="aw-submit" disabled=move || busy.get()>{tr("授予", "Grant")}</button>
            <ErrorLine error=error />
        </form>
    }
}
