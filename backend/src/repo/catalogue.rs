//! Issue 5: provider performance evaluations, the 小快轻准 product catalogue, the products linked
//! to projects, and the evaluation scheme's detail stored on a project.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use dtpilot_api_types::catalogue::{EvaluationDetailView, ProductStatus, ProjectProductView};
use dtpilot_api_types::programme::ProviderStatus;
use dtpilot_domain::reference::Industry;
use dtpilot_domain::state::Role;
use dtpilot_domain::{DigitalLevel, Money};

use crate::auth::Caller;
use crate::db::schema::{
    products as pd, project_products as pp, projects as p, provider_evaluations as ev, providers as pr,
};
use crate::db::{DbConn, RepoError};
use crate::repo::{Paging, corrupt, like_pattern};

// ---- the evaluation scheme's detail on a project ----------------------------------------------

/// Store the detail and the level the scheme computed (in the evaluation's transaction).
pub fn set_evaluation_detail(
    conn: &mut DbConn,
    project_id: i64,
    detail: &EvaluationDetailView,
    computed: DigitalLevel,
) -> Result<(), RepoError> {
    let json = serde_json::to_string(detail).map_err(|e| corrupt(e.to_string()))?;
    diesel::update(p::table.find(project_id))
        .set((p::evaluation_detail.eq(Some(json)), p::computed_level.eq(Some(i64::from(computed.get())))))
        .execute(conn)?;
    Ok(())
}

/// The stored detail and computed level of each of the projects given that has one.
pub fn evaluation_details(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<HashMap<i64, (EvaluationDetailView, DigitalLevel)>, RepoError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, Option<String>, Option<i64>)> = p::table
        .filter(p::id.eq_any(ids))
        .filter(p::computed_level.is_not_null())
        .select((p::id, p::evaluation_detail, p::computed_level))
        .load(conn)?;
    let mut out = HashMap::new();
    for (id, detail, level) in rows {
        if let Some(parsed) = stored_detail(id, detail, level)? {
            out.insert(id, parsed);
        }
    }
    Ok(out)
}

/// A project's stored detail and computed level (its `evaluation_detail` and `computed_level`
/// columns, read with its row or by [`evaluation_details`]), if it has both.
pub fn stored_detail(
    id: i64,
    detail: Option<String>,
    level: Option<i64>,
) -> Result<Option<(EvaluationDetailView, DigitalLevel)>, RepoError> {
    let (Some(detail), Some(level)) = (detail, level) else { return Ok(None) };
    let detail: EvaluationDetailView =
        serde_json::from_str(&detail).map_err(|_| corrupt(format!("projects.id={id}: evaluation_detail")))?;
    let level = u8::try_from(level)
        .ok()
        .and_then(DigitalLevel::new)
        .ok_or_else(|| corrupt(format!("projects.id={id}: computed_level {level}")))?;
    Ok(Some((detail, level)))
}

// ---- provider performance evaluations ---------------------------------------------------------

/// A stored evaluation with its provider's name and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub provider_status: ProviderStatus,
    pub year: i32,
    /// results, feedback, process, report_quality, sampling — in hundredths.
    pub scores_centi: [i64; 5],
    pub composite: String,
    pub comment: String,
    pub created_at: NaiveDateTime,
}

pub struct NewEvaluation<'a> {
    pub provider_id: i64,
    pub year: i32,
    pub scores_centi: [i64; 5],
    pub composite: &'a str,
    pub weights: &'a str,
    pub comment: &'a str,
    pub by: i64,
}

/// Insert; a second evaluation of the provider for the year is `Conflict("provider_evaluation")`.
pub fn insert_evaluation(conn: &mut DbConn, e: &NewEvaluation<'_>, now: NaiveDateTime) -> Result<i64, RepoError> {
    let [results, feedback, process, report_quality, sampling] = e.scores_centi;
    diesel::insert_into(ev::table)
        .values((
            ev::provider_id.eq(e.provider_id),
            ev::year.eq(i64::from(e.year)),
            ev::results_centi.eq(results),
            ev::feedback_centi.eq(feedback),
            ev::process_centi.eq(process),
            ev::report_quality_centi.eq(report_quality),
            ev::sampling_centi.eq(sampling),
            ev::composite.eq(e.composite),
            ev::weights.eq(e.weights),
            ev::comment.eq(e.comment),
            ev::created_by.eq(e.by),
            ev::created_at.eq(now),
        ))
        .returning(ev::id)
        .get_result(conn)
        .map_err(RepoError::unique_as("provider_evaluation"))
}

type EvaluationRow = (i64, i64, String, String, i64, i64, i64, i64, i64, i64, String, String, NaiveDateTime);

/// Every evaluation of `year` (a few dozen providers: ranked by the caller in memory).
pub fn evaluations_of_year(conn: &mut DbConn, year: i32) -> Result<Vec<Evaluation>, RepoError> {
    let rows: Vec<EvaluationRow> = ev::table
        .inner_join(pr::table)
        .filter(ev::year.eq(i64::from(year)))
        .order(ev::id.asc())
        .select((
            ev::id,
            ev::provider_id,
            pr::name,
            pr::status,
            ev::year,
            ev::results_centi,
            ev::feedback_centi,
            ev::process_centi,
            ev::report_quality_centi,
            ev::sampling_centi,
            ev::composite,
            ev::comment,
            ev::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, provider_id, provider_name, status, year, r, f, pc, q, s, composite, comment, created_at)| {
            Ok(Evaluation {
                id,
                provider_id,
                provider_name,
                provider_status: ProviderStatus::from_code(&status)
                    .ok_or_else(|| corrupt(format!("providers.id={provider_id}: status {status:?}")))?,
                year: i32::try_from(year).map_err(|_| corrupt(format!("provider_evaluations.id={id}: year")))?,
                scores_centi: [r, f, pc, q, s],
                composite,
                comment,
                created_at,
            })
        })
        .collect()
}

// ---- products ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub name: String,
    pub industry: Industry,
    pub summary: String,
    pub price: Option<Money>,
    pub status: ProductStatus,
    pub review_comment: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

type ProductRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    String,
    Option<String>,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

type ProductColumns = (
    pd::id,
    pd::provider_id,
    pr::name,
    pd::name,
    pd::industry,
    pd::summary,
    pd::price_fen,
    pd::status,
    pd::review_comment,
    pd::reviewed_at,
    pd::created_at,
);

const PRODUCT_COLUMNS: ProductColumns = (
    pd::id,
    pd::provider_id,
    pr::name,
    pd::name,
    pd::industry,
    pd::summary,
    pd::price_fen,
    pd::status,
    pd::review_comment,
    pd::reviewed_at,
    pd::created_at,
);

fn product_from_row(row: ProductRow) -> Result<Product, RepoError> {
    let (
        id,
        provider_id,
        provider_name,
        name,
        industry,
        summary,
        price,
        status,
        review_comment,
        reviewed_at,
        created_at,
    ) = row;
    Ok(Product {
        industry: Industry::from_code(&industry)
            .ok_or_else(|| corrupt(format!("products.id={id}: industry {industry:?}")))?,
        status: ProductStatus::from_code(&status)
            .ok_or_else(|| corrupt(format!("products.id={id}: status {status:?}")))?,
        price: price.map(Money::from_fen),
        id,
        provider_id,
        provider_name,
        name,
        summary,
        review_comment,
        reviewed_at,
        created_at,
    })
}

/// Insert a validated product (pending).
pub fn create_product(
    conn: &mut DbConn,
    provider_id: i64,
    name: &str,
    industry: Industry,
    summary: &str,
    price: Option<Money>,
    now: NaiveDateTime,
) -> Result<i64, RepoError> {
    Ok(diesel::insert_into(pd::table)
        .values((
            pd::provider_id.eq(provider_id),
            pd::name.eq(name),
            pd::industry.eq(industry.code()),
            pd::summary.eq(summary),
            pd::price_fen.eq(price.map(Money::to_fen)),
            pd::created_at.eq(now),
        ))
        .returning(pd::id)
        .get_result(conn)?)
}

/// The products the caller may see: the city all; a provider the approved ones and its own; every
/// other role the approved ones.
macro_rules! scope_products {
    ($query:expr, $caller:expr) => {{
        let caller: &Caller = $caller;
        let approved = ProductStatus::Approved.code();
        match (caller.role, caller.provider_id) {
            (Role::City, _) => $query,
            (Role::Provider, Some(own)) => $query.filter(pd::status.eq(approved).or(pd::provider_id.eq(own))),
            _ => $query.filter(pd::status.eq(approved)),
        }
    }};
}

/// A product in the caller's scope.
pub fn get_product(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<Product, RepoError> {
    let q = pd::table.inner_join(pr::table).filter(pd::id.eq(id)).select(PRODUCT_COLUMNS).into_boxed();
    product_from_row(scope_products!(q, caller).first::<ProductRow>(conn)?)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductFilter {
    pub industry: Option<Industry>,
    pub status: Option<ProductStatus>,
    pub provider_id: Option<i64>,
    pub q: Option<String>,
}

/// One page of the products in the caller's scope that pass the filter, newest first, and the total.
pub fn list_products(
    conn: &mut DbConn,
    caller: &Caller,
    f: &ProductFilter,
    paging: Paging,
) -> Result<(Vec<Product>, i64), RepoError> {
    let filtered = || {
        let mut q = pd::table.inner_join(pr::table).into_boxed();
        q = scope_products!(q, caller);
        if let Some(i) = f.industry {
            q = q.filter(pd::industry.eq(i.code()));
        }
        if let Some(s) = f.status {
            q = q.filter(pd::status.eq(s.code()));
        }
        if let Some(id) = f.provider_id {
            q = q.filter(pd::provider_id.eq(id));
        }
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let pattern = like_pattern(text);
            q = q.filter(pd::name.like(pattern.clone()).escape('\\').or(pd::summary.like(pattern).escape('\\')));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(pd::id.desc())
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(PRODUCT_COLUMNS)
        .load::<ProductRow>(conn)?;
    Ok((rows.into_iter().map(product_from_row).collect::<Result<_, _>>()?, total))
}

/// Decide a pending product; `Stale` when it was no longer pending.
pub fn review_product(
    conn: &mut DbConn,
    id: i64,
    to: ProductStatus,
    comment: Option<&str>,
    by: i64,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let n = diesel::update(pd::table.filter(pd::id.eq(id)).filter(pd::status.eq(ProductStatus::Pending.code())))
        .set((
            pd::status.eq(to.code()),
            pd::review_comment.eq(comment),
            pd::reviewed_by.eq(Some(by)),
            pd::reviewed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    if n == 0 { Err(RepoError::Stale) } else { Ok(()) }
}

/// How many products are approved (the Annex-1 `solutions` target).
pub fn approved_products(conn: &mut DbConn) -> Result<i64, RepoError> {
    Ok(pd::table.filter(pd::status.eq(ProductStatus::Approved.code())).count().get_result(conn)?)
}

/// Link a product to a project; a second link is `Conflict("project_product")`.
pub fn link_product(
    conn: &mut DbConn,
    project_id: i64,
    product_id: i64,
    by: i64,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    diesel::insert_into(pp::table)
        .values((
            pp::project_id.eq(project_id),
            pp::product_id.eq(product_id),
            pp::linked_by.eq(by),
            pp::linked_at.eq(now),
        ))
        .execute(conn)
        .map_err(RepoError::unique_as("project_product"))?;
    Ok(())
}

/// The products linked to a project, in the order they were linked.
pub fn project_products(conn: &mut DbConn, project_id: i64) -> Result<Vec<ProjectProductView>, RepoError> {
    let rows: Vec<(i64, String, i64, String)> = pp::table
        .inner_join(pd::table.inner_join(pr::table))
        .filter(pp::project_id.eq(project_id))
        .order(pp::linked_at.asc())
        .select((pd::id, pd::name, pd::provider_id, pr::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, provider_id, provider_name)| ProjectProductView { id, name, provider_id, provider_name })
        .collect())
}
