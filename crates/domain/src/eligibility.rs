//! Preconditions of an application (SPEC §5), checked when a project is created and again at
//! submission, and the conditions of payment (R16).

use serde::Serialize;

use crate::level::DigitalLevel;
use crate::policy::PolicyProfile;

/// The facts about an applicant that decide whether it may apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicantFacts {
    pub in_batch: bool,
    /// R16: the SME test of §2.
    pub is_sme: bool,
    /// R16: listed as 经营异常.
    pub credit_abnormal: bool,
    /// R16: listed as 失信.
    pub dishonest: bool,
    /// R7: disqualified after fraud.
    pub disqualified: bool,
    /// §5: a diagnostic report (一企一档) is on file.
    pub has_diagnosis: bool,
    /// R9: the application declares overlap with another city-level support policy.
    pub overlapping_support_declared: bool,
    pub target_level: DigitalLevel,
}

/// A failed precondition. `code()` is stable and named in the 422 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Precondition {
    #[error("企业不在该批次的试点名单中")]
    NotInBatch,
    #[error("企业不符合《中小企业划型标准规定》的中小企业标准")]
    NotSme,
    #[error("企业被列入经营异常名录")]
    CreditAbnormal,
    #[error("企业被列入失信主体名单")]
    Dishonest,
    #[error("企业因弄虚作假已被取消申报资格")]
    Disqualified,
    #[error("尚无咨询诊断报告(一企一档)")]
    NoDiagnosis,
    #[error("已申报其他市级财政扶企政策的项目不得重复申请(自行选择其一)")]
    OverlappingSupport,
    #[error("目标数字化水平须达到二级及以上")]
    TargetLevel,
}

impl Precondition {
    pub fn code(self) -> &'static str {
        match self {
            Precondition::NotInBatch => "not_in_batch",
            Precondition::NotSme => "not_sme",
            Precondition::CreditAbnormal => "credit_abnormal",
            Precondition::Dishonest => "dishonest",
            Precondition::Disqualified => "disqualified",
            Precondition::NoDiagnosis => "no_diagnosis",
            Precondition::OverlappingSupport => "overlapping_support",
            Precondition::TargetLevel => "target_level_invalid",
        }
    }

    /// The request field the failure concerns, for the 422 `errors` list.
    pub fn field(self) -> &'static str {
        match self {
            Precondition::NotInBatch => "batch_id",
            Precondition::OverlappingSupport => "overlapping_support_declared",
            Precondition::TargetLevel => "target_level",
            Precondition::NoDiagnosis => "diagnosis",
            Precondition::NotSme
            | Precondition::CreditAbnormal
            | Precondition::Dishonest
            | Precondition::Disqualified => "enterprise",
        }
    }
}

/// Every failed precondition of an application, in a fixed order (empty = may apply).
/// Rules: R16 (SME, credit), R7 (disqualification), R9 (overlap), R2 (target level), §5 (batch, diagnosis).
pub fn application_failures(p: &PolicyProfile, f: &ApplicantFacts) -> Vec<Precondition> {
    let checks = [
        (!f.in_batch, Precondition::NotInBatch),
        (!f.is_sme, Precondition::NotSme),
        (f.credit_abnormal, Precondition::CreditAbnormal),
        (f.dishonest, Precondition::Dishonest),
        (f.disqualified, Precondition::Disqualified),
        (!f.has_diagnosis, Precondition::NoDiagnosis),
        (f.overlapping_support_declared, Precondition::OverlappingSupport),
        (f.target_level < p.pass_level.value, Precondition::TargetLevel),
    ];
    checks.into_iter().filter(|(failed, _)| *failed).map(|(_, p)| p).collect()
}

/// R16: an enterprise flagged 经营异常 or 失信 cannot be paid. Recoveries are not payments to it
/// and stay collectable.
pub fn payment_blocked(credit_abnormal: bool, dishonest: bool) -> Option<Precondition> {
    if credit_abnormal {
        Some(Precondition::CreditAbnormal)
    } else if dishonest {
        Some(Precondition::Dishonest)
    } else {
        None
    }
}

/// Why a service provider takes no new work and is paid nothing (第六条(二), SPEC §9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProviderBlock {
    #[error("服务商已被移出资源池")]
    Removed,
    #[error("服务商已被暂停")]
    Suspended,
    #[error("服务商被列入经营异常名录")]
    CreditAbnormal,
    #[error("服务商被列入失信主体名单")]
    Dishonest,
}

impl ProviderBlock {
    /// 422 when the provider would be named, diagnose or be awarded.
    pub fn code(self) -> &'static str {
        "provider_blocked"
    }

    /// 409 when an instruction to it would be approved or executed.
    pub fn payee_code(self) -> &'static str {
        "payee_blocked"
    }
}

/// SPEC §9.1 (第六条(二) 「未被列入经营异常名录或…失信主体名单」, §7b): a provider that is not active
/// (suspended or removed) or is flagged 经营异常 or 失信 cannot be named in a new project, upload a
/// diagnosis, receive an award or be paid. The first reason, in that order.
pub fn provider_blocked(active: bool, removed: bool, credit_abnormal: bool, dishonest: bool) -> Option<ProviderBlock> {
    if removed {
        Some(ProviderBlock::Removed)
    } else if !active {
        Some(ProviderBlock::Suspended)
    } else if credit_abnormal {
        Some(ProviderBlock::CreditAbnormal)
    } else if dishonest {
        Some(ProviderBlock::Dishonest)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r16_provider_blocked_when_suspended_removed_or_flagged() {
        assert_eq!(provider_blocked(true, false, false, false), None);
        assert_eq!(provider_blocked(false, false, false, false), Some(ProviderBlock::Suspended));
        assert_eq!(provider_blocked(false, true, true, true), Some(ProviderBlock::Removed));
        assert_eq!(provider_blocked(true, false, true, false), Some(ProviderBlock::CreditAbnormal));
        assert_eq!(provider_blocked(true, false, false, true), Some(ProviderBlock::Dishonest));
        assert_eq!(ProviderBlock::Dishonest.code(), "provider_blocked");
        assert_eq!(ProviderBlock::Dishonest.payee_code(), "payee_blocked");
    }

    fn ok() -> ApplicantFacts {
        ApplicantFacts {
            in_batch: true,
            is_sme: true,
            credit_abnormal: false,
            dishonest: false,
            disqualified: false,
            has_diagnosis: true,
            overlapping_support_declared: false,
            target_level: DigitalLevel::new(2).unwrap(),
        }
    }

    #[test]
    fn a_clean_applicant_may_apply() {
        assert!(application_failures(&PolicyProfile::changzhi_2025(), &ok()).is_empty());
    }

    #[test]
    fn r16_sme_and_credit_flags_r7_disqualification_r9_overlap_each_refuse() {
        let p = PolicyProfile::changzhi_2025();
        type Spoil = fn(&mut ApplicantFacts);
        let cases: [(Spoil, Precondition); 8] = [
            (|f| f.in_batch = false, Precondition::NotInBatch),
            (|f| f.is_sme = false, Precondition::NotSme),
            (|f| f.credit_abnormal = true, Precondition::CreditAbnormal),
            (|f| f.dishonest = true, Precondition::Dishonest),
            (|f| f.disqualified = true, Precondition::Disqualified),
            (|f| f.has_diagnosis = false, Precondition::NoDiagnosis),
            (|f| f.overlapping_support_declared = true, Precondition::OverlappingSupport),
            (|f| f.target_level = DigitalLevel::new(1).unwrap(), Precondition::TargetLevel),
        ];
        for (spoil, expected) in cases {
            let mut f = ok();
            spoil(&mut f);
            assert_eq!(application_failures(&p, &f), vec![expected]);
        }
    }

    #[test]
    fn r16_flags_block_payment() {
        assert_eq!(payment_blocked(false, false), None);
        assert_eq!(payment_blocked(true, false), Some(Precondition::CreditAbnormal));
        assert_eq!(payment_blocked(false, true), Some(Precondition::Dishonest));
    }
}
