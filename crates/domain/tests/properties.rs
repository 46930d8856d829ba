//! Properties of the money rules for arbitrary amounts and levels (proptest).

use dtpilot_domain::money::{Money, Ratio};
use dtpilot_domain::rules::{self, CancelReason, OtherProject};
use dtpilot_domain::state::ProjectState;
use dtpilot_domain::{DigitalLevel, PolicyProfile};
use proptest::prelude::*;

fn profile() -> PolicyProfile {
    PolicyProfile::changzhi_2025()
}

/// Any wire-valid amount: 0.00 ..= 999,999,999,999.99.
fn amount() -> impl Strategy<Value = Money> {
    prop_oneof![0i64..=100_000_000i64, 0i64..=99_999_999_999_999i64].prop_map(Money::from_fen)
}

fn level() -> impl Strategy<Value = DigitalLevel> {
    (1u8..=4).prop_map(|n| DigitalLevel::new(n).unwrap())
}

fn target() -> impl Strategy<Value = DigitalLevel> {
    (2u8..=4).prop_map(|n| DigitalLevel::new(n).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// R2, R3: the plan never exceeds its cap; the prepayment never exceeds the plan.
    #[test]
    fn r2_r3_plan_within_cap_and_prepayment_within_plan(inv in amount(), t in target()) {
        let p = profile();
        let planned = rules::planned_subsidy(&p, inv, t).unwrap();
        prop_assert!(planned <= p.cap(t));
        prop_assert!(planned <= inv);
        prop_assert!(!planned.is_negative());
        let pre = rules::prepayment(&p, planned);
        prop_assert!(pre <= planned);
        prop_assert!(!pre.is_negative());
    }

    /// R4, R6: the final subsidy is within the cap of the level reached and within the plan.
    #[test]
    fn r4_final_within_cap_and_plan(plan_inv in amount(), t in target(), actual in amount(), l in level()) {
        let p = profile();
        let planned = rules::planned_subsidy(&p, plan_inv, t).unwrap();
        let fin = rules::final_subsidy(&p, actual, l, Some(planned));
        prop_assert!(fin <= p.cap(l));
        prop_assert!(fin <= planned);
        prop_assert!(!fin.is_negative());
        if l.get() < 2 { prop_assert_eq!(fin, Money::ZERO); }
    }

    /// R5, R6: after the prepayment and the settlement, paid − recovered equals the final subsidy.
    #[test]
    fn r5_after_settlement_paid_minus_recovered_is_final(plan_inv in amount(), t in target(), actual in amount(), l in level()) {
        let p = profile();
        let planned = rules::planned_subsidy(&p, plan_inv, t).unwrap();
        let pre = rules::prepayment(&p, planned);
        let fin = rules::final_subsidy(&p, actual, l, Some(planned));
        let s = rules::settlement(fin, pre);
        prop_assert!(s.balance_due.is_zero() || s.recovery_due.is_zero());
        let paid = pre + s.balance_due;
        let recovered = s.recovery_due;
        prop_assert_eq!(paid - recovered, fin);
    }

    /// R7: a cancellation brings back exactly what was paid.
    #[test]
    fn r7_cancellation_recovers_net_paid(paid in amount(), fraud in any::<bool>()) {
        let reason = if fraud { CancelReason::Fraud } else { CancelReason::Cancelled };
        let c = rules::cancellation(reason, paid);
        prop_assert_eq!(paid - c.recovery_due, Money::ZERO);
        prop_assert_eq!(c.disqualify, fraud);
    }

    /// R8, R14, §3: the fund parts add up to the whole and none is negative, for any central share.
    #[test]
    fn r14_fund_parts_add_up(a in amount(), excluded in any::<bool>(), share_pct in 0u32..=100, city in 0u32..=5, county in 1u32..=5) {
        let mut p = profile();
        p.central_share.value = Ratio::of(share_pct, 100).unwrap();
        p.local_matching.value = (city, county);
        let s = rules::fund_split(&p, a, excluded);
        prop_assert_eq!(s.total(), a);
        prop_assert!(!s.central.is_negative() && !s.city.is_negative() && !s.county.is_negative());
        if excluded { prop_assert_eq!(s.central, Money::ZERO); }
    }

    /// §3: every percentage rounds down — never more than the exact product, less by under a fen.
    #[test]
    fn percentages_round_down_by_less_than_a_fen(a in amount(), pct in 0u32..=100) {
        let r = Ratio::of(pct, 100).unwrap();
        let got = a.mul_floor(r);
        let exact = a.as_decimal() * r.as_decimal();
        prop_assert!(got.as_decimal() <= exact);
        prop_assert!(exact - got.as_decimal() < Money::from_fen(1).as_decimal());
    }

    /// §3: the wire format round-trips every amount.
    #[test]
    fn wire_format_round_trips(a in amount()) {
        prop_assert_eq!(Money::parse_wire(&a.to_string()), Ok(a));
        prop_assert_eq!(Money::from_fen(a.to_fen()), a);
    }

    /// R10, R11: the other subsidies stay within their caps.
    #[test]
    fn r10_r11_within_caps(fee in amount(), granted in amount()) {
        let p = profile();
        let d = rules::diagnosis_subsidy(&p, fee, true).unwrap();
        prop_assert!(d <= p.diagnosis_cap.value && d <= fee);
        if let Ok(c) = rules::cloud_subsidy(&p, fee, granted) {
            prop_assert!(c + granted <= p.cloud_cap.value || granted > p.cloud_cap.value);
            prop_assert!(c.is_positive() || fee.is_zero());
        }
    }

    /// R1*: whatever an enterprise's projects do — created one after another, their plans
    /// recomputed at submission and approval, evaluated at any level, cancelled — the sum of their
    /// final subsidies never exceeds the cap of the highest level any of them reached.
    #[test]
    fn r1_star_finals_of_one_enterprise_within_the_cap_of_its_highest_level(
        ops in proptest::collection::vec((0u8..4, 0usize..6, 0i64..=120_000_000i64, 1u8..=4), 1..24)
    ) {
        let p = profile();
        let mut projects: Vec<OtherProject> = Vec::new();
        let mut levels: Vec<Option<DigitalLevel>> = Vec::new();
        let mut targets: Vec<DigitalLevel> = Vec::new();
        let held_by_others = |projects: &[OtherProject], me: Option<usize>| {
            rules::enterprise_held(projects.iter().enumerate().filter(|(i, _)| Some(*i) != me).map(|(_, o)| *o))
        };
        let undecided = |o: &OtherProject| rules::holds_cap(o.status) && o.final_subsidy.is_none();
        for (op, idx, fen, n) in ops {
            let amount = Money::from_fen(fen);
            let level = DigitalLevel::new(n).unwrap();
            match op {
                // A new application (target level 2–4).
                0 => {
                    let target = DigitalLevel::new(n.max(2)).unwrap();
                    let held = held_by_others(&projects, None);
                    match rules::enterprise_planned_subsidy(&p, amount, target, held) {
                        Ok(f) => {
                            prop_assert!(f.amount + held <= p.cap(target));
                            projects.push(OtherProject { status: ProjectState::Draft, planned_subsidy: f.amount, final_subsidy: None });
                            levels.push(None);
                            targets.push(target);
                        }
                        Err(e) => prop_assert_eq!(e.code(), "enterprise_cap_reached"),
                    }
                }
                // Submission or approval: the plan is recomputed against what the others hold now.
                1 if idx < projects.len() && undecided(&projects[idx]) => {
                    let held = held_by_others(&projects, Some(idx));
                    if let Ok(f) = rules::enterprise_planned_subsidy(&p, amount, targets[idx], held) {
                        projects[idx].planned_subsidy = f.amount;
                        projects[idx].status = ProjectState::Approved;
                    }
                }
                // Evaluation at any level.
                2 if idx < projects.len() && undecided(&projects[idx]) => {
                    let held = held_by_others(&projects, Some(idx));
                    let f = rules::enterprise_final_subsidy(&p, amount, level, Some(projects[idx].planned_subsidy), held);
                    let passed = rules::acceptance_passed(&p, level);
                    projects[idx].final_subsidy = Some(f.amount);
                    projects[idx].status = if passed { ProjectState::Accepted } else { ProjectState::Failed };
                    if passed {
                        levels[idx] = Some(level);
                    }
                }
                // Cancellation (everything paid comes back: it holds nothing and is owed nothing).
                3 if idx < projects.len() && rules::holds_cap(projects[idx].status) => {
                    projects[idx].status = ProjectState::Cancelled;
                    levels[idx] = None;
                }
                _ => {}
            }
            let accepted: Vec<(Money, DigitalLevel)> = projects
                .iter()
                .zip(&levels)
                .filter(|(o, _)| o.status == ProjectState::Accepted)
                .filter_map(|(o, l)| Some((o.final_subsidy?, (*l)?)))
                .collect();
            if let Some(highest) = accepted.iter().map(|(_, l)| *l).max() {
                let sum: Money = accepted.iter().map(|(m, _)| *m).sum();
                prop_assert!(sum <= p.cap(highest), "finals {sum} above cap({highest:?}) = {}", p.cap(highest));
            }
        }
    }
}
