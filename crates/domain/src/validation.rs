//! Validation of identities and classifications: the unified social credit code (GB 32100-2015)
//! and the industrial SME test (《中小企业划型标准规定》, R16).

use crate::money::Money;
use crate::policy::PolicyProfile;

const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Why a unified social credit code is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码应为 18 位")]
    Length,
    #[error("统一社会信用代码含有不允许的字符(只允许数字和除 I、O、Z、S、V 外的大写字母)")]
    Character,
    #[error("统一社会信用代码校验位不正确")]
    CheckCharacter,
}

impl CreditCodeError {
    pub fn code(&self) -> &'static str {
        "invalid_credit_code"
    }
}

fn credit_code_value(c: char) -> Option<u32> {
    CREDIT_CODE_CHARS.find(c).and_then(|i| u32::try_from(i).ok())
}

/// The check character for the first 17 characters of a code.
pub fn credit_code_check_char(body: &str) -> Result<char, CreditCodeError> {
    if body.chars().count() != 17 {
        return Err(CreditCodeError::Length);
    }
    let mut sum = 0;
    for (c, w) in body.chars().zip(CREDIT_CODE_WEIGHTS) {
        sum += credit_code_value(c).ok_or(CreditCodeError::Character)? * w;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_CODE_CHARS.chars().nth(check as usize).ok_or(CreditCodeError::CheckCharacter)
}

/// SPEC §2: 18 characters of the GB 32100-2015 alphabet whose last is the check character.
/// Only this check is applied (not the embedded organisation code's own digit).
pub fn validate_credit_code(code: &str) -> Result<(), CreditCodeError> {
    if code.chars().count() != 18 {
        return Err(CreditCodeError::Length);
    }
    let (body, last) = code.split_at(code.len() - code.chars().last().map_or(0, char::len_utf8));
    let last = last.chars().next().ok_or(CreditCodeError::Length)?;
    if credit_code_value(last).is_none() {
        return Err(CreditCodeError::Character);
    }
    if credit_code_check_char(body)? != last {
        return Err(CreditCodeError::CheckCharacter);
    }
    Ok(())
}

/// R16 / §2: an industrial enterprise is an SME when it has fewer employees than the profile's
/// bound **or** revenue below the profile's bound (工业: 从业人员1000人以下或营业收入40000万元以下).
pub fn is_sme(p: &PolicyProfile, employees: u32, annual_revenue: Money) -> bool {
    employees < p.sme_max_employees_exclusive.value || annual_revenue < p.sme_max_revenue_exclusive.value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples_of_credit_codes() {
        assert_eq!(validate_credit_code("914403001922038216"), Ok(()));
        assert_eq!(validate_credit_code("91110108551385082Q"), Ok(()));
        assert_eq!(validate_credit_code("914403001922038217"), Err(CreditCodeError::CheckCharacter));
    }

    #[test]
    fn credit_code_shape() {
        assert_eq!(validate_credit_code("91440300192203821"), Err(CreditCodeError::Length));
        assert_eq!(validate_credit_code("9144030019220382161"), Err(CreditCodeError::Length));
        assert_eq!(validate_credit_code("91440300192203821I"), Err(CreditCodeError::Character));
        assert_eq!(validate_credit_code("9144030019220382ö6"), Err(CreditCodeError::Character));
        assert_eq!(validate_credit_code("91440300192203821６"), Err(CreditCodeError::Character));
        assert_eq!(validate_credit_code("91110108551385082q"), Err(CreditCodeError::Character));
        assert_eq!(validate_credit_code(""), Err(CreditCodeError::Length));
    }

    #[test]
    fn check_char_generates_valid_codes() {
        for body in ["91140400MA0T00001", "91140400MA0T00002", "12100000400000624D", "00000000000000000"] {
            let body = &body[..17];
            let code = format!("{body}{}", credit_code_check_char(body).unwrap());
            assert_eq!(validate_credit_code(&code), Ok(()), "{code}");
        }
    }

    #[test]
    fn r16_sme_is_fewer_than_1000_employees_or_revenue_below_400_million() {
        let p = PolicyProfile::changzhi_2025();
        let m = |s: &str| Money::parse_wire(s).unwrap();
        assert!(is_sme(&p, 999, m("900000000")));
        assert!(is_sme(&p, 5000, m("399999999.99")));
        assert!(!is_sme(&p, 1000, m("400000000")));
        assert!(!is_sme(&p, 20000, m("500000000")));
    }
}
