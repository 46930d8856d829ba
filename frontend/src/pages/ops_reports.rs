//! 周调度 / 月通报 (实施方案 五 保障措施): the server's report of a week or a month
//! (`GET /reports/weekly|monthly`) as a printable page — the title, the tables by county and by
//! industry, the 附件1 target lines — with its Excel download and a print button (the print
//! stylesheet hides the navigation, the filters and the buttons). Nothing is counted here.

use dtpilot_api_types::reports::{ReportKind, ReportRow, ReportView};
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::report::Stage;
use leptos::prelude::*;

use crate::api::{self, Query};
use crate::components::export::ExportButton;
use crate::components::widgets::Yuan;
use crate::i18n::{county_name, lang, pick, stage_name, tr};
use crate::session::SessionCtx;

/// The stages shown as columns (as the server's workbook).
const STAGES: [Stage; 8] = [
    Stage::Drafting,
    Stage::Submitted,
    Stage::UnderReview,
    Stage::Approved,
    Stage::InProgress,
    Stage::AwaitingAcceptance,
    Stage::Accepted,
    Stage::Failed,
];

#[component]
pub fn ReportsPanel(
    /// The city picks a county; a county bureau is held to its own by the server.
    #[prop(default = false)]
    county_filter: bool,
) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let kind = RwSignal::new(ReportKind::Weekly);
    let day = RwSignal::new(String::new());
    let county = RwSignal::new(String::new());
    let industry = RwSignal::new(String::new());
    let path = move || {
        let (base, key) = match kind.get() {
            ReportKind::Weekly => ("/reports/weekly", "week"),
            ReportKind::Monthly => ("/reports/monthly", "month"),
        };
        (base, Query::new().set(key, day.get()).set("county", county.get()).set("industry", industry.get()))
    };
    let data = LocalResource::new(move || {
        let (base, q) = path();
        let token = session.token();
        async move { api::get::<ReportView>(&token, &format!("{base}{}", q.string())).await }
    });
    let export_path = Signal::derive(move || {
        let (base, q) = path();
        format!("{base}{}", q.set("format", "xlsx").string())
    });
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="filters" id="report-filters">
            <select
                id="report-kind"
                on:change=move |ev| {
                    kind.set(if event_target_value(&ev) == "monthly" { ReportKind::Monthly } else { ReportKind::Weekly })
                }
            >
                <option value="weekly">{tr("周调度", "Weekly dispatch")}</option>
                <option value="monthly">{tr("月通报", "Monthly bulletin")}</option>
            </select>
            <label>
                {tr("期间内任一天", "Any day of the period")}
                " "
                <input id="report-day" type="date" on:change=move |ev| day.set(event_target_value(&ev)) />
            </label>
            {county_filter
                .then(|| {
                    view! {
                        <select id="report-county" on:change=move |ev| county.set(event_target_value(&ev))>
                            <option value="">{tr("全市", "Whole city")}</option>
                            {County::ALL
                                .iter()
                                .map(|c| view! { <option value=c.code()>{move || county_name(*c, lang.get())}</option> })
                                .collect_view()}
                        </select>
                    }
                })}
            <select id="report-industry" on:change=move |ev| industry.set(event_target_value(&ev))>
                <option value="">{tr("全部行业", "All industries")}</option>
                {Industry::ALL
                    .iter()
                    .map(|i| view! { <option value=i.code()>{i.name_zh()}</option> })
                    .collect_view()}
            </select>
            <ExportButton
                path=export_path
                filename="周调度月通报.xlsx"
                id="report-export"
            />
            <button type="button" class="secondary" id="report-print" on:click=print>
                {tr("打印", "Print")}
            </button>
        </div>
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {move || {
                data.get()
                    .map(|answer| match answer {
                        Ok(r) => view! { <Report report=r /> }.into_any(),
                        Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn Report(report: ReportView) -> impl IntoView {
    let lang = lang();
    let kind = report.kind;
    let mut by_county = report.by_county.clone();
    by_county.push(report.total.clone());
    let mut by_industry = report.by_industry.clone();
    by_industry.push(report.total.clone());
    let period = format!("{} — {}", report.period_start, report.period_end);
    let previous = report.previous_start.zip(report.previous_end).map(|(a, b)| format!("{a} — {b}"));
    view! {
        <article class="report" id="report">
            <h2 class="report-title" id="report-title">{report.title.clone()}</h2>
            <p class="muted">
                {move || pick(lang.get(), "统计期间:", "Period: ")} {period.clone()}
                {previous.clone().map(|p| view! { " · " {move || pick(lang.get(), "上期:", "Previous: ")} {p.clone()} })}
                " · " {move || pick(lang.get(), "逾期判断日:", "Overdue as of: ")} {report.today.to_string()}
            </p>
            <h3>{tr("按县区", "By county")}</h3>
            <ReportTable id="report-by-county" first_zh="县区" first_en="County" rows=by_county kind=kind />
            <h3>{tr("按行业", "By industry")}</h3>
            <ReportTable id="report-by-industry" first_zh="行业" first_en="Industry" rows=by_industry kind=kind />
            <h3>{tr("附件1 目标进度", "Annex 1 targets")}</h3>
            <table class="list" id="report-targets">
                <thead>
                    <tr>
                        <th>{tr("目标", "Target")}</th>
                        <th class="num">{tr("目标值", "Target")}</th>
                        <th class="num">{tr("当前完成", "Actual")}</th>
                        <th>{tr("依据", "Source")}</th>
                    </tr>
                </thead>
                <tbody>
                    {report
                        .targets
                        .into_iter()
                        .map(|t| {
                            view! {
                                <tr>
                                    <td>{t.name}</td>
                                    <td class="num">{t.target}</td>
                                    <td class="num">
                                        {move || t.actual.map_or_else(|| pick(lang.get(), "暂未统计", "not counted").to_string(), |a| a.to_string())}
                                    </td>
                                    <td class="muted">{t.source}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </article>
    }
}

#[component]
fn ReportTable(
    id: &'static str,
    first_zh: &'static str,
    first_en: &'static str,
    rows: Vec<ReportRow>,
    kind: ReportKind,
) -> impl IntoView {
    let lang = lang();
    let monthly = kind == ReportKind::Monthly;
    view! {
        <div class="table-scroll">
            <table class="list report-table" id=id>
                <thead>
                    <tr>
                        <th>{tr(first_zh, first_en)}</th>
                        <th class="num">{tr("在库企业", "Enterprises")}</th>
                        <th class="num">{tr("项目数", "Projects")}</th>
                        {STAGES
                            .iter()
                            .map(|s| view! { <th class="num">{move || stage_name(*s, lang.get())}</th> })
                            .collect_view()}
                        <th class="num">{tr("逾期", "Overdue")}</th>
                        <th class="num">{tr("本期新增企业", "New enterprises")}</th>
                        <th class="num">{tr("本期新增项目", "New projects")}</th>
                        <th class="num">{tr("本期审批(元)", "Approved (period)")}</th>
                        <th class="num">{tr("本期拨付(元)", "Paid (period)")}</th>
                        <th class="num">{tr("本期追回(元)", "Recovered (period)")}</th>
                        <th class="num">{tr("累计审批(元)", "Approved (total)")}</th>
                        <th class="num">{tr("累计拨付(元)", "Paid (total)")}</th>
                        <th class="num">{tr("累计追回(元)", "Recovered (total)")}</th>
                        {monthly
                            .then(|| {
                                view! {
                                    <th class="num">{tr("新增项目环比", "New projects vs previous")}</th>
                                    <th class="num">{tr("拨付环比", "Paid vs previous")}</th>
                                }
                            })}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let total = r.key == "total";
                            let change = r.change.clone();
                            view! {
                                <tr data-key=r.key.clone() class:total=total>
                                    <td>{r.name.clone()}</td>
                                    <td class="num">{r.enterprises}</td>
                                    <td class="num">{r.projects}</td>
                                    {STAGES.iter().map(|s| view! { <td class="num">{r.stages.get(*s)}</td> }).collect_view()}
                                    <td class="num" class:danger={r.overdue > 0}>{r.overdue}</td>
                                    <td class="num">{r.period.new_enterprises}</td>
                                    <td class="num">{r.period.new_projects}</td>
                                    <td class="num"><Yuan money=r.period.approved /></td>
                                    <td class="num"><Yuan money=r.period.paid /></td>
                                    <td class="num"><Yuan money=r.period.recovered /></td>
                                    <td class="num"><Yuan money=r.approved_total /></td>
                                    <td class="num"><Yuan money=r.paid_total /></td>
                                    <td class="num"><Yuan money=r.recovered_total /></td>
                                    {monthly
                                        .then(|| {
                                            let c = change.clone();
                                            view! {
                                                <td class="num">
                                                    {c.as_ref().map(|c| format!("{:+} ({})", c.new_projects, c.new_projects_percent))}
                                                </td>
                                                <td class="num">{c.as_ref().map(|c| c.paid_percent.clone())}</td>
                                            }
                                        })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
