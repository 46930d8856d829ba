//! Public reference data: `GET /api/v1/reference` (SPEC §2) and `GET /api/v1/policy` (the
//! policy profile in force, every number with its source article).

use actix_web::{HttpResponse, web};
use dtpilot_domain::DigitalLevel;
use dtpilot_domain::reference::{County, ExpenseCategory, Industry};
use serde::Serialize;

use crate::app::AppState;

/// A code of SPEC §2 with its names.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Coded {
    pub code: &'static str,
    /// Chinese name.
    pub name: &'static str,
    pub name_en: &'static str,
}

/// A digital level with its Chinese name (一级 … 四级).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LevelItem {
    pub level: DigitalLevel,
    pub name: &'static str,
}

/// An expense category; `eligible` says whether it counts towards the eligible investment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryItem {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub eligible: bool,
}

/// `GET /reference`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reference {
    pub counties: Vec<Coded>,
    pub industries: Vec<Coded>,
    pub levels: Vec<LevelItem>,
    pub expense_categories: Vec<CategoryItem>,
}

fn coded<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
) -> Vec<Coded> {
    all.iter().map(|&t| Coded { code: code(t), name: zh(t), name_en: en(t) }).collect()
}

/// Counties, industries, digital levels and expense categories (SPEC §2).
#[utoipa::path(
    get,
    path = "/api/v1/reference",
    tag = "public",
    responses((status = 200, description = "参考数据", body = Reference))
)]
pub async fn get_reference() -> HttpResponse {
    let expense_categories = ExpenseCategory::ALL
        .iter()
        .map(|&c| CategoryItem { code: c.code(), name: c.name_zh(), name_en: c.name_en(), eligible: c.is_eligible() })
        .collect();
    HttpResponse::Ok().json(Reference {
        counties: coded(County::ALL, County::code, County::name_zh, County::name_en),
        industries: coded(Industry::ALL, Industry::code, Industry::name_zh, Industry::name_en),
        levels: DigitalLevel::ALL.iter().map(|&l| LevelItem { level: l, name: l.name_zh() }).collect(),
        expense_categories,
    })
}

/// The policy profile in force (`changzhi-2025` by default): every rate, cap and period with the
/// article it comes from.
#[utoipa::path(
    get,
    path = "/api/v1/policy",
    tag = "public",
    responses((status = 200, description = "现行政策参数(每个数字附出处)", body = serde_json::Value))
)]
pub async fn get_policy(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(&*state.profile)
}
