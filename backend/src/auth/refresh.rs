//! Refresh tokens: random, stored only as SHA-256 hashes, rotated on every use. A family is one
//! sign-in; presenting a token that was already rotated (a replay, e.g. of a stolen token) revokes
//! the whole family, so both the thief and the owner must sign in again.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::schema::refresh_tokens as rt;
use crate::db::{DbConn, RepoError};

/// How long a refresh token lives.
pub const REFRESH_TTL_DAYS: i64 = 14;

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new family (one sign-in).
pub fn new_family() -> String {
    random_hex(16)
}

/// Issue a token in `family` (a new family when `None`); returns the token in clear, once.
pub fn issue(conn: &mut DbConn, user_id: i64, family: Option<&str>, now: NaiveDateTime) -> Result<String, RepoError> {
    let token = random_hex(32);
    let family = family.map_or_else(new_family, str::to_string);
    diesel::insert_into(rt::table)
        .values((
            rt::user_id.eq(user_id),
            rt::family.eq(family),
            rt::token_hash.eq(token_hash(&token)),
            rt::created_at.eq(now),
            rt::expires_at.eq(now + Duration::days(REFRESH_TTL_DAYS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// What presenting a refresh token leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Rotation {
    /// Valid: it is now used; here is its successor and the user it belongs to.
    Rotated { user_id: i64, token: String, family: String },
    /// Unknown, expired or revoked.
    Invalid,
    /// Already used: the family (of `user_id`) is now revoked.
    Replayed { user_id: i64 },
}

/// id, user, family, expiry, used, revoked.
type TokenRow = (i64, i64, String, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>);

/// Rotate a token. Call inside a write transaction: the "mark used" update is conditional, so of
/// two concurrent uses of one token exactly one rotates and the other counts as a replay.
pub fn rotate(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> Result<Rotation, RepoError> {
    let row: Option<TokenRow> = rt::table
        .filter(rt::token_hash.eq(token_hash(token)))
        .select((rt::id, rt::user_id, rt::family, rt::expires_at, rt::used_at, rt::revoked_at))
        .first(conn)
        .optional()?;
    let Some((id, user_id, family, expires_at, used_at, revoked_at)) = row else {
        return Ok(Rotation::Invalid);
    };
    if revoked_at.is_some() || expires_at <= now {
        return Ok(Rotation::Invalid);
    }
    let claimed = if used_at.is_none() {
        diesel::update(rt::table.filter(rt::id.eq(id)).filter(rt::used_at.is_null()).filter(rt::revoked_at.is_null()))
            .set(rt::used_at.eq(now))
            .execute(conn)?
    } else {
        0
    };
    if claimed != 1 {
        revoke_family(conn, &family, now)?;
        return Ok(Rotation::Replayed { user_id });
    }
    let token = issue(conn, user_id, Some(&family), now)?;
    Ok(Rotation::Rotated { user_id, token, family })
}

/// Revoke the family of `token` (logout). Unknown tokens change nothing.
pub fn revoke_by_token(conn: &mut DbConn, token: &str, user_id: i64, now: NaiveDateTime) -> Result<(), RepoError> {
    let family: Option<String> = rt::table
        .filter(rt::token_hash.eq(token_hash(token)))
        .filter(rt::user_id.eq(user_id))
        .select(rt::family)
        .first(conn)
        .optional()?;
    if let Some(family) = family {
        revoke_family(conn, &family, now)?;
    }
    Ok(())
}

pub fn revoke_family(conn: &mut DbConn, family: &str, now: NaiveDateTime) -> Result<(), RepoError> {
    diesel::update(rt::table.filter(rt::family.eq(family)).filter(rt::revoked_at.is_null()))
        .set(rt::revoked_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Revoke every session of a user but `keep` (a password change keeps the session that made it).
pub fn revoke_user_except(
    conn: &mut DbConn,
    user_id: i64,
    keep: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let Some(family) = keep else { return revoke_user(conn, user_id, now) };
    diesel::update(
        rt::table.filter(rt::user_id.eq(user_id)).filter(rt::revoked_at.is_null()).filter(rt::family.ne(family)),
    )
    .set(rt::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Revoke every session of a user (account disabled).
pub fn revoke_user(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> Result<(), RepoError> {
    diesel::update(rt::table.filter(rt::user_id.eq(user_id)).filter(rt::revoked_at.is_null()))
        .set(rt::revoked_at.eq(now))
        .execute(conn)?;
    Ok(())
}
