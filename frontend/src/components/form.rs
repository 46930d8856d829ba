//! What every form of the dashboards shares: one way to run an action (busy flag, the server's
//! error, reload on success), checks made before asking the server, and a 409 shown beside its field.

use chrono::NaiveDate;
use dtpilot_api_types::Problem;
use dtpilot_api_types::problem::FieldError as WireFieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::i18n::{Lang, pick};

/// Run `call` once, keeping `busy` and `error` up to date; on success hand the answer to `done`
/// and bump `reload` so the lists concerned are read again.
pub fn act<T: 'static>(
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    reload: RwSignal<u32>,
    call: impl std::future::Future<Output = Result<T, ApiError>> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    error.set(None);
    spawn_local(async move {
        match call.await {
            Ok(answer) => {
                done(answer);
                reload.update(|n| *n += 1);
            }
            Err(e) => error.set(Some(e)),
        }
        busy.set(false);
    });
}

/// Field checks made before asking the server — a date not chosen, a number that is not one — so
/// that every such field is named at once in words; the server checks everything again.
#[derive(Debug, Default)]
pub struct Checks(Vec<WireFieldError>);

impl Checks {
    pub fn fail(&mut self, field: &str, message: &str) {
        self.0.push(WireFieldError::new(field, message));
    }

    /// The date of a `type=date` input (`YYYY-MM-DD`), or an error on `field`.
    pub fn date(&mut self, field: &str, text: &str, lang: Lang) -> Option<NaiveDate> {
        let parsed = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        if parsed.is_none() {
            self.fail(field, pick(lang, "请选择日期", "Choose a date"));
        }
        parsed
    }

    /// A whole number typed (`None` when left empty), or an error on `field`.
    pub fn number<T: std::str::FromStr>(&mut self, field: &str, text: &str, lang: Lang) -> Option<T> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = text.parse::<T>().ok();
        if parsed.is_none() {
            self.fail(field, pick(lang, "请填写正整数", "Give a whole number"));
        }
        parsed
    }

    /// The error naming every failed field (shown beside them), if any failed.
    pub fn finish(self, lang: Lang) -> Option<ApiError> {
        if self.0.is_empty() {
            return None;
        }
        let detail = pick(lang, "请按提示修改标出的内容", "Please correct the fields marked");
        let mut p = Problem::new(422, "validation_failed", "输入有误", detail);
        p.errors = self.0;
        Some(ApiError::Problem(p))
    }
}

/// A conflict (409 `code`) shown beside the field it concerns (a number or code already used).
pub fn conflict_beside(e: ApiError, code: &str, field: &str, message: &str) -> ApiError {
    match e {
        ApiError::Problem(mut p) if p.status == 409 && p.code == code => {
            p.errors.push(WireFieldError::new(field, message));
            ApiError::Problem(p)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_name_every_failed_field() {
        let mut c = Checks::default();
        assert_eq!(c.date("a", "2026-03-05", Lang::Zh), NaiveDate::from_ymd_opt(2026, 3, 5));
        assert_eq!(c.number::<u32>("n", " 3 ", Lang::Zh), Some(3));
        assert_eq!(c.number::<u32>("m", "", Lang::Zh), None);
        assert!(c.0.is_empty());
        assert_eq!(c.date("b", "", Lang::Zh), None);
        assert_eq!(c.number::<i64>("e", "x1", Lang::Zh), None);
        let e = c.finish(Lang::Zh).map(|e| (e.on_field("b"), e.on_field("e"), e.on_field("a")));
        assert_eq!(e, Some((Some("请选择日期".into()), Some("请填写正整数".into()), None)));
    }
}
