//! Digital level (数字化水平) 1–4 of MIIT 《中小企业数字化水平评测指标(2024年版)》.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DigitalLevel(u8);

impl DigitalLevel {
    pub const ALL: [DigitalLevel; 4] = [DigitalLevel(1), DigitalLevel(2), DigitalLevel(3), DigitalLevel(4)];

    /// `None` outside 1–4.
    pub fn new(level: u8) -> Option<DigitalLevel> {
        (1..=4).contains(&level).then_some(DigitalLevel(level))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// 一级 … 四级.
    pub fn name_zh(self) -> &'static str {
        ["一级", "二级", "三级", "四级"][usize::from(self.0 - 1)]
    }
}

impl fmt::Display for DigitalLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for DigitalLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "L{}", self.0)
    }
}

impl Serialize for DigitalLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for DigitalLevel {
    /// A JSON integer 1–4; anything else (5, "3", 3.0) is refused.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DigitalLevel, D::Error> {
        let n = u64::deserialize(d).map_err(|_| serde::de::Error::custom(LEVEL_MESSAGE))?;
        u8::try_from(n).ok().and_then(DigitalLevel::new).ok_or_else(|| serde::de::Error::custom(LEVEL_MESSAGE))
    }
}

const LEVEL_MESSAGE: &str = "数字化水平等级应为整数 1、2、3 或 4";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_integers_one_to_four() {
        assert_eq!(serde_json::from_str::<DigitalLevel>("4").unwrap().get(), 4);
        for bad in ["0", "5", "\"3\"", "3.0", "-1", "null", "256"] {
            assert!(serde_json::from_str::<DigitalLevel>(bad).is_err(), "{bad}");
        }
    }
}
