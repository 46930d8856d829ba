//! The digital-level evaluation scheme (数字化水平评测指标) as data, and the level it computes.
//!
//! A scheme is a TOML file (`policies/miit-digital-level-2024.toml`): scored dimensions with their
//! sub-indicators, the business scenes an evaluation grades 1–4, and the level rule (a total-score
//! bar and scene conditions per level). It is parsed strictly and validated like a policy profile;
//! every error names the key at fault. A city profile names the scheme it uses
//! (`[evaluation] scheme`), and [`EvaluationScheme::by_id`] finds it among the shipped ones.
//!
//! [`EvaluationScheme::compute`] is the pure level function: from an evaluation's detail (dimension
//! scores and scene levels) to the level the scheme gives. The level an evaluator records still
//! decides the money (R4/R6); the computed level only flags a mismatch.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::level::DigitalLevel;
use crate::policy::ProfileError;

/// The scheme shipped with dtpilot: MIIT 2024 edition.
pub const MIIT_2024_TOML: &str = include_str!("../../../policies/miit-digital-level-2024.toml");

/// The id of [`MIIT_2024_TOML`].
pub const MIIT_2024_ID: &str = "miit-digital-level-2024";

/// A sub-indicator (二级指标) of a dimension, with its share of the dimension's points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    pub max: Decimal,
}

/// A scored dimension (一级指标).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dimension {
    pub key: String,
    pub name: String,
    /// The most points a detail may give this dimension.
    pub max: Decimal,
    pub indicators: Vec<Indicator>,
    /// Not certain to match the official text.
    pub assumption: bool,
}

/// A business scene (业务场景) graded 1–4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scene {
    pub key: String,
    pub name: String,
    /// The business area it belongs to (研发设计, 生产管控 …).
    pub group: String,
    /// Must be graded in every detail; counts in [`LevelRule::mandatory_scene_level`].
    pub mandatory: bool,
    pub assumption: bool,
}

/// What a level needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelRule {
    pub level: DigitalLevel,
    /// The least total score (sum of the dimension scores).
    pub min_score: Decimal,
    /// At least this many scenes …
    pub min_scenes: u32,
    /// … at this level or above.
    pub min_scene_level: DigitalLevel,
    /// Every mandatory scene at this level or above (none: no condition).
    pub mandatory_scene_level: Option<DigitalLevel>,
    pub assumption: bool,
}

/// A validated evaluation scheme. Construct it with [`EvaluationScheme::from_toml`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationScheme {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub source: String,
    pub dimensions: Vec<Dimension>,
    /// The sum of the dimensions' maxima.
    pub total_max: Decimal,
    pub scenes: Vec<Scene>,
    /// Levels 2, 3 and 4, in that order (level 1 is what remains).
    pub levels: Vec<LevelRule>,
}

/// An evaluation's detail as given: the score of each dimension and the level each graded scene
/// reached (a scene not graded is absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    pub dimension_scores: BTreeMap<String, Decimal>,
    pub scenes: BTreeMap<String, DigitalLevel>,
}

/// A field of a detail that the scheme refuses; `field` is relative to the detail
/// (`dimension_scores.foundation`, `scenes.finance`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailError {
    pub field: String,
    pub message: String,
}

/// What the scheme makes of a valid detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Computed {
    pub level: DigitalLevel,
    pub total: Decimal,
}

impl EvaluationScheme {
    /// A scheme shipped with dtpilot, by id.
    pub fn by_id(id: &str) -> Option<&'static EvaluationScheme> {
        static MIIT_2024: OnceLock<EvaluationScheme> = OnceLock::new();
        (id == MIIT_2024_ID).then(|| {
            // Shipped inside the binary and validated by a test; failing here is a build defect.
            MIIT_2024.get_or_init(|| {
                EvaluationScheme::from_toml(MIIT_2024_TOML).expect("policies/miit-digital-level-2024.toml is valid")
            })
        })
    }

    /// Parse and validate a scheme. Every error names the key at fault.
    pub fn from_toml(text: &str) -> Result<EvaluationScheme, ProfileError> {
        let de = toml::de::Deserializer::parse(text)
            .map_err(|e| ProfileError::at("(文件)", format!("TOML 语法错误: {}", e.message())))?;
        let raw: raw::Scheme = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            ProfileError::at(if key == "." { "(根)".to_string() } else { key }, e.into_inner().message().to_string())
        })?;
        raw.validate()
    }

    /// Check a detail against the scheme: every dimension scored within 0–max with at most two
    /// decimals, every scene known, every mandatory scene graded. All faults, each naming its field.
    pub fn check(&self, detail: &Detail) -> Result<(), Vec<DetailError>> {
        let mut errors = Vec::new();
        let mut err = |field: String, message: String| errors.push(DetailError { field, message });
        for d in &self.dimensions {
            let field = format!("dimension_scores.{}", d.key);
            match detail.dimension_scores.get(&d.key) {
                None => err(field, format!("缺少“{}”的得分", d.name)),
                Some(s) if *s < Decimal::ZERO || *s > d.max => {
                    err(field, format!("“{}”得分应在 0–{} 之间", d.name, d.max.normalize()));
                }
                Some(s) if s.normalize().scale() > 2 => err(field, "得分最多两位小数".to_string()),
                Some(_) => {}
            }
        }
        for key in detail.dimension_scores.keys() {
            if !self.dimensions.iter().any(|d| &d.key == key) {
                err(format!("dimension_scores.{key}"), format!("评测指标中没有维度 {key:?}"));
            }
        }
        for key in detail.scenes.keys() {
            if !self.scenes.iter().any(|s| &s.key == key) {
                err(format!("scenes.{key}"), format!("评测指标中没有业务场景 {key:?}"));
            }
        }
        for s in self.scenes.iter().filter(|s| s.mandatory) {
            if !detail.scenes.contains_key(&s.key) {
                err(format!("scenes.{}", s.key), format!("必评场景“{}”须给出达到的等级", s.name));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// The level the scheme gives a detail: the highest level whose rule holds, else level 1.
    /// The detail is [checked](Self::check) first.
    pub fn compute(&self, detail: &Detail) -> Result<Computed, Vec<DetailError>> {
        self.check(detail)?;
        let total: Decimal = detail.dimension_scores.values().copied().sum();
        let mut level = DigitalLevel::ALL[0];
        for rule in &self.levels {
            let scenes_at = |min: DigitalLevel| detail.scenes.values().filter(|l| **l >= min).count();
            let scenes_ok = u32::try_from(scenes_at(rule.min_scene_level)).unwrap_or(u32::MAX) >= rule.min_scenes;
            let mandatory_ok = rule.mandatory_scene_level.is_none_or(|min| {
                self.scenes.iter().filter(|s| s.mandatory).all(|s| detail.scenes.get(&s.key).is_some_and(|l| *l >= min))
            });
            if total >= rule.min_score && scenes_ok && mandatory_ok {
                level = rule.level;
            }
        }
        Ok(Computed { level, total })
    }
}

/// The file's shape, exactly as written.
mod raw {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Scheme {
        pub id: String,
        pub version: u32,
        pub title: String,
        pub source: String,
        pub dimensions: Vec<Dimension>,
        pub scenes: Vec<Scene>,
        pub levels: Vec<Level>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Dimension {
        pub key: String,
        pub name: String,
        pub max: String,
        pub indicators: Vec<Indicator>,
        #[serde(default)]
        pub assumption: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Indicator {
        pub key: String,
        pub name: String,
        pub max: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Scene {
        pub key: String,
        pub name: String,
        pub group: String,
        pub mandatory: bool,
        #[serde(default)]
        pub assumption: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Level {
        pub level: u8,
        pub min_score: String,
        pub min_scenes: u32,
        pub min_scene_level: u8,
        pub mandatory_scene_level: Option<u8>,
        #[serde(default)]
        pub assumption: bool,
    }

    fn key_ok(key: &str) -> bool {
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }

    fn points(key: &str, text: &str) -> Result<Decimal, ProfileError> {
        text.parse::<Decimal>()
            .ok()
            .filter(|d| *d > Decimal::ZERO && d.normalize().scale() <= 2)
            .ok_or_else(|| ProfileError::at(key, format!("分值应为大于 0、至多两位小数的数字字符串,而不是 {text:?}")))
    }

    fn level(key: &str, n: u8) -> Result<DigitalLevel, ProfileError> {
        DigitalLevel::new(n).ok_or_else(|| ProfileError::at(key, "等级应为 1–4"))
    }

    impl Scheme {
        pub fn validate(self) -> Result<EvaluationScheme, ProfileError> {
            if self.id.trim().is_empty()
                || !self.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(ProfileError::at("id", "标识只能由字母、数字、- 和 _ 组成,且不能为空"));
            }
            if self.version == 0 {
                return Err(ProfileError::at("version", "版本号从 1 开始"));
            }
            if self.source.trim().is_empty() {
                return Err(ProfileError::at("source", "必须注明出处"));
            }
            if self.dimensions.is_empty() {
                return Err(ProfileError::at("dimensions", "至少一个评分维度"));
            }
            let mut dimensions = Vec::new();
            for (i, d) in self.dimensions.into_iter().enumerate() {
                let at = format!("dimensions[{i}]");
                if !key_ok(&d.key) || dimensions.iter().any(|o: &super::Dimension| o.key == d.key) {
                    return Err(ProfileError::at(format!("{at}.key"), "key 只能由小写字母、数字和 _ 组成,且不能重复"));
                }
                let max = points(&format!("{at}.max"), &d.max)?;
                let mut indicators: Vec<super::Indicator> = Vec::new();
                for (j, ind) in d.indicators.into_iter().enumerate() {
                    let at = format!("{at}.indicators[{j}]");
                    if !key_ok(&ind.key) || indicators.iter().any(|o| o.key == ind.key) {
                        return Err(ProfileError::at(
                            format!("{at}.key"),
                            "key 只能由小写字母、数字和 _ 组成,且不能重复",
                        ));
                    }
                    let m = points(&format!("{at}.max"), &ind.max)?;
                    indicators.push(super::Indicator { key: ind.key, name: ind.name, max: m });
                }
                if !indicators.is_empty() && indicators.iter().map(|x| x.max).sum::<Decimal>() != max {
                    return Err(ProfileError::at(format!("{at}.indicators"), "二级指标分值之和应等于维度满分"));
                }
                dimensions.push(super::Dimension {
                    key: d.key,
                    name: d.name,
                    max,
                    indicators,
                    assumption: d.assumption,
                });
            }
            let total_max = dimensions.iter().map(|d| d.max).sum();

            let mut scenes: Vec<super::Scene> = Vec::new();
            for (i, s) in self.scenes.into_iter().enumerate() {
                if !key_ok(&s.key) || scenes.iter().any(|o| o.key == s.key) {
                    return Err(ProfileError::at(
                        format!("scenes[{i}].key"),
                        "key 只能由小写字母、数字和 _ 组成,且不能重复",
                    ));
                }
                scenes.push(super::Scene {
                    key: s.key,
                    name: s.name,
                    group: s.group,
                    mandatory: s.mandatory,
                    assumption: s.assumption,
                });
            }

            if self.levels.len() != 3 {
                return Err(ProfileError::at("levels", "须依次给出二级、三级、四级的判定条件"));
            }
            let mut levels: Vec<LevelRule> = Vec::new();
            for (i, l) in self.levels.into_iter().enumerate() {
                let at = format!("levels[{i}]");
                let expected = u8::try_from(i + 2).unwrap_or(0);
                if l.level != expected {
                    return Err(ProfileError::at(format!("{at}.level"), format!("此处应为 {expected} 级")));
                }
                let min_score = l.min_score.parse::<Decimal>().ok().filter(|d| *d >= Decimal::ZERO && *d <= total_max);
                let Some(min_score) = min_score else {
                    return Err(ProfileError::at(
                        format!("{at}.min_score"),
                        format!("应为 0–{total_max} 之间的数字字符串"),
                    ));
                };
                if levels.last().is_some_and(|prev| prev.min_score > min_score) {
                    return Err(ProfileError::at(format!("{at}.min_score"), "更高等级的分数线不得低于较低等级"));
                }
                if usize::try_from(l.min_scenes).unwrap_or(usize::MAX) > scenes.len() {
                    return Err(ProfileError::at(format!("{at}.min_scenes"), "不得多于业务场景的数量"));
                }
                let mandatory_scene_level =
                    l.mandatory_scene_level.map(|n| level(&format!("{at}.mandatory_scene_level"), n)).transpose()?;
                levels.push(LevelRule {
                    level: level(&format!("{at}.level"), l.level)?,
                    min_score,
                    min_scenes: l.min_scenes,
                    min_scene_level: level(&format!("{at}.min_scene_level"), l.min_scene_level)?,
                    mandatory_scene_level,
                    assumption: l.assumption,
                });
            }
            Ok(EvaluationScheme {
                id: self.id,
                version: self.version,
                title: self.title,
                source: self.source,
                dimensions,
                total_max,
                scenes,
                levels,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme() -> &'static EvaluationScheme {
        EvaluationScheme::by_id(MIIT_2024_ID).unwrap()
    }

    fn lv(n: u8) -> DigitalLevel {
        DigitalLevel::new(n).unwrap()
    }

    fn detail(scores: [&str; 3], scenes: &[(&str, u8)]) -> Detail {
        Detail {
            dimension_scores: ["foundation", "management", "outcomes"]
                .into_iter()
                .zip(scores)
                .map(|(k, s)| (k.to_string(), s.parse().unwrap()))
                .collect(),
            scenes: scenes.iter().map(|(k, l)| (k.to_string(), lv(*l))).collect(),
        }
    }

    #[test]
    fn the_shipped_scheme_loads_with_its_dimensions_scenes_and_levels() {
        let s = scheme();
        assert_eq!(s.total_max, Decimal::from(100));
        let maxima: Vec<(&str, Decimal)> = s.dimensions.iter().map(|d| (d.key.as_str(), d.max)).collect();
        assert_eq!(
            maxima,
            [("foundation", Decimal::from(50)), ("management", Decimal::from(30)), ("outcomes", Decimal::from(20))]
        );
        assert!(s.scenes.iter().any(|x| x.key == "production_control" && x.mandatory));
        assert_eq!(s.levels.iter().map(|l| l.level.get()).collect::<Vec<_>>(), [2, 3, 4]);
        // Every threshold is marked as not yet checked against the official text.
        assert!(s.levels.iter().all(|l| l.assumption));
    }

    #[test]
    fn level_is_the_highest_rule_that_holds() {
        let s = scheme();
        let base = [("production_control", 3), ("finance", 3), ("marketing", 3), ("procurement", 3)];
        assert_eq!(s.compute(&detail(["35", "20", "10"], &base)).unwrap().level, lv(3));
        // Score enough for 4, scenes only for 3.
        assert_eq!(s.compute(&detail(["50", "30", "20"], &base)).unwrap().level, lv(3));
        // Scenes for 3, score only for 2.
        let c = s.compute(&detail(["30", "15", "5.5"], &base)).unwrap();
        assert_eq!((c.level, c.total), (lv(2), "50.5".parse().unwrap()));
        // Below every bar.
        assert_eq!(s.compute(&detail(["10", "5", "0"], &base)).unwrap().level, lv(1));
        // A mandatory scene below the level holds the level down.
        let weak = [("production_control", 1), ("finance", 3), ("marketing", 3), ("procurement", 3)];
        assert_eq!(s.compute(&detail(["35", "20", "10"], &weak)).unwrap().level, lv(1));
    }

    #[test]
    fn a_bad_detail_names_the_field() {
        let s = scheme();
        let ok = [("production_control", 2), ("finance", 2)];
        let errs = s.compute(&detail(["50.5", "20", "10"], &ok)).unwrap_err();
        assert_eq!(errs[0].field, "dimension_scores.foundation");
        let errs = s.compute(&detail(["40", "20", "-1"], &ok)).unwrap_err();
        assert_eq!(errs[0].field, "dimension_scores.outcomes");
        let errs = s.compute(&detail(["40.125", "20", "1"], &ok)).unwrap_err();
        assert_eq!(errs[0].field, "dimension_scores.foundation");
        let errs = s.compute(&detail(["40", "20", "1"], &[("finance", 2), ("teleport", 2)])).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["scenes.teleport", "scenes.production_control"]);
        let mut missing = detail(["40", "20", "1"], &ok);
        missing.dimension_scores.remove("management");
        assert_eq!(s.compute(&missing).unwrap_err()[0].field, "dimension_scores.management");
    }

    fn broken(from: &str, to: &str) -> ProfileError {
        let text = MIIT_2024_TOML.replacen(from, to, 1);
        assert_ne!(text, MIIT_2024_TOML, "the replacement must change the file: {from}");
        EvaluationScheme::from_toml(&text).unwrap_err()
    }

    #[test]
    fn a_broken_scheme_is_refused_naming_the_key() {
        let cases = [
            ("max = \"50\"", "max = \"55\"", "dimensions[0].indicators"),
            ("max = \"12\"", "max = \"abc\"", "dimensions[0].indicators[0].max"),
            ("level = 3\n", "level = 4\n", "levels[1].level"),
            ("min_score = \"60\"", "min_score = \"30\"", "levels[1].min_score"),
            ("min_score = \"80\"", "min_score = \"180\"", "levels[2].min_score"),
            ("min_scenes = 6", "min_scenes = 60", "levels[2].min_scenes"),
            ("min_scene_level = 4", "min_scene_level = 5", "levels[2].min_scene_level"),
            ("key = \"finance\"", "key = \"marketing\"", "scenes[12].key"),
            ("mandatory = true", "mandatory = \"yes\"", "scenes[3].mandatory"),
            (
                "assumption = true\n\n[[dimensions.indicators]]",
                "assumptio = true\n\n[[dimensions.indicators]]",
                "dimensions[0]",
            ),
        ];
        for (from, to, key) in cases {
            let err = broken(from, to);
            assert!(err.key.starts_with(key), "{to:?}: expected key {key}, got {err}");
        }
    }
}
