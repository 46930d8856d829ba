//! Scope, in one place: which rows of each scoped resource a caller may see. Every read and every
//! write of a scoped resource starts from one of these queries, so a handler cannot forget the
//! filter; a row outside it is answered 404 (never revealing that it exists).
//!
//! | role | enterprises |
//! |---|---|
//! | city | all |
//! | county | its county's |
//! | enterprise | itself |
//! | provider | those it is assigned to |
//! | finance, evaluator, admin | none |
//!
//! | role | projects | payment instructions |
//! |---|---|---|
//! | city, finance | all | all |
//! | county | its county's | its county's |
//! | enterprise | its own | its own |
//! | provider | those it is contracted for | those of its projects, and its own (diagnosis subsidy) |
//! | evaluator | from awaiting acceptance on | none |
//! | admin | none | none |

use diesel::IntoSql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use dtpilot_domain::state::Role;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::db::schema::{assignments, enterprises, payments, projects};

/// The backend type of [`DbConn`] (either database).
pub type Backend = <DbConn as Connection>::Backend;

/// The enterprises `caller` may see.
pub fn enterprises(caller: &Caller) -> enterprises::BoxedQuery<'static, Backend> {
    let q = enterprises::table.into_boxed();
    match (caller.role, caller.county, caller.enterprise_id, caller.provider_id) {
        (Role::City, ..) => q,
        (Role::County, Some(county), ..) => q.filter(enterprises::county.eq(county.code())),
        (Role::Enterprise, _, Some(id), _) => q.filter(enterprises::id.eq(id)),
        (Role::Provider, .., Some(pid)) => q
            .filter(enterprises::id.eq_any(
                assignments::table.filter(assignments::provider_id.eq(pid)).select(assignments::enterprise_id),
            )),
        _ => q.filter(false.into_sql::<Bool>()),
    }
}

/// The projects `caller` may see.
pub fn projects(caller: &Caller) -> projects::BoxedQuery<'static, Backend> {
    let q = projects::table.into_boxed();
    match (caller.role, caller.county, caller.enterprise_id, caller.provider_id) {
        (Role::City | Role::Finance, ..) => q,
        (Role::County, Some(county), ..) => q.filter(projects::county.eq(county.code())),
        (Role::Enterprise, _, Some(id), _) => q.filter(projects::enterprise_id.eq(id)),
        (Role::Provider, .., Some(pid)) => q.filter(projects::provider_id.eq(pid)),
        (Role::Evaluator, ..) => {
            q.filter(projects::status.eq_any(["awaiting_acceptance", "accepted", "failed", "settled", "closed"]))
        }
        _ => q.filter(false.into_sql::<Bool>()),
    }
}

/// The payment instructions `caller` may see.
pub fn payments(caller: &Caller) -> payments::BoxedQuery<'static, Backend> {
    let q = payments::table.into_boxed();
    match (caller.role, caller.county, caller.enterprise_id, caller.provider_id) {
        (Role::City | Role::Finance, ..) => q,
        (Role::County, Some(county), ..) => q.filter(payments::county.eq(county.code())),
        (Role::Enterprise, _, Some(id), _) => q.filter(payments::enterprise_id.eq(id)),
        (Role::Provider, .., Some(pid)) => q.filter(
            payments::provider_id.eq(pid).or(payments::project_id
                .eq_any(projects::table.filter(projects::provider_id.eq(pid)).select(projects::id.nullable()))),
        ),
        _ => q.filter(false.into_sql::<Bool>()),
    }
}
