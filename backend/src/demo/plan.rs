//! The demo's plan: which enterprise tells which story, and the names, codes and amounts it uses.

use dtpilot_domain::Money;
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::validation::credit_code_check_char;
use serde_json::{Value, json};

use super::*;

// ---------------------------------------------------------------------------------------------
// What the demo shows
// ---------------------------------------------------------------------------------------------

/// Where each enterprise's story ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Goal {
    Draft,
    Submitted,
    ReturnedByCounty,
    ReturnedByCity,
    CountyRecommended,
    Approved,
    InNotice,
    RejectedByCounty,
    RejectedByCity,
    RejectedObjection,
    /// Prepayment instruction pending.
    ClearedPending,
    /// Prepayment instruction approved, not yet paid.
    ClearedApproved,
    /// Prepayment pending, the enterprise flagged 经营异常 afterwards (R16 blocks it).
    ClearedBlocked,
    InProgress,
    AwaitingAcceptance,
    AcceptedBalancePending,
    AcceptedBalanceApproved,
    /// Actual investment fell short: the final subsidy is below the prepayment.
    AcceptedRecoveryPending,
    FailedRecoveryPending,
    FailedRecoveryApproved,
    SettledBalance,
    /// SPEC §4's worked example: 800,000.00 planned, level 3, 640,000.01 spent → balance 145,000.00.
    SettledWorkedExample,
    /// Level 4, capped at 450,000.00.
    SettledLevel4,
    /// Final subsidy equal to the prepayment: settles at once, no instruction.
    SettledZeroBalance,
    /// Settled by a recovery of the excess prepayment.
    SettledByRecovery,
    /// A 小巨人 already funded by the central SME fund (R8): local money only.
    SettledLittleGiant,
    Closed,
    CancelledFraud,
    CancelledBankrupt,
    CancelledWithdrawn,
    /// Cancelled after the notice, its prepayment approved but not paid: the instruction is
    /// cancelled (kept), nothing to recover.
    CancelledBeforePayment,
    // No project:
    /// Diagnosed, has not applied yet.
    Diagnosed,
    /// Assigned to a provider, diagnosis outstanding.
    Assigned,
    /// Flagged 经营异常: may not apply.
    CreditAbnormal,
    /// Flagged 失信: may not apply.
    Dishonest,
    /// Not an SME: may not apply.
    NonSme,
    /// Surveyed by its county, not (yet) in a batch.
    Surveyed,
}

use Goal as G;

/// The 60 enterprises: one of each story in lifecycle order first (so `ent01`… read as a guide),
/// then more of the common ones, then those without a project. (goal, batch number; 0 = none).
pub(super) const PLAN: [(Goal, usize); ENTERPRISES] = [
    (G::Draft, 3),
    (G::Submitted, 3),
    (G::ReturnedByCounty, 3),
    (G::ReturnedByCity, 3),
    (G::CountyRecommended, 2),
    (G::Approved, 2),
    (G::InNotice, 2),
    (G::RejectedByCounty, 3),
    (G::RejectedByCity, 2),
    (G::RejectedObjection, 2),
    (G::ClearedPending, 2),
    (G::ClearedApproved, 2),
    (G::ClearedBlocked, 2),
    (G::InProgress, 1),
    (G::AwaitingAcceptance, 1),
    (G::AcceptedBalancePending, 1),
    (G::AcceptedBalanceApproved, 1),
    (G::AcceptedRecoveryPending, 1),
    (G::FailedRecoveryPending, 1),
    (G::FailedRecoveryApproved, 1),
    (G::SettledBalance, 1),
    (G::SettledWorkedExample, 1),
    (G::SettledLevel4, 1),
    (G::SettledZeroBalance, 1),
    (G::SettledByRecovery, 1),
    (G::SettledLittleGiant, 1),
    (G::Closed, 1),
    (G::CancelledFraud, 1),
    (G::CancelledBankrupt, 1),
    (G::CancelledWithdrawn, 3),
    (G::Diagnosed, 3),
    (G::Assigned, 3),
    (G::CreditAbnormal, 2),
    (G::Dishonest, 2),
    (G::NonSme, 0),
    (G::Surveyed, 0),
    // More of the common stories.
    (G::Draft, 3),
    (G::Submitted, 3),
    (G::InProgress, 1),
    (G::SettledBalance, 1),
    (G::InNotice, 2),
    (G::AwaitingAcceptance, 1),
    (G::CountyRecommended, 2),
    (G::InProgress, 2),
    (G::Closed, 1),
    (G::AcceptedBalancePending, 1),
    (G::Draft, 3),
    (G::Submitted, 3),
    (G::CancelledBeforePayment, 2),
    (G::ClearedPending, 2),
    (G::SettledBalance, 1),
    (G::InNotice, 2),
    (G::AwaitingAcceptance, 1),
    (G::CountyRecommended, 2),
    (G::InProgress, 2),
    (G::Approved, 2),
    (G::InProgress, 1),
    (G::Diagnosed, 2),
    (G::Assigned, 3),
    (G::Surveyed, 0),
];

impl Goal {
    pub(super) fn has_project(self) -> bool {
        !matches!(self, G::Diagnosed | G::Assigned | G::CreditAbnormal | G::Dishonest | G::NonSme | G::Surveyed)
    }

    pub(super) fn diagnosed(self) -> bool {
        !matches!(self, G::Assigned | G::NonSme | G::Surveyed)
    }

    /// The county's first-instance review: (decision, comment).
    pub(super) fn county_review(self) -> Option<(&'static str, &'static str)> {
        match self {
            G::Draft | G::Submitted | G::CancelledWithdrawn => None,
            G::ReturnedByCounty => Some(("return", "诊断报告与改造方案不一致,请补充设备清单后重新申报")),
            G::RejectedByCounty => Some(("reject", "企业近三年发生较大安全生产事故,不予推荐")),
            _ if self.has_project() => Some(("recommend", "材料齐全,符合申报条件,同意推荐")),
            _ => None,
        }
    }

    /// The city's comprehensive review: (decision, comment).
    pub(super) fn city_review(self) -> Option<(&'static str, &'static str)> {
        match self.county_review() {
            Some(("recommend", _)) => match self {
                G::CountyRecommended => None,
                G::ReturnedByCity => Some(("return", "改造合同金额与投资明细不符,请修改后重新申报")),
                G::RejectedByCity => Some(("reject", "改造内容以厂房装修为主,不属于数字化改造支持范围")),
                _ => Some(("approve", "综合评审通过")),
            },
            _ => None,
        }
    }

    /// Published in a notice (approved and past).
    pub(super) fn noticed(self) -> bool {
        matches!(self.city_review(), Some(("approve", _))) && self != G::Approved
    }

    /// Cleared the notice (prepayment due).
    pub(super) fn cleared(self) -> bool {
        self.noticed() && !matches!(self, G::InNotice | G::RejectedObjection)
    }

    /// Prepayment paid.
    pub(super) fn prepaid(self) -> bool {
        self.cleared()
            && !matches!(self, G::ClearedPending | G::ClearedApproved | G::ClearedBlocked | G::CancelledBeforePayment)
    }

    /// Declared complete (awaiting acceptance or beyond).
    pub(super) fn completed(self) -> bool {
        self.prepaid() && !matches!(self, G::InProgress | G::CancelledFraud | G::CancelledBankrupt)
    }

    pub(super) fn evaluated(self) -> bool {
        self.completed() && self != G::AwaitingAcceptance
    }

    pub(super) fn fails(self) -> bool {
        matches!(self, G::FailedRecoveryPending | G::FailedRecoveryApproved | G::Closed)
    }
}

/// Unified social credit code prefixes (administrative division) of the counties.
pub(super) fn division(county: County) -> &'static str {
    match county {
        County::Luzhou => "140403",
        County::Shangdang => "140404",
        County::Tunliu => "140405",
        County::Lucheng => "140406",
        County::Xiangyuan => "140423",
        County::Pingshun => "140425",
        County::Licheng => "140426",
        County::Huguan => "140427",
        County::Zhangzi => "140428",
        County::Wuxiang => "140429",
        County::Qinxian => "140430",
        County::Qinyuan => "140431",
        County::Gaoxin => "140471",
        County::Jingkai => "140472",
    }
}

/// A valid 18-character code from its 17-character body.
pub(super) fn credit_code(body: &str) -> Result<String, String> {
    let check = credit_code_check_char(body).map_err(|e| format!("credit code {body}: {e}"))?;
    Ok(format!("{body}{check}"))
}

pub(super) const TRADE_NAMES: [&str; 20] = [
    "华鑫", "晋丰", "泰瑞", "恒达", "瑞丰", "鑫源", "宏图", "金石", "嘉诚", "中瑞", "通泰", "永昌", "天润", "安泰",
    "博远", "汇通", "晨光", "德润", "太行", "漳泽",
];

pub(super) fn business(industry: Industry, n: usize) -> &'static str {
    let words: [&str; 4] = match industry {
        Industry::NonmetalMaterials => ["新材料科技", "耐火材料", "碳素制品", "玄武岩纤维"],
        Industry::CompleteEquipment => ["重工机械", "智能装备", "煤机装备", "成套设备"],
        Industry::PowerEquipment => ["电气设备", "电力科技", "开关设备", "电缆"],
        Industry::ChemicalMaterials => ["化工新材料", "精细化工", "新能源材料", "煤化工科技"],
    };
    words[(n / 4) % 4]
}

/// The place in a company name: 长治市潞州区…, 襄垣县…, 长治高新区….
pub(super) fn place(county: County) -> String {
    let name = county.name_zh();
    if name.ends_with('区') && !name.starts_with("长治") { format!("长治市{name}") } else { name.to_string() }
}

pub(super) const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "郭", "马", "贾", "申", "牛", "郝", "秦", "段", "武",
    "常",
];
pub(super) const GIVEN_NAMES: [&str; 12] =
    ["建国", "志强", "晓燕", "海军", "丽娟", "永红", "俊峰", "文博", "雅琴", "宏伟", "立新", "春梅"];

pub(super) const PROVIDER_NAMES: [(&str, &[&str]); PROVIDERS] = [
    ("长治数智云科技有限公司", &["diagnosis", "retrofit", "cloud"]),
    ("山西晋云工业互联网有限公司", &["diagnosis", "retrofit", "integration"]),
    ("太行智造数字科技有限公司", &["diagnosis", "retrofit", "integration"]),
    ("上党数联信息技术有限公司", &["diagnosis", "retrofit"]),
    ("山西华信工业软件有限公司", &["diagnosis", "retrofit", "cloud"]),
    ("中科智联（长治）数字技术有限公司", &["diagnosis", "retrofit", "training"]),
    ("长治精诚企业管理咨询有限公司", &["diagnosis", "training"]),
    ("山西云帆智能科技有限公司", &["diagnosis", "retrofit"]),
];
pub(super) const SUSPENSION_REASON: &str = "2026年第二季度服务质量抽查:两份诊断报告内容雷同,暂停承接新业务,限期整改";

pub(super) fn needs(industry: Industry) -> (&'static [&'static str], &'static [&'static str]) {
    match industry {
        Industry::NonmetalMaterials => (&["设备联网与数据采集", "能耗在线监测"], &["窑炉温度闭环控制", "配料自动称量"]),
        Industry::CompleteEquipment => (&["设备联网与数据采集", "生产计划排程"], &["焊接工艺参数追溯", "装配过程防错"]),
        Industry::PowerEquipment => (&["设备联网与数据采集", "质量追溯"], &["绕线工序数字化", "出厂试验数据自动采集"]),
        Industry::ChemicalMaterials => (&["设备联网与数据采集", "安全环保在线监测"], &["DCS 数据上云", "批次配方管理"]),
    }
}

/// One enterprise of the plan, and what became of it.
pub(super) struct Ent {
    pub(super) n: usize,
    pub(super) goal: Goal,
    pub(super) batch: usize,
    pub(super) county: County,
    pub(super) industry: Industry,
    pub(super) name: String,
    pub(super) provider: usize,
    pub(super) id: i64,
    pub(super) token: String,
    pub(super) project: i64,
}

impl Ent {
    pub(super) fn new(index: usize, (goal, batch): (Goal, usize)) -> Ent {
        let n = index + 1;
        let county = County::ALL[index % County::ALL.len()];
        // Shifted so that ent01 is 长治市潞州区华鑫电气设备有限公司.
        let industry = Industry::ALL[(index + 2) % Industry::ALL.len()];
        let name =
            format!("{}{}{}有限公司", place(county), TRADE_NAMES[index % TRADE_NAMES.len()], business(industry, index));
        Ent {
            n,
            goal,
            batch,
            county,
            industry,
            name,
            provider: index % PROVIDERS,
            id: 0,
            token: String::new(),
            project: 0,
        }
    }

    pub(super) fn username(&self) -> String {
        enterprise_username(self.n)
    }

    pub(super) fn body(&self) -> Result<Value, String> {
        let (employees, revenue_yuan) = if self.goal == G::NonSme {
            (1860, 1_260_000_000_i64)
        } else {
            (36 + (self.n * 47) % 680, (1500 + ((self.n * 613) % 28_000) as i64) * 10_000)
        };
        let code = credit_code(&format!("91{}MA0D{:05}", division(self.county), 10_000 + self.n * 37))?;
        let little_giant = matches!(self.n, 26 | 39);
        Ok(json!({
            "name": self.name,
            "credit_code": code,
            "county": self.county,
            "industry": self.industry,
            "above_designated_size": revenue_yuan >= 20_000_000,
            "employees": employees,
            "annual_revenue": Money::from_fen(revenue_yuan * 100).to_string(),
            "is_little_giant": little_giant,
            "central_fund_excluded": self.goal == G::SettledLittleGiant,
            "contact_name": format!("{}{}", SURNAMES[self.n % SURNAMES.len()], GIVEN_NAMES[(self.n * 7) % GIVEN_NAMES.len()]),
            "contact_phone": format!("139{:08}", 35_500_000 + self.n * 1379),
        }))
    }

    /// Planned eligible investment (fen) and target level.
    pub(super) fn plan(&self) -> (i64, u8) {
        match self.goal {
            G::SettledWorkedExample => (80_000_000, 3),
            G::SettledLevel4 => (100_000_000, 4),
            G::SettledZeroBalance => (60_000_000, 2),
            _ => {
                let yuan = 300_000 + ((self.n * 71) % 500) as i64 * 1000;
                (yuan * 100, if self.n.is_multiple_of(5) { 3 } else { 2 })
            }
        }
    }

    /// The level the evaluator finds.
    pub(super) fn achieved_level(&self) -> u8 {
        if self.goal.fails() { 1 } else { self.plan().1 }
    }

    /// The expenses the enterprise records: (category, fen).
    pub(super) fn expenses(&self) -> Vec<(&'static str, i64)> {
        let (planned, _) = self.plan();
        let normal = [("software", 40), ("data_acquisition", 30), ("gateway", 15), ("cloud", 10), ("router", 5)];
        match self.goal {
            G::SettledWorkedExample => vec![
                ("software", 30_000_000),
                ("data_acquisition", 24_000_001),
                ("gateway", 10_000_000),
                ("other", 4_500_000),
            ],
            G::SettledZeroBalance => split(planned / 2, &[("software", 60), ("cloud", 40)]),
            G::SettledLevel4 => split(planned * 95 / 100, &normal),
            G::AcceptedRecoveryPending | G::SettledByRecovery => {
                split(planned / 5, &[("software", 70), ("gateway", 30)])
            }
            g if g.fails() => split(planned * 3 / 10, &[("software", 50), ("router", 50)]),
            G::InProgress if self.batch == 2 => vec![("cloud", 1_800_000)],
            G::InProgress | G::CancelledFraud => split(planned / 2, &[("software", 70), ("gateway", 30)]),
            _ => {
                let mut v = split(planned * 9 / 10, &normal);
                v.push(("other", planned / 20));
                v
            }
        }
    }
}

/// `total` split by percentages; the last part takes the rest (the parts add up exactly).
pub(super) fn split(total: i64, parts: &[(&'static str, i64)]) -> Vec<(&'static str, i64)> {
    let mut left = total;
    let mut out = Vec::with_capacity(parts.len());
    for (i, (category, pct)) in parts.iter().enumerate() {
        let amount = if i + 1 == parts.len() { left } else { total * pct / 100 };
        left -= amount;
        out.push((*category, amount));
    }
    out
}

pub(super) fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}
