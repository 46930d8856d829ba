//! Demo of issue 5, through the API like the rest: evaluations carrying the scheme's detail (one
//! whose recorded level differs from the computed one), 小快轻准 products from the providers
//! (most approved, one rejected, two pending), products linked to running projects, and the
//! providers' 2025 performance evaluations with their ranking (one active provider below the
//! suspension threshold, left for the city to suspend from the pool screen).

use serde_json::{Value, json};

use super::*;

/// The enterprise whose evaluation detail computes a level below the recorded one.
const MISMATCH: G = G::SettledLevel4;

/// A detail that the shipped scheme computes as `level` (1–4): dimension scores and scene levels.
fn detail_for(level: u8) -> Value {
    let (scores, scene_level, scenes): ([&str; 3], u8, &[&str]) = match level {
        4 => (["45", "27", "16.5"], 4, &SCENES[..7]),
        3 => (["38.5", "20", "10"], 3, &SCENES[..5]),
        2 => (["28", "15", "8"], 2, &SCENES[..3]),
        _ => (["15", "8", "4"], 1, &SCENES[..2]),
    };
    let scenes: serde_json::Map<String, Value> = scenes.iter().map(|s| (s.to_string(), json!(scene_level))).collect();
    json!({"dimension_scores": {"foundation": num(scores[0]), "management": num(scores[1]), "outcomes": num(scores[2])},
        "scenes": scenes})
}

/// A JSON number from its decimal text (no floating point in our code).
fn num(text: &str) -> Value {
    text.parse::<serde_json::Number>().map_or(Value::Null, Value::Number)
}

/// The mandatory scenes first (`policies/miit-digital-level-2024.toml`).
const SCENES: [&str; 7] = [
    "production_control",
    "finance",
    "quality_management",
    "procurement",
    "marketing",
    "warehousing_logistics",
    "equipment_management",
];

/// The `meta` of an evaluation upload: every third enterprise's (and the mismatch's) carries the
/// scheme's detail.
pub(super) fn evaluation_meta(e: &Ent, level: u8, score: usize, evaluated_on: String) -> Value {
    let mut meta = json!({"level": level, "score": score, "evaluated_on": evaluated_on});
    if e.goal == MISMATCH {
        meta["detail"] = detail_for(level.saturating_sub(1));
    } else if e.n.is_multiple_of(3) {
        meta["detail"] = detail_for(level);
    }
    meta
}

/// (provider index, name, industry, summary, price).
const PRODUCTS: [(usize, &str, &str, &str, Option<&str>); 10] = [
    (
        0,
        "设备联网轻量化套件",
        "power_equipment",
        "工业网关 + 云端看板,两周完成关键设备联网与数据采集",
        Some("48000.00"),
    ),
    (0, "电力设备质量追溯 SaaS", "power_equipment", "按批次追溯原材料与检测数据,订阅制", Some("36000.00")),
    (1, "成套设备远程运维平台", "complete_equipment", "设备远程监测、预测性维护,按台订阅", Some("60000.00")),
    (1, "项目制生产管控轻应用", "complete_equipment", "订单—计划—报工—交付全流程,移动端报工", None),
    (2, "化工园区能耗监测方案", "chemical_materials", "分项计量、能耗预警,对接园区平台", Some("52000.00")),
    (2, "安全生产巡检小程序", "chemical_materials", "巡检任务、隐患闭环、危化品台账", Some("18000.00")),
    (3, "非金属材料窑炉智能控制", "nonmetal_materials", "窑炉温度闭环控制与能耗优化", Some("88000.00")),
    (4, "中小企业财务业务一体化", "power_equipment", "进销存与财务凭证自动生成", Some("26000.00")),
    (5, "仓储条码管理轻应用", "nonmetal_materials", "扫码出入库、库存预警", Some("15000.00")),
    (6, "通用 MES 标准包", "complete_equipment", "排程、报工、质检的标准化配置", Some("99000.00")),
];

/// Which products the city approves (index into [`PRODUCTS`]); 8 is rejected, 6 and 9 wait.
const APPROVED: [usize; 7] = [0, 1, 2, 3, 4, 5, 7];
const REJECTED: usize = 8;

/// 2025 scores of providers 1–8 (results, feedback, process, report quality, sampling).
const SCORES_2025: [[&str; 5]; PROVIDERS] = [
    ["92", "88.5", "90", "86", "89"],
    ["85", "90", "82.5", "88", "84"],
    ["78", "80", "85", "76.5", "80"],
    ["85", "90", "82.5", "88", "84"],
    ["70", "72", "68", "75", "71.5"],
    ["66", "64.5", "70", "62", "65"],
    ["55", "58", "52.5", "60", "54"],
    ["40", "45", "50", "42", "38.5"],
];

/// Products, their review, links to running projects, and the providers' 2025 evaluations.
pub(super) async fn seed(api: &Api, t: &Tokens, ents: &[Ent]) -> Result<(), String> {
    let mut ids = Vec::new();
    for (provider, name, industry, summary, price) in PRODUCTS {
        let (_, token) = &t.providers[provider];
        let mut body = json!({"name": name, "industry": industry, "summary": summary});
        if let Some(price) = price {
            body["price"] = json!(price);
        }
        ids.push(id(&api.post("/products", token, &body, 201).await?)?);
    }
    for i in APPROVED {
        let body = json!({"decision": "approve", "comment": "通用性强,适合细分行业推广"});
        api.post(&format!("/products/{}/review", ids[i]), &t.city, &body, 200).await?;
    }
    let body = json!({"decision": "reject", "comment": "案例材料不全,请补充后重新提交"});
    api.post(&format!("/products/{}/review", ids[REJECTED]), &t.city, &body, 200).await?;
    // The year's best product: an excellent-product award (R12), paid to its provider.
    let best = json!({"type": "product", "id": ids[APPROVED[0]]});
    let body =
        json!({"kind": "excellent_product", "recipient": best, "amount": "30000.00", "comment": "优秀“小快轻准”产品"});
    api.post("/awards", &t.city, &body, 201).await?;

    // Enterprises with a running project name an approved product of their industry.
    let mut linked = 0;
    for e in ents.iter().filter(|e| e.goal.has_project() && !state_of(e.goal).is_terminal()) {
        let Some(i) = APPROVED.iter().copied().find(|&i| PRODUCTS[i].2 == e.industry.code()) else { continue };
        api.post(&format!("/projects/{}/products", e.project), &e.token, &json!({"product_id": ids[i]}), 201).await?;
        linked += 1;
        if linked == 6 {
            break;
        }
    }

    for (n, s) in SCORES_2025.iter().enumerate() {
        let (provider, _) = t.providers[n];
        let body = json!({"year": 2025, "scores": {"results": num(s[0]), "feedback": num(s[1]), "process": num(s[2]),
            "report_quality": num(s[3]), "sampling": num(s[4])}, "comment": "2025 年度绩效评估(演示)"});
        api.post(&format!("/providers/{provider}/evaluations"), &t.city, &body, 201).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use dtpilot_domain::scheme::{Detail, EvaluationScheme, MIIT_2024_ID};

    use super::*;

    #[test]
    fn the_demo_details_compute_the_level_they_are_meant_for() {
        let scheme = EvaluationScheme::by_id(MIIT_2024_ID).expect("scheme");
        for level in 1..=4u8 {
            let v = detail_for(level);
            let detail = Detail {
                dimension_scores: v["dimension_scores"]
                    .as_object()
                    .expect("scores")
                    .iter()
                    .map(|(k, s)| (k.clone(), s.to_string().parse().expect("decimal")))
                    .collect(),
                scenes: serde_json::from_value(v["scenes"].clone()).expect("scenes"),
            };
            assert_eq!(scheme.compute(&detail).expect("valid").level.get(), level);
        }
    }

    #[test]
    fn one_provider_of_2025_is_active_and_below_the_threshold() {
        let profile = dtpilot_domain::PolicyProfile::changzhi_2025();
        let perf = &profile.provider_performance;
        let below: Vec<usize> = SCORES_2025
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                let d = |x: &str| x.parse().expect("decimal");
                let scores = dtpilot_domain::performance::Scores {
                    results: d(s[0]),
                    feedback: d(s[1]),
                    process: d(s[2]),
                    report_quality: d(s[3]),
                    sampling: d(s[4]),
                };
                dtpilot_domain::performance::composite(&perf.weights, &scores) < perf.suspension_below
            })
            .map(|(n, _)| n)
            .collect();
        // Provider 7 (active) and provider 8 (already suspended by the demo).
        assert_eq!(below, [6, 7]);
    }
}
