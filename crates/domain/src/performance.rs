//! Provider performance evaluation (服务商绩效评估, 实施方案 附件2 item 18): a yearly score of
//! each provider on five dimensions — 工作成果, 企业反馈, 过程记录, 报告质量, 抽样评估 — weighted
//! by the city profile into a composite, ranked among the year's evaluations.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Ratio;

/// The weights of the five dimensions (the profile guarantees they add up to 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Weights {
    /// 工作成果
    pub results: Ratio,
    /// 企业反馈
    pub feedback: Ratio,
    /// 过程记录
    pub process: Ratio,
    /// 报告质量
    pub report_quality: Ratio,
    /// 抽样评估
    pub sampling: Ratio,
}

impl Weights {
    pub fn sum(&self) -> Decimal {
        self.pairs().iter().map(|(_, w)| w.as_decimal()).sum()
    }

    fn pairs(&self) -> [(&'static str, Ratio); 5] {
        [
            ("results", self.results),
            ("feedback", self.feedback),
            ("process", self.process),
            ("report_quality", self.report_quality),
            ("sampling", self.sampling),
        ]
    }
}

/// One provider's scores, 0–100 each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    pub results: Decimal,
    pub feedback: Decimal,
    pub process: Decimal,
    pub report_quality: Decimal,
    pub sampling: Decimal,
}

impl Scores {
    /// `(field name, score)` in the order of the work plan.
    pub fn named(&self) -> [(&'static str, Decimal); 5] {
        [
            ("results", self.results),
            ("feedback", self.feedback),
            ("process", self.process),
            ("report_quality", self.report_quality),
            ("sampling", self.sampling),
        ]
    }

    /// The first score outside 0–100 or with more than two decimals, by field name.
    pub fn invalid_field(&self) -> Option<&'static str> {
        self.named()
            .into_iter()
            .find(|(_, s)| *s < Decimal::ZERO || *s > Decimal::ONE_HUNDRED || s.normalize().scale() > 2)
            .map(|(name, _)| name)
    }
}

/// The composite: Σ weight × score, exact (no rounding), shown with at least two decimals.
pub fn composite(weights: &Weights, scores: &Scores) -> Decimal {
    let w = weights.pairs();
    let s = scores.named();
    let mut sum: Decimal = w.iter().zip(s.iter()).map(|((_, w), (_, s))| w.as_decimal() * *s).sum();
    sum = sum.normalize();
    if sum.scale() < 2 {
        sum.rescale(2);
    }
    sum
}

/// Competition ranking ("1224"): the rank of each composite among `all`, highest first; equal
/// composites share a rank and the next rank skips.
pub fn rank(composite: Decimal, all: &[Decimal]) -> u32 {
    let higher = all.iter().filter(|c| **c > composite).count();
    u32::try_from(higher).unwrap_or(u32::MAX - 1) + 1
}

/// Below the profile's threshold: the city may suspend the provider.
pub fn below_threshold(composite: Decimal, threshold: Decimal) -> bool {
    composite < threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn weights(w: [&str; 5]) -> Weights {
        let r = |s: &str| Ratio::new(d(s)).unwrap();
        Weights { results: r(w[0]), feedback: r(w[1]), process: r(w[2]), report_quality: r(w[3]), sampling: r(w[4]) }
    }

    fn scores(s: [&str; 5]) -> Scores {
        Scores { results: d(s[0]), feedback: d(s[1]), process: d(s[2]), report_quality: d(s[3]), sampling: d(s[4]) }
    }

    #[test]
    fn item18_composite_is_the_exact_weighted_sum() {
        let w = weights(["0.30", "0.25", "0.15", "0.15", "0.15"]);
        assert_eq!(w.sum(), Decimal::ONE);
        let c = composite(&w, &scores(["90", "80", "70", "60", "50.5"]));
        // 27 + 20 + 10.5 + 9 + 7.575
        assert_eq!(c.to_string(), "74.075");
        assert_eq!(composite(&w, &scores(["80", "80", "80", "80", "80"])).to_string(), "80.00");
        let equal = weights(["0.2", "0.2", "0.2", "0.2", "0.2"]);
        assert_eq!(composite(&equal, &scores(["100", "0", "0", "0", "0.01"])).to_string(), "20.002");
    }

    #[test]
    fn item18_ties_share_a_rank() {
        let all = [d("90"), d("85.5"), d("85.50"), d("70")];
        assert_eq!(rank(d("90"), &all), 1);
        assert_eq!(rank(d("85.5"), &all), 2);
        assert_eq!(rank(d("85.50"), &all), 2);
        assert_eq!(rank(d("70"), &all), 4);
        assert!(below_threshold(d("59.99"), d("60")));
        assert!(!below_threshold(d("60.00"), d("60")));
    }

    #[test]
    fn item18_scores_outside_the_range_name_the_field() {
        assert_eq!(scores(["90", "80", "70", "60", "50"]).invalid_field(), None);
        assert_eq!(scores(["90", "100.01", "70", "60", "50"]).invalid_field(), Some("feedback"));
        assert_eq!(scores(["90", "80", "70", "-1", "50"]).invalid_field(), Some("report_quality"));
        assert_eq!(scores(["90", "80", "70", "60", "50.001"]).invalid_field(), Some("sampling"));
    }
}
