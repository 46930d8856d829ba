//! A project's next deadline from its batch's planning dates (SPEC §5: batch dates are planning
//! data — they drive overdue marks and reports; no action is ever refused because of them).
//!
//! Pure: the caller gives the state, the batch's dates and "today" (SPEC §5: the date in China
//! Standard Time); nothing here reads a clock.

use chrono::NaiveDate;

use crate::state::ProjectState;

/// The dates of a batch that a project's deadline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchDates {
    /// 改造完成期限: the retrofit is to be finished (and completion declared) by this day.
    pub retrofit_due: NaiveDate,
    /// 验收截止: the evaluation and acceptance are to be done by this day.
    pub acceptance_end: NaiveDate,
}

/// Which of the batch's dates is the project's next deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// Until the enterprise declares completion: the batch's `retrofit_due`.
    Retrofit,
    /// Awaiting the evaluator: the batch's `acceptance_end`.
    Acceptance,
}

impl DeadlineKind {
    /// Which deadline a project in `state` works towards; `None` once the acceptance is done or the
    /// project has ended (rejected, cancelled, settled, closed — or accepted/failed, whose money
    /// is settled by instructions, not by a batch date).
    pub fn of(state: ProjectState) -> Option<DeadlineKind> {
        use ProjectState as S;
        // Exhaustive on purpose: a new state must say which deadline it has.
        match state {
            S::Draft
            | S::Returned
            | S::Submitted
            | S::CountyRecommended
            | S::Approved
            | S::InNotice
            | S::Cleared
            | S::InProgress => Some(DeadlineKind::Retrofit),
            S::AwaitingAcceptance => Some(DeadlineKind::Acceptance),
            S::Accepted | S::Failed | S::Settled | S::Closed | S::Rejected | S::Cancelled => None,
        }
    }
}

impl DeadlineKind {
    /// The states whose next deadline is of this kind (for a query that finds overdue projects).
    pub fn states(self) -> Vec<ProjectState> {
        ProjectState::ALL.iter().copied().filter(|s| DeadlineKind::of(*s) == Some(self)).collect()
    }
}

/// The next deadline of a project in `state` of a batch with `dates`.
pub fn next_deadline(state: ProjectState, dates: BatchDates) -> Option<NaiveDate> {
    DeadlineKind::of(state).map(|kind| match kind {
        DeadlineKind::Retrofit => dates.retrofit_due,
        DeadlineKind::Acceptance => dates.acceptance_end,
    })
}

/// Overdue: today (CST) is after the deadline. The deadline day itself is not overdue; no deadline
/// is never overdue.
pub fn is_overdue(deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    deadline.is_some_and(|d| today > d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProjectState as S;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    const DATES: BatchDates = BatchDates {
        retrofit_due: match NaiveDate::from_ymd_opt(2026, 5, 31) {
            Some(d) => d,
            None => panic!("date"),
        },
        acceptance_end: match NaiveDate::from_ymd_opt(2026, 7, 31) {
            Some(d) => d,
            None => panic!("date"),
        },
    };

    /// Every state of SPEC §5 and the deadline it has.
    #[test]
    fn every_state_has_its_deadline() {
        let expected = |s: S| match s {
            S::Draft => Some(DATES.retrofit_due),
            S::Returned => Some(DATES.retrofit_due),
            S::Submitted => Some(DATES.retrofit_due),
            S::CountyRecommended => Some(DATES.retrofit_due),
            S::Approved => Some(DATES.retrofit_due),
            S::InNotice => Some(DATES.retrofit_due),
            S::Cleared => Some(DATES.retrofit_due),
            S::InProgress => Some(DATES.retrofit_due),
            S::AwaitingAcceptance => Some(DATES.acceptance_end),
            S::Accepted => None,
            S::Failed => None,
            S::Settled => None,
            S::Closed => None,
            S::Rejected => None,
            S::Cancelled => None,
        };
        for &s in S::ALL {
            assert_eq!(next_deadline(s, DATES), expected(s), "{s}");
        }
        assert_eq!(S::ALL.len(), 15, "a new state needs a row above");
    }

    #[test]
    fn terminal_states_have_no_deadline() {
        for &s in S::ALL.iter().filter(|s| s.is_terminal()) {
            assert_eq!(next_deadline(s, DATES), None, "{s}");
        }
    }

    #[test]
    fn states_partition_the_states_with_a_deadline() {
        let retrofit = DeadlineKind::Retrofit.states();
        let acceptance = DeadlineKind::Acceptance.states();
        assert_eq!(acceptance, vec![S::AwaitingAcceptance]);
        assert!(retrofit.contains(&S::Draft) && retrofit.contains(&S::InProgress));
        for &s in S::ALL {
            assert_eq!(retrofit.contains(&s) || acceptance.contains(&s), DeadlineKind::of(s).is_some(), "{s}");
        }
    }

    #[test]
    fn overdue_only_after_the_deadline_day() {
        let due = Some(date(2026, 5, 31));
        assert!(!is_overdue(due, date(2026, 5, 30)));
        assert!(!is_overdue(due, date(2026, 5, 31)), "the deadline day itself is still in time");
        assert!(is_overdue(due, date(2026, 6, 1)));
        assert!(!is_overdue(None, date(2099, 1, 1)), "no deadline, never overdue");
    }

    #[test]
    fn overdue_over_every_state() {
        let after_both = date(2026, 8, 1);
        let between = date(2026, 6, 15);
        for &s in S::ALL {
            let d = next_deadline(s, DATES);
            assert_eq!(is_overdue(d, after_both), d.is_some(), "{s}");
            assert_eq!(is_overdue(d, between), DeadlineKind::of(s) == Some(DeadlineKind::Retrofit), "{s}");
        }
    }
}
