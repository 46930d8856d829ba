//! Repositories of the programme's records. Reads of scoped records take the [`crate::auth::Caller`]
//! and start from [`crate::scope`].

pub mod batches;
pub mod catalogue;
pub mod dashboard;
pub mod enterprises;
pub mod interpretations;
pub mod invoices;
pub mod payments;
pub mod projects;
pub mod providers;
pub mod reports;

use diesel::result::Error as DieselError;

use crate::db::RepoError;

/// A stored value this binary does not understand (written by something else).
pub(crate) fn corrupt(what: String) -> RepoError {
    RepoError::Db(DieselError::DeserializationError(what.into()))
}

/// Paging of lists: `page` from 1, `per_page` 1–100 (default 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 100;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Paging {
        Paging { page: page.unwrap_or(1).max(1), per_page: per_page.unwrap_or(20).clamp(1, Paging::MAX_PER_PAGE) }
    }

    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The answer of a list: this page's items and the total.
    pub fn page<T>(self, items: Vec<T>, total: i64) -> dtpilot_api_types::programme::Page<T> {
        dtpilot_api_types::programme::Page { items, total, page: self.page, per_page: self.per_page }
    }
}

/// `%text%` for LIKE, with `%`, `_` and `\` escaped (use with `.escape('\\')`).
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
