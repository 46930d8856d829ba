//! A project's way through the programme as steps (申报 → 初审 → 综合评审 → 公示 → 预拨付 →
//! 改造实施 → 验收 → 清算/追回), with the date each step was done, and what comes next.

use dtpilot_api_types::workflow::{HistoryView, ProjectView};
use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;

use crate::format::datetime;
use crate::i18n::{Lang, lang, pick};

/// The steps, as the policy texts name them.
const STEPS: [(&str, &str); 8] = [
    ("提交申报", "Application"),
    ("县级初审", "County review"),
    ("市级综合评审", "City review"),
    ("公示", "Public notice"),
    ("预拨付", "Prepayment"),
    ("改造实施", "Retrofit"),
    ("评测验收", "Acceptance"),
    ("清算", "Settlement"),
];

/// How many steps a project in `state` has completed (0–8); `None` for a project that stopped
/// (rejected, cancelled: see its history).
pub fn steps_done(state: ProjectState) -> Option<usize> {
    use ProjectState::*;
    Some(match state {
        Draft | Returned => 0,
        Submitted => 1,
        CountyRecommended => 2,
        Approved | InNotice => 3,
        Cleared => 4,
        InProgress => 5,
        AwaitingAcceptance => 6,
        Accepted | Failed => 7,
        Settled | Closed => 8,
        Rejected | Cancelled => return None,
    })
}

/// Steps done for a project that stopped: those done in the state it stopped from.
fn steps_done_from_history(history: &[HistoryView]) -> usize {
    history.iter().rev().find_map(|h| h.from.and_then(steps_done)).unwrap_or(0)
}

/// What the enterprise (or the office holding the file) does next, in one sentence.
pub fn next_step(state: ProjectState, lang: Lang) -> &'static str {
    use ProjectState::*;
    match state {
        Draft => pick(lang, "请核对申报信息后点击“提交申报”。", "Check the application, then submit it."),
        Returned => pick(
            lang,
            "申报已被退回:请按审核意见修改后重新提交。",
            "The application was returned: amend it as the comment says and submit again.",
        ),
        Submitted => pick(lang, "等待县级工信部门初审。", "Waiting for the county bureau's first-instance review."),
        CountyRecommended => pick(lang, "等待市工信局综合评审。", "Waiting for the city bureau's review."),
        Approved => pick(lang, "综合评审已通过,等待市工信局发布公示。", "Approved; the city will publish the notice."),
        InNotice => pick(
            lang,
            "公示期内,公示结束且无异议后预拨补助资金。",
            "In public notice; prepayment follows if no objection is upheld.",
        ),
        Cleared => pick(
            lang,
            "公示无异议,等待市工信局审批、市财政局拨付预拨资金。",
            "Notice cleared; the prepayment is being approved and paid.",
        ),
        InProgress => pick(
            lang,
            "改造实施中:请登记支出与发票,改造完成后点击“申请验收”。",
            "Retrofit under way: record expenses and invoices, then ask for acceptance.",
        ),
        AwaitingAcceptance => pick(lang, "等待第三方机构评测验收。", "Waiting for the evaluator's acceptance."),
        Accepted => {
            pick(lang, "验收通过,等待清算拨付余额(或追回多拨资金)。", "Accepted; the settlement is being paid.")
        }
        Failed => {
            pick(lang, "验收未通过,需退回已拨付的补助资金。", "Acceptance failed; the subsidy paid is to be returned.")
        }
        Settled => pick(lang, "项目已清算完毕。", "The project is settled."),
        Closed => pick(lang, "已追回资金,项目结案。", "The money was recovered; the project is closed."),
        Rejected => pick(lang, "申报未通过。", "The application was rejected."),
        Cancelled => pick(lang, "项目已取消。", "The project was cancelled."),
    }
}

#[component]
pub fn Timeline(project: ProjectView) -> impl IntoView {
    let lang = lang();
    let stopped = steps_done(project.status).is_none();
    let done = steps_done(project.status).unwrap_or_else(|| steps_done_from_history(&project.history));
    let failed_path = matches!(project.status, ProjectState::Failed | ProjectState::Closed);
    // The moment each step was completed: the first transition into a state past it.
    let when: Vec<Option<chrono::NaiveDateTime>> = (0..STEPS.len())
        .map(|i| project.history.iter().find(|h| steps_done(h.to).is_some_and(|d| d > i)).map(|h| h.at))
        .collect();
    view! {
        <ol class="timeline" id="timeline">
            {STEPS
                .iter()
                .enumerate()
                .map(|(i, (zh, en))| {
                    let (zh, en) = if i == 7 && failed_path { ("追回", "Recovery") } else { (*zh, *en) };
                    let class = if i < done {
                        "done"
                    } else if i == done && stopped {
                        "stopped"
                    } else if i == done {
                        "current"
                    } else {
                        "todo"
                    };
                    let at = when[i];
                    view! {
                        <li class=class>
                            <span class="dot"></span>
                            <span class="step">{move || pick(lang.get(), zh, en)}</span>
                            {at.map(|t| view! { <span class="when muted">{move || datetime(t, lang.get())}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <p class="next" id="next-step">{move || next_step(project.status, lang.get())}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_place() {
        for s in [
            ProjectState::Draft,
            ProjectState::Submitted,
            ProjectState::CountyRecommended,
            ProjectState::Approved,
            ProjectState::InNotice,
            ProjectState::Cleared,
            ProjectState::InProgress,
            ProjectState::AwaitingAcceptance,
            ProjectState::Accepted,
            ProjectState::Failed,
            ProjectState::Settled,
            ProjectState::Closed,
        ] {
            assert!(steps_done(s).is_some_and(|d| d <= STEPS.len()), "{s:?}");
            assert!(!next_step(s, Lang::Zh).is_empty());
        }
        assert_eq!(steps_done(ProjectState::Rejected), None);
        assert_eq!(steps_done(ProjectState::Settled), Some(8));
    }
}
