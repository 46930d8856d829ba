//! 拨付审批: the payment instructions the city approves before the finance bureau pays them
//! (R16: the server refuses to approve money for an enterprise flagged 经营异常 or 失信), with the
//! split by fund (R14), filtered by status and kind on the server, and the same list as Excel.

use dtpilot_api_types::programme::Page as PageOf;
use dtpilot_api_types::workflow::PaymentView;
use dtpilot_domain::ledger::{Direction, PaymentKind, PaymentStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, Query};
use crate::components::export::ExportButton;
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, PaymentBadge, Yuan};
use crate::i18n::{lang, payment_kind_name, payment_status_name, pick, tr};
use crate::pages::city_notices::ProjectLink;
use crate::session::SessionCtx;

#[component]
pub fn PaymentApprovals(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let status = RwSignal::new(PaymentStatus::Pending.code().to_string());
    let kind = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    // The instruction being approved, and the server's refusal beside its row.
    let busy = RwSignal::new(None::<i64>);
    let row_error = RwSignal::new(None::<(i64, ApiError)>);
    let filters = move || Query::new().set("status", status.get()).set("kind", kind.get());
    let data = LocalResource::new(move || {
        reload.track();
        let query = filters().set("page", page.get()).set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<PaymentView>>(&token, &format!("/payments{}", query.string())).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = data.get() {
            total.set(p.total);
        }
    });
    let export_path = Signal::derive(move || format!("/exports/payments{}", filters().string()));
    let approve = move |id: i64| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(id));
        row_error.set(None);
        let token = session.token();
        spawn_local(async move {
            match api::post::<_, PaymentView>(&token, &format!("/payments/{id}/approve"), &serde_json::json!({})).await
            {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => row_error.set(Some((id, e))),
            }
            busy.set(None);
        });
    };

    let rows = move || {
        data.get().map(|answer| match answer {
            Ok(p) if p.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(
                        lang.get(),
                        "没有符合条件的支付指令。公示无异议、验收通过或需追回时,平台自动生成支付指令并在此等待审批。",
                        "No instruction matches. Instructions are created when a notice clears, after acceptance or for a recovery.",
                    )
                    .to_string()
                }) />
            }
            .into_any(),
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id="payments-pending">
                        <thead>
                            <tr>
                                <th>{pick(l, "编号", "No.")}</th>
                                <th>{pick(l, "类型", "Kind")}</th>
                                <th>{pick(l, "项目", "Project")}</th>
                                <th>{pick(l, "收款/付款方", "Payee / payer")}</th>
                                <th class="num">{pick(l, "金额", "Amount")}</th>
                                <th class="num">{pick(l, "中央资金", "Central")}</th>
                                <th class="num">{pick(l, "市级资金", "City")}</th>
                                <th class="num">{pick(l, "县级资金", "County")}</th>
                                <th>{pick(l, "状态", "Status")}</th>
                                <th>{pick(l, "操作", "Action")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p
                                .items
                                .into_iter()
                                .map(|pay| {
                                    let id = pay.id;
                                    let pending = pay.status == PaymentStatus::Pending;
                                    let incoming = pay.direction == Direction::In;
                                    view! {
                                        <tr data-payment=id data-status=pay.status.code()>
                                            <td>{id}</td>
                                            <td>
                                                {payment_kind_name(pay.kind, l)}
                                                {incoming.then(|| view! { <span class="muted">{pick(l, "(收回)", " (in)")}</span> })}
                                            </td>
                                            <td>{pay.project_id.map(|pid| view! { <ProjectLink id=pid /> })}</td>
                                            <td>{pay.payee}</td>
                                            <td class="num"><Yuan money=pay.amount /></td>
                                            <td class="num"><Yuan money=pay.funds.central /></td>
                                            <td class="num"><Yuan money=pay.funds.city /></td>
                                            <td class="num"><Yuan money=pay.funds.county /></td>
                                            <td><PaymentBadge status=pay.status /></td>
                                            <td>
                                                {pending.then(|| view! {
                                                    <button
                                                        type="button"
                                                        class="primary"
                                                        id=format!("approve-{id}")
                                                        disabled=move || busy.get().is_some()
                                                        on:click=move |_| approve(id)
                                                    >
                                                        {move || if busy.get() == Some(id) { pick(lang.get(), "审批中…", "Approving…") } else { pick(lang.get(), "审批通过", "Approve") }}
                                                    </button>
                                                })}
                                                {move || {
                                                    row_error
                                                        .get()
                                                        .filter(|(e_id, _)| *e_id == id)
                                                        .map(|(_, e)| view! { <span class="error" role="alert" id=format!("approve-{id}-error")>{e.message()}</span> })
                                                }}
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
        <p class="muted">
            {tr(
                "市工信局审批后,由市财政局按中央、市级、县级资金分别拨付。经营异常或失信企业暂停拨付(R16)。",
                "Once approved here, the finance bureau pays from the central, city and county funds. Flagged enterprises are not paid (R16).",
            )}
        </p>
        <div class="filters">
            <select
                id="payments-status"
                prop:value=move || status.get()
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
                        view! { <option value=s.code() selected=s == PaymentStatus::Pending>{move || payment_status_name(s, lang.get())}</option> }
                    })
                    .collect_view()}
            </select>
            <select
                id="payments-kind"
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
            <ExportButton path=export_path filename="支付指令.xlsx" id="payments-export" />
        </div>
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {rows}
        </Transition>
        <Pager page=page total=total id="payments-pending-pager" />
    }
}
