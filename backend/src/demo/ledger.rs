//! The demo's other subsidies, awards and budgets (SPEC §4 R10–R13, §7b), through the API like the
//! rest: budgets for the central fund, the city and several counties (set generously above what the
//! projects already committed), cloud fees declared by some enterprises (one reaching the R11 cap),
//! a few awards of R12, and some of those instructions approved and paid. The diagnosis subsidies
//! (R10) appeared by themselves when the projects were accepted; a few are approved and paid here.

use serde_json::json;

use super::*;

/// Budgets: (fund, county, amount, retrofit part).
const BUDGETS: [(&str, Option<County>, &str, Option<&str>); 6] = [
    ("central", None, "25000000.00", Some("20000000.00")),
    ("city", None, "12000000.00", None),
    ("county", Some(County::Luzhou), "3000000.00", None),
    ("county", Some(County::Shangdang), "2500000.00", None),
    ("county", Some(County::Gaoxin), "2500000.00", None),
    ("county", Some(County::Jingkai), "2000000.00", None),
];

/// Cloud fees of an enterprise: (amount, period, invoice number suffix).
const CLOUD_FEES: [(&str, &str); 3] =
    [("8600.00", "2026年第一季度"), ("12400.00", "2026年第二季度"), ("15000.00", "2026年第三季度")];

/// Approve (and, with a date, execute) one instruction.
async fn settle(api: &Api, t: &Tokens, payment: i64, execute_on: Option<String>) -> Result<(), String> {
    api.post(&format!("/payments/{payment}/approve"), &t.city, &json!({}), 200).await?;
    if let Some(paid_on) = execute_on {
        let voucher = format!("长财企拨〔2026〕{payment:04}号");
        api.post(
            &format!("/payments/{payment}/execute"),
            &t.finance,
            &json!({"paid_on": paid_on, "voucher_no": voucher}),
            200,
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn seed(api: &Api, t: &Tokens, ents: &[Ent], tl: &Timeline) -> Result<(), String> {
    for (fund, county, amount, retrofit) in BUDGETS {
        let mut body = json!({"fund": fund, "amount": amount});
        if let Some(c) = county {
            body["county"] = json!(c.code());
        }
        if let Some(r) = retrofit {
            body["retrofit_amount"] = json!(r);
        }
        api.post("/budgets", &t.city, &body, 201).await?;
    }

    // Cloud fees (R11): every fifth enterprise in good standing declares one to three quarters; the
    // first of them reaches the 30,000.00 cap on its third (its subsidy is what was left).
    let declaring = ents
        .iter()
        .filter(|e| !matches!(e.goal, G::CreditAbnormal | G::Dishonest | G::ClearedBlocked))
        .filter(|e| e.n % 5 == 1);
    for (i, e) in declaring.enumerate() {
        let quarters = 1 + (i % 3);
        for (q, (amount, period)) in CLOUD_FEES.iter().take(quarters).enumerate() {
            let body = json!({"amount": amount, "period": period, "invoice_no": format!("YF{:03}-{}", e.n, q + 1)});
            // The enterprise declares it where it has an account; the bureau on its behalf otherwise.
            let token = if e.token.is_empty() { &t.city } else { &e.token };
            let fee = api.post(&format!("/enterprises/{}/cloud-fees", e.id), token, &body, 201).await?;
            if q == 0 {
                let execute_on = (i % 2 == 0).then(|| tl.on(PREPAID_2));
                settle(api, t, fee["payment_id"].as_i64().ok_or("no payment_id")?, execute_on).await?;
            }
        }
    }

    // Awards (R12).
    let (p1, _) = t.providers[0];
    let (p2, _) = t.providers[1];
    let well: Vec<&Ent> = ents
        .iter()
        .filter(|e| !matches!(e.goal, G::CreditAbnormal | G::Dishonest | G::ClearedBlocked | G::CancelledFraud))
        .collect();
    let pick = |k: usize| well.get(k).map(|e| e.id).ok_or_else(|| format!("no enterprise {k} for an award"));
    let awards = [
        json!({"kind": "excellent_provider", "recipient": {"type": "provider", "id": p1}, "amount": "100000.00", "comment": "2026年度优秀数字化服务商"}),
        json!({"kind": "standard_package", "recipient": {"type": "provider", "id": p2}, "amount": "800000.00", "industry": "power_equipment", "comment": "智能电力设备制造业通用解决方案标准包"}),
        json!({"kind": "digital_workshop", "recipient": {"type": "enterprise", "id": pick(0)?}, "amount": "100000.00", "comment": "市级数字化车间"}),
        json!({"kind": "digital_workshop", "recipient": {"type": "enterprise", "id": pick(3)?}, "amount": "80000.00", "comment": "市级智能工厂"}),
        json!({"kind": "chain_case", "recipient": {"type": "enterprise", "id": pick(5)?}, "amount": "100000.00", "comment": "链式数字化转型典型案例"}),
        json!({"kind": "collected_case", "recipient": {"type": "enterprise", "id": pick(7)?}, "amount": "50000.00", "comment": "案例征集入选"}),
        json!({"kind": "benchmark_enterprise", "recipient": {"type": "enterprise", "id": pick(2)?}, "amount": "300000.00", "comment": "深度改造标杆企业(不含改造补助)"}),
    ];
    for (i, body) in awards.iter().enumerate() {
        let award = api.post("/awards", &t.city, body, 201).await?;
        if i < 3 {
            let execute_on = (i == 0).then(|| tl.on(RECOVERED));
            settle(api, t, award["payment_id"].as_i64().ok_or("no payment_id")?, execute_on).await?;
        }
    }

    // Diagnosis subsidies (R10) made due by the accepted projects: approve two, pay one.
    let due = api.get("/payments?kind=diagnosis&status=pending&per_page=2", &t.city).await?;
    for (i, p) in due["items"].as_array().into_iter().flatten().enumerate() {
        let execute_on = (i == 0).then(|| tl.on(RECOVERED));
        settle(api, t, id(p)?, execute_on).await?;
    }
    Ok(())
}
