//! Public reference data: `GET /api/v1/reference` (SPEC §2) and `GET /api/v1/policy` (the
//! policy profile in force, every number with its source article).

use actix_web::{HttpResponse, web};
use dtpilot_domain::DigitalLevel;
use dtpilot_domain::reference::{County, ExpenseCategory, Industry};
use serde_json::{Value, json};

use crate::app::AppState;

fn coded<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
) -> Vec<Value> {
    all.iter().map(|&t| json!({ "code": code(t), "name": zh(t), "name_en": en(t) })).collect()
}

pub async fn get_reference() -> HttpResponse {
    let categories: Vec<Value> = ExpenseCategory::ALL
        .iter()
        .map(|c| json!({ "code": c.code(), "name": c.name_zh(), "name_en": c.name_en(), "eligible": c.is_eligible() }))
        .collect();
    HttpResponse::Ok().json(json!({
        "counties": coded(County::ALL, County::code, County::name_zh, County::name_en),
        "industries": coded(Industry::ALL, Industry::code, Industry::name_zh, Industry::name_en),
        "levels": DigitalLevel::ALL.iter().map(|l| json!({ "level": l.get(), "name": l.name_zh() })).collect::<Vec<_>>(),
        "expense_categories": categories,
    }))
}

pub async fn get_policy(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(&*state.profile)
}
