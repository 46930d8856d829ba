//! 进度: the programme against the targets of 实施方案 附件1, by county, industry and batch, and
//! the money by fund — all from `GET /dashboard` (the server counts; nothing is summed here).

use dtpilot_api_types::dashboard::{BreakdownRow, DashboardView, FundTotals};
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;

use crate::api;
use crate::components::chart::{Bar, BarChart, percent};
use crate::components::widgets::Yuan;
use crate::format::wan;
use crate::i18n::{Lang, county_name, industry_name, lang, pick, state_name, tr};
use crate::session::SessionCtx;

#[component]
pub fn ProgressPanel(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let data = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<DashboardView>(&token, "/dashboard").await }
    });
    view! {
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {move || {
                data.get().map(|answer| match answer {
                    Ok(d) => view! { <Progress dash=d /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// Which count the per-county chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    Projects,
    Accepted,
    Enterprises,
}

impl Measure {
    fn of(self, r: &BreakdownRow) -> i64 {
        match self {
            Measure::Projects => r.projects,
            Measure::Accepted => r.accepted,
            Measure::Enterprises => r.enterprises,
        }
    }
}

#[component]
fn Progress(dash: DashboardView) -> impl IntoView {
    let lang = lang();
    let measure = RwSignal::new(Measure::Projects);
    let targets = dash.targets.clone();
    let measured: Vec<Bar> = targets
        .iter()
        .filter_map(|t| t.actual.map(|a| Bar { label: t.name.clone(), value: a, target: Some(i64::from(t.target)) }))
        .collect();
    let by_county = dash.by_county.clone();
    let county_bars = move || {
        let l = lang.get();
        let m = measure.get();
        let bars: Vec<Bar> =
            by_county.iter().map(|r| Bar { label: county_label(r, l), value: m.of(r), target: None }).collect();
        view! { <BarChart bars=bars id="county-chart" /> }
    };
    let status_bars: Vec<(ProjectState, i64)> =
        dash.projects_by_status.iter().filter_map(|(code, n)| ProjectState::from_code(code).map(|s| (s, *n))).collect();
    let status_chart = move || {
        let l = lang.get();
        let bars: Vec<Bar> = status_bars
            .iter()
            .map(|(s, n)| Bar { label: state_name(*s, l).to_string(), value: *n, target: None })
            .collect();
        view! { <BarChart bars=bars id="status-chart" /> }
    };
    let funds = dash.funds.clone();
    view! {
        <section id="progress">
            <h3>{tr("试点目标完成情况(实施方案附件1)", "Programme targets (Annex 1)")}</h3>
            <p class="muted">{tr("政策版本:", "Policy: ")} {dash.policy.clone()}</p>
            {if measured.is_empty() {
                view! { <p class="muted">{tr("平台尚未统计任何目标。", "No target is counted by the platform yet.")}</p> }.into_any()
            } else {
                view! { <BarChart bars=measured id="targets-chart" /> }.into_any()
            }}
            <table class="list" id="targets">
                <thead>
                    <tr>
                        <th>{tr("指标", "Target")}</th>
                        <th class="num">{tr("目标值", "Target")}</th>
                        <th class="num">{tr("完成值", "Actual")}</th>
                        <th class="num">{tr("完成率", "Reached")}</th>
                        <th>{tr("出处", "Source")}</th>
                    </tr>
                </thead>
                <tbody>
                    {targets
                        .into_iter()
                        .map(|t| {
                            let target = i64::from(t.target);
                            view! {
                                <tr data-target=t.key.clone() class:unmeasured=t.actual.is_none()>
                                    <td>{t.name.clone()}</td>
                                    <td class="num">{t.target}</td>
                                    <td class="num">
                                        {match t.actual {
                                            Some(a) => a.to_string().into_any(),
                                            None => view! { <span class="muted">{tr("未统计", "not counted")}</span> }.into_any(),
                                        }}
                                    </td>
                                    <td class="num">{t.actual.map(|a| format!("{}%", percent(a, target)))}</td>
                                    <td class="muted">{t.source.clone()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p class="muted">
                {tr(
                    "“未统计”的指标尚不能由平台业务数据计算,请以主管部门统计为准。",
                    "Targets “not counted” cannot be computed from the platform's records yet.",
                )}
            </p>

            <h3>{tr("按县区", "By county")}</h3>
            <div class="filters">
                <select
                    id="county-chart-measure"
                    on:change=move |ev| {
                        measure.set(match event_target_value(&ev).as_str() {
                            "accepted" => Measure::Accepted,
                            "enterprises" => Measure::Enterprises,
                            _ => Measure::Projects,
                        })
                    }
                >
                    <option value="projects">{tr("项目数", "Projects")}</option>
                    <option value="accepted">{tr("验收通过数", "Accepted")}</option>
                    <option value="enterprises">{tr("企业数", "Enterprises")}</option>
                </select>
            </div>
            {county_bars}
            <Breakdown id="by-county" rows=dash.by_county.clone() kind=BreakdownKind::County />
            <h3>{tr("按行业", "By industry")}</h3>
            <Breakdown id="by-industry" rows=dash.by_industry.clone() kind=BreakdownKind::Industry />
            <h3>{tr("按批次", "By batch")}</h3>
            <Breakdown id="by-batch" rows=dash.by_batch.clone() kind=BreakdownKind::Batch />
            <h3>{tr("项目状态分布", "Projects by state")}</h3>
            {status_chart}

            <h3>{tr("资金情况", "Funds")}</h3>
            <p class="muted" id="funds-budget">
                {tr("预算:", "Budget: ")}
                {match funds.budgeted {
                    Some(m) => view! { <Yuan money=m /> }.into_any(),
                    None => funds.budget_note.clone().into_any(),
                }}
            </p>
            <table class="list" id="funds">
                <thead>
                    <tr>
                        <th></th>
                        <th class="num">{tr("中央资金", "Central")}</th>
                        <th class="num">{tr("市级资金", "City")}</th>
                        <th class="num">{tr("县级资金", "County")}</th>
                        <th class="num">{tr("合计", "Total")}</th>
                    </tr>
                </thead>
                <tbody>
                    <FundRow fund="awaiting_payment" zh="待拨付" en="Awaiting payment" t=funds.awaiting_payment.clone() />
                    <FundRow fund="paid" zh="已拨付" en="Paid" t=funds.paid.clone() />
                    <FundRow fund="awaiting_recovery" zh="待追回" en="Awaiting recovery" t=funds.awaiting_recovery.clone() />
                    <FundRow fund="recovered" zh="已追回" en="Recovered" t=funds.recovered.clone() />
                </tbody>
            </table>
        </section>
    }
}

/// A county row's name in the language shown (the server's name is Chinese).
fn county_label(r: &BreakdownRow, l: Lang) -> String {
    County::from_code(&r.key).map(|c| county_name(c, l).to_string()).unwrap_or_else(|| r.name.clone())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BreakdownKind {
    County,
    Industry,
    Batch,
}

#[component]
fn Breakdown(id: &'static str, rows: Vec<BreakdownRow>, kind: BreakdownKind) -> impl IntoView {
    let lang = lang();
    move || {
        let l = lang.get();
        let first = match kind {
            BreakdownKind::County => pick(l, "县区", "County"),
            BreakdownKind::Industry => pick(l, "行业", "Industry"),
            BreakdownKind::Batch => pick(l, "批次", "Batch"),
        };
        if rows.is_empty() {
            return view! { <p class="muted">{pick(l, "暂无数据。", "No data yet.")}</p> }.into_any();
        }
        view! {
            <table class="list" id=id>
                <thead>
                    <tr>
                        <th>{first}</th>
                        <th class="num">{pick(l, "企业数", "Enterprises")}</th>
                        <th class="num">{pick(l, "项目数", "Projects")}</th>
                        <th class="num">{pick(l, "验收通过", "Accepted")}</th>
                        <th class="num">{pick(l, "计划补助", "Planned subsidy")}</th>
                        <th class="num">{pick(l, "最终补助", "Final subsidy")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .iter()
                        .map(|r| {
                            let name = match kind {
                                BreakdownKind::County => county_label(r, l),
                                BreakdownKind::Industry => Industry::from_code(&r.key)
                                    .map(|i| industry_name(i, l).to_string())
                                    .unwrap_or_else(|| r.name.clone()),
                                BreakdownKind::Batch => r.name.clone(),
                            };
                            view! {
                                <tr data-key=r.key.clone()>
                                    <td>{name}</td>
                                    <td class="num">{r.enterprises}</td>
                                    <td class="num">{r.projects}</td>
                                    <td class="num">{r.accepted}</td>
                                    <td class="num" title=crate::format::yuan(r.planned_subsidy)>{wan(r.planned_subsidy)}</td>
                                    <td class="num" title=crate::format::yuan(r.final_subsidy)>{wan(r.final_subsidy)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    }
}

#[component]
fn FundRow(fund: &'static str, zh: &'static str, en: &'static str, t: FundTotals) -> impl IntoView {
    view! {
        <tr data-fund=fund>
            <th>{tr(zh, en)}</th>
            <td class="num"><Yuan money=t.central /></td>
            <td class="num"><Yuan money=t.city /></td>
            <td class="num"><Yuan money=t.county /></td>
            <td class="num"><strong><Yuan money=t.total /></strong></td>
        </tr>
    }
}
