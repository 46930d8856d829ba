//! 周调度 / 月通报 and batch progress (实施方案 五 保障措施 "周调度、月通报"; SPEC §5: batch dates are
//! planning data — they drive overdue marks and reports). Pure: the reporting period of a day,
//! the stage a project's state is reported under, which states a batch's dates make overdue on a
//! day, and the period-over-period change. Nothing here reads a clock: "today" (China Standard
//! Time) is given.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Money;
use crate::deadline::{BatchDates, is_overdue, next_deadline};
use crate::state::ProjectState;

/// Weekly (周调度: Monday to Sunday) or monthly (月通报: a calendar month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReportKind {
    Weekly,
    Monthly,
}

impl ReportKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            ReportKind::Weekly => "周调度",
            ReportKind::Monthly => "月通报",
        }
    }
}

/// A reporting period: both days inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The period of `kind` that contains `day`: its week (Monday to Sunday) or its month.
    pub fn containing(kind: ReportKind, day: NaiveDate) -> Period {
        match kind {
            ReportKind::Weekly => {
                let start = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                Period { start, end: start + Duration::days(6) }
            }
            ReportKind::Monthly => {
                let start = day.with_day(1).unwrap_or(day);
                let next = if start.month() == 12 {
                    NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
                };
                Period { start, end: next.map_or(start, |n| n - Duration::days(1)) }
            }
        }
    }

    /// The period of the same kind just before this one.
    pub fn previous(self, kind: ReportKind) -> Period {
        Period::containing(kind, self.start - Duration::days(1))
    }

    /// The day after the period (the exclusive end, for half-open comparisons).
    pub fn end_exclusive(self) -> NaiveDate {
        self.end + Duration::days(1)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// `2026年11月23日至2026年11月29日` (a week) or `2026年11月` (a month).
    pub fn label_zh(self, kind: ReportKind) -> String {
        let d = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
        match kind {
            ReportKind::Weekly => format!("{}至{}", d(self.start), d(self.end)),
            ReportKind::Monthly => format!("{}年{}月", self.start.year(), self.start.month()),
        }
    }
}

/// The title row of a report: `长治市中小企业数字化转型城市试点周调度(…)`, naming the scope.
pub fn title_zh(programme: &str, scope: &str, kind: ReportKind, period: Period) -> String {
    format!("{programme}{}{}({})", scope_prefix(scope), kind.name_zh(), period.label_zh(kind))
}

fn scope_prefix(scope: &str) -> String {
    if scope.is_empty() { String::new() } else { format!("·{scope}") }
}

/// The stage a project is reported under — the columns of the report tables and the stage filter
/// of the batch progress. Every state has exactly one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Stage {
    /// A member of the batch without a project (progress only).
    None,
    /// Draft, or returned for changes.
    Drafting,
    /// Submitted, awaiting the county's review.
    Submitted,
    /// Recommended by the county, awaiting the city's review.
    UnderReview,
    /// Approved by the city, or in public notice.
    Approved,
    /// Cleared by the notice, or being carried out.
    InProgress,
    AwaitingAcceptance,
    /// Passed acceptance, settled or not.
    Accepted,
    /// Failed acceptance, recovered or not.
    Failed,
    Rejected,
    Cancelled,
}

impl Stage {
    /// Every stage, in the order of the report's columns.
    pub const ALL: [Stage; 11] = [
        Stage::None,
        Stage::Drafting,
        Stage::Submitted,
        Stage::UnderReview,
        Stage::Approved,
        Stage::InProgress,
        Stage::AwaitingAcceptance,
        Stage::Accepted,
        Stage::Failed,
        Stage::Rejected,
        Stage::Cancelled,
    ];

    pub fn of(state: ProjectState) -> Stage {
        use ProjectState as S;
        // Exhaustive on purpose: a new state must say where it is reported.
        match state {
            S::Draft | S::Returned => Stage::Drafting,
            S::Submitted => Stage::Submitted,
            S::CountyRecommended => Stage::UnderReview,
            S::Approved | S::InNotice => Stage::Approved,
            S::Cleared | S::InProgress => Stage::InProgress,
            S::AwaitingAcceptance => Stage::AwaitingAcceptance,
            S::Accepted | S::Settled => Stage::Accepted,
            S::Failed | S::Closed => Stage::Failed,
            S::Rejected => Stage::Rejected,
            S::Cancelled => Stage::Cancelled,
        }
    }

    /// The states reported under this stage (none for [`Stage::None`]).
    pub fn states(self) -> Vec<ProjectState> {
        ProjectState::ALL.iter().copied().filter(|s| Stage::of(*s) == self).collect()
    }

    pub fn code(self) -> &'static str {
        match self {
            Stage::None => "none",
            Stage::Drafting => "drafting",
            Stage::Submitted => "submitted",
            Stage::UnderReview => "under_review",
            Stage::Approved => "approved",
            Stage::InProgress => "in_progress",
            Stage::AwaitingAcceptance => "awaiting_acceptance",
            Stage::Accepted => "accepted",
            Stage::Failed => "failed",
            Stage::Rejected => "rejected",
            Stage::Cancelled => "cancelled",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Stage::None => "未申报",
            Stage::Drafting => "申报准备",
            Stage::Submitted => "已申报待初审",
            Stage::UnderReview => "综合评审中",
            Stage::Approved => "已批准/公示中",
            Stage::InProgress => "改造实施中",
            Stage::AwaitingAcceptance => "待评测验收",
            Stage::Accepted => "已验收/已清算",
            Stage::Failed => "验收未通过",
            Stage::Rejected => "未通过",
            Stage::Cancelled => "已取消",
        }
    }

    /// A project of this stage counts as "in the programme" (not rejected or cancelled).
    pub fn is_active(self) -> bool {
        !matches!(self, Stage::None | Stage::Rejected | Stage::Cancelled)
    }
}

/// The states a project of a batch with `dates` is overdue in on `today` (SPEC §5, the rule of
/// [`crate::deadline`]), so a query can count or filter them.
pub fn overdue_states(dates: BatchDates, today: NaiveDate) -> Vec<ProjectState> {
    ProjectState::ALL.iter().copied().filter(|s| is_overdue(next_deadline(*s, dates), today)).collect()
}

/// Which project stands for a batch member: the one that is not rejected (SPEC §5: at most one),
/// else the latest (highest id). `projects` are (id, state) of the enterprise in the batch.
pub fn representative(projects: &[(i64, ProjectState)]) -> Option<(i64, ProjectState)> {
    projects
        .iter()
        .filter(|(_, s)| s.blocks_new_application())
        .max_by_key(|(id, _)| *id)
        .or_else(|| projects.iter().max_by_key(|(id, _)| *id))
        .copied()
}

/// Change from the previous period: the difference and, where the previous figure is not zero,
/// the relative change in percent with one decimal (rounded half away from zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub delta: Decimal,
    pub percent: Option<Decimal>,
}

pub fn change(current: Decimal, previous: Decimal) -> Change {
    let delta = current - previous;
    let percent = (!previous.is_zero()).then(|| {
        let mut p = (delta * Decimal::ONE_HUNDRED / previous.abs())
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        p.rescale(1);
        p
    });
    Change { delta, percent }
}

pub fn count_change(current: i64, previous: i64) -> Change {
    change(Decimal::from(current), Decimal::from(previous))
}

pub fn money_change(current: Money, previous: Money) -> Change {
    change(current.as_decimal(), previous.as_decimal())
}

/// `+12.5%`, `-3.0%`, or `—` when there was nothing the period before.
pub fn percent_label(c: Change) -> String {
    match c.percent {
        Some(p) if p.is_sign_negative() && !p.is_zero() => format!("{p}%"),
        Some(p) => format!("+{p}%"),
        None => "—".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProjectState as S;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    #[test]
    fn weekly_period_is_monday_to_sunday() {
        // 2026-11-29 is a Sunday.
        let p = Period::containing(ReportKind::Weekly, date(2026, 11, 29));
        assert_eq!(p, Period { start: date(2026, 11, 23), end: date(2026, 11, 29) });
        assert_eq!(Period::containing(ReportKind::Weekly, date(2026, 11, 23)), p);
        assert_eq!(p.previous(ReportKind::Weekly), Period { start: date(2026, 11, 16), end: date(2026, 11, 22) });
        assert_eq!(p.label_zh(ReportKind::Weekly), "2026年11月23日至2026年11月29日");
    }

    #[test]
    fn monthly_period_is_the_calendar_month() {
        let p = Period::containing(ReportKind::Monthly, date(2026, 12, 15));
        assert_eq!(p, Period { start: date(2026, 12, 1), end: date(2026, 12, 31) });
        assert_eq!(p.previous(ReportKind::Monthly), Period { start: date(2026, 11, 1), end: date(2026, 11, 30) });
        let feb = Period::containing(ReportKind::Monthly, date(2028, 2, 10));
        assert_eq!(feb.end, date(2028, 2, 29), "a leap year");
        assert_eq!(
            Period::containing(ReportKind::Monthly, date(2027, 1, 5)).previous(ReportKind::Monthly).start,
            date(2026, 12, 1)
        );
        assert_eq!(p.label_zh(ReportKind::Monthly), "2026年12月");
        assert!(p.contains(date(2026, 12, 31)) && !p.contains(date(2027, 1, 1)));
        assert_eq!(p.end_exclusive(), date(2027, 1, 1));
    }

    #[test]
    fn every_state_has_one_stage() {
        for &s in S::ALL {
            let stage = Stage::of(s);
            assert_ne!(stage, Stage::None, "{s}");
            assert!(stage.states().contains(&s), "{s}");
        }
        let all: usize = Stage::ALL.iter().map(|st| st.states().len()).sum();
        assert_eq!(all, S::ALL.len(), "the stages partition the states");
        assert!(Stage::None.states().is_empty());
        assert_eq!(Stage::Approved.states(), vec![S::Approved, S::InNotice]);
        assert_eq!(Stage::Accepted.states(), vec![S::Accepted, S::Settled]);
    }

    /// SPEC §5: overdue is the deadline rule of `deadline`, per batch and day.
    #[test]
    fn spec5_overdue_states_follow_the_deadline_rule() {
        let dates = BatchDates { retrofit_due: date(2026, 5, 31), acceptance_end: date(2026, 7, 31) };
        assert!(overdue_states(dates, date(2026, 5, 31)).is_empty(), "the deadline day is in time");
        let june = overdue_states(dates, date(2026, 6, 1));
        assert!(june.contains(&S::InProgress) && june.contains(&S::Draft));
        assert!(!june.contains(&S::AwaitingAcceptance) && !june.contains(&S::Settled));
        let august = overdue_states(dates, date(2026, 8, 1));
        assert!(august.contains(&S::AwaitingAcceptance));
        for s in august {
            assert!(is_overdue(next_deadline(s, dates), date(2026, 8, 1)));
        }
    }

    #[test]
    fn spec5_representative_project_is_the_one_not_rejected() {
        assert_eq!(representative(&[]), None);
        assert_eq!(representative(&[(3, S::Rejected), (7, S::Rejected)]), Some((7, S::Rejected)));
        assert_eq!(representative(&[(3, S::Draft), (7, S::Rejected)]), Some((3, S::Draft)));
        assert_eq!(representative(&[(9, S::Cancelled), (4, S::Rejected)]), Some((9, S::Cancelled)));
    }

    #[test]
    fn change_against_the_previous_period() {
        let c = count_change(9, 8);
        assert_eq!(c.delta, Decimal::from(1));
        assert_eq!(percent_label(c), "+12.5%");
        assert_eq!(percent_label(count_change(2, 3)), "-33.3%");
        assert_eq!(percent_label(count_change(5, 0)), "—");
        assert_eq!(percent_label(count_change(4, 4)), "+0.0%");
        let m = money_change(Money::parse_wire("150.00").expect("m"), Money::parse_wire("100.00").expect("m"));
        assert_eq!(percent_label(m), "+50.0%");
    }

    #[test]
    fn title_names_scope_kind_and_period() {
        let p = Period::containing(ReportKind::Monthly, date(2026, 11, 3));
        assert_eq!(
            title_zh("长治市中小企业数字化转型城市试点", "潞州区", ReportKind::Monthly, p),
            "长治市中小企业数字化转型城市试点·潞州区月通报(2026年11月)"
        );
        assert_eq!(title_zh("X", "", ReportKind::Monthly, p), "X月通报(2026年11月)");
    }
}
