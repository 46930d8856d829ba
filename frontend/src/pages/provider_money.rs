//! The provider's own money (R10, R12): the diagnosis subsidies paid to it for the enterprises it
//! diagnosed (due once their project passed acceptance) and its awards — instructions whose payee
//! is the provider (`GET /payments?kind=diagnosis|award`, scoped), and `GET /awards`.

use dtpilot_api_types::programme::Page as PageOf;
use dtpilot_api_types::workflow::PaymentView;
use dtpilot_domain::ledger::PaymentKind;
use leptos::prelude::*;

use crate::api::{self, Query};
use crate::components::widgets::{Empty, PaymentBadge, Yuan};
use crate::format::date;
use crate::i18n::{lang, payment_kind_name, pick, tr};
use crate::pages::ledger_budgets::AwardsPanel;
use crate::session::SessionCtx;

#[component]
pub fn ProviderMoney(provider_id: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let reload = RwSignal::new(0_u32);
    let list = LocalResource::new(move || {
        let token = session.token();
        async move {
            let mut items = Vec::new();
            for kind in [PaymentKind::Diagnosis, PaymentKind::Award] {
                let q = Query::new().set("kind", kind.code()).set("per_page", 100);
                let page = api::get::<PageOf<PaymentView>>(&token, &format!("/payments{}", q.string())).await?;
                items.extend(page.items.into_iter().filter(|p| p.provider_id == Some(provider_id)));
            }
            items.sort_by_key(|p| std::cmp::Reverse(p.id));
            Ok::<_, api::ApiError>(items)
        }
    });
    view! {
        <section class="card" id="provider-money">
            <h2>{tr("诊断补贴与奖励", "Diagnosis subsidies and awards")}</h2>
            <p class="muted">
                {tr(
                    "企业的改造项目通过验收后,平台按本单位为其出具的最新诊断报告生成诊断补贴(不超过 3 万元/家,R10)。",
                    "Once an enterprise's project passes acceptance, its diagnosis subsidy (at most 30,000.00, R10) falls due to the provider of its latest report.",
                )}
            </p>
            {move || list.get().map(|answer| match answer {
                Ok(items) if items.is_empty() => view! {
                    <Empty text=Signal::derive(move || pick(lang.get(), "暂无诊断补贴或奖励。", "No diagnosis subsidy or award yet.").to_string()) />
                }
                .into_any(),
                Ok(items) => {
                    let l = lang.get();
                    view! {
                        <table class="list" id="provider-payments">
                            <thead>
                                <tr>
                                    <th>{pick(l, "编号", "No.")}</th>
                                    <th>{pick(l, "类型", "Kind")}</th>
                                    <th>{pick(l, "项目", "Project")}</th>
                                    <th class="num">{pick(l, "金额", "Amount")}</th>
                                    <th>{pick(l, "状态", "Status")}</th>
                                    <th>{pick(l, "支付日期", "Paid on")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {items.into_iter().map(|p| view! {
                                    <tr data-payment=p.id>
                                        <td>{p.id}</td>
                                        <td>{payment_kind_name(p.kind, l)}</td>
                                        <td>{p.project_id}</td>
                                        <td class="num"><Yuan money=p.amount /></td>
                                        <td><PaymentBadge status=p.status /></td>
                                        <td>{p.paid_on.map(|d| date(d, l))}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }
                Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
            })}
            <h3>{tr("获得的奖励", "Awards received")}</h3>
            <AwardsPanel reload=reload manage=false />
        </section>
    }
}
