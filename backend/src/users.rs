//! The users repository: accounts of the seven roles (SPEC §1), each scoped to at most one county,
//! enterprise or provider (the rule lives in [`dtpilot_domain::accounts`]).
//!
//! Passwords are hashed here (argon2id, [`crate::password`]) and never leave this module except as
//! the PHC string [`find_by_username`] returns for verification. Call these functions on the
//! blocking pool: [`create_user`] spends ~tens of milliseconds hashing.
//!
//! Creating an account records a `user.create` audit event ([`crate::audit`]) in the same
//! transaction; its `after` is the [`User`] view (no password hash).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use dtpilot_domain::accounts::{self, AccountError, AccountScope};
use dtpilot_domain::reference::County;
use dtpilot_domain::state::Role;
use serde::Serialize;

use crate::audit;
use crate::auth::Caller;
use crate::db::schema::users;
use crate::db::{DbConn, RepoError, now_utc, write_transaction};
use crate::password::{self, PasswordError};

/// The audit action of every creation or change of a `city`, `finance`, `evaluator` or `admin`
/// account (SPEC §9.2), recorded besides the `user.*` event.
pub const PRIVILEGED_ACCOUNT: &str = "privileged_account";

/// A new account as asked for (`POST /users`, `dtpilot create-user`).
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    /// Plain text; hashed inside [`create_user`], never stored.
    pub password: String,
    pub role: Role,
    /// Trimmed; when empty, the username is used.
    pub display_name: String,
    pub county: Option<County>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
}

impl std::fmt::Debug for NewUser {
    /// Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("password", &"***")
            .field("role", &self.role)
            .field("display_name", &self.display_name)
            .field("county", &self.county)
            .field("enterprise_id", &self.enterprise_id)
            .field("provider_id", &self.provider_id)
            .finish()
    }
}

/// An account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub display_name: String,
    pub county: Option<County>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// A one-time password was set: it must be changed before anything else. (Not in the audit
    /// views: the events' names say when it changes.)
    #[serde(skip_serializing)]
    pub must_change_password: bool,
}

/// Why an account was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// Field errors (→ 422 with `errors`), in field order.
    #[error("invalid account: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<AccountError>),
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// `Repo(RepoError::Conflict("username"))` when the username is taken (→ 409).
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<diesel::result::Error> for CreateUserError {
    fn from(e: diesel::result::Error) -> Self {
        CreateUserError::Repo(RepoError::from(e))
    }
}

/// The columns [`UserRow`] reads, in its field order. (A tuple rather than `Selectable`: the
/// multi-backend `RETURNING` needs a fragment each inner backend can render.)
type UserColumns = (
    users::id,
    users::username,
    users::password_hash,
    users::role,
    users::display_name,
    users::county,
    users::enterprise_id,
    users::provider_id,
    users::active,
    users::created_at,
    users::must_change_password,
);

const USER_COLUMNS: UserColumns = (
    users::id,
    users::username,
    users::password_hash,
    users::role,
    users::display_name,
    users::county,
    users::enterprise_id,
    users::provider_id,
    users::active,
    users::created_at,
    users::must_change_password,
);

#[derive(Queryable)]
struct UserRow {
    id: i64,
    username: String,
    password_hash: String,
    role: String,
    display_name: String,
    county: Option<String>,
    enterprise_id: Option<i64>,
    provider_id: Option<i64>,
    active: bool,
    created_at: NaiveDateTime,
    must_change_password: bool,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    username: &'a str,
    password_hash: &'a str,
    role: &'a str,
    display_name: &'a str,
    county: Option<&'a str>,
    enterprise_id: Option<i64>,
    provider_id: Option<i64>,
    active: bool,
    must_change_password: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A stored value this binary does not know (a row written by something else).
fn corrupt(what: String) -> RepoError {
    RepoError::Db(diesel::result::Error::DeserializationError(what.into()))
}

impl UserRow {
    /// The account and its password hash.
    fn into_user(self) -> Result<(User, String), RepoError> {
        let role = Role::from_code(&self.role)
            .ok_or_else(|| corrupt(format!("users.id={}: unknown role {:?}", self.id, self.role)))?;
        let county = match self.county.as_deref() {
            None => None,
            Some(code) => Some(
                County::from_code(code)
                    .ok_or_else(|| corrupt(format!("users.id={}: unknown county {code:?}", self.id)))?,
            ),
        };
        let user = User {
            id: self.id,
            username: self.username,
            role,
            display_name: self.display_name,
            county,
            enterprise_id: self.enterprise_id,
            provider_id: self.provider_id,
            active: self.active,
            created_at: self.created_at.and_utc(),
            must_change_password: self.must_change_password,
        };
        Ok((user, self.password_hash))
    }
}

/// [`create_user_by`] the platform itself (no actor): `dtpilot create-user`, seeding. A request
/// made by a signed-in user must use [`create_user_by`] with its caller.
pub fn create_user(conn: &mut DbConn, new: NewUser) -> Result<User, CreateUserError> {
    create_user_by(conn, new, None)
}

/// Validates (every field error at once, see [`dtpilot_domain::accounts`]), hashes the password and
/// inserts the account, active, together with its `user.create` audit event by `actor` (`None`:
/// the platform), in one write transaction (a savepoint when already inside one). The password is
/// hashed before the transaction starts, so the write lock is not held while hashing. A taken
/// username is `Repo(Conflict("username"))`, recognised by the database's unique violation.
pub fn create_user_by(conn: &mut DbConn, new: NewUser, actor: Option<&Caller>) -> Result<User, CreateUserError> {
    let (display_name, password_hash) = validated_hash(&new)?;
    let now = now_utc();
    write_transaction(conn, |conn| {
        let user = insert_account(conn, &new, &display_name, &password_hash, false, actor, now)?;
        // A request that makes a city, finance, evaluator or admin account (admin-only) is marked.
        if actor.is_some() && accounts::is_privileged(user.role) {
            let event = audit::Event::new(PRIVILEGED_ACCOUNT, "user", user.id).by(actor).after(&user)?;
            audit::record(conn, event, now)?;
        }
        Ok(user)
    })
}

/// Accounts with one-time passwords (`POST /users/bulk`): each validated like any account, hashed
/// before the transaction, then all inserted with `must_change_password` and their `user.create`
/// events by `actor` in one write transaction — all or none; `finally` runs in that transaction
/// with the accounts made (the act's own audit event). A taken username is
/// `Repo(Conflict("username"))`.
pub fn create_one_time_accounts(
    conn: &mut DbConn,
    new: &[NewUser],
    actor: &Caller,
    finally: impl FnOnce(&mut DbConn, &[User]) -> Result<(), RepoError>,
) -> Result<Vec<User>, CreateUserError> {
    let hashed = new.iter().map(|n| validated_hash(n).map(|h| (n, h))).collect::<Result<Vec<_>, _>>()?;
    let now = now_utc();
    write_transaction(conn, |conn| {
        let mut out = Vec::with_capacity(hashed.len());
        for (n, (display_name, password_hash)) in &hashed {
            out.push(insert_account(conn, n, display_name, password_hash, true, Some(actor), now)?);
        }
        finally(conn, &out)?;
        Ok(out)
    })
}

/// Every field error of a new account at once (see [`dtpilot_domain::accounts`]), else its
/// display name and its password's hash (computed outside any transaction).
fn validated_hash(new: &NewUser) -> Result<(String, String), CreateUserError> {
    let scope = AccountScope { county: new.county, enterprise_id: new.enterprise_id, provider_id: new.provider_id };
    let errors = accounts::new_account_errors(
        &new.username,
        &new.password,
        &new.display_name,
        new.role,
        &scope,
        password::is_common,
    );
    if !errors.is_empty() {
        return Err(CreateUserError::Invalid(errors));
    }
    let display_name = accounts::display_name_or_username(&new.display_name, &new.username)
        .map_err(|e| CreateUserError::Invalid(vec![e]))?;
    Ok((display_name, password::hash_password(&new.password)?))
}

/// Insert a validated account, active, with its `user.create` audit event by `actor`; call inside
/// a write transaction.
fn insert_account(
    conn: &mut DbConn,
    new: &NewUser,
    display_name: &str,
    password_hash: &str,
    must_change_password: bool,
    actor: Option<&Caller>,
    now: NaiveDateTime,
) -> Result<User, CreateUserError> {
    let row = NewUserRow {
        username: &new.username,
        password_hash,
        role: new.role.code(),
        display_name,
        county: new.county.map(County::code),
        enterprise_id: new.enterprise_id,
        provider_id: new.provider_id,
        active: true,
        must_change_password,
        created_at: now,
        updated_at: now,
    };
    let inserted = diesel::insert_into(users::table)
        .values(&row)
        .returning(USER_COLUMNS)
        .get_result::<UserRow>(conn)
        .map_err(RepoError::unique_as("username"))?;
    let (user, _) = inserted.into_user()?;
    let event = audit::Event::new("user.create", "user", user.id).by(actor).after(&user)?;
    audit::record(conn, event, now)?;
    Ok(user)
}

/// The account with this username, without regard to case (active or not), and its password hash.
/// Uses the unique index on `lower(username)`.
pub fn find_by_username(conn: &mut DbConn, username: &str) -> Result<Option<(User, String)>, RepoError> {
    let row = users::table
        .filter(lower(users::username).eq(username.to_lowercase()))
        .select(USER_COLUMNS)
        .first(conn)
        .optional()?;
    row.map(UserRow::into_user).transpose()
}

/// The account with this id (active or not) and its password hash; `NotFound` when there is none.
pub fn find_with_hash(conn: &mut DbConn, id: i64) -> Result<(User, String), RepoError> {
    users::table.find(id).select(USER_COLUMNS).first::<UserRow>(conn)?.into_user()
}

/// What every request checks about its caller's account ([`crate::auth::Caller`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStatus {
    pub active: bool,
    pub must_change_password: bool,
    pub role: String,
    pub county: Option<String>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
}

/// The status of account `id` (one primary-key read); `None` when there is none.
pub fn account_status(conn: &mut DbConn, id: i64) -> Result<Option<AccountStatus>, RepoError> {
    let row = users::table
        .find(id)
        .select((
            users::active,
            users::must_change_password,
            users::role,
            users::county,
            users::enterprise_id,
            users::provider_id,
        ))
        .first::<(bool, bool, String, Option<String>, Option<i64>, Option<i64>)>(conn)
        .optional()?;
    Ok(row.map(|(active, must_change_password, role, county, enterprise_id, provider_id)| AccountStatus {
        active,
        must_change_password,
        role,
        county,
        enterprise_id,
        provider_id,
    }))
}

/// Change an account's active flag, display name and role (already checked).
pub fn update_fields(
    conn: &mut DbConn,
    id: i64,
    active: bool,
    display_name: &str,
    role: Role,
    now: NaiveDateTime,
) -> Result<User, RepoError> {
    diesel::update(users::table.find(id))
        .set((
            users::active.eq(active),
            users::display_name.eq(display_name),
            users::role.eq(role.code()),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    find_by_id(conn, id)
}

/// Store a new password hash; `must_change`: it is a one-time password.
pub fn set_password_hash(
    conn: &mut DbConn,
    id: i64,
    password_hash: &str,
    must_change: bool,
    now: NaiveDateTime,
) -> Result<User, RepoError> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::must_change_password.eq(must_change),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    find_by_id(conn, id)
}

/// The account with this id (active or not); `NotFound` when there is none.
pub fn find_by_id(conn: &mut DbConn, id: i64) -> Result<User, RepoError> {
    let row = users::table.find(id).select(USER_COLUMNS).first::<UserRow>(conn)?;
    Ok(row.into_user()?.0)
}

/// How many accounts exist (e.g. `--demo` fills only an empty database).
pub fn count_users(conn: &mut DbConn) -> Result<i64, RepoError> {
    Ok(users::table.count().get_result(conn)?)
}

diesel::define_sql_function! {
    /// SQL `lower(text)` (both databases).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Which accounts `GET /users` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    pub role: Option<Role>,
    /// The username or the display name contains this text (trimmed; empty: no filter).
    pub q: Option<String>,
}

/// One page of the accounts that pass the filter, in id order, and their total.
pub fn list_users(
    conn: &mut DbConn,
    f: &UserFilter,
    paging: crate::repo::Paging,
) -> Result<(Vec<User>, i64), RepoError> {
    let filtered = || {
        let mut q = users::table.into_boxed();
        if let Some(role) = f.role {
            q = q.filter(users::role.eq(role.code()));
        }
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            // Case-insensitive on both databases (PostgreSQL's LIKE is not, SQLite's is for ASCII).
            let pattern = crate::repo::like_pattern(&text.to_lowercase());
            q = q.filter(
                lower(users::username)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users::display_name).like(pattern).escape('\\')),
            );
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(users::id.asc())
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(USER_COLUMNS)
        .load::<UserRow>(conn)?;
    let users = rows.into_iter().map(|r| r.into_user().map(|(u, _)| u)).collect::<Result<_, _>>()?;
    Ok((users, total))
}

/// Whether the records an account would be scoped to exist and the caller may name them: an
/// enterprise of the caller's county for a `county` caller (else `NotFound`, 404), else any
/// existing enterprise and provider (else 422 naming the field).
pub fn check_scope_records(
    conn: &mut DbConn,
    caller: &Caller,
    enterprise_id: Option<i64>,
    provider_id: Option<i64>,
) -> Result<(), crate::error::ApiError> {
    use crate::db::schema::{enterprises, providers};
    use crate::error::ApiError;
    if let Some(id) = enterprise_id {
        let county: Option<String> =
            enterprises::table.find(id).select(enterprises::county).first(conn).optional().map_err(RepoError::from)?;
        match (caller.role, county) {
            (Role::County, Some(c)) if caller.county.map(County::code) == Some(c.as_str()) => {}
            (Role::County, _) => return Err(ApiError::NotFound),
            (_, None) => return Err(ApiError::field("enterprise_id", "企业不存在")),
            (_, Some(_)) => {}
        }
    }
    if let Some(id) = provider_id {
        let found: Option<i64> =
            providers::table.find(id).select(providers::id).first(conn).optional().map_err(RepoError::from)?;
        if found.is_none() {
            return Err(ApiError::field("provider_id", "服务商不存在"));
        }
    }
    Ok(())
}
