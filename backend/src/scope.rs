//! Scope, in one place: which rows of each scoped resource a caller may see. Every read and every
//! write of a scoped resource starts from one of these queries, so a handler cannot forget the
//! filter; a row outside it is answered 404 (never revealing that it exists).
//!
//! | role | enterprises |
//! |---|---|
//! | city | all |
//! | county | its county's |
//! | enterprise | itself |
//! | provider | those it is assigned to or contracted by (named in a project) |
//! | evaluator | those with a project from awaiting acceptance on |
//! | finance, admin | none (finance works from payment instructions, which name the payee) |
//!
//! | role | projects | payment instructions |
//! |---|---|---|
//! | city, finance | all (finance: to check what an instruction pays for) | all |
//! | county | its county's | its county's |
//! | enterprise | its own | its own |
//! | provider | those it is contracted for | those of its projects, and its own (diagnosis subsidy) |
//! | evaluator | from awaiting acceptance on | none |
//! | admin | none | none |
//!
//! The dashboard reads running totals (`project_totals`, `project_level_totals`,
//! `enterprise_totals`, `batch_member_totals`, `payment_totals`, kept by triggers) where a scope is
//! a union of whole totals rows — city, finance, county, evaluator — with the same rules at the
//! totals' grain (`scope_*_totals!`); finer scopes (enterprise, provider) aggregate their own rows
//! through the filters above.

use diesel::prelude::*;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::db::schema::{enterprise_imports, enterprises, payments, projects};

/// The backend type of [`DbConn`] (either database).
pub type Backend = <DbConn as Connection>::Backend;

/// Filter a boxed query over `enterprises` to what `$caller` may see. A macro so the same rule
/// applies to plain, selected and grouped queries (whose boxed types differ).
#[macro_export]
macro_rules! scope_enterprises {
    ($query:expr, $caller:expr) => {{
        use diesel::prelude::*;
        use $crate::db::schema::{assignments as __a, enterprises as __e, projects as __p};
        let q = $query;
        let c: &$crate::auth::Caller = $caller;
        match (c.role, c.county, c.enterprise_id, c.provider_id) {
            (dtpilot_domain::state::Role::City, ..) => q,
            (dtpilot_domain::state::Role::County, Some(county), ..) => q.filter(__e::county.eq(county.code())),
            (dtpilot_domain::state::Role::Enterprise, _, Some(id), _) => q.filter(__e::id.eq(id)),
            (dtpilot_domain::state::Role::Provider, .., Some(pid)) => q.filter(
                __e::id
                    .eq_any(__a::table.filter(__a::provider_id.eq(pid)).select(__a::enterprise_id))
                    .or(__e::id.eq_any(__p::table.filter(__p::provider_id.eq(pid)).select(__p::enterprise_id))),
            ),
            (dtpilot_domain::state::Role::Evaluator, ..) => q.filter(__e::id.eq_any(
                __p::table.filter(__p::status.eq_any($crate::scope::EVALUATOR_STATES)).select(__p::enterprise_id),
            )),
            _ => q.filter(diesel::IntoSql::into_sql::<diesel::sql_types::Bool>(false)),
        }
    }};
}

/// Filter a boxed query over `projects` to what `$caller` may see.
#[macro_export]
macro_rules! scope_projects {
    ($query:expr, $caller:expr) => {{
        use diesel::prelude::*;
        use $crate::db::schema::projects as __p;
        let q = $query;
        let c: &$crate::auth::Caller = $caller;
        match (c.role, c.county, c.enterprise_id, c.provider_id) {
            (dtpilot_domain::state::Role::City | dtpilot_domain::state::Role::Finance, ..) => q,
            (dtpilot_domain::state::Role::County, Some(county), ..) => q.filter(__p::county.eq(county.code())),
            (dtpilot_domain::state::Role::Enterprise, _, Some(id), _) => q.filter(__p::enterprise_id.eq(id)),
            (dtpilot_domain::state::Role::Provider, .., Some(pid)) => q.filter(__p::provider_id.eq(pid)),
            (dtpilot_domain::state::Role::Evaluator, ..) => {
                q.filter(__p::status.eq_any($crate::scope::EVALUATOR_STATES))
            }
            _ => q.filter(diesel::IntoSql::into_sql::<diesel::sql_types::Bool>(false)),
        }
    }};
}

/// Filter a boxed query over `payments` to what `$caller` may see.
#[macro_export]
macro_rules! scope_payments {
    ($query:expr, $caller:expr) => {{
        use diesel::prelude::*;
        use $crate::db::schema::{payments as __pay, projects as __p};
        let q = $query;
        let c: &$crate::auth::Caller = $caller;
        match (c.role, c.county, c.enterprise_id, c.provider_id) {
            (dtpilot_domain::state::Role::City | dtpilot_domain::state::Role::Finance, ..) => q,
            (dtpilot_domain::state::Role::County, Some(county), ..) => q.filter(__pay::county.eq(county.code())),
            (dtpilot_domain::state::Role::Enterprise, _, Some(id), _) => q.filter(__pay::enterprise_id.eq(id)),
            (dtpilot_domain::state::Role::Provider, .., Some(pid)) => {
                q.filter(__pay::provider_id.eq(pid).or(
                    __pay::project_id.eq_any(__p::table.filter(__p::provider_id.eq(pid)).select(__p::id.nullable())),
                ))
            }
            _ => q.filter(diesel::IntoSql::into_sql::<diesel::sql_types::Bool>(false)),
        }
    }};
}

/// Filter a boxed query over a table of running totals of projects (`project_totals`,
/// `project_level_totals`: rows per county, status and more) to the rows whose projects `$caller`
/// may see — the rule of [`scope_projects!`] at the totals' grain. `None` when the caller's scope is
/// finer than a totals row (enterprise, provider): aggregate its projects with
/// [`scope_projects!`] instead (they are few).
#[macro_export]
macro_rules! scope_project_totals {
    ($query:expr, $caller:expr, $table:ident) => {{
        use diesel::prelude::*;
        use $crate::db::schema::$table as __t;
        let q = $query;
        let c: &$crate::auth::Caller = $caller;
        match (c.role, c.county, c.enterprise_id, c.provider_id) {
            (dtpilot_domain::state::Role::City | dtpilot_domain::state::Role::Finance, ..) => Some(q),
            (dtpilot_domain::state::Role::County, Some(county), ..) => Some(q.filter(__t::county.eq(county.code()))),
            (dtpilot_domain::state::Role::Enterprise, _, Some(_), _)
            | (dtpilot_domain::state::Role::Provider, .., Some(_)) => None,
            (dtpilot_domain::state::Role::Evaluator, ..) => {
                Some(q.filter(__t::status.eq_any($crate::scope::EVALUATOR_STATES)))
            }
            _ => Some(q.filter(diesel::IntoSql::into_sql::<diesel::sql_types::Bool>(false))),
        }
    }};
}

/// Filter a boxed query over a table of running totals of enterprises (`enterprise_totals`,
/// `batch_member_totals`: rows per county and more) to the rows whose enterprises `$caller` may
/// see — the rule of [`scope_enterprises!`] at the totals' grain. `None` for the enterprise, the
/// provider and the evaluator, whose scopes are finer (count with [`scope_enterprises!`]).
#[macro_export]
macro_rules! scope_enterprise_totals {
    ($query:expr, $caller:expr, $table:ident) => {{
        use diesel::prelude::*;
        use $crate::db::schema::$table as __t;
        let q = $query;
        let c: &$crate::auth::Caller = $caller;
        match (c.role, c.county, c.enterprise_id, c.provider_id) {
            (dtpilot_domain::state::Role::City, ..) => Some(q),
            (dtpilot_domain::state::Role::County, Some(county), ..) => Some(q.filter(__t::county.eq(county.code()))),
            (dtpilot_domain::state::Role::Enterprise, _, Some(_), _)
            | (dtpilot_domain::state::Role::Provider, .., Some(_))
            | (dtpilot_domain::state::Role::Evaluator, ..) => None,
            _ => Some(q.filter(diesel::IntoSql::into_sql::<diesel::sql_types::Bool>(false))),
        }
    }};
}

/// Filter a boxed query over `payment_totals` (rows per county, kind and status) to the rows whose
/// instructions `$caller` may see — the rule of [`scope_payments!`] at the totals' grain. `None` for
/// the enterprise and the provider (aggregate their instructions with [`scope_payments!`]).
#[macro_export]
macro_rules! scope_payment_totals {
    ($query:expr, $caller:expr) => {{
        use diesel::prelude::*;
        use $crate::db::schema::payment_totals as __t;
        let q = $query;
        let c: &$crate::auth::Caller = $caller;
        match (c.role, c.county, c.enterprise_id, c.provider_id) {
            (dtpilot_domain::state::Role::City | dtpilot_domain::state::Role::Finance, ..) => Some(q),
            (dtpilot_domain::state::Role::County, Some(county), ..) => Some(q.filter(__t::county.eq(county.code()))),
            (dtpilot_domain::state::Role::Enterprise, _, Some(_), _)
            | (dtpilot_domain::state::Role::Provider, .., Some(_)) => None,
            _ => Some(q.filter(diesel::IntoSql::into_sql::<diesel::sql_types::Bool>(false))),
        }
    }};
}

/// The states in which the evaluator sees a project: from awaiting acceptance on.
pub const EVALUATOR_STATES: [&str; 5] = ["awaiting_acceptance", "accepted", "failed", "settled", "closed"];

/// The enterprises `caller` may see.
pub fn enterprises(caller: &Caller) -> enterprises::BoxedQuery<'static, Backend> {
    scope_enterprises!(enterprises::table.into_boxed(), caller)
}

/// The projects `caller` may see.
pub fn projects(caller: &Caller) -> projects::BoxedQuery<'static, Backend> {
    scope_projects!(projects::table.into_boxed(), caller)
}

/// The payment instructions `caller` may see.
pub fn payments(caller: &Caller) -> payments::BoxedQuery<'static, Backend> {
    scope_payments!(payments::table.into_boxed(), caller)
}

/// The enterprise imports `caller` may see: the city all, a county bureau those of its county
/// (made by its own users), nobody else any.
pub fn enterprise_imports(caller: &Caller) -> enterprise_imports::BoxedQuery<'static, Backend> {
    let q = enterprise_imports::table.into_boxed();
    match (caller.role, caller.county) {
        (dtpilot_domain::state::Role::City, _) => q,
        (dtpilot_domain::state::Role::County, Some(c)) => q.filter(enterprise_imports::county.eq(c.code())),
        _ => q.filter(diesel::IntoSql::into_sql::<diesel::sql_types::Bool>(false)),
    }
}
