//! Enterprise records: field validation and who may change which field (SPEC §1, §7 PATCH).

use crate::quote::FieldError;
use crate::state::Role;
use crate::validation::validate_credit_code;

pub const NAME_MAX_CHARS: usize = 100;
pub const CONTACT_NAME_MAX_CHARS: usize = 50;

/// The fields of an enterprise a PATCH may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnterpriseField {
    Name,
    Industry,
    AboveDesignatedSize,
    Employees,
    AnnualRevenue,
    IsLittleGiant,
    CentralFundExcluded,
    CreditAbnormal,
    Dishonest,
    ContactName,
    ContactPhone,
}

impl EnterpriseField {
    pub const ALL: [EnterpriseField; 11] = [
        EnterpriseField::Name,
        EnterpriseField::Industry,
        EnterpriseField::AboveDesignatedSize,
        EnterpriseField::Employees,
        EnterpriseField::AnnualRevenue,
        EnterpriseField::IsLittleGiant,
        EnterpriseField::CentralFundExcluded,
        EnterpriseField::CreditAbnormal,
        EnterpriseField::Dishonest,
        EnterpriseField::ContactName,
        EnterpriseField::ContactPhone,
    ];

    pub fn field(self) -> &'static str {
        match self {
            EnterpriseField::Name => "name",
            EnterpriseField::Industry => "industry",
            EnterpriseField::AboveDesignatedSize => "above_designated_size",
            EnterpriseField::Employees => "employees",
            EnterpriseField::AnnualRevenue => "annual_revenue",
            EnterpriseField::IsLittleGiant => "is_little_giant",
            EnterpriseField::CentralFundExcluded => "central_fund_excluded",
            EnterpriseField::CreditAbnormal => "credit_abnormal",
            EnterpriseField::Dishonest => "dishonest",
            EnterpriseField::ContactName => "contact_name",
            EnterpriseField::ContactPhone => "contact_phone",
        }
    }
}

/// Who may set a field (on an enterprise in its scope):
/// - the enterprise keeps its own profile (name, size, staff, revenue, contact);
/// - the county bureau also sets the industry and the credit flags of R16 (经营异常, 失信);
/// - the city bureau sets everything, including the R8 markers (小巨人, central fund excluded).
pub fn may_set(role: Role, field: EnterpriseField) -> bool {
    use EnterpriseField as F;
    match role {
        Role::City => true,
        Role::County => !matches!(field, F::IsLittleGiant | F::CentralFundExcluded),
        Role::Enterprise => matches!(
            field,
            F::Name | F::AboveDesignatedSize | F::Employees | F::AnnualRevenue | F::ContactName | F::ContactPhone
        ),
        Role::Provider | Role::Finance | Role::Evaluator | Role::Admin => false,
    }
}

/// The roles that may create enterprise records (the county only in its own county).
pub fn may_create(role: Role) -> bool {
    matches!(role, Role::City | Role::County)
}

fn text_error(field: &str, value: &str, max: usize, what: &str) -> Option<FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Some(FieldError::new(field, format!("{what}不能为空")))
    } else if trimmed.chars().count() > max {
        Some(FieldError::new(field, format!("{what}不能超过 {max} 个字符")))
    } else if trimmed.chars().any(char::is_control) {
        Some(FieldError::new(field, format!("{what}不能包含控制字符")))
    } else {
        None
    }
}

pub fn name_error(name: &str) -> Option<FieldError> {
    text_error("name", name, NAME_MAX_CHARS, "企业名称")
}

pub fn contact_name_error(name: &str) -> Option<FieldError> {
    text_error("contact_name", name, CONTACT_NAME_MAX_CHARS, "联系人")
}

/// A phone number as people write them: digits with `+ - ( )` and spaces, 5–20 characters,
/// at least 5 digits (mobile 13900000000, landline 0355-1234567).
pub fn contact_phone_error(phone: &str) -> Option<FieldError> {
    let p = phone.trim();
    let allowed = p.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | ' '));
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (!allowed || !(5..=20).contains(&p.len()) || digits < 5)
        .then(|| FieldError::new("contact_phone", "联系电话格式不正确(如 13900000000 或 0355-1234567)"))
}

pub fn credit_code_error(code: &str) -> Option<FieldError> {
    validate_credit_code(code).err().map(|e| FieldError::new("credit_code", e.to_string()))
}

/// Every field error of a new enterprise's free-text fields.
pub fn new_enterprise_errors(
    name: &str,
    credit_code: &str,
    contact_name: &str,
    contact_phone: &str,
) -> Vec<FieldError> {
    [
        name_error(name),
        credit_code_error(credit_code),
        contact_name_error(contact_name),
        contact_phone_error(contact_phone),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_set_what() {
        for f in EnterpriseField::ALL {
            assert!(may_set(Role::City, f));
            for r in [Role::Provider, Role::Finance, Role::Evaluator, Role::Admin] {
                assert!(!may_set(r, f));
            }
        }
        assert!(may_set(Role::County, EnterpriseField::CreditAbnormal));
        assert!(may_set(Role::County, EnterpriseField::Dishonest));
        assert!(!may_set(Role::County, EnterpriseField::CentralFundExcluded));
        assert!(!may_set(Role::Enterprise, EnterpriseField::CreditAbnormal));
        assert!(!may_set(Role::Enterprise, EnterpriseField::Industry));
        assert!(may_set(Role::Enterprise, EnterpriseField::ContactPhone));
    }

    #[test]
    fn field_checks() {
        assert!(new_enterprise_errors("示例电气有限公司", "914403001922038216", "李工", "13900000000").is_empty());
        let fields: Vec<_> =
            new_enterprise_errors(" ", "914403001922038217", "", "abc").into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "credit_code", "contact_name", "contact_phone"]);
        assert!(contact_phone_error("0355-1234567").is_none());
        assert!(contact_phone_error("+86 139 0000 0000").is_none());
        assert!(contact_phone_error("1234").is_some());
        assert!(name_error(&"字".repeat(101)).is_some());
    }
}
