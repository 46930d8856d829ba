//! Accounts (SPEC §1, §7 `POST /users`, §8 `create-user`): what a new account must look like, as
//! pure checks — the username and password shape, the display name, and the **scope rule** that
//! ties a role to the one thing it is scoped to:
//!
//! | role | `county` | `enterprise_id` | `provider_id` |
//! |---|---|---|---|
//! | `county` | required | — | — |
//! | `enterprise` | — | required | — |
//! | `provider` | — | — | required |
//! | `city`, `finance`, `evaluator`, `admin` | — | — | — |
//!
//! ("—" = must be absent.) An enterprise account's county is its enterprise's county; it is not
//! repeated on the account. Every failure names its request field, carries a Chinese message for
//! people and a stable English [`AccountError::code`].

use std::fmt;

use crate::quote::FieldError;
use crate::reference::County;
use crate::state::Role;

/// Usernames are 3–64 characters of `[A-Za-z0-9_.-]`.
pub const USERNAME_MIN_CHARS: usize = 3;
pub const USERNAME_MAX_CHARS: usize = 64;
/// Passwords are at least 10 characters (Unicode scalar values, not bytes; SPEC §9.2) …
pub const PASSWORD_MIN_CHARS: usize = 10;
/// … and at most 256, which bounds the work one login or account creation can cost.
pub const PASSWORD_MAX_CHARS: usize = 256;
/// Display names (after trimming) are at most 100 characters.
pub const DISPLAY_NAME_MAX_CHARS: usize = 100;

/// One of the three scope fields of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeField {
    County,
    EnterpriseId,
    ProviderId,
}

impl ScopeField {
    pub const ALL: [ScopeField; 3] = [ScopeField::County, ScopeField::EnterpriseId, ScopeField::ProviderId];

    /// The request field name.
    pub fn field(self) -> &'static str {
        match self {
            ScopeField::County => "county",
            ScopeField::EnterpriseId => "enterprise_id",
            ScopeField::ProviderId => "provider_id",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ScopeField::County => "所属县区",
            ScopeField::EnterpriseId => "所属企业",
            ScopeField::ProviderId => "所属服务商",
        }
    }

    /// The scope field a role requires, if any (every other field must be absent).
    pub fn required_for(role: Role) -> Option<ScopeField> {
        match role {
            Role::County => Some(ScopeField::County),
            Role::Enterprise => Some(ScopeField::EnterpriseId),
            Role::Provider => Some(ScopeField::ProviderId),
            Role::City | Role::Finance | Role::Evaluator | Role::Admin => None,
        }
    }
}

impl fmt::Display for ScopeField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

/// What an account is scoped to (the optional fields of `POST /users`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountScope {
    pub county: Option<County>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
}

impl AccountScope {
    fn has(&self, field: ScopeField) -> bool {
        match field {
            ScopeField::County => self.county.is_some(),
            ScopeField::EnterpriseId => self.enterprise_id.is_some(),
            ScopeField::ProviderId => self.provider_id.is_some(),
        }
    }

    fn id(&self, field: ScopeField) -> Option<i64> {
        match field {
            ScopeField::County => None,
            ScopeField::EnterpriseId => self.enterprise_id,
            ScopeField::ProviderId => self.provider_id,
        }
    }
}

/// Why a new account is refused (each → one 422 `errors` entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("用户名长度应为 3–64 个字符")]
    UsernameLength,
    #[error("用户名只能包含字母、数字、下划线(_)、点(.)和连字符(-)")]
    UsernameCharacters,
    #[error("密码至少 10 个字符")]
    PasswordTooShort,
    #[error("密码不能包含用户名")]
    PasswordContainsUsername,
    #[error("密码过于常见,请换一个不易猜到的密码")]
    PasswordCommon,
    #[error("密码最多 256 个字符")]
    PasswordTooLong,
    #[error("显示名称最多 100 个字符")]
    DisplayNameTooLong,
    #[error("{}账号须指定{}({})", role.name_zh(), field.name_zh(), field.field())]
    ScopeRequired { role: Role, field: ScopeField },
    #[error("{}账号不能指定{}({})", role.name_zh(), field.name_zh(), field.field())]
    ScopeNotAllowed { role: Role, field: ScopeField },
    #[error("{}({})应为正整数", field.name_zh(), field.field())]
    InvalidId { field: ScopeField },
}

impl AccountError {
    /// Stable English code.
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::UsernameLength => "username_length",
            AccountError::UsernameCharacters => "username_characters",
            AccountError::PasswordTooShort => "password_too_short",
            AccountError::PasswordContainsUsername => "password_contains_username",
            AccountError::PasswordCommon => "password_common",
            AccountError::PasswordTooLong => "password_too_long",
            AccountError::DisplayNameTooLong => "display_name_too_long",
            AccountError::ScopeRequired { .. } => "scope_required",
            AccountError::ScopeNotAllowed { .. } => "scope_not_allowed",
            AccountError::InvalidId { .. } => "invalid_id",
        }
    }

    /// The request field the failure concerns.
    pub fn field(&self) -> &'static str {
        match self {
            AccountError::UsernameLength | AccountError::UsernameCharacters => "username",
            AccountError::PasswordTooShort
            | AccountError::PasswordTooLong
            | AccountError::PasswordContainsUsername
            | AccountError::PasswordCommon => "password",
            AccountError::DisplayNameTooLong => "display_name",
            AccountError::ScopeRequired { field, .. }
            | AccountError::ScopeNotAllowed { field, .. }
            | AccountError::InvalidId { field } => field.field(),
        }
    }

    /// A password too weak to accept (the 422's `code` is then `weak_password`).
    pub fn is_weak_password(&self) -> bool {
        matches!(
            self,
            AccountError::PasswordTooShort | AccountError::PasswordContainsUsername | AccountError::PasswordCommon
        )
    }

    /// As a 422 `errors` entry.
    pub fn to_field_error(&self) -> FieldError {
        FieldError::new(self.field(), self.to_string())
    }
}

/// 3–64 characters of `[A-Za-z0-9_.-]`.
pub fn check_username(username: &str) -> Result<(), AccountError> {
    let n = username.chars().count();
    if !(USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&n) {
        return Err(AccountError::UsernameLength);
    }
    if !username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Err(AccountError::UsernameCharacters);
    }
    Ok(())
}

/// 10–256 characters, not containing the username (without regard to case), and not one of the
/// common passwords (`is_common` is given the password; the list is the server's). Anything else
/// is the user's choice (it is hashed, never stored or logged).
pub fn check_password(password: &str, username: &str, is_common: impl Fn(&str) -> bool) -> Result<(), AccountError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        Err(AccountError::PasswordTooShort)
    } else if n > PASSWORD_MAX_CHARS {
        Err(AccountError::PasswordTooLong)
    } else if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        Err(AccountError::PasswordContainsUsername)
    } else if is_common(password) {
        Err(AccountError::PasswordCommon)
    } else {
        Ok(())
    }
}

/// Who may create accounts of which role (SPEC §9.2): `admin` every role; `city` only `county`,
/// `provider` and `enterprise`; `county` only `enterprise` (for enterprises of its own county, a
/// scope the server checks). Nobody else.
pub fn may_create(actor: Role, role: Role) -> bool {
    match actor {
        Role::Admin => true,
        Role::City => matches!(role, Role::County | Role::Provider | Role::Enterprise),
        Role::County => role == Role::Enterprise,
        Role::Enterprise | Role::Provider | Role::Finance | Role::Evaluator => false,
    }
}

/// Who may change (activate, rename, re-role, reset the password of) accounts of which role:
/// `admin` every role, `city` the roles it may create. A role change needs both the old and the new
/// role.
pub fn may_change(actor: Role, role: Role) -> bool {
    match actor {
        Role::Admin => true,
        Role::City => may_create(Role::City, role),
        _ => false,
    }
}

/// Accounts only an admin may create or change, audited as `privileged_account`.
pub fn is_privileged(role: Role) -> bool {
    matches!(role, Role::City | Role::Finance | Role::Evaluator | Role::Admin)
}

/// The display name to store: the given one trimmed, or — when that is empty — the username
/// (the CLI's `create-user` has no display name). At most 100 characters.
pub fn display_name_or_username(display_name: &str, username: &str) -> Result<String, AccountError> {
    let trimmed = display_name.trim();
    let name = if trimmed.is_empty() { username } else { trimmed };
    if name.chars().count() > DISPLAY_NAME_MAX_CHARS {
        return Err(AccountError::DisplayNameTooLong);
    }
    Ok(name.to_string())
}

/// The scope rule (table in the module docs): every violation, in field order
/// county → enterprise_id → provider_id.
pub fn scope_errors(role: Role, scope: &AccountScope) -> Vec<AccountError> {
    let required = ScopeField::required_for(role);
    let mut errors = Vec::new();
    for field in ScopeField::ALL {
        let wanted = required == Some(field);
        match (wanted, scope.has(field)) {
            (true, false) => errors.push(AccountError::ScopeRequired { role, field }),
            (false, true) => errors.push(AccountError::ScopeNotAllowed { role, field }),
            (true, true) => {
                if scope.id(field).is_some_and(|id| id <= 0) {
                    errors.push(AccountError::InvalidId { field });
                }
            }
            (false, false) => {}
        }
    }
    errors
}

/// Every failure of a new account, in field order username → password → display_name → scope.
/// Empty = acceptable; the display name to store is [`display_name_or_username`].
pub fn new_account_errors(
    username: &str,
    password: &str,
    display_name: &str,
    role: Role,
    scope: &AccountScope,
    is_common: impl Fn(&str) -> bool,
) -> Vec<AccountError> {
    let mut errors = Vec::new();
    errors.extend(check_username(username).err());
    errors.extend(check_password(password, username, is_common).err());
    errors.extend(display_name_or_username(display_name, username).err());
    errors.extend(scope_errors(role, scope));
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(county: Option<County>, enterprise_id: Option<i64>, provider_id: Option<i64>) -> AccountScope {
        AccountScope { county, enterprise_id, provider_id }
    }

    #[test]
    fn usernames() {
        for ok in ["abc", "admin", "county.luzhou", "ent-1_a", &"a".repeat(64)] {
            assert_eq!(check_username(ok), Ok(()), "{ok}");
        }
        for (bad, err) in [
            ("", AccountError::UsernameLength),
            ("ab", AccountError::UsernameLength),
            (&"a".repeat(65), AccountError::UsernameLength),
            ("张三丰", AccountError::UsernameCharacters),
            ("a b c", AccountError::UsernameCharacters),
            ("a@b.c", AccountError::UsernameCharacters),
            ("abc\n", AccountError::UsernameCharacters),
        ] {
            assert_eq!(check_username(bad), Err(err), "{bad:?}");
        }
    }

    fn never_common(_: &str) -> bool {
        false
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert_eq!(check_password("123456789", "alice", never_common), Err(AccountError::PasswordTooShort));
        assert_eq!(check_password("1234567890", "alice", never_common), Ok(()));
        // 9 Chinese characters are 27 bytes but 9 characters.
        assert_eq!(check_password("数字化转型城市试点", "alice", never_common), Err(AccountError::PasswordTooShort));
        assert_eq!(check_password("中小企业数字化转型试点", "alice", never_common), Ok(()));
        assert_eq!(check_password(&"x".repeat(256), "alice", never_common), Ok(()));
        assert_eq!(check_password(&"x".repeat(257), "alice", never_common), Err(AccountError::PasswordTooLong));
    }

    #[test]
    fn passwords_must_not_contain_the_username_or_be_common() {
        let common = |p: &str| ["password12", "qwertyuiop"].contains(&p.to_lowercase().as_str());
        assert_eq!(check_password("Zhang01-secret", "zhang01", common), Err(AccountError::PasswordContainsUsername));
        assert_eq!(check_password("my-ZHANG01-pass", "Zhang01", common), Err(AccountError::PasswordContainsUsername));
        assert_eq!(check_password("Password12", "alice", common), Err(AccountError::PasswordCommon));
        assert_eq!(check_password("qwertyuiop", "alice", common), Err(AccountError::PasswordCommon));
        // The passwords the demo, the tests and the contract smoke test use stay valid.
        for (pw, user) in
            [("Demo-2026!", "county_luzhou"), ("Correct-Horse-9", "root"), ("Smoke-Test-Pass-1", "s_city")]
        {
            assert_eq!(check_password(pw, user, common), Ok(()), "{pw}");
        }
        for e in [AccountError::PasswordTooShort, AccountError::PasswordContainsUsername, AccountError::PasswordCommon]
        {
            assert!(e.is_weak_password());
            assert_eq!(e.field(), "password");
        }
        assert!(!AccountError::PasswordTooLong.is_weak_password());
    }

    #[test]
    fn who_creates_and_changes_whom() {
        use Role::{Admin, City, County, Enterprise, Evaluator, Finance, Provider};
        // (actor, role, may create, may change)
        let table = [
            (Admin, Admin, true, true),
            (Admin, City, true, true),
            (Admin, Finance, true, true),
            (Admin, Evaluator, true, true),
            (Admin, County, true, true),
            (Admin, Provider, true, true),
            (Admin, Enterprise, true, true),
            (City, Admin, false, false),
            (City, City, false, false),
            (City, Finance, false, false),
            (City, Evaluator, false, false),
            (City, County, true, true),
            (City, Provider, true, true),
            (City, Enterprise, true, true),
            (County, Enterprise, true, false),
        ];
        for &actor in Role::ALL {
            for &role in Role::ALL {
                let want = table.iter().find(|r| r.0 == actor && r.1 == role).map_or((false, false), |r| (r.2, r.3));
                assert_eq!((may_create(actor, role), may_change(actor, role)), want, "{actor} → {role}");
            }
        }
        let privileged: Vec<Role> = Role::ALL.iter().copied().filter(|r| is_privileged(*r)).collect();
        assert_eq!(privileged.len(), 4);
        for role in [City, Finance, Evaluator, Admin] {
            assert!(is_privileged(role));
            assert!(!may_create(City, role) && !may_create(County, role));
        }
    }

    #[test]
    fn display_name_defaults_to_username_and_is_trimmed() {
        assert_eq!(display_name_or_username("", "alice"), Ok("alice".to_string()));
        assert_eq!(display_name_or_username("  \t", "alice"), Ok("alice".to_string()));
        assert_eq!(display_name_or_username(" 潞州区工信局 ", "alice"), Ok("潞州区工信局".to_string()));
        assert_eq!(display_name_or_username(&"名".repeat(100), "alice"), Ok("名".repeat(100)));
        assert_eq!(display_name_or_username(&"名".repeat(101), "alice"), Err(AccountError::DisplayNameTooLong));
    }

    #[test]
    fn every_role_with_exactly_its_scope_is_accepted() {
        for &role in Role::ALL {
            let s = match ScopeField::required_for(role) {
                Some(ScopeField::County) => scope(Some(County::Luzhou), None, None),
                Some(ScopeField::EnterpriseId) => scope(None, Some(1), None),
                Some(ScopeField::ProviderId) => scope(None, None, Some(7)),
                None => AccountScope::default(),
            };
            assert_eq!(scope_errors(role, &s), vec![], "{role}");
        }
    }

    #[test]
    fn scope_table() {
        use AccountError::{InvalidId, ScopeNotAllowed as No, ScopeRequired as Req};
        use ScopeField::{County as C, EnterpriseId as E, ProviderId as P};
        let lz = Some(County::Luzhou);
        let cases: Vec<(Role, AccountScope, Vec<AccountError>)> = vec![
            (Role::County, scope(None, None, None), vec![Req { role: Role::County, field: C }]),
            (Role::County, scope(lz, Some(1), None), vec![No { role: Role::County, field: E }]),
            (
                Role::County,
                scope(None, None, Some(2)),
                vec![Req { role: Role::County, field: C }, No { role: Role::County, field: P }],
            ),
            (Role::Enterprise, scope(None, None, None), vec![Req { role: Role::Enterprise, field: E }]),
            (Role::Enterprise, scope(lz, Some(1), None), vec![No { role: Role::Enterprise, field: C }]),
            (Role::Enterprise, scope(None, Some(0), None), vec![InvalidId { field: E }]),
            (Role::Enterprise, scope(None, Some(-3), None), vec![InvalidId { field: E }]),
            (Role::Provider, scope(None, None, None), vec![Req { role: Role::Provider, field: P }]),
            (Role::Provider, scope(None, Some(1), Some(1)), vec![No { role: Role::Provider, field: E }]),
            (Role::Provider, scope(None, None, Some(0)), vec![InvalidId { field: P }]),
            (
                Role::City,
                scope(lz, Some(1), Some(1)),
                vec![
                    No { role: Role::City, field: C },
                    No { role: Role::City, field: E },
                    No { role: Role::City, field: P },
                ],
            ),
            (Role::Finance, scope(lz, None, None), vec![No { role: Role::Finance, field: C }]),
            (Role::Evaluator, scope(None, Some(5), None), vec![No { role: Role::Evaluator, field: E }]),
            (Role::Admin, scope(None, None, Some(5)), vec![No { role: Role::Admin, field: P }]),
        ];
        for (role, s, want) in cases {
            assert_eq!(scope_errors(role, &s), want, "{role} {s:?}");
        }
    }

    #[test]
    fn errors_name_their_field_in_chinese_with_an_english_code() {
        let e = AccountError::ScopeRequired { role: Role::County, field: ScopeField::County };
        assert_eq!(e.field(), "county");
        assert_eq!(e.code(), "scope_required");
        assert_eq!(e.to_string(), "县级工信部门账号须指定所属县区(county)");
        let e = AccountError::ScopeNotAllowed { role: Role::City, field: ScopeField::ProviderId };
        assert_eq!(e.to_field_error(), FieldError::new("provider_id", "市工信局账号不能指定所属服务商(provider_id)"));
        assert_eq!(AccountError::InvalidId { field: ScopeField::EnterpriseId }.field(), "enterprise_id");
        assert_eq!(AccountError::UsernameCharacters.field(), "username");
        assert_eq!(AccountError::PasswordTooShort.code(), "password_too_short");
        assert_eq!(AccountError::DisplayNameTooLong.field(), "display_name");
    }

    #[test]
    fn new_account_collects_every_failure_in_field_order() {
        let errs = new_account_errors("a", "short", "", Role::County, &AccountScope::default(), never_common);
        let fields: Vec<&str> = errs.iter().map(AccountError::field).collect();
        assert_eq!(fields, ["username", "password", "county"]);
        let ok = new_account_errors(
            "county.luzhou",
            "correct horse",
            "",
            Role::County,
            &scope(Some(County::Luzhou), None, None),
            never_common,
        );
        assert_eq!(ok, vec![]);
    }
}
