//! The city industry bureau (市工信局): comprehensive review (综合评审), public notices (公示),
//! payment approval (拨付审批), programme progress, and the batches and provider pool — one tab
//! each.

use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;

use crate::components::projects::ProjectTable;
use crate::i18n::tr;
use crate::pages::city_notices::{NoticeForm, NoticeList};
use crate::pages::city_payments::PaymentApprovals;
use crate::pages::city_progress::ProgressPanel;
use crate::pages::dashboard::Tabs;
use crate::pages::ledger_budgets::BudgetsAndAwards;
use crate::pages::pool::{BatchesPanel, ProvidersPanel};

#[component]
pub fn CityDashboard() -> impl IntoView {
    let tab = RwSignal::new(0_usize);
    // Bumped after any action of a tab: every list of the desk is read again when shown.
    let reload = RwSignal::new(0_u32);
    let labels = vec![
        ("tab-review", "综合评审", "Review"),
        ("tab-notices", "公示", "Notices"),
        ("tab-payments", "拨付审批", "Payments"),
        ("tab-progress", "进度", "Progress"),
        ("tab-pool", "批次与服务商", "Batches & providers"),
        ("tab-performance", "绩效与产品", "Performance & products"),
        ("tab-budgets", "预算与奖补", "Budgets & awards"),
        ("tab-batch-progress", "批次进度", "Batch progress"),
        ("tab-reports", "周调度/月通报", "Weekly / monthly"),
        ("tab-import", "导入企业", "Import enterprises"),
        ("tab-interpretations", "政策解释", "Readings"),
    ];
    let body = move || match tab.get() {
        0 => view! { <ReviewTab reload=reload /> }.into_any(),
        1 => view! { <NoticesTab reload=reload /> }.into_any(),
        2 => view! {
            <section class="card" id="city-payments">
                <h2>{tr("拨付审批", "Payment approval")}</h2>
                <PaymentApprovals reload=reload />
            </section>
        }
        .into_any(),
        3 => view! {
            <section class="card" id="city-progress">
                <h2>{tr("试点进度", "Programme progress")}</h2>
                <ProgressPanel reload=reload />
            </section>
        }
        .into_any(),
        5 => view! { <crate::pages::city_performance::PerformanceTab reload=reload /> }.into_any(),
        6 => view! { <BudgetsAndAwards reload=reload /> }.into_any(),
        7..=9 => crate::pages::ops_progress::ops_tab(tab.get() - 7, true),
        10 => view! { <crate::pages::city_interpretations::InterpretationsPanel reload=reload /> }.into_any(),
        _ => view! {
            <BatchesPanel />
            <ProvidersPanel />
        }
        .into_any(),
    };
    view! {
        <section class="card" id="dashboard-city">
            <h1>{tr("市工信局工作台", "City industry bureau desk")}</h1>
            <div id="city-tabs">
                <Tabs current=tab labels=labels />
            </div>
        </section>
        {body}
    }
}

#[component]
fn ReviewTab(reload: RwSignal<u32>) -> impl IntoView {
    view! {
        <section class="card" id="city-review">
            <h2>{tr("待综合评审", "Awaiting comprehensive review")}</h2>
            <p class="muted">
                {tr(
                    "点击企业名称进入项目页,填写综合评审意见后通过、退回修改或不予通过。",
                    "Open a project by its enterprise name to approve, return or reject it with a comment.",
                )}
            </p>
            <ProjectTable
                id="city-queue"
                status=ProjectState::CountyRecommended
                county_filter=true
                reload=Signal::derive(move || reload.get())
                empty_zh="暂无待综合评审的项目。县级初审推荐后会出现在这里。"
                empty_en="Nothing awaits review. Projects recommended by the counties appear here."
            />
        </section>
    }
}

#[component]
fn NoticesTab(reload: RwSignal<u32>) -> impl IntoView {
    view! {
        <section class="card" id="city-notices">
            <h2>{tr("公示", "Public notices")}</h2>
            <NoticeForm reload=reload />
        </section>
        <section class="card" id="city-notice-list">
            <h2>{tr("公示列表", "Notices")}</h2>
            <NoticeList manage=true reload=reload />
        </section>
    }
}
