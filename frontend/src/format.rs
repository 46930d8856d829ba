//! Money for people: `¥350,000.00` and `35万元`, exact (integer fen, no floating point).

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use dtpilot_domain::Money;

use crate::i18n::Lang;

/// `¥1,234,567.89` (a minus sign before the ¥ for negative amounts).
pub fn yuan(m: Money) -> String {
    let fen = m.to_fen();
    let abs = fen.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}¥{grouped}.{:02}", abs % 100)
}

/// `35万元`, `1.234567万元`: the amount in units of 10,000 yuan, trailing zeros dropped.
pub fn wan(m: Money) -> String {
    let fen = m.to_fen();
    let abs = fen.unsigned_abs();
    // 1 万元 = 1,000,000 fen.
    let whole = abs / 1_000_000;
    let frac = format!("{:06}", abs % 1_000_000);
    let frac = frac.trim_end_matches('0');
    let sign = if fen < 0 { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{whole}万元") } else { format!("{sign}{whole}.{frac}万元") }
}

/// `2026年11月29日` in Chinese, `2026-11-29` in English.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.to_string(),
    }
}

/// A UTC timestamp of the server shown in China Standard Time: `2026年11月29日 14:05`.
pub fn datetime(t: NaiveDateTime, lang: Lang) -> String {
    let cst = t + chrono::Duration::hours(8);
    format!("{} {}", date(cst.date(), lang), cst.format("%H:%M"))
}

/// Today in China Standard Time (UTC+8), from the browser's clock.
pub fn today_cst() -> NaiveDate {
    // Milliseconds since the epoch as JavaScript gives them (a whole number in an f64).
    let millis = js_sys::Date::now() as i64;
    let cst = chrono::DateTime::from_timestamp_millis(millis + 8 * 3_600_000).map(|d| d.date_naive());
    cst.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_yuan_and_wan() {
        let m = |s: &str| Money::parse_wire(s).unwrap();
        assert_eq!(yuan(m("350000.00")), "¥350,000.00");
        assert_eq!(wan(m("350000.00")), "35万元");
        assert_eq!(yuan(m("175000.00")), "¥175,000.00");
        assert_eq!(wan(m("175000.00")), "17.5万元");
        assert_eq!(yuan(m("0.00")), "¥0.00");
        assert_eq!(wan(m("0.00")), "0万元");
        assert_eq!(yuan(m("1234567.89")), "¥1,234,567.89");
        assert_eq!(wan(m("1234567.89")), "123.456789万元");
        assert_eq!(yuan(m("999.05")), "¥999.05");
        assert_eq!(yuan(Money::from_fen(-10_000_050)), "-¥100,000.50");
        assert_eq!(wan(Money::from_fen(-10_000_050)), "-10.00005万元");
    }

    #[test]
    fn formats_dates_in_chinese() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(date(d, Lang::Zh), "2026年3月5日");
        assert_eq!(date(d, Lang::En), "2026-03-05");
        let t = d.and_hms_opt(17, 30, 0).unwrap();
        assert_eq!(datetime(t, Lang::Zh), "2026年3月6日 01:30");
    }
}
