//! The city finance bureau (市财政局): the money by fund, the approved instructions to pay (待支付)
//! and the recoveries to collect (待收回), each executed with the date and the voucher number, and
//! every instruction with filters and the Excel export. The city bureau approves; finance executes;
//! the server checks the state and R16 (no payment to an enterprise flagged 经营异常 or 失信).

use dtpilot_api_types::dashboard::{DashboardView, FundTotals};
use dtpilot_api_types::programme::Page as PageOf;
use dtpilot_api_types::workflow::{ExecutePaymentRequest, PaymentView};
use dtpilot_domain::ledger::{Direction, PaymentKind, PaymentStatus};
use leptos::prelude::*;

use crate::api::{self, ApiError, Query};
use crate::app::{Page, Router};
use crate::components::export::ExportButton;
use crate::components::form::{Checks, act};
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, ErrorLine, FieldError, PaymentBadge, Yuan};
use crate::format::{date, today_cst, wan, yuan};
use crate::i18n::{Lang, lang, payment_kind_name, payment_status_name, pick, tr};
use crate::pages::dashboard::Tabs;
use crate::session::SessionCtx;

#[component]
pub fn FinanceDashboard() -> impl IntoView {
    // Bumped after every execution: the totals and every list are read again.
    let reload = RwSignal::new(0_u32);
    let tab = RwSignal::new(0_usize);
    view! {
        <section class="card" id="dashboard-finance">
            <h1>{tr("市财政局资金拨付工作台", "City finance bureau: payments")}</h1>
            <p class="muted">
                {tr(
                    "市工信局审批后的支付指令在此执行:按国库实际支付(或收到退款)的日期和凭证号登记。企业经营异常或失信的,平台暂停拨付。",
                    "Instructions approved by the city industry bureau are executed here: record the date and voucher of the treasury's payment (or of the refund received). Payments to an enterprise flagged abnormal or dishonest are suspended.",
                )}
            </p>
            <FundTotalsPanel reload=reload />
        </section>
        <section class="card" id="finance-budgets">
            <h2>{tr("资金预算", "Budgets")}</h2>
            <crate::pages::ledger_budgets::BudgetsTable reload=reload />
        </section>
        <section class="card">
            <Tabs
                current=tab
                labels=vec![
                    ("tab-payments-to-pay", "待支付", "To pay"),
                    ("tab-recoveries", "待收回", "To recover"),
                    ("tab-all-payments", "全部指令", "All instructions"),
                ]
            />
            {move || match tab.get() {
                0 => view! { <ToPay reload=reload /> }.into_any(),
                1 => view! { <ToRecover reload=reload /> }.into_any(),
                _ => view! { <AllPayments reload=reload /> }.into_any(),
            }}
        </section>
    }
}

/// The money by fund (中央、市级、县级), from `GET /dashboard`.
#[component]
fn FundTotalsPanel(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let data = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<DashboardView>(&token, "/dashboard").await }
    });
    let body = move || {
        data.get().map(|answer| match answer {
            Ok(d) => {
                let l = lang.get();
                let f = d.funds;
                let rows: [(&str, &str, &str, FundTotals, bool); 4] = [
                    (
                        "awaiting-payment",
                        "待支付(含待审批)",
                        "To pay (incl. pending approval)",
                        f.awaiting_payment,
                        true,
                    ),
                    ("paid", "已支付", "Paid", f.paid, false),
                    (
                        "awaiting-recovery",
                        "待收回(含待审批)",
                        "To recover (incl. pending approval)",
                        f.awaiting_recovery,
                        true,
                    ),
                    ("recovered", "已收回", "Recovered", f.recovered, false),
                ];
                let stats = rows
                    .iter()
                    .map(|(key, zh, en, t, warn)| {
                        let warn = *warn && t.total.is_positive();
                        view! {
                            <div class="stat" class:warn=warn id=format!("funds-{key}")>
                                <span class="n">{wan(t.total)}</span>
                                <span>{pick(l, zh, en)}</span>
                                <br />
                                <small class="muted">{yuan(t.total)}</small>
                            </div>
                        }
                    })
                    .collect_view();
                let table = rows
                    .into_iter()
                    .map(|(key, zh, en, t, _)| {
                        view! {
                            <tr data-funds=key>
                                <th>{pick(l, zh, en)}</th>
                                <td class="num"><Yuan money=t.central /></td>
                                <td class="num"><Yuan money=t.city /></td>
                                <td class="num"><Yuan money=t.county /></td>
                                <td class="num yuan"><Yuan money=t.total /></td>
                                <td class="num muted">{wan(t.total)}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let budget = match f.budgeted {
                    Some(b) => format!("{}{}", pick(l, "预算:", "Budget: "), yuan(b)),
                    None => format!("{}{}", pick(l, "预算:", "Budget: "), f.budget_note),
                };
                view! {
                    <div class="stats">{stats}</div>
                    <table class="list" id="finance-totals-table">
                        <thead>
                            <tr>
                                <th></th>
                                <th class="num">{pick(l, "中央资金", "Central")}</th>
                                <th class="num">{pick(l, "市级资金", "City")}</th>
                                <th class="num">{pick(l, "县级资金", "County")}</th>
                                <th class="num">{pick(l, "合计", "Total")}</th>
                                <th class="num">{pick(l, "万元", "10k yuan")}</th>
                            </tr>
                        </thead>
                        <tbody>{table}</tbody>
                    </table>
                    <p class="muted">{budget}</p>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <div id="finance-totals">
            <h2>{tr("资金汇总(按资金来源)", "Totals by fund")}</h2>
            <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
                {body}
            </Transition>
        </div>
    }
}

/// The kinds of money going out (every kind but the recovery).
const OUTGOING: [PaymentKind; 5] =
    [PaymentKind::Prepayment, PaymentKind::Balance, PaymentKind::Diagnosis, PaymentKind::Cloud, PaymentKind::Award];

/// Approved instructions to pay out (`GET /payments?status=approved`), each with its execute form.
#[component]
fn ToPay(reload: RwSignal<u32>) -> impl IntoView {
    let lang = lang();
    let kind = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let query = Signal::derive(move || Query::new().set("status", "approved").set("kind", kind.get()));
    view! {
        <h2>{tr("待支付", "To pay")}</h2>
        <p class="muted">
            {tr(
                "已经市工信局审批、尚未支付的拨付指令。国库支付后,填写支付日期和凭证号并点击“确认已支付”。",
                "Disbursements approved by the city bureau and not yet paid. Once the treasury has paid, give the date and the voucher number and confirm.",
            )}
        </p>
        <div class="filters">
            <select
                id="payments-to-pay-kind"
                on:change=move |ev| {
                    kind.set(event_target_value(&ev));
                    page.set(1);
                }
            >
                <option value="">{tr("全部类型(含追回)", "All kinds (with recoveries)")}</option>
                {OUTGOING
                    .iter()
                    .map(|k| {
                        let k = *k;
                        view! { <option value=k.code()>{move || payment_kind_name(k, lang.get())}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
        <PaymentList
            id="payments-to-pay"
            query=query
            page=page
            reload=reload
            execute=true
            empty_zh="没有待支付的指令。市工信局审批拨付指令后会出现在这里。"
            empty_en="Nothing to pay. Instructions appear here once the city bureau approves them."
        />
    }
}

/// Approved recoveries (`kind=recovery`, direction `in`): the money is to come back.
#[component]
fn ToRecover(reload: RwSignal<u32>) -> impl IntoView {
    let page = RwSignal::new(1_i64);
    let query = Signal::derive(|| Query::new().set("status", "approved").set("kind", PaymentKind::Recovery.code()));
    view! {
        <h2>{tr("待收回", "To recover")}</h2>
        <p class="muted">
            {tr(
                "验收不合格、取消或多拨形成的追回指令(已审批)。收到企业退回的资金后,填写到账日期和凭证号并确认收回。",
                "Approved recoveries (failed acceptance, cancellation, overpayment). Once the enterprise's refund has arrived, give the date and the voucher number and confirm.",
            )}
        </p>
        <PaymentList
            id="recoveries"
            query=query
            page=page
            reload=reload
            execute=true
            empty_zh="没有待收回的资金。"
            empty_en="Nothing to recover."
        />
    }
}

/// Every instruction of the ledger, filtered by status and kind, with the Excel export.
#[component]
fn AllPayments(reload: RwSignal<u32>) -> impl IntoView {
    let lang = lang();
    let status = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let query = Signal::derive(move || Query::new().set("status", status.get()).set("kind", kind.get()));
    let export_path = Signal::derive(move || format!("/exports/payments{}", query.get().string()));
    view! {
        <h2>{tr("全部支付指令", "All payment instructions")}</h2>
        <div class="filters">
            <select
                id="all-payments-status"
                on:change=move |ev| {
                    status.set(event_target_value(&ev));
                    page.set(1);
                }
            >
                <option value="">{tr("全部状态", "All statuses")}</option>
                {PaymentStatus::ALL
                    .iter()
                    .map(|s| {
                        let s = *s;
                        view! { <option value=s.code()>{move || payment_status_name(s, lang.get())}</option> }
                    })
                    .collect_view()}
            </select>
            <select
                id="all-payments-kind"
                on:change=move |ev| {
                    kind.set(event_target_value(&ev));
                    page.set(1);
                }
            >
                <option value="">{tr("全部类型", "All kinds")}</option>
                {PaymentKind::ALL
                    .iter()
                    .map(|k| {
                        let k = *k;
                        view! { <option value=k.code()>{move || payment_kind_name(k, lang.get())}</option> }
                    })
                    .collect_view()}
            </select>
            <ExportButton path=export_path filename="支付指令.xlsx" id="all-payments-export" />
        </div>
        <PaymentList
            id="all-payments"
            query=query
            page=page
            reload=reload
            execute=false
            empty_zh="没有符合条件的支付指令。"
            empty_en="No instruction matches."
        />
    }
}

/// A page of `GET /payments` with the given filters; `execute` adds the execute form to every
/// approved row.
#[component]
fn PaymentList(
    id: &'static str,
    query: Signal<Query>,
    page: RwSignal<i64>,
    reload: RwSignal<u32>,
    execute: bool,
    empty_zh: &'static str,
    empty_en: &'static str,
) -> impl IntoView {
    let session = SessionCtx::get();
    let router = Router::get();
    let lang = lang();
    let total = RwSignal::new(0_i64);
    let data = LocalResource::new(move || {
        reload.track();
        let query = query.get().set("page", page.get()).set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<PaymentView>>(&token, &format!("/payments{}", query.string())).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = data.get() {
            total.set(p.total);
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
                                <th>{pick(l, "类型", "Kind")}</th>
                                <th>{pick(l, "收款/付款单位", "Payee / payer")}</th>
                                <th>{pick(l, "项目", "Project")}</th>
                                <th class="num">{pick(l, "金额", "Amount")}</th>
                                <th>{pick(l, "资金构成", "By fund")}</th>
                                <th>{pick(l, "状态", "Status")}</th>
                                <th>{if execute { pick(l, "执行", "Execute") } else { pick(l, "支付日期 · 凭证号", "Paid on · voucher") }}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p
                                .items
                                .into_iter()
                                .map(|pay| {
                                    let project = pay.project_id.map(|pid| {
                                        view! {
                                            <a
                                                href=Page::Project(pid).path()
                                                class="open-project"
                                                on:click=move |ev: leptos::ev::MouseEvent| {
                                                    ev.prevent_default();
                                                    router.go(Page::Project(pid));
                                                }
                                            >
                                                {format!("#{pid}")}
                                            </a>
                                        }
                                    });
                                    let last = if execute && pay.status == PaymentStatus::Approved {
                                        view! { <ExecuteForm id=pay.id direction=pay.direction reload=reload /> }.into_any()
                                    } else {
                                        let paid_on = pay.paid_on.map(|d| date(d, l)).unwrap_or_default();
                                        let voucher = pay.voucher_no.clone().unwrap_or_default();
                                        view! { <span>{paid_on}<br /><small class="muted">{voucher}</small></span> }.into_any()
                                    };
                                    let inward = pay.direction == Direction::In;
                                    view! {
                                        <tr data-payment=pay.id data-status=pay.status.code() data-direction=pay.direction.code()>
                                            <td>{pay.id}</td>
                                            <td>
                                                {payment_kind_name(pay.kind, l)}
                                                {inward.then(|| view! { " " <span class="badge flag">{pick(l, "收回", "in")}</span> })}
                                            </td>
                                            <td>{pay.payee.clone()}</td>
                                            <td>{project}</td>
                                            <td class="num"><Yuan money=pay.amount /><br /><small class="muted">{wan(pay.amount)}</small></td>
                                            <td><FundSplit pay=pay.clone() lang=l /></td>
                                            <td><PaymentBadge status=pay.status /></td>
                                            <td>{last}</td>
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
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {rows}
        </Transition>
        <Pager page=page total=total id=format!("{id}-pager") />
    }
}

/// The parts of an instruction paid by each fund (R8/R14).
#[component]
fn FundSplit(pay: PaymentView, lang: Lang) -> impl IntoView {
    let parts = [
        (pick(lang, "中央", "central"), pay.funds.central),
        (pick(lang, "市级", "city"), pay.funds.city),
        (pick(lang, "县级", "county"), pay.funds.county),
    ];
    view! {
        <small class="funds">
            {parts
                .into_iter()
                .filter(|(_, m)| !m.is_zero())
                .map(|(name, m)| view! { <span>{format!("{name} {}", yuan(m))}</span><br /> })
                .collect_view()}
        </small>
    }
}

/// `POST /payments/{id}/execute`: the date the treasury paid (or received) and the voucher number.
#[component]
fn ExecuteForm(id: i64, direction: Direction, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let paid_on = RwSignal::new(today_cst().to_string());
    let voucher = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let mut checks = Checks::default();
        let day = checks.date("paid_on", &paid_on.get_untracked(), l);
        if let Some(e) = checks.finish(l) {
            error.set(Some(e));
            return;
        }
        let Some(day) = day else { return };
        // The voucher number as typed: the server checks it (not empty, at most 64 characters).
        let body = ExecutePaymentRequest { paid_on: day, voucher_no: voucher.get_untracked().trim().to_string() };
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move { api::post::<_, PaymentView>(&token, &format!("/payments/{id}/execute"), &body).await },
            |_| {},
        );
    };
    let (date_zh, date_en, button_zh, button_en) = match direction {
        Direction::Out => ("支付日期", "Paid on", "确认已支付", "Confirm paid"),
        Direction::In => ("到账日期", "Received on", "确认已收回", "Confirm received"),
    };
    view! {
        <form class="row-form" id=format!("execute-{id}") on:submit=submit>
            <label class="compact">
                <span>{tr(date_zh, date_en)}</span>
                <input type="date" id=format!("paid-on-{id}") bind:value=paid_on required />
            </label>
            <FieldError error=error field="paid_on" />
            <label class="compact">
                <span>{tr("凭证号", "Voucher no.")}</span>
                <input id=format!("voucher-{id}") bind:value=voucher maxlength="64" required />
            </label>
            <FieldError error=error field="voucher_no" />
            <FieldError error=error field="enterprise" />
            <button type="submit" class="primary" id=format!("execute-submit-{id}") disabled=move || busy.get()>
                {move || if busy.get() { pick(lang.get(), "提交中…", "Saving…") } else { pick(lang.get(), button_zh, button_en) }}
            </button>
            <ErrorLine error=error />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outgoing_kinds_are_every_kind_but_the_recovery() {
        assert!(OUTGOING.iter().all(|k| k.direction() == Direction::Out));
        assert_eq!(OUTGOING.len() + 1, PaymentKind::ALL.len());
    }
}
