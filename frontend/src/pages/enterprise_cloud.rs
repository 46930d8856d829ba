//! The enterprise's cloud fees (上云补贴, R11): a form to declare a fee and its cloud subsidies,
//! with what is left of the cumulative cap (`GET·POST /enterprises/{id}/cloud-fees`); and the
//! awards the enterprise received (R12, `GET /awards`).

use dtpilot_api_types::ledger::{CloudFeeView, CloudFeesView};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{act, conflict_beside};
use crate::components::widgets::{Empty, ErrorLine, FieldError, Yuan};
use crate::format::datetime;
use crate::i18n::{lang, pick, tr};
use crate::pages::dashboard::loading;
use crate::pages::ledger_budgets::AwardsPanel;
use crate::session::SessionCtx;

#[component]
pub fn CloudFees(enterprise_id: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let reload = RwSignal::new(0_u32);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let amount = RwSignal::new(String::new());
    let period = RwSignal::new(String::new());
    let invoice = RwSignal::new(String::new());
    let path = format!("/enterprises/{enterprise_id}/cloud-fees");
    let list_path = path.clone();
    let data = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        let p = list_path.clone();
        async move { api::get::<CloudFeesView>(&token, &p).await }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = serde_json::json!({
            "amount": amount.get_untracked().trim(),
            "period": period.get_untracked().trim(),
            "invoice_no": invoice.get_untracked().trim(),
        });
        let token = session.token();
        let p = path.clone();
        let taken = pick(lang.get_untracked(), "该发票已申报过", "This invoice was declared already");
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, CloudFeeView>(&token, &p, &body)
                    .await
                    .map_err(|e| conflict_beside(e, "invoice_claimed", "invoice_no", taken))
            },
            move |_| {
                for s in [amount, period, invoice] {
                    s.set(String::new());
                }
            },
        );
    };
    view! {
        <section class="card" id="enterprise-cloud">
            <h2>{tr("上云补贴", "Cloud subsidy")}</h2>
            {move || match data.get() {
                None => loading().into_any(),
                Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
                Some(Ok(v)) => {
                    let l = lang.get();
                    view! {
                        <p id="cloud-remaining">
                            {pick(l, "累计上限 ", "Cumulative cap ")}<Yuan money=v.cap />
                            {pick(l, ",已获补贴 ", "; granted ")}<Yuan money=v.granted />
                            {pick(l, ",尚可申请 ", "; still available ")}<strong><Yuan money=v.remaining /></strong>
                            {pick(l, "(第五条(一)2,R11)", " (Art. 5(1)2, R11)")}
                        </p>
                        {if v.items.is_empty() {
                            view! { <Empty text=Signal::derive(move || pick(lang.get(), "尚未申报上云费用。", "No cloud fee declared yet.").to_string()) /> }.into_any()
                        } else {
                            view! {
                                <table class="list" id="cloud-fees-table">
                                    <thead>
                                        <tr>
                                            <th>{pick(l, "申报时间", "Declared")}</th>
                                            <th>{pick(l, "费用期间", "Period")}</th>
                                            <th>{pick(l, "发票号码", "Invoice")}</th>
                                            <th class="num">{pick(l, "上云费用", "Fee")}</th>
                                            <th class="num">{pick(l, "补贴", "Subsidy")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {v.items.into_iter().map(|f| view! {
                                            <tr data-cloud-fee=f.id>
                                                <td>{datetime(f.created_at, l)}</td>
                                                <td>{f.period}</td>
                                                <td>{f.invoice_no}</td>
                                                <td class="num"><Yuan money=f.amount /></td>
                                                <td class="num"><Yuan money=f.subsidy /></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }
                    .into_any()
                }
            }}
            <form class="actions inline-form" id="cloud-fee-form" on:submit=submit>
                <h3>{tr("申报上云费用", "Declare a cloud fee")}</h3>
                <label>
                    <span>{tr("金额(元)", "Amount (yuan)")}</span>
                    <input id="cf-amount" inputmode="decimal" bind:value=amount required />
                    <FieldError error=error field="amount" />
                </label>
                <label>
                    <span>{tr("费用期间", "Period")}</span>
                    <input id="cf-period" placeholder="2026-01" bind:value=period required />
                    <FieldError error=error field="period" />
                </label>
                <label>
                    <span>{tr("发票号码", "Invoice number")}</span>
                    <input id="cf-invoice" bind:value=invoice required />
                    <FieldError error=error field="invoice_no" />
                </label>
                <button type="submit" id="cf-submit" disabled=move || busy.get()>{tr("申报", "Declare")}</button>
                <ErrorLine error=error />
            </form>
        </section>
        <section class="card" id="enterprise-awards">
            <h2>{tr("获得的奖励", "Awards received")}</h2>
            <AwardsPanel reload=reload manage=false />
        </section>
    }
}
