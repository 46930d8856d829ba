//! The third-party evaluator (第三方评测机构): the projects awaiting acceptance (待验收), and the
//! projects already evaluated. The evaluation itself (level, score, date and the report PDF) is
//! recorded on the project's page; the server then decides accepted or failed and the settlement.

use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;

use crate::components::projects::ProjectTable;
use crate::i18n::tr;

#[component]
pub fn EvaluatorDashboard() -> impl IntoView {
    view! {
        <section class="card" id="dashboard-evaluator">
            <h1>{tr("第三方评测验收工作台", "Evaluator desk")}</h1>
            <ol class="howto" id="evaluator-howto">
                <li>{tr("在下方“待验收项目”中点击企业名称,打开项目。", "Open a project from the list of projects awaiting acceptance below.")}</li>
                <li>
                    {tr(
                        "在项目页填写评测达到的数字化水平、评测得分和评测日期,并上传验收报告(PDF)。",
                        "On the project page, record the digital level achieved, the score and the date, with the acceptance report (PDF).",
                    )}
                </li>
                <li>
                    {tr(
                        "提交后平台按政策判定验收是否通过,并计算最终补助和清算(拨付余额或追回)金额。",
                        "The platform then decides whether the acceptance passed and computes the final subsidy and the settlement (balance or recovery).",
                    )}
                </li>
            </ol>
            <h2>{tr("待验收项目", "Awaiting acceptance")}</h2>
            <ProjectTable
                id="evaluator-queue"
                status=ProjectState::AwaitingAcceptance
                county_filter=true
                empty_zh="暂无待验收的项目。企业完成改造并申请验收后会出现在这里。"
                empty_en="No project awaits acceptance. Projects appear here once the enterprise declares the retrofit done."
            />
        </section>
        <section class="card" id="evaluator-done">
            <h2>{tr("已评测项目", "Evaluated projects")}</h2>
            <p class="muted">
                {tr(
                    "按状态筛选:验收通过(待清算)、验收不合格(待追回)、已清算、追回结案。",
                    "Filter by state: accepted (settlement due), failed (recovery due), settled, closed after recovery.",
                )}
            </p>
            <ProjectTable
                id="evaluator-projects"
                county_filter=true
                empty_zh="没有符合条件的项目。"
                empty_en="No project matches."
            />
        </section>
    }
}
