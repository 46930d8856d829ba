//! The one invoice register (SPEC §9.1): an invoice number is claimed at most once per enterprise,
//! across retrofit expenses and cloud fees, compared by `dtpilot_domain::invoice::invoice_key`.
//! Both paths call [`claim`] in the transaction that records the expense or fee; the table's
//! primary key `(enterprise_id, invoice_key)` lets only one of two concurrent claims commit.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use dtpilot_domain::invoice::invoice_key;

use crate::db::schema::invoice_claims as ic;
use crate::db::{DbConn, RepoError};
use crate::error::ApiError;

/// What claims an invoice number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Expense,
    CloudFee,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Expense => "expense",
            Source::CloudFee => "cloud_fee",
        }
    }
}

/// 409 `invoice_claimed`, naming the number as first written when it was written otherwise.
pub fn claimed(invoice_no: &str, first: Option<&str>) -> ApiError {
    let detail = match first {
        Some(first) if first != invoice_no => {
            format!("发票 {invoice_no} 已被本企业申报过(与已申报的 {first} 视为同一张发票)")
        }
        _ => format!("发票 {invoice_no} 已被本企业申报过"),
    };
    ApiError::Conflict { code: "invoice_claimed", detail }
}

/// The key of an invoice number, or 422 on `field` when nothing of it is left to compare.
pub fn key_of(field: &str, invoice_no: &str) -> Result<String, ApiError> {
    let key = invoice_key(invoice_no);
    if key.is_empty() {
        return Err(ApiError::field(field, "发票号码须含有字母或数字"));
    }
    Ok(key)
}

/// The number an earlier claim of the same invoice was written as, if the enterprise claimed it.
pub fn find(c: &mut DbConn, enterprise_id: i64, invoice_no: &str) -> Result<Option<String>, ApiError> {
    Ok(ic::table
        .filter(ic::enterprise_id.eq(enterprise_id))
        .filter(ic::invoice_key.eq(invoice_key(invoice_no)))
        .select(ic::invoice_no)
        .first(c)
        .optional()?)
}

/// Claim `invoice_no` for the enterprise, by `source` row `source_id`: 409 `invoice_claimed` when
/// the enterprise claimed the same invoice before (checked first for a clear answer; the primary
/// key decides between concurrent claims).
pub fn claim(
    c: &mut DbConn,
    enterprise_id: i64,
    invoice_no: &str,
    source: Source,
    source_id: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    if let Some(first) = find(c, enterprise_id, invoice_no)? {
        return Err(claimed(invoice_no, Some(&first)));
    }
    diesel::insert_into(ic::table)
        .values((
            ic::enterprise_id.eq(enterprise_id),
            ic::invoice_key.eq(invoice_key(invoice_no)),
            ic::invoice_no.eq(invoice_no),
            ic::source.eq(source.code()),
            ic::source_id.eq(source_id),
            ic::claimed_at.eq(now),
        ))
        .execute(c)
        .map_err(RepoError::unique_as("invoice_no"))
        .map_err(|e| match e {
            RepoError::Conflict(_) => claimed(invoice_no, None),
            other => other.into(),
        })?;
    Ok(())
}
