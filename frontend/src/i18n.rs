//! Chinese (default) and English texts: one key, two strings.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

/// The current language, provided by the application root.
pub fn lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

/// Every text of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum K {
    Title,
    NavCalculator,
    NavLogin,
    NavAccount,
    NavDashboard,
    Logout,
    SwitchLang,
    LoginHeading,
    Username,
    Password,
    LoginButton,
    LoggingIn,
    TooMany,
    NetworkError,
    AccountHeading,
    DisplayName,
    Role,
    County,
    EnterpriseId,
    ProviderId,
    Active,
    Yes,
    No,
    Loading,
    CalcHeading,
    CalcIntro,
    PlanSection,
    EvalSection,
    TargetLevel,
    PlannedInvestment,
    AchievedLevel,
    EligibleInvestment,
    PaidSoFar,
    NotGiven,
    Calculate,
    Results,
    PlannedSubsidy,
    Prepayment,
    FinalSubsidy,
    BalanceDue,
    RecoveryDue,
    RulesApplied,
    Policy,
}

impl K {
    pub fn text(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            K::Title => ("长治市中小企业数字化转型城市试点管理平台", "Changzhi SME Digital-Transformation Pilot"),
            K::NavCalculator => ("补贴测算", "Subsidy calculator"),
            K::NavLogin => ("登录", "Sign in"),
            K::NavAccount => ("我的账号", "My account"),
            K::NavDashboard => ("工作台", "Dashboard"),
            K::Logout => ("退出登录", "Sign out"),
            K::SwitchLang => ("English", "中文"),
            K::LoginHeading => ("用户登录", "Sign in"),
            K::Username => ("用户名", "Username"),
            K::Password => ("密码", "Password"),
            K::LoginButton => ("登录", "Sign in"),
            K::LoggingIn => ("正在登录…", "Signing in…"),
            K::TooMany => ("登录尝试过于频繁,请稍后再试", "Too many attempts; please try again later"),
            K::NetworkError => ("无法连接服务器,请检查网络后重试", "Cannot reach the server; please retry"),
            K::AccountHeading => ("我的账号", "My account"),
            K::DisplayName => ("姓名/名称", "Display name"),
            K::Role => ("角色", "Role"),
            K::County => ("所属县区", "County"),
            K::EnterpriseId => ("企业编号", "Enterprise id"),
            K::ProviderId => ("服务商编号", "Provider id"),
            K::Active => ("账号状态", "Account active"),
            K::Yes => ("正常", "yes"),
            K::No => ("已停用", "no"),
            K::Loading => ("加载中…", "Loading…"),
            K::CalcHeading => ("数字化改造补助测算", "Retrofit subsidy calculator"),
            K::CalcIntro => (
                "按现行政策(规则 R1–R6)测算计划补助、预拨资金、最终补助及清算金额。金额以元为单位,最多两位小数。",
                "Planned subsidy, prepayment, final subsidy and settlement under the policy in force (rules R1–R6). Amounts in yuan, at most two decimals.",
            ),
            K::PlanSection => ("实施方案(计划)", "Plan"),
            K::EvalSection => ("验收评测(结算)", "Evaluation (settlement)"),
            K::TargetLevel => ("目标数字化水平", "Target digital level"),
            K::PlannedInvestment => ("计划合规投资额(元)", "Planned eligible investment (yuan)"),
            K::AchievedLevel => ("验收达到的数字化水平", "Achieved digital level"),
            K::EligibleInvestment => ("实际合规投资额(元)", "Eligible actual investment (yuan)"),
            K::PaidSoFar => ("已拨付金额(元)", "Paid so far (yuan)"),
            K::NotGiven => ("— 不填 —", "— not given —"),
            K::Calculate => ("测算", "Calculate"),
            K::Results => ("测算结果", "Results"),
            K::PlannedSubsidy => ("计划补助", "Planned subsidy"),
            K::Prepayment => ("预拨资金", "Prepayment"),
            K::FinalSubsidy => ("最终补助", "Final subsidy"),
            K::BalanceDue => ("应拨付余额", "Balance due"),
            K::RecoveryDue => ("应追回金额", "Recovery due"),
            K::RulesApplied => ("适用规则", "Rules applied"),
            K::Policy => ("政策版本", "Policy"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A text of the current language, reactive.
pub fn t(key: K) -> Signal<&'static str> {
    let lang = lang();
    Signal::derive(move || key.text(lang.get()))
}

/// The name of a rule of SPEC §4 (R1–R16).
pub fn rule_name(id: &str, lang: Lang) -> &'static str {
    let (zh, en) = match id {
        "R1" => ("改造补助上限(按数字化水平)", "retrofit cap by level"),
        "R1*" => (
            "每家企业补助上限:本企业其他项目已占用的额度从上限中扣除",
            "per-enterprise cap: what the enterprise's other projects hold is taken off the cap",
        ),
        "R2" => ("计划补助 = min(计划投资 × 50%, 上限)", "planned subsidy = min(50% of planned investment, cap)"),
        "R3" => ("预拨资金 = 计划补助 × 50%", "prepayment = 50% of planned subsidy"),
        "R4" => ("最终补助(验收合格)", "final subsidy (acceptance passed)"),
        "R5" => ("清算:拨付余额或追回多拨资金", "settlement: balance or recovery"),
        "R6" => ("验收不合格:补助为零,追回已拨资金", "acceptance failed: nothing due, recover all paid"),
        "R7" => ("项目取消、破产或弄虚作假:追回已拨资金", "cancelled, bankrupt or fraud: recover all paid"),
        "R8" => ("已获中央资金支持的企业不安排中央资金", "no central money for centrally funded enterprises"),
        "R9" => ("同一项目不得重复享受市级扶持政策", "no overlap with another city-level support policy"),
        "R10" => (
            "诊断补贴:验收通过后拨付服务商,每户至多 3 万元",
            "diagnosis subsidy to the provider after acceptance, ≤ 30,000",
        ),
        "R11" => ("上云补贴:每户累计至多 3 万元", "cloud subsidy, ≤ 30,000 per enterprise in total"),
        "R12" => ("奖励上限", "award caps"),
        "R13" => ("中央资金至少 80% 用于数字化改造", "at least 80% of central funds to retrofits"),
        "R14" => ("地方配套资金市、县 1:1 分担", "local matching shared city : county 1 : 1"),
        "R15" => {
            ("公示期不少于规定天数,异议成立者不予拨付", "public notice of the minimum length; upheld objections stop")
        }
        "R16" => ("申报主体须为信用良好的中小企业", "applicants must be SMEs in good standing"),
        _ => ("", ""),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A text given in place in both languages, reactive: `tr("待初审", "Awaiting review")`. Pages use
/// this for their own texts; [`K`] holds the texts several pages share.
///
/// A `Signal` (one type for every text) rather than a closure (a type per text): the renderer is
/// compiled once for all texts instead of once per closure, which keeps the wasm small.
pub fn tr(zh: &'static str, en: &'static str) -> Signal<&'static str> {
    let lang = lang();
    Signal::derive(move || if lang.get() == Lang::Zh { zh } else { en })
}

/// The same, read once (for texts built inside an already reactive closure).
pub fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

pub fn role_name(role: dtpilot_domain::state::Role, lang: Lang) -> &'static str {
    use dtpilot_domain::state::Role::*;
    let en = match role {
        Enterprise => "Enterprise",
        Provider => "Service provider",
        County => "County bureau",
        City => "City industry bureau",
        Finance => "City finance bureau",
        Evaluator => "Evaluator",
        Admin => "Administrator",
    };
    if lang == Lang::Zh { role.name_zh() } else { en }
}

/// A project's state as the policy texts name it (初审, 综合评审, 公示, 预拨付, 验收, 清算, 追回 …).
pub fn state_name(state: dtpilot_domain::state::ProjectState, lang: Lang) -> &'static str {
    use dtpilot_domain::state::ProjectState::*;
    let en = match state {
        Draft => "Draft",
        Submitted => "Submitted (county review)",
        Returned => "Returned for changes",
        CountyRecommended => "Recommended (city review)",
        Approved => "Approved (awaiting notice)",
        InNotice => "In public notice",
        Rejected => "Rejected",
        Cleared => "Notice cleared (prepayment due)",
        InProgress => "Retrofit in progress",
        AwaitingAcceptance => "Awaiting acceptance",
        Accepted => "Accepted (settlement due)",
        Failed => "Failed (recovery due)",
        Settled => "Settled",
        Closed => "Closed after recovery",
        Cancelled => "Cancelled",
    };
    if lang == Lang::Zh { state.name_zh() } else { en }
}

pub fn action_name(action: &str, lang: Lang) -> String {
    match dtpilot_domain::state::Action::from_code(action) {
        Some(a) if lang == Lang::Zh => a.name_zh().to_string(),
        Some(a) => a.code().replace('_', " "),
        None if action == "create" => pick(lang, "创建申报", "create").to_string(),
        None => action.to_string(),
    }
}

pub fn payment_kind_name(kind: dtpilot_domain::ledger::PaymentKind, lang: Lang) -> &'static str {
    use dtpilot_domain::ledger::PaymentKind::*;
    let en = match kind {
        Prepayment => "Prepayment",
        Balance => "Settlement balance",
        Recovery => "Recovery",
        Diagnosis => "Diagnosis subsidy",
        Cloud => "Cloud subsidy",
        Award => "Award",
    };
    if lang == Lang::Zh { kind.name_zh() } else { en }
}

pub fn payment_status_name(status: dtpilot_domain::ledger::PaymentStatus, lang: Lang) -> &'static str {
    use dtpilot_domain::ledger::PaymentStatus::*;
    match status {
        Pending => pick(lang, "待审批", "Pending approval"),
        Approved => pick(lang, "已审批(待支付)", "Approved (to pay)"),
        Paid => pick(lang, "已支付", "Paid"),
        Cancelled => pick(lang, "已作废", "Cancelled"),
    }
}

pub fn level_name(level: dtpilot_domain::DigitalLevel, lang: Lang) -> String {
    if lang == Lang::Zh { level.name_zh().to_string() } else { format!("Level {}", level.get()) }
}

pub fn county_name(county: dtpilot_domain::reference::County, lang: Lang) -> &'static str {
    if lang == Lang::Zh { county.name_zh() } else { county.name_en() }
}

pub fn industry_name(industry: dtpilot_domain::reference::Industry, lang: Lang) -> &'static str {
    if lang == Lang::Zh { industry.name_zh() } else { industry.name_en() }
}

// --- Batch progress, 周调度/月通报 and enterprise imports (issue 5) --------------------------------

/// A reporting stage of the batch progress and the reports.
pub fn stage_name(stage: dtpilot_domain::report::Stage, lang: Lang) -> &'static str {
    use dtpilot_domain::report::Stage::*;
    if lang == Lang::Zh {
        return stage.name_zh();
    }
    match stage {
        None => "Not applied",
        Drafting => "Preparing",
        Submitted => "Submitted",
        UnderReview => "Under review",
        Approved => "Approved / in notice",
        InProgress => "In progress",
        AwaitingAcceptance => "Awaiting acceptance",
        Accepted => "Accepted / settled",
        Failed => "Failed",
        Rejected => "Rejected",
        Cancelled => "Cancelled",
    }
}

/// The column of an import file named by its wire field (the template's Chinese header).
pub fn import_field_name(field: &str, lang: Lang) -> String {
    match dtpilot_domain::import::COLUMNS.iter().find(|c| c.field == field) {
        Some(c) if lang == Lang::Zh => c.header.to_string(),
        Some(c) => c.field.to_string(),
        Option::None if lang == Lang::Zh && field == "file" => "文件".to_string(),
        Option::None => field.to_string(),
    }
}

// ---- ledger budgets (issue 5: other subsidies, awards and budgets) ----

pub fn award_kind_name(kind: dtpilot_domain::policy::AwardKind, lang: Lang) -> &'static str {
    use dtpilot_domain::policy::AwardKind::*;
    let en = match kind {
        ExcellentProvider => "Excellent provider",
        ExcellentProduct => "Excellent product",
        StandardPackage => "Industry standard package",
        BenchmarkEnterprise => "Benchmark enterprise",
        DigitalWorkshop => "Digital workshop / smart factory",
        ChainCase => "Chain-type case",
        CollectedCase => "Collected case",
    };
    if lang == Lang::Zh { kind.name_zh() } else { en }
}

pub fn fund_name(fund: dtpilot_domain::budget::Fund, lang: Lang) -> &'static str {
    use dtpilot_domain::budget::Fund::*;
    let en = match fund {
        Central => "Central fund",
        City => "City fund",
        County => "County fund",
    };
    if lang == Lang::Zh { fund.name_zh() } else { en }
}
