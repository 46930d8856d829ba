//! Exact money: yuan with exactly two decimals (fen), on `rust_decimal`.
//!
//! SPEC §3: amounts are never floats; every percentage is rounded **down** to the fen
//! (the measures say 不超过 — never pay more); a split across funds always adds up.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount a request may carry is strictly below this (SPEC §3: below 1,000,000,000,000.00).
const WIRE_LIMIT_YUAN: i64 = 1_000_000_000_000;

/// An amount of yuan, always held at two decimals. May be negative inside computations
/// (a balance below zero is a recovery); the wire format accepts only non-negative amounts.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额格式不正确:应为不带符号的数字字符串,最多两位小数(如 \"350000.00\")")]
    Format,
    #[error("金额过大:必须小于 1000000000000.00 元")]
    TooLarge,
}

impl MoneyError {
    /// Stable English code for API errors.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::Format => "invalid_amount",
            MoneyError::TooLarge => "amount_too_large",
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// The one way a `Money` is built from a decimal: scale two, and no negative zero
    /// (so `0 − 0` prints "0.00", never "-0.00").
    fn canonical(mut d: Decimal) -> Money {
        if d.is_zero() {
            d = Decimal::ZERO;
        }
        d.rescale(2);
        Money(d)
    }

    /// An amount from integer fen (分), as stored in the database.
    pub fn from_fen(fen: i64) -> Money {
        Money::canonical(Decimal::new(fen, 2))
    }

    /// The amount in integer fen. Exact: the scale is always two.
    pub fn to_fen(self) -> i64 {
        let mut d = self.0;
        d.rescale(2);
        // |mantissa| < 2^96, but every Money built through this API is below 10^13 yuan.
        i64::try_from(d.mantissa()).unwrap_or(if d.is_sign_negative() { i64::MIN } else { i64::MAX })
    }

    /// Whole yuan, for profile constants and tests: `Money::yuan(350_000)`.
    pub fn yuan(yuan: i64) -> Money {
        Money::from_fen(yuan * 100)
    }

    /// Parse the request format of SPEC §3: `^\d+(\.\d{1,2})?$`, below one trillion yuan.
    pub fn parse_wire(text: &str) -> Result<Money, MoneyError> {
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || frac.is_some_and(|f| !digits(f) || f.len() > 2) {
            return Err(MoneyError::Format);
        }
        let significant = int.trim_start_matches('0');
        if significant.len() > 13 {
            return Err(MoneyError::TooLarge);
        }
        let value = Decimal::from_str(text).map_err(|_| MoneyError::Format)?;
        if value >= Decimal::from(WIRE_LIMIT_YUAN) {
            return Err(MoneyError::TooLarge);
        }
        Money::from_decimal_exact(value).ok_or(MoneyError::Format)
    }

    /// A decimal that already has at most two decimals, else `None` (never rounds silently).
    pub fn from_decimal_exact(value: Decimal) -> Option<Money> {
        (value.normalize().scale() <= 2).then(|| Money::canonical(value))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// `self × ratio`, rounded down to the fen (SPEC §3).
    pub fn mul_floor(self, ratio: Ratio) -> Money {
        Money::canonical((self.0 * ratio.0).round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity))
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    /// Zero for negative amounts.
    pub fn clamp_non_negative(self) -> Money {
        if self.is_negative() { Money::ZERO } else { self }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        d.rescale(2);
        write!(f, "{d}")
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{self}")
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money::canonical(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money::canonical(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::canonical(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Only the strict wire format: a JSON string, `^\d+(\.\d{1,2})?$`, below one trillion.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("金额字符串,如 \"350000.00\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse_wire(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Money, E> {
                Err(E::custom(NUMBER_NOT_STRING))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Money, E> {
                Err(E::custom(NUMBER_NOT_STRING))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Money, E> {
                Err(E::custom(NUMBER_NOT_STRING))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

const NUMBER_NOT_STRING: &str = "金额必须以字符串传递(如 \"350000.00\"),不接受 JSON 数字";

/// A share between 0 and 1 inclusive (50% = `0.50`), exact.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ratio(Decimal);

impl Ratio {
    pub const ZERO: Ratio = Ratio(Decimal::ZERO);
    pub const ONE: Ratio = Ratio(Decimal::ONE);

    /// `None` unless `0 ≤ value ≤ 1`.
    pub fn new(value: Decimal) -> Option<Ratio> {
        (value >= Decimal::ZERO && value <= Decimal::ONE).then_some(Ratio(value))
    }

    /// `numerator / denominator` for positive integers, exact when representable.
    pub fn of(numerator: u32, denominator: u32) -> Option<Ratio> {
        if denominator == 0 {
            return None;
        }
        Ratio::new(Decimal::from(numerator) / Decimal::from(denominator))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.normalize())
    }
}

impl fmt::Debug for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", (self.0 * Decimal::ONE_HUNDRED).normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_format_accepts_zero_one_or_two_decimals() {
        assert_eq!(Money::parse_wire("500000").unwrap().to_string(), "500000.00");
        assert_eq!(Money::parse_wire("100000.5").unwrap().to_string(), "100000.50");
        assert_eq!(Money::parse_wire("0.01").unwrap().to_fen(), 1);
        assert_eq!(Money::parse_wire("999999999999.99").unwrap().to_fen(), 99_999_999_999_999);
        assert_eq!(Money::parse_wire("0000.10").unwrap().to_string(), "0.10");
    }

    #[test]
    fn wire_format_refuses_everything_else() {
        for bad in ["", "-1.00", "+1", "1.001", "5e5", "1,000", " 1", "1.", ".5", "1.0.0", "１２", "NaN", "0x10"] {
            assert_eq!(Money::parse_wire(bad), Err(MoneyError::Format), "{bad:?}");
        }
        for big in ["1000000000000.00", "1000000000000", "99999999999999999999999999999999999"] {
            assert_eq!(Money::parse_wire(big), Err(MoneyError::TooLarge), "{big:?}");
        }
    }

    #[test]
    fn percentages_round_down_to_the_fen() {
        let half = Ratio::of(1, 2).unwrap();
        assert_eq!(Money::parse_wire("100000.01").unwrap().mul_floor(half).to_string(), "50000.00");
        assert_eq!(Money::parse_wire("0.01").unwrap().mul_floor(half), Money::ZERO);
        let third = Ratio::of(1, 3).unwrap();
        assert_eq!(Money::yuan(100).mul_floor(third).to_string(), "33.33");
    }

    #[test]
    fn serde_is_a_two_decimal_string_and_refuses_numbers() {
        let m: Money = serde_json::from_str("\"12.5\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"12.50\"");
        assert!(serde_json::from_str::<Money>("12.5").is_err());
        assert!(serde_json::from_str::<Money>("12").is_err());
    }

    #[test]
    fn no_negative_zero() {
        assert_eq!((-Money::ZERO).to_string(), "0.00");
        assert_eq!((Money::ZERO - Money::ZERO).to_string(), "0.00");
        assert_eq!((-(Money::yuan(1) - Money::yuan(1))).to_string(), "0.00");
        assert_eq!(Money::from_fen(-1).mul_floor(Ratio::ZERO).to_string(), "0.00");
    }

    #[test]
    fn fen_round_trip() {
        for fen in [0, 1, 99, 100, 35_000_000, -17_500_000, 99_999_999_999_999] {
            assert_eq!(Money::from_fen(fen).to_fen(), fen);
        }
    }
}
