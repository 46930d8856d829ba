//! The retrofit project lifecycle of SPEC §5 as a pure transition function:
//! (state, action, actor) → next state, or a typed refusal. A role that may never take an action
//! is a different error (403) from a state in which the action is not allowed (409).

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! snake_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            /// The name the policy texts use.
            pub fn name_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)* }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

snake_enum! {
    /// The seven roles of SPEC §1.
    Role {
        Enterprise = "enterprise", "试点企业";
        Provider = "provider", "数字化转型服务商";
        County = "county", "县级工信部门";
        City = "city", "市工信局";
        Finance = "finance", "市财政局";
        Evaluator = "evaluator", "第三方评测机构";
        Admin = "admin", "平台管理员";
    }
}

snake_enum! {
    /// A retrofit project's state (SPEC §5).
    ProjectState {
        Draft = "draft", "草稿";
        Submitted = "submitted", "已申报(待初审)";
        Returned = "returned", "已退回(待修改)";
        CountyRecommended = "county_recommended", "初审推荐(待综合评审)";
        Approved = "approved", "综合评审通过(待公示)";
        InNotice = "in_notice", "公示中";
        Rejected = "rejected", "未通过";
        Cleared = "cleared", "公示无异议(待预拨付)";
        InProgress = "in_progress", "改造实施中";
        AwaitingAcceptance = "awaiting_acceptance", "待评测验收";
        Accepted = "accepted", "验收通过(待清算)";
        Failed = "failed", "验收未通过(追回中)";
        Settled = "settled", "已清算";
        Closed = "closed", "已追回结案";
        Cancelled = "cancelled", "已取消";
    }
}

snake_enum! {
    /// What can happen to a project.
    Action {
        Edit = "edit", "修改申报";
        Submit = "submit", "提交申报";
        CountyRecommend = "county_recommend", "初审推荐";
        CountyReturn = "county_return", "初审退回";
        CountyReject = "county_reject", "初审不予推荐";
        CityApprove = "city_approve", "综合评审通过";
        CityReturn = "city_return", "综合评审退回";
        CityReject = "city_reject", "综合评审不通过";
        PublishNotice = "publish_notice", "发布公示";
        ClearNotice = "clear_notice", "公示无异议";
        UpholdObjection = "uphold_objection", "异议成立";
        PrepaymentPaid = "prepayment_paid", "预拨付到账";
        Complete = "complete", "申请验收";
        EvaluatePass = "evaluate_pass", "评测验收通过";
        EvaluateFail = "evaluate_fail", "评测验收未通过";
        SettlementDone = "settlement_done", "清算完成";
        RecoveryReceived = "recovery_received", "追回到账";
        Cancel = "cancel", "取消项目";
    }
}

/// Who takes an action: a signed-in user of a role, or the platform itself carrying out what a
/// rule makes due (a prepayment of 0.00 moves `cleared` on; a settlement of 0.00 settles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    User(Role),
    Platform,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(r) => write!(f, "{r}"),
            Actor::Platform => f.write_str("platform"),
        }
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The actor may never take this action (→ 403).
    #[error("当前角色({actor})无权执行“{}”", action.name_zh())]
    RoleNotAllowed { actor: Actor, action: Action },
    /// The action is not allowed from the current state (→ 409).
    #[error("项目当前状态为“{}”,不能执行“{}”", from.name_zh(), action.name_zh())]
    NotAllowed { from: ProjectState, action: Action },
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::RoleNotAllowed { .. } => "role_not_allowed",
            TransitionError::NotAllowed { .. } => "invalid_state",
        }
    }
}

impl Action {
    /// Who may take the action at all.
    pub fn permitted(self, actor: Actor) -> bool {
        use Action::*;
        match actor {
            Actor::Platform => matches!(self, PrepaymentPaid | SettlementDone | RecoveryReceived),
            Actor::User(role) => match self {
                Edit | Submit | Complete => role == Role::Enterprise,
                CountyRecommend | CountyReturn | CountyReject => role == Role::County,
                CityApprove | CityReturn | CityReject | PublishNotice | ClearNotice | UpholdObjection | Cancel => {
                    role == Role::City
                }
                EvaluatePass | EvaluateFail => role == Role::Evaluator,
                PrepaymentPaid | SettlementDone | RecoveryReceived => role == Role::Finance,
            },
        }
    }
}

impl ProjectState {
    /// No action leads out of a terminal state.
    pub fn is_terminal(self) -> bool {
        matches!(self, ProjectState::Rejected | ProjectState::Settled | ProjectState::Closed | ProjectState::Cancelled)
    }

    /// The enterprise may edit the application (draft, or returned for changes).
    pub fn is_editable(self) -> bool {
        matches!(self, ProjectState::Draft | ProjectState::Returned)
    }

    /// Counts toward "one project per enterprise per batch that is not rejected" (SPEC §5).
    pub fn blocks_new_application(self) -> bool {
        self != ProjectState::Rejected
    }
}

/// The state an action leads to from `from`, ignoring who takes it.
fn next_state(from: ProjectState, action: Action) -> Option<ProjectState> {
    use Action::*;
    use ProjectState as S;
    Some(match (from, action) {
        (S::Draft | S::Returned, Edit) => from,
        (S::Draft | S::Returned, Submit) => S::Submitted,
        (S::Submitted, CountyRecommend) => S::CountyRecommended,
        (S::Submitted, CountyReturn) => S::Returned,
        (S::Submitted, CountyReject) => S::Rejected,
        (S::CountyRecommended, CityApprove) => S::Approved,
        (S::CountyRecommended, CityReturn) => S::Returned,
        (S::CountyRecommended, CityReject) => S::Rejected,
        (S::Approved, PublishNotice) => S::InNotice,
        (S::InNotice, ClearNotice) => S::Cleared,
        (S::InNotice, UpholdObjection) => S::Rejected,
        (S::Cleared, PrepaymentPaid) => S::InProgress,
        (S::InProgress, Complete) => S::AwaitingAcceptance,
        (S::AwaitingAcceptance, EvaluatePass) => S::Accepted,
        (S::AwaitingAcceptance, EvaluateFail) => S::Failed,
        (S::Accepted, SettlementDone) => S::Settled,
        (S::Failed, RecoveryReceived) => S::Closed,
        // "any state before settled": every state that is not terminal.
        (s, Cancel) if !s.is_terminal() => S::Cancelled,
        _ => return None,
    })
}

/// The transition function of SPEC §5. The role is checked first: an actor that may never take
/// the action gets `RoleNotAllowed` whatever the state.
pub fn transition(from: ProjectState, action: Action, actor: Actor) -> Result<ProjectState, TransitionError> {
    if !action.permitted(actor) {
        return Err(TransitionError::RoleNotAllowed { actor, action });
    }
    next_state(from, action).ok_or(TransitionError::NotAllowed { from, action })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use ProjectState as S;

    /// The whole table of SPEC §5: (from, action) → to. Everything absent is refused.
    const ALLOWED: &[(S, A, S)] = &[
        (S::Draft, A::Edit, S::Draft),
        (S::Returned, A::Edit, S::Returned),
        (S::Draft, A::Submit, S::Submitted),
        (S::Returned, A::Submit, S::Submitted),
        (S::Submitted, A::CountyRecommend, S::CountyRecommended),
        (S::Submitted, A::CountyReturn, S::Returned),
        (S::Submitted, A::CountyReject, S::Rejected),
        (S::CountyRecommended, A::CityApprove, S::Approved),
        (S::CountyRecommended, A::CityReturn, S::Returned),
        (S::CountyRecommended, A::CityReject, S::Rejected),
        (S::Approved, A::PublishNotice, S::InNotice),
        (S::InNotice, A::ClearNotice, S::Cleared),
        (S::InNotice, A::UpholdObjection, S::Rejected),
        (S::Cleared, A::PrepaymentPaid, S::InProgress),
        (S::InProgress, A::Complete, S::AwaitingAcceptance),
        (S::AwaitingAcceptance, A::EvaluatePass, S::Accepted),
        (S::AwaitingAcceptance, A::EvaluateFail, S::Failed),
        (S::Accepted, A::SettlementDone, S::Settled),
        (S::Failed, A::RecoveryReceived, S::Closed),
        (S::Draft, A::Cancel, S::Cancelled),
        (S::Returned, A::Cancel, S::Cancelled),
        (S::Submitted, A::Cancel, S::Cancelled),
        (S::CountyRecommended, A::Cancel, S::Cancelled),
        (S::Approved, A::Cancel, S::Cancelled),
        (S::InNotice, A::Cancel, S::Cancelled),
        (S::Cleared, A::Cancel, S::Cancelled),
        (S::InProgress, A::Cancel, S::Cancelled),
        (S::AwaitingAcceptance, A::Cancel, S::Cancelled),
        (S::Accepted, A::Cancel, S::Cancelled),
        (S::Failed, A::Cancel, S::Cancelled),
    ];

    /// Who may take each action (SPEC §1, §5, §7).
    fn expected_actors(action: A) -> Vec<Actor> {
        let user = Actor::User;
        match action {
            A::Edit | A::Submit | A::Complete => vec![user(Role::Enterprise)],
            A::CountyRecommend | A::CountyReturn | A::CountyReject => vec![user(Role::County)],
            A::CityApprove
            | A::CityReturn
            | A::CityReject
            | A::PublishNotice
            | A::ClearNotice
            | A::UpholdObjection
            | A::Cancel => {
                vec![user(Role::City)]
            }
            A::EvaluatePass | A::EvaluateFail => vec![user(Role::Evaluator)],
            A::PrepaymentPaid | A::SettlementDone | A::RecoveryReceived => vec![user(Role::Finance), Actor::Platform],
        }
    }

    fn all_actors() -> Vec<Actor> {
        Role::ALL.iter().map(|r| Actor::User(*r)).chain([Actor::Platform]).collect()
    }

    #[test]
    fn every_state_action_actor_combination() {
        let mut checked = 0;
        for &from in S::ALL {
            for &action in A::ALL {
                let to = ALLOWED.iter().find(|(f, a, _)| *f == from && *a == action).map(|(_, _, t)| *t);
                for actor in all_actors() {
                    let got = transition(from, action, actor);
                    let expected = if !expected_actors(action).contains(&actor) {
                        Err(TransitionError::RoleNotAllowed { actor, action })
                    } else {
                        to.ok_or(TransitionError::NotAllowed { from, action })
                    };
                    assert_eq!(got, expected, "{from} × {action} × {actor}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 15 * 18 * 8);
    }

    #[test]
    fn terminal_states_allow_nothing() {
        for &from in S::ALL.iter().filter(|s| s.is_terminal()) {
            for &action in A::ALL {
                for actor in all_actors() {
                    assert!(transition(from, action, actor).is_err(), "{from} {action} {actor}");
                }
            }
        }
    }

    #[test]
    fn every_non_terminal_state_is_reachable_from_draft() {
        let mut seen = vec![S::Draft];
        let mut i = 0;
        while i < seen.len() {
            for (f, _, t) in ALLOWED {
                if *f == seen[i] && !seen.contains(t) {
                    seen.push(*t);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), S::ALL.len());
    }

    #[test]
    fn wire_codes_round_trip() {
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(*s));
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{}\"", s.code()));
        }
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(*r));
        }
    }
}
