//! Policy profiles: every number the rules use, with the article it comes from.
//!
//! A profile is a TOML file (`policies/changzhi-2025.toml`). It is parsed strictly (unknown keys
//! are refused, so a typo cannot silently fall back to nothing) and validated; every error names
//! the key at fault.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::level::DigitalLevel;
use crate::money::{Money, Ratio};

/// The profile shipped with dtpilot and used by default.
pub const CHANGZHI_2025_TOML: &str = include_str!("../../../policies/changzhi-2025.toml");

/// Why a profile was refused. `key` is the dotted path of the offending entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("政策配置无效 `{key}`: {message}")]
pub struct ProfileError {
    pub key: String,
    pub message: String,
}

impl ProfileError {
    fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        ProfileError { key: key.into(), message: message.into() }
    }

    /// The same, for the other data files of the domain (evaluation schemes).
    pub(crate) fn at(key: impl Into<String>, message: impl Into<String>) -> Self {
        ProfileError::new(key, message)
    }
}

/// Where a number comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// Rule id of SPEC §4 (R1–R16).
    pub rule: String,
    /// Article of the source text (第N条 …).
    pub source: String,
    /// The words of the source text, where given.
    pub quote: Option<String>,
    /// True where the texts leave the number open and the profile assumes it.
    pub assumption: bool,
    /// For an assumption: one sentence saying what dtpilot does (the reading the bureau confirms).
    pub reading: Option<String>,
}

/// A number of the profile with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// The award kinds of R12 (第五条(二)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardKind {
    ExcellentProvider,
    ExcellentProduct,
    StandardPackage,
    BenchmarkEnterprise,
    DigitalWorkshop,
    ChainCase,
    CollectedCase,
}

impl AwardKind {
    pub const ALL: [AwardKind; 7] = [
        AwardKind::ExcellentProvider,
        AwardKind::ExcellentProduct,
        AwardKind::StandardPackage,
        AwardKind::BenchmarkEnterprise,
        AwardKind::DigitalWorkshop,
        AwardKind::ChainCase,
        AwardKind::CollectedCase,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AwardKind::ExcellentProvider => "excellent_provider",
            AwardKind::ExcellentProduct => "excellent_product",
            AwardKind::StandardPackage => "standard_package",
            AwardKind::BenchmarkEnterprise => "benchmark_enterprise",
            AwardKind::DigitalWorkshop => "digital_workshop",
            AwardKind::ChainCase => "chain_case",
            AwardKind::CollectedCase => "collected_case",
        }
    }

    pub fn from_code(code: &str) -> Option<AwardKind> {
        AwardKind::ALL.into_iter().find(|k| k.key() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AwardKind::ExcellentProvider => "优秀数字化服务商",
            AwardKind::ExcellentProduct => "优秀“小快轻准”产品",
            AwardKind::StandardPackage => "行业解决方案和产品标准包",
            AwardKind::BenchmarkEnterprise => "数字化转型标杆企业",
            AwardKind::DigitalWorkshop => "数字化车间、智能工厂",
            AwardKind::ChainCase => "“链式”数字化转型典型案例",
            AwardKind::CollectedCase => "征集案例",
        }
    }
}

/// The cap of one award kind and, where the texts set one, how many may go to one industry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardRule {
    pub cap: Money,
    pub per_industry: Option<u32>,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// What the dashboard counts for a target (the records dtpilot keeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetMeasure {
    /// Enterprises above designated size whose project passed acceptance.
    AcceptedAboveSize,
    /// Enterprises below designated size whose project passed acceptance.
    AcceptedBelowSize,
    /// Above-size enterprises evaluated at level 2 or more.
    Level2AboveSize,
    /// Below-size enterprises evaluated at level 2 or more.
    Level2BelowSize,
    /// Enterprises evaluated at level 4.
    Level4,
    /// 小巨人 enterprises in a batch of the programme.
    LittleGiantsInProgramme,
    /// Providers active in the pool.
    ActiveProviders,
    /// Enterprises granted a cloud subsidy (R11).
    OnCloud,
    /// Digital workshop / smart factory awards (R12).
    DigitalWorkshopAwards,
    /// Chain-type case awards (R12).
    ChainCaseAwards,
    /// Collected case awards (R12).
    CollectedCaseAwards,
    /// 小快轻准 products of the catalogue approved by the city bureau.
    ApprovedProducts,
    /// Not counted from dtpilot's records (yet).
    None,
}

/// A programme target of 附件1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub key: String,
    pub name: String,
    pub value: u32,
    pub actual: TargetMeasure,
    pub source: String,
}

/// A validated policy profile. Construct it with [`PolicyProfile::from_toml`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyProfile {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub effective_from: NaiveDate,
    pub sources: Vec<String>,
    /// R2/R4: the share of (planned or actual) eligible investment subsidised.
    pub subsidy_ratio: Sourced<Ratio>,
    /// R1: cap by digital level; a level without an entry has cap 0.
    pub caps: Sourced<BTreeMap<DigitalLevel, Money>>,
    /// R6: the lowest level at which acceptance passes (and the lowest target level).
    pub pass_level: Sourced<DigitalLevel>,
    /// R3: the share of the planned subsidy prepaid.
    pub prepayment_ratio: Sourced<Ratio>,
    /// R4: the final subsidy is capped by the planned subsidy.
    pub final_capped_by_plan: Sourced<bool>,
    /// R14: central share of a retrofit payment (0 for R8 enterprises).
    pub central_share: Sourced<Ratio>,
    /// R14: local matching, city : county.
    pub local_matching: Sourced<(u32, u32)>,
    /// R13: the least share of the central fund for retrofit subsidies.
    pub central_retrofit_min_share: Sourced<Ratio>,
    /// R13: the central share of the other kinds (diagnosis, cloud, award), paid from the central
    /// fund's non-retrofit part; the rest (all of it for R8 enterprises) is the city's.
    pub other_kinds_central_share: Sourced<Ratio>,
    /// R15: the least length of a public notice, calendar days inclusive.
    pub notice_min_days: Sourced<u32>,
    /// R10: diagnosis subsidy cap per enterprise.
    pub diagnosis_cap: Sourced<Money>,
    /// R11: cloud subsidy cap per enterprise, cumulative.
    pub cloud_cap: Sourced<Money>,
    /// R12: award caps.
    pub awards: BTreeMap<AwardKind, AwardRule>,
    /// R16: the industrial SME test: employees below this, or revenue below the next.
    pub sme_max_employees_exclusive: Sourced<u32>,
    pub sme_max_revenue_exclusive: Sourced<Money>,
    /// The programme targets (实施方案 附件1), for the dashboard.
    pub targets: Vec<Target>,
    // ---- evaluation scheme and provider performance (issue 5) ----
    /// The id of the digital-level evaluation scheme in force (`crate::scheme`).
    pub evaluation_scheme: String,
    /// The scheme's thresholds as a reading to confirm, where the profile marks them so.
    pub evaluation_reading: Option<Interpretation>,
    /// 附件2 item 18: the weights of a provider's yearly performance evaluation and the
    /// composite below which the city may suspend it.
    pub provider_performance: ProviderPerformance,
}

/// 附件2 item 18 (服务商绩效评估): the five dimensions' weights (adding up to 1) and the
/// suspension threshold, with their source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderPerformance {
    pub weights: crate::performance::Weights,
    /// A composite below this marks a provider the city may suspend.
    pub suspension_below: Decimal,
    pub source: String,
    pub quote: Option<String>,
    pub assumption: bool,
    pub reading: Option<String>,
}

/// A reading of the texts the profile assumes and the bureau is to confirm (SPEC §9.1 "Readings to
/// confirm"): where the number is, what it is, what dtpilot does with it, and the words it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interpretation {
    /// The profile entry (`funds.central_share`).
    pub key: String,
    /// Rule id (R1–R16), where the entry belongs to one.
    pub rule: Option<String>,
    /// The value in force, as the profile writes it.
    pub value: String,
    pub source: String,
    pub quote: String,
    pub reading: String,
}

impl PolicyProfile {
    /// The default profile, `changzhi-2025`.
    pub fn changzhi_2025() -> PolicyProfile {
        // The file ships inside the binary and is validated by a test; failing here is a build defect.
        PolicyProfile::from_toml(CHANGZHI_2025_TOML).expect("policies/changzhi-2025.toml is valid")
    }

    /// Every reading of the texts this profile assumes (entries marked `assumption = true`), in the
    /// file's order: what `GET /policy/interpretations` lists for the bureau to confirm.
    pub fn interpretations(&self) -> Vec<Interpretation> {
        fn entry<T>(key: &str, sourced: &Sourced<T>, value: String) -> Option<Interpretation> {
            let p = &sourced.provenance;
            p.assumption.then(|| Interpretation {
                key: key.to_string(),
                rule: Some(p.rule.clone()),
                value,
                source: p.source.clone(),
                quote: p.quote.clone().unwrap_or_default(),
                reading: p.reading.clone().unwrap_or_default(),
            })
        }
        let ratio = |r: &Sourced<Ratio>| r.value.as_decimal().to_string();
        let mut out: Vec<Interpretation> = [
            entry("retrofit.subsidy_ratio", &self.subsidy_ratio, ratio(&self.subsidy_ratio)),
            entry("retrofit.pass_level", &self.pass_level, self.pass_level.value.get().to_string()),
            entry("retrofit.prepayment_ratio", &self.prepayment_ratio, ratio(&self.prepayment_ratio)),
            entry(
                "retrofit.final_capped_by_plan",
                &self.final_capped_by_plan,
                self.final_capped_by_plan.value.to_string(),
            ),
            entry("funds.central_share", &self.central_share, ratio(&self.central_share)),
            entry(
                "funds.central_retrofit_min_share",
                &self.central_retrofit_min_share,
                ratio(&self.central_retrofit_min_share),
            ),
            entry(
                "funds.other_kinds_central_share",
                &self.other_kinds_central_share,
                ratio(&self.other_kinds_central_share),
            ),
            entry("notice.min_days", &self.notice_min_days, self.notice_min_days.value.to_string()),
            entry("other.diagnosis_cap", &self.diagnosis_cap, self.diagnosis_cap.value.to_string()),
            entry("other.cloud_cap", &self.cloud_cap, self.cloud_cap.value.to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        out.extend(self.evaluation_reading.clone());
        let p = &self.provider_performance;
        if p.assumption {
            let w = &p.weights;
            out.push(Interpretation {
                key: "provider_performance".into(),
                rule: None,
                value: format!(
                    "weights {}/{}/{}/{}/{}, suspension below {}",
                    w.results.as_decimal(),
                    w.feedback.as_decimal(),
                    w.process.as_decimal(),
                    w.report_quality.as_decimal(),
                    w.sampling.as_decimal(),
                    p.suspension_below
                ),
                source: p.source.clone(),
                quote: p.quote.clone().unwrap_or_default(),
                reading: p.reading.clone().unwrap_or_default(),
            });
        }
        out
    }

    /// Parse and validate a profile. Every error names the key at fault.
    pub fn from_toml(text: &str) -> Result<PolicyProfile, ProfileError> {
        let de = toml::de::Deserializer::parse(text)
            .map_err(|e| ProfileError::new("(文件)", format!("TOML 语法错误: {}", e.message())))?;
        let raw: raw::Profile = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            ProfileError::new(if key == "." { "(根)".to_string() } else { key }, e.into_inner().message().to_string())
        })?;
        raw.validate()
    }

    /// R1: the cap at a level (0 where the profile sets none, e.g. level 1).
    pub fn cap(&self, level: DigitalLevel) -> Money {
        self.caps.value.get(&level).copied().unwrap_or(Money::ZERO)
    }

    /// The city's share of the local part (R14).
    pub fn city_share_of_local(&self) -> Ratio {
        let (city, county) = self.local_matching.value;
        Ratio::of(city, city + county).unwrap_or(Ratio::ZERO)
    }

    pub fn award(&self, kind: AwardKind) -> &AwardRule {
        // Validation guarantees every kind is present.
        &self.awards[&kind]
    }
}

/// The file's shape, exactly as written; turned into [`PolicyProfile`] by `validate`.
mod raw {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Profile {
        pub id: String,
        pub version: u32,
        pub title: String,
        pub effective_from: String,
        pub sources: Vec<String>,
        pub retrofit: Retrofit,
        pub funds: Funds,
        pub notice: Notice,
        pub other: Other,
        pub awards: Awards,
        pub eligibility: Eligibility,
        #[serde(default)]
        pub targets: Vec<Target>,
        pub evaluation: Evaluation,
        pub provider_performance: Performance,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Evaluation {
        pub scheme: String,
        pub source: String,
        pub quote: Option<String>,
        #[serde(default)]
        pub assumption: bool,
        pub reading: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Performance {
        pub weights: PerformanceWeights,
        pub suspension_below: String,
        pub source: String,
        pub quote: Option<String>,
        #[serde(default)]
        pub assumption: bool,
        pub reading: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PerformanceWeights {
        pub results: String,
        pub feedback: String,
        pub process: String,
        pub report_quality: String,
        pub sampling: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Retrofit {
        pub subsidy_ratio: Value<String>,
        pub caps: Caps,
        pub pass_level: Value<u8>,
        pub prepayment_ratio: Value<String>,
        pub final_capped_by_plan: Value<bool>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Funds {
        pub central_share: Value<String>,
        pub local_matching: LocalMatching,
        pub central_retrofit_min_share: Value<String>,
        pub other_kinds_central_share: Value<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Notice {
        pub min_days: Value<u32>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Other {
        pub diagnosis_cap: Value<String>,
        pub cloud_cap: Value<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Awards {
        pub excellent_provider: Award,
        pub excellent_product: Award,
        pub standard_package: Award,
        pub benchmark_enterprise: Award,
        pub digital_workshop: Award,
        pub chain_case: Award,
        pub collected_case: Award,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Eligibility {
        pub sme: Sme,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Value<T> {
        pub rule: String,
        pub value: T,
        pub source: String,
        pub quote: Option<String>,
        #[serde(default)]
        pub assumption: bool,
        pub reading: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Caps {
        pub rule: String,
        pub source: String,
        pub quote: Option<String>,
        pub level_1: Option<String>,
        pub level_2: Option<String>,
        pub level_3: Option<String>,
        pub level_4: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct LocalMatching {
        pub rule: String,
        pub city: u32,
        pub county: u32,
        pub source: String,
        pub quote: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Award {
        pub rule: String,
        pub cap: String,
        pub per_industry: Option<u32>,
        pub source: String,
        pub quote: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Sme {
        pub rule: String,
        pub max_employees_exclusive: u32,
        pub max_revenue_exclusive: String,
        pub source: String,
        pub quote: Option<String>,
    }

    /// An assumption must say what dtpilot does and the words it rests on; a settled number
    /// needs no reading.
    fn reading(
        key: &str,
        quote: &Option<String>,
        assumption: bool,
        reading: &Option<String>,
    ) -> Result<Option<String>, ProfileError> {
        let filled = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
        if assumption && !filled(quote) {
            return Err(ProfileError::new(format!("{key}.quote"), "待确认的解释必须引用它所依据的原文"));
        }
        if assumption && !filled(reading) {
            return Err(ProfileError::new(format!("{key}.reading"), "待确认的解释必须用一句话说明平台如何执行"));
        }
        if !assumption && reading.is_some() {
            return Err(ProfileError::new(format!("{key}.reading"), "只有 assumption = true 的条目才写 reading"));
        }
        Ok(reading.clone())
    }

    fn provenance(
        key: &str,
        rule: &str,
        source: &str,
        quote: &Option<String>,
        (assumption, reading_text): (bool, &Option<String>),
    ) -> Result<Provenance, ProfileError> {
        let valid_rule =
            rule.strip_prefix('R').and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (1..=16).contains(&n));
        if !valid_rule {
            return Err(ProfileError::new(format!("{key}.rule"), format!("规则编号应为 R1–R16,而不是 {rule:?}")));
        }
        if source.trim().is_empty() {
            return Err(ProfileError::new(format!("{key}.source"), "必须注明出处条款(第N条)"));
        }
        let reading = reading(key, quote, assumption, reading_text)?;
        Ok(Provenance { rule: rule.to_string(), source: source.to_string(), quote: quote.clone(), assumption, reading })
    }

    fn money(key: &str, text: &str) -> Result<Money, ProfileError> {
        Money::parse_wire(text).map_err(|e| ProfileError::new(key, e.to_string()))
    }

    fn ratio(key: &str, text: &str) -> Result<Ratio, ProfileError> {
        text.parse::<Decimal>().ok().and_then(Ratio::new).ok_or_else(|| {
            ProfileError::new(key, format!("比例应为 0 到 1 之间的小数字符串(如 \"0.50\"),而不是 {text:?}"))
        })
    }

    fn sourced<T, U>(
        key: &str,
        v: &Value<T>,
        f: impl FnOnce(&str, &T) -> Result<U, ProfileError>,
    ) -> Result<Sourced<U>, ProfileError> {
        Ok(Sourced {
            value: f(&format!("{key}.value"), &v.value)?,
            provenance: provenance(key, &v.rule, &v.source, &v.quote, (v.assumption, &v.reading))?,
        })
    }

    fn award(key: &str, a: &Award) -> Result<AwardRule, ProfileError> {
        if a.per_industry == Some(0) {
            return Err(ProfileError::new(format!("{key}.per_industry"), "每个行业的名额至少为 1"));
        }
        Ok(AwardRule {
            cap: money(&format!("{key}.cap"), &a.cap)?,
            per_industry: a.per_industry,
            provenance: provenance(key, &a.rule, &a.source, &a.quote, (false, &None))?,
        })
    }

    impl Profile {
        /// `[evaluation]` and `[provider_performance]` (issue 5).
        fn evaluation_and_performance(
            &self,
        ) -> Result<(String, Option<Interpretation>, ProviderPerformance), ProfileError> {
            let e = &self.evaluation;
            if crate::scheme::EvaluationScheme::by_id(&e.scheme).is_none() {
                return Err(ProfileError::new("evaluation.scheme", format!("没有评测指标 {:?}", e.scheme)));
            }
            if e.source.trim().is_empty() {
                return Err(ProfileError::new("evaluation.source", "必须注明出处"));
            }
            let evaluation_reading =
                reading("evaluation", &e.quote, e.assumption, &e.reading)?.map(|reading| Interpretation {
                    key: "evaluation".into(),
                    rule: None,
                    value: e.scheme.clone(),
                    source: e.source.clone(),
                    quote: e.quote.clone().unwrap_or_default(),
                    reading,
                });
            let p = &self.provider_performance;
            if p.source.trim().is_empty() {
                return Err(ProfileError::new("provider_performance.source", "必须注明出处"));
            }
            let w = &p.weights;
            let weight = |name: &str, text: &str| ratio(&format!("provider_performance.weights.{name}"), text);
            let weights = crate::performance::Weights {
                results: weight("results", &w.results)?,
                feedback: weight("feedback", &w.feedback)?,
                process: weight("process", &w.process)?,
                report_quality: weight("report_quality", &w.report_quality)?,
                sampling: weight("sampling", &w.sampling)?,
            };
            if weights.sum() != Decimal::ONE {
                return Err(ProfileError::new("provider_performance.weights", "五个维度的权重之和应为 1"));
            }
            let suspension_below = p
                .suspension_below
                .parse::<Decimal>()
                .ok()
                .filter(|d| *d >= Decimal::ZERO && *d <= Decimal::ONE_HUNDRED)
                .ok_or_else(|| {
                    ProfileError::new("provider_performance.suspension_below", "应为 0–100 之间的数字字符串")
                })?;
            Ok((
                e.scheme.clone(),
                evaluation_reading,
                ProviderPerformance {
                    weights,
                    suspension_below,
                    source: p.source.clone(),
                    quote: p.quote.clone(),
                    assumption: p.assumption,
                    reading: reading("provider_performance", &p.quote, p.assumption, &p.reading)?,
                },
            ))
        }

        pub fn validate(self) -> Result<PolicyProfile, ProfileError> {
            if self.id.trim().is_empty()
                || !self.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(ProfileError::new("id", "标识只能由字母、数字、- 和 _ 组成,且不能为空"));
            }
            if self.version == 0 {
                return Err(ProfileError::new("version", "版本号从 1 开始"));
            }
            let effective_from = NaiveDate::parse_from_str(&self.effective_from, "%Y-%m-%d")
                .map_err(|_| ProfileError::new("effective_from", "日期格式应为 YYYY-MM-DD"))?;

            let r = &self.retrofit;
            let pass_level = sourced("retrofit.pass_level", &r.pass_level, |k, v| {
                DigitalLevel::new(*v).ok_or_else(|| ProfileError::new(k, "数字化水平等级应为 1–4"))
            })?;
            let c = &r.caps;
            let mut caps = BTreeMap::new();
            for (n, text) in [(1u8, &c.level_1), (2, &c.level_2), (3, &c.level_3), (4, &c.level_4)] {
                let level = DigitalLevel::new(n).ok_or_else(|| ProfileError::new("retrofit.caps", "等级无效"))?;
                if let Some(text) = text {
                    let key = format!("retrofit.caps.level_{n}");
                    if level < pass_level.value {
                        return Err(ProfileError::new(key, "低于验收通过等级的等级不得设补助上限"));
                    }
                    caps.insert(level, money(&key, text)?);
                } else if level >= pass_level.value {
                    return Err(ProfileError::new(
                        format!("retrofit.caps.level_{n}"),
                        "验收通过等级及以上的每个等级都必须设补助上限",
                    ));
                }
            }
            let mut previous = Money::ZERO;
            for (level, cap) in &caps {
                if *cap < previous {
                    return Err(ProfileError::new(
                        format!("retrofit.caps.level_{level}"),
                        "更高等级的上限不得低于较低等级",
                    ));
                }
                previous = *cap;
            }
            let caps = Sourced {
                value: caps,
                provenance: provenance("retrofit.caps", &c.rule, &c.source, &c.quote, (false, &None))?,
            };

            let f = &self.funds;
            let lm = &f.local_matching;
            if lm.city + lm.county == 0 {
                return Err(ProfileError::new("funds.local_matching", "市、县配套比例不能同时为 0"));
            }
            let local_matching = Sourced {
                value: (lm.city, lm.county),
                provenance: provenance("funds.local_matching", &lm.rule, &lm.source, &lm.quote, (false, &None))?,
            };

            let a = &self.awards;
            let mut awards = BTreeMap::new();
            for (kind, raw) in [
                (AwardKind::ExcellentProvider, &a.excellent_provider),
                (AwardKind::ExcellentProduct, &a.excellent_product),
                (AwardKind::StandardPackage, &a.standard_package),
                (AwardKind::BenchmarkEnterprise, &a.benchmark_enterprise),
                (AwardKind::DigitalWorkshop, &a.digital_workshop),
                (AwardKind::ChainCase, &a.chain_case),
                (AwardKind::CollectedCase, &a.collected_case),
            ] {
                awards.insert(kind, award(&format!("awards.{}", kind.key()), raw)?);
            }

            let sme = &self.eligibility.sme;
            let sme_prov = provenance("eligibility.sme", &sme.rule, &sme.source, &sme.quote, (false, &None))?;
            if sme.max_employees_exclusive == 0 {
                return Err(ProfileError::new("eligibility.sme.max_employees_exclusive", "必须大于 0"));
            }

            let notice_min_days = sourced("notice.min_days", &self.notice.min_days, |k, v| {
                if *v == 0 { Err(ProfileError::new(k, "公示期至少 1 天")) } else { Ok(*v) }
            })?;

            for (i, t) in self.targets.iter().enumerate() {
                if t.key.trim().is_empty() || self.targets[..i].iter().any(|o| o.key == t.key) {
                    return Err(ProfileError::new(format!("targets[{i}].key"), "目标的 key 不能为空且不能重复"));
                }
            }
            let (evaluation_scheme, evaluation_reading, provider_performance) = self.evaluation_and_performance()?;
            Ok(PolicyProfile {
                evaluation_scheme,
                evaluation_reading,
                provider_performance,
                targets: self.targets,
                id: self.id,
                version: self.version,
                title: self.title,
                effective_from,
                sources: self.sources,
                subsidy_ratio: sourced("retrofit.subsidy_ratio", &r.subsidy_ratio, |k, v| ratio(k, v))?,
                caps,
                pass_level,
                prepayment_ratio: sourced("retrofit.prepayment_ratio", &r.prepayment_ratio, |k, v| ratio(k, v))?,
                final_capped_by_plan: sourced("retrofit.final_capped_by_plan", &r.final_capped_by_plan, |_, v| Ok(*v))?,
                central_share: sourced("funds.central_share", &f.central_share, |k, v| ratio(k, v))?,
                local_matching,
                central_retrofit_min_share: sourced(
                    "funds.central_retrofit_min_share",
                    &f.central_retrofit_min_share,
                    |k, v| ratio(k, v),
                )?,
                other_kinds_central_share: sourced(
                    "funds.other_kinds_central_share",
                    &f.other_kinds_central_share,
                    |k, v| ratio(k, v),
                )?,
                notice_min_days,
                diagnosis_cap: sourced("other.diagnosis_cap", &self.other.diagnosis_cap, |k, v| money(k, v))?,
                cloud_cap: sourced("other.cloud_cap", &self.other.cloud_cap, |k, v| money(k, v))?,
                awards,
                sme_max_employees_exclusive: Sourced {
                    value: sme.max_employees_exclusive,
                    provenance: sme_prov.clone(),
                },
                sme_max_revenue_exclusive: Sourced {
                    value: money("eligibility.sme.max_revenue_exclusive", &sme.max_revenue_exclusive)?,
                    provenance: sme_prov,
                },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profile_loads_with_the_numbers_of_the_measures() {
        let p = PolicyProfile::changzhi_2025();
        assert_eq!(p.id, "changzhi-2025");
        assert_eq!(p.cap(DigitalLevel::new(1).unwrap()), Money::ZERO);
        assert_eq!(p.cap(DigitalLevel::new(2).unwrap()), Money::yuan(350_000));
        assert_eq!(p.cap(DigitalLevel::new(3).unwrap()), Money::yuan(350_000));
        assert_eq!(p.cap(DigitalLevel::new(4).unwrap()), Money::yuan(450_000));
        assert_eq!(p.subsidy_ratio.value, Ratio::of(1, 2).unwrap());
        assert_eq!(p.prepayment_ratio.value, Ratio::of(1, 2).unwrap());
        assert_eq!(p.notice_min_days.value, 5);
        assert_eq!(p.award(AwardKind::StandardPackage).per_industry, Some(1));
        assert_eq!(p.caps.provenance.source, "第五条(一)1");
        assert!(p.central_share.provenance.assumption);
        assert_eq!(p.targets.len(), 12);
        assert!(p.targets.iter().any(|t| t.key == "level4" && t.value == 34));
        assert_eq!(p.evaluation_scheme, crate::scheme::MIIT_2024_ID);
        assert_eq!(p.provider_performance.weights.sum(), Decimal::ONE);
        assert!(p.provider_performance.assumption);
    }

    fn broken(from: &str, to: &str) -> ProfileError {
        let text = CHANGZHI_2025_TOML.replacen(from, to, 1);
        assert_ne!(text, CHANGZHI_2025_TOML, "the replacement must change the file: {from}");
        PolicyProfile::from_toml(&text).unwrap_err()
    }

    #[test]
    fn a_broken_profile_is_refused_naming_the_key() {
        let cases = [
            (
                "value = \"0.50\"\nsource = \"第五条(一)1\"\nquote = \"每家",
                "value = \"1.50\"\nsource = \"第五条(一)1\"\nquote = \"每家",
                "retrofit.subsidy_ratio.value",
            ),
            ("level_4 = \"450000.00\"", "level_4 = \"450000.001\"", "retrofit.caps.level_4"),
            ("level_4 = \"450000.00\"", "level_4 = \"100.00\"", "retrofit.caps.level_4"),
            ("level_3 = \"350000.00\"\n", "", "retrofit.caps.level_3"),
            (
                "[notice.min_days]\nrule = \"R15\"\nvalue = 5",
                "[notice.min_days]\nrule = \"R15\"\nvalue = 0",
                "notice.min_days.value",
            ),
            (
                "[notice.min_days]\nrule = \"R15\"\nvalue = 5",
                "[notice.min_days]\nrule = \"R15\"\nvalue = \"5\"",
                "notice.min_days.value",
            ),
            ("[other.cloud_cap]\nrule = \"R11\"", "[other.cloud_cap]\nrule = \"R99\"", "other.cloud_cap.rule"),
            (
                "cap = \"1000000.00\"\nper_industry = 1",
                "cap = \"1000000.00\"\nper_industry = 0",
                "awards.standard_package.per_industry",
            ),
            (
                "cap = \"1000000.00\"\nper_industry = 1",
                "cap = \"1000000.00\"\nper_industry = 1\nper_county = 2",
                "awards.standard_package",
            ),
            ("city = 1\ncounty = 1", "city = 0\ncounty = 0", "funds.local_matching"),
            (
                "max_employees_exclusive = 1000",
                "max_employees_exclusive = -1",
                "eligibility.sme.max_employees_exclusive",
            ),
            ("effective_from = \"2025-12-14\"", "effective_from = \"2025-13-14\"", "effective_from"),
            ("scheme = \"miit-digital-level-2024\"", "scheme = \"miit-1999\"", "evaluation.scheme"),
            ("sampling = \"0.20\"", "sampling = \"0.25\"", "provider_performance.weights"),
            ("results = \"0.20\"", "results = \"1.20\"", "provider_performance.weights.results"),
            ("suspension_below = \"60\"", "suspension_below = \"160\"", "provider_performance.suspension_below"),
        ];
        for (from, to, key) in cases {
            let err = broken(from, to);
            assert!(err.key.starts_with(key), "{to:?}: expected key {key}, got {err}");
            assert!(err.to_string().contains(&err.key));
        }
    }

    #[test]
    fn every_open_reading_is_listed_with_its_reading_and_quote() {
        let p = PolicyProfile::changzhi_2025();
        let readings = p.interpretations();
        let keys: Vec<&str> = readings.iter().map(|i| i.key.as_str()).collect();
        // SPEC §9.1: at least R4's plan cap, R14's shares, R15's notice days, the evaluation
        // scheme's thresholds and the provider-evaluation weights.
        for key in [
            "retrofit.final_capped_by_plan",
            "funds.central_share",
            "funds.other_kinds_central_share",
            "notice.min_days",
            "evaluation",
            "provider_performance",
        ] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        for i in &readings {
            assert!(!i.reading.trim().is_empty() && !i.quote.trim().is_empty() && !i.value.is_empty(), "{i:?}");
        }
        let notice = readings.iter().find(|i| i.key == "notice.min_days").unwrap();
        assert_eq!((notice.rule.as_deref(), notice.value.as_str()), (Some("R15"), "5"));
        // A settled number is no reading to confirm.
        assert!(!keys.contains(&"retrofit.subsidy_ratio"));
    }

    #[test]
    fn an_assumption_without_its_reading_or_quote_is_refused() {
        let err = broken(
            "assumption = true\nreading = \"公示期至少 5 个自然日",
            "assumption = true\nnote = \"公示期至少 5 个自然日",
        );
        assert!(err.key.starts_with("notice.min_days"), "{err}");
        let err = broken(
            "value = 5\nsource = \"第九条(四)(五)\"\nquote = \"经市工信局会议研究通过后公示。公示无异议后,报市财政局按程序下达专项资金\"\n",
            "value = 5\nsource = \"第九条(四)(五)\"\n",
        );
        assert_eq!(err.key, "notice.min_days.quote", "{err}");
        let err = broken(
            "quote = \"每家企业按照实际投入资金的50%给予不超过35万元的补贴\"\n",
            "quote = \"每家企业按照实际投入资金的50%给予不超过35万元的补贴\"\nreading = \"x\"\n",
        );
        assert_eq!(err.key, "retrofit.subsidy_ratio.reading", "{err}");
        let text = CHANGZHI_2025_TOML.replacen(
            "\nreading = \"公示期至少 5 个自然日(首尾两天都计入),期满且无成立的异议后才可关闭公示、生成预拨指令。\"",
            "",
            1,
        );
        assert_eq!(PolicyProfile::from_toml(&text).unwrap_err().key, "notice.min_days.reading");
    }

    #[test]
    fn a_missing_article_is_refused() {
        let err = broken("source = \"第三条\"", "source = \" \"");
        assert_eq!(err.key, "funds.central_retrofit_min_share.source");
    }

    #[test]
    fn a_missing_section_names_it() {
        let start = CHANGZHI_2025_TOML.find("[other.diagnosis_cap]").unwrap();
        let end = CHANGZHI_2025_TOML.find("[other.cloud_cap]").unwrap();
        let text = format!("{}{}", &CHANGZHI_2025_TOML[..start], &CHANGZHI_2025_TOML[end..]);
        let err = PolicyProfile::from_toml(&text).unwrap_err();
        assert!(err.key.starts_with("other"), "{err}");
        assert!(err.message.contains("diagnosis_cap"), "{err}");
    }
}
