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
    DashboardLater,
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
            K::DashboardLater => {
                ("该角色的工作台将在后续版本提供", "The dashboard of this role comes in a later version")
            }
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
pub fn t(key: K) -> impl Fn() -> &'static str + Send + Sync + Clone + 'static {
    let lang = lang();
    move || key.text(lang.get())
}

/// The Chinese name of a rule of SPEC §4 (the quote uses R1–R6).
pub fn rule_name(id: &str, lang: Lang) -> &'static str {
    let (zh, en) = match id {
        "R1" => ("改造补助上限(按数字化水平)", "retrofit cap by level"),
        "R2" => ("计划补助 = min(计划投资 × 50%, 上限)", "planned subsidy = min(50% of planned investment, cap)"),
        "R3" => ("预拨资金 = 计划补助 × 50%", "prepayment = 50% of planned subsidy"),
        "R4" => ("最终补助(验收合格)", "final subsidy (acceptance passed)"),
        "R5" => ("清算:拨付余额或追回多拨资金", "settlement: balance or recovery"),
        "R6" => ("验收不合格:补助为零,追回已拨资金", "acceptance failed: nothing due, recover all paid"),
        _ => ("", ""),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}
