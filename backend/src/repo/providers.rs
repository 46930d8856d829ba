//! Service providers (数字化转型服务商) and their assignments to enterprises.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use dtpilot_api_types::programme::{Capability, ProviderStatus};
use dtpilot_domain::eligibility::{ProviderBlock, provider_blocked};

use crate::db::schema::{assignments as a, providers as p};
use crate::db::{DbConn, RepoError};
use crate::repo::{Paging, corrupt, like_pattern};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub capabilities: Vec<Capability>,
    pub status: ProviderStatus,
    pub status_reason: Option<String>,
    pub version: i64,
    /// 第六条(二): listed as 经营异常 (abnormal operations).
    pub credit_abnormal: bool,
    /// 第六条(二): listed as 失信 (dishonest) on 信用中国.
    pub dishonest: bool,
}

impl Provider {
    /// SPEC §9.1: why the provider takes no new project, diagnosis or award and is paid nothing.
    pub fn blocked(&self) -> Option<ProviderBlock> {
        provider_blocked(
            self.status == ProviderStatus::Active,
            self.status == ProviderStatus::Removed,
            self.credit_abnormal,
            self.dishonest,
        )
    }
}

type Row = (i64, String, String, String, String, Option<String>, i64, bool, bool);

const COLUMNS: (
    p::id,
    p::name,
    p::credit_code,
    p::capabilities,
    p::status,
    p::status_reason,
    p::version,
    p::credit_abnormal,
    p::dishonest,
) = (
    p::id,
    p::name,
    p::credit_code,
    p::capabilities,
    p::status,
    p::status_reason,
    p::version,
    p::credit_abnormal,
    p::dishonest,
);

fn from_row(
    (id, name, credit_code, capabilities, status, status_reason, version, credit_abnormal, dishonest): Row,
) -> Result<Provider, RepoError> {
    Ok(Provider {
        capabilities: serde_json::from_str(&capabilities)
            .map_err(|_| corrupt(format!("providers.id={id}: capabilities {capabilities:?}")))?,
        status: ProviderStatus::from_code(&status)
            .ok_or_else(|| corrupt(format!("providers.id={id}: status {status:?}")))?,
        id,
        name,
        credit_code,
        status_reason,
        version,
        credit_abnormal,
        dishonest,
    })
}

/// Insert a validated provider (active); a taken credit code is `Conflict("credit_code")`.
pub fn create(
    conn: &mut DbConn,
    name: &str,
    credit_code: &str,
    capabilities: &[Capability],
    now: NaiveDateTime,
) -> Result<Provider, RepoError> {
    let mut caps = capabilities.to_vec();
    caps.sort();
    caps.dedup();
    let caps = serde_json::to_string(&caps).map_err(|e| corrupt(e.to_string()))?;
    let id: i64 = diesel::insert_into(p::table)
        .values((
            p::name.eq(name.trim()),
            p::credit_code.eq(credit_code),
            p::capabilities.eq(caps),
            p::created_at.eq(now),
            p::updated_at.eq(now),
        ))
        .returning(p::id)
        .get_result(conn)
        .map_err(RepoError::unique_as("credit_code"))?;
    find(conn, id)
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Provider, RepoError> {
    from_row(p::table.find(id).select(COLUMNS).first::<Row>(conn)?)
}

/// The provider pool (public to every signed-in user), filtered, newest first.
pub fn list(
    conn: &mut DbConn,
    status: Option<ProviderStatus>,
    q: Option<&str>,
    paging: Paging,
) -> Result<(Vec<Provider>, i64), RepoError> {
    let filtered = || {
        let mut query = p::table.into_boxed();
        if let Some(s) = status {
            query = query.filter(p::status.eq(s.code()));
        }
        if let Some(text) = q.map(str::trim).filter(|t| !t.is_empty()) {
            query =
                query.filter(p::name.like(like_pattern(text)).escape('\\').or(p::credit_code.eq(text.to_uppercase())));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(p::id.desc())
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(COLUMNS)
        .load::<Row>(conn)?;
    Ok((rows.into_iter().map(from_row).collect::<Result<_, _>>()?, total))
}

/// Change the status (with its reason); the version moves on.
pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    status: ProviderStatus,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> Result<Provider, RepoError> {
    let n = diesel::update(p::table.find(id))
        .set((
            p::status.eq(status.code()),
            p::status_reason.eq(reason),
            p::version.eq(p::version + 1),
            p::updated_at.eq(now),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(RepoError::NotFound);
    }
    find(conn, id)
}

/// Set the credit flags given (第六条(二)); the version moves on.
pub fn set_flags(
    conn: &mut DbConn,
    id: i64,
    credit_abnormal: Option<bool>,
    dishonest: Option<bool>,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let current = find(conn, id)?;
    let n = diesel::update(p::table.find(id))
        .set((
            p::credit_abnormal.eq(credit_abnormal.unwrap_or(current.credit_abnormal)),
            p::dishonest.eq(dishonest.unwrap_or(current.dishonest)),
            p::version.eq(p::version + 1),
            p::updated_at.eq(now),
        ))
        .execute(conn)?;
    if n == 0 { Err(RepoError::NotFound) } else { Ok(()) }
}

/// Replace the capabilities (sorted, without repeats); the version moves on.
pub fn set_capabilities(
    conn: &mut DbConn,
    id: i64,
    capabilities: &[Capability],
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let mut caps = capabilities.to_vec();
    caps.sort();
    caps.dedup();
    let caps = serde_json::to_string(&caps).map_err(|e| corrupt(e.to_string()))?;
    let n = diesel::update(p::table.find(id))
        .set((p::capabilities.eq(caps), p::version.eq(p::version + 1), p::updated_at.eq(now)))
        .execute(conn)?;
    if n == 0 { Err(RepoError::NotFound) } else { Ok(()) }
}

/// Assign a provider to an enterprise; `Ok((id, true))` when new, `Ok((id, false))` when it was already.
pub fn assign(
    conn: &mut DbConn,
    enterprise_id: i64,
    provider_id: i64,
    by: i64,
    now: NaiveDateTime,
) -> Result<(i64, bool), RepoError> {
    let existing: Option<i64> = a::table
        .filter(a::enterprise_id.eq(enterprise_id))
        .filter(a::provider_id.eq(provider_id))
        .select(a::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok((id, false));
    }
    let id = diesel::insert_into(a::table)
        .values((
            a::enterprise_id.eq(enterprise_id),
            a::provider_id.eq(provider_id),
            a::assigned_by.eq(by),
            a::assigned_at.eq(now),
        ))
        .returning(a::id)
        .get_result(conn)
        .map_err(RepoError::unique_as("assignment"))?;
    Ok((id, true))
}
