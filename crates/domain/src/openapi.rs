//! OpenAPI schemas (utoipa) of the domain types that travel on the wire: only with the `openapi`
//! feature, which the backend turns on for its generated document and the browser build leaves off.
//!
//! The schemas say what the serde impls do: money is a string (`^\d+(\.\d{1,2})?$` in requests,
//! exactly two decimals in answers), a digital level an integer 1–4, and every coded enum a string
//! from its list of codes (with the Chinese names in the description).

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::budget::{Fund, RecipientType};
use crate::ledger::{Direction, PaymentKind, PaymentStatus};
use crate::level::DigitalLevel;
use crate::money::Money;
use crate::policy::AwardKind;
use crate::reference::{County, ExpenseCategory, Industry};
use crate::rules::CancelReason;
use crate::state::{ProjectState, Role};

/// What a request's amount must match (SPEC §3).
pub const MONEY_PATTERN: &str = r"^\d+(\.\d{1,2})?$";

impl PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(MONEY_PATTERN))
            .max_length(Some(16))
            .description(Some(
                "金额(元),以 JSON 字符串传递,绝不用数字。请求:`^\\d+(\\.\\d{1,2})?$`,小于 1000000000000.00;\
                 应答:总是两位小数(如 `\"350000.00\"`)。Yuan as a JSON string: requests match the pattern \
                 (below one trillion), answers always carry exactly two decimals.",
            ))
            .examples(["350000.00"])
            .into()
    }
}

impl ToSchema for Money {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Money")
    }
}

impl PartialSchema for DigitalLevel {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1))
            .maximum(Some(4))
            .description(Some("数字化水平等级 1–4(一级…四级);试点要求达到二级。Digital level, an integer 1–4."))
            .examples([2])
            .into()
    }
}

impl ToSchema for DigitalLevel {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DigitalLevel")
    }
}

/// A string enum of `codes`, each listed with its Chinese name in the description.
fn coded(title: &str, items: impl IntoIterator<Item = (&'static str, &'static str)>) -> RefOr<Schema> {
    let items: Vec<(&str, &str)> = items.into_iter().collect();
    let listing = items.iter().map(|(code, zh)| format!("`{code}` {zh}")).collect::<Vec<_>>().join(" · ");
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(items.iter().map(|(code, _)| *code)))
        .description(Some(format!("{title}: {listing}")))
        .into()
}

/// `PartialSchema` + `ToSchema` for a coded enum: `$all` lists the variants, `$code` gives one's
/// wire code (the serde name) and `$zh` its Chinese name.
macro_rules! coded_schema {
    ($($ty:ident: $title:literal, $all:expr, $code:expr, $zh:expr;)*) => {$(
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                coded($title, $all.iter().map(|&v| ($code(v), $zh(v))))
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($ty))
            }
        }
    )*};
}

fn direction_zh(d: Direction) -> &'static str {
    match d {
        Direction::Out => "拨付(付出)",
        Direction::In => "追回(收入)",
    }
}

fn status_zh(s: PaymentStatus) -> &'static str {
    match s {
        PaymentStatus::Pending => "待审批",
        PaymentStatus::Approved => "已审批(待支付)",
        PaymentStatus::Paid => "已支付",
        PaymentStatus::Cancelled => "已作废",
    }
}

fn cancel_zh(r: CancelReason) -> &'static str {
    match r {
        CancelReason::Cancelled => "主动取消",
        CancelReason::Bankrupt => "破产、注销",
        CancelReason::Fraud => "弄虚作假",
    }
}

fn cancel_code(r: CancelReason) -> &'static str {
    match r {
        CancelReason::Cancelled => "cancelled",
        CancelReason::Bankrupt => "bankrupt",
        CancelReason::Fraud => "fraud",
    }
}

const CANCEL_REASONS: [CancelReason; 3] = [CancelReason::Cancelled, CancelReason::Bankrupt, CancelReason::Fraud];

coded_schema! {
    County: "县区(SPEC §2)", County::ALL, County::code, County::name_zh;
    Industry: "试点细分行业(SPEC §2)", Industry::ALL, Industry::code, Industry::name_zh;
    ExpenseCategory: "支出类别;`other` 不计入符合条件的投资(SPEC §2)", ExpenseCategory::ALL, ExpenseCategory::code,
        ExpenseCategory::name_zh;
    Role: "角色(SPEC §1)", Role::ALL, Role::code, Role::name_zh;
    ProjectState: "改造项目状态(SPEC §5)", ProjectState::ALL, ProjectState::code, ProjectState::name_zh;
    PaymentKind: "支付指令类别(SPEC §6)", PaymentKind::ALL, PaymentKind::code, PaymentKind::name_zh;
    PaymentStatus: "支付指令状态", PaymentStatus::ALL, PaymentStatus::code, status_zh;
    Direction: "资金方向", [Direction::Out, Direction::In], Direction::code, direction_zh;
    CancelReason: "取消原因(R7)", CANCEL_REASONS, cancel_code, cancel_zh;
    AwardKind: "奖励类别(R12)", AwardKind::ALL, AwardKind::key, AwardKind::name_zh;
    Fund: "资金来源", Fund::ALL, Fund::code, Fund::name_zh;
    RecipientType: "奖励对象类别(R12)", RecipientType::ALL, RecipientType::code, RecipientType::name_zh;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: PartialSchema>() -> serde_json::Value {
        serde_json::to_value(T::schema()).expect("schema serialises")
    }

    #[test]
    fn money_level_and_codes() {
        let m = json::<Money>();
        assert_eq!((m["type"].as_str(), m["pattern"].as_str()), (Some("string"), Some(MONEY_PATTERN)));
        let l = json::<DigitalLevel>();
        assert_eq!(
            (l["type"].as_str(), l["minimum"].as_i64(), l["maximum"].as_i64()),
            (Some("integer"), Some(1), Some(4))
        );
        let c = json::<County>();
        assert_eq!(c["enum"].as_array().map(Vec::len), Some(14));
        assert_eq!(c["enum"][0], "luzhou");
        assert_eq!(json::<Role>()["enum"].as_array().map(Vec::len), Some(7));
        assert_eq!(json::<Direction>()["enum"], serde_json::json!(["out", "in"]));
        assert_eq!(json::<CancelReason>()["enum"], serde_json::json!(["cancelled", "bankrupt", "fraud"]));
    }

    /// The listed codes are what serde writes.
    #[test]
    fn codes_are_the_serde_names() {
        fn check<T: PartialSchema + serde::Serialize>(all: &[T]) {
            let listed = json::<T>()["enum"].clone();
            let serde: Vec<serde_json::Value> = all.iter().map(|v| serde_json::to_value(v).expect("ser")).collect();
            assert_eq!(listed, serde_json::Value::Array(serde), "{}", std::any::type_name::<T>());
        }
        check(County::ALL);
        check(Industry::ALL);
        check(ExpenseCategory::ALL);
        check(Role::ALL);
        check(ProjectState::ALL);
        check(&PaymentKind::ALL);
        check(&PaymentStatus::ALL);
        check(&[Direction::Out, Direction::In]);
        check(&CANCEL_REASONS);
    }
}
