//! Login throttling (SPEC §7, §9.2), kept in the database so every server of a deployment sees the
//! same counts:
//!
//! - **per username**: after 5 failed attempts within 15 minutes, that username's logins answer
//!   429 for 15 minutes;
//! - **per client address**: at most 30 failed attempts within 15 minutes, then 429.
//!
//! Attempts **in flight** count: before a password is hashed, the attempt reserves a row
//! ([`reserve`], `pending`), under a lock that serialises reservations (`BEGIN IMMEDIATE` on
//! SQLite, a transaction-scoped advisory lock on PostgreSQL). The row then becomes a failure
//! ([`fail`]), is removed with the username's earlier failures on success ([`succeed`]), or is
//! removed when the attempt is not served ([`release`]). So of any number of simultaneous wrong
//! passwords for one username at most 5 are checked; the rest answer 429 without hashing.
//! Attempts refused with 429 are not counted. Rows older than the window and the lock are pruned
//! on every reservation, across all usernames.

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::schema::login_failures as lf;
use crate::db::{DbConn, RepoError};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MINUTES: i64 = 15;
pub const LOCK_MINUTES: i64 = 15;
/// Failed attempts one client address may make within [`ADDRESS_WINDOW_MINUTES`].
pub const MAX_ADDRESS_FAILURES: usize = 30;
pub const ADDRESS_WINDOW_MINUTES: i64 = 15;

/// The PostgreSQL advisory lock that serialises reservations ("dtplogin").
pub const LOGIN_LOCK_KEY: i64 = 0x6474_706c_6f67_696e;

/// Pure decision: given a username's most recent failures (newest first, at most `MAX_FAILURES`),
/// until when its logins are locked, if they are now.
pub fn locked_until(recent_newest_first: &[NaiveDateTime], now: NaiveDateTime) -> Option<NaiveDateTime> {
    if recent_newest_first.len() < MAX_FAILURES {
        return None;
    }
    let newest = recent_newest_first[0];
    let oldest = recent_newest_first[MAX_FAILURES - 1];
    let until = newest + Duration::minutes(LOCK_MINUTES);
    (newest - oldest <= Duration::minutes(WINDOW_MINUTES) && now < until).then_some(until)
}

/// Pure decision: given a client address's failures within the last [`ADDRESS_WINDOW_MINUTES`]
/// (newest first, at most `MAX_ADDRESS_FAILURES`), until when it is refused, if it is now: until
/// the oldest of them leaves the window.
pub fn address_locked_until(recent_newest_first: &[NaiveDateTime], now: NaiveDateTime) -> Option<NaiveDateTime> {
    let oldest = *recent_newest_first.get(MAX_ADDRESS_FAILURES - 1)?;
    let until = oldest + Duration::minutes(ADDRESS_WINDOW_MINUTES);
    (now < until).then_some(until)
}

/// The key a username is counted under: usernames are unique without regard to case, so
/// `Root` and `root` share one count.
pub fn username_key(username: &str) -> String {
    username.to_lowercase()
}

/// Reserve an attempt for `username_key` from `client_ip` (`None`: not a network request, e.g.
/// the in-process demo). `Ok(Ok(id))`: the attempt may proceed, its row is `id`; `Ok(Err(until))`:
/// refused (429) until then, nothing stored. Runs its own write transaction: call it outside one.
pub fn reserve(
    conn: &mut DbConn,
    username_key: &str,
    client_ip: Option<&str>,
    now: NaiveDateTime,
) -> Result<Result<i64, NaiveDateTime>, RepoError> {
    crate::db::write_transaction(conn, |conn| {
        if let DbConn::Postgresql(c) = conn {
            c.batch_execute(&format!("SELECT pg_advisory_xact_lock({LOGIN_LOCK_KEY})"))?;
        }
        prune(conn, now)?;
        let recent: Vec<NaiveDateTime> = lf::table
            .filter(lf::username.eq(username_key))
            .order(lf::failed_at.desc())
            .select(lf::failed_at)
            .limit(MAX_FAILURES as i64)
            .load(conn)?;
        if let Some(until) = locked_until(&recent, now) {
            return Ok(Err(until));
        }
        if let Some(ip) = client_ip {
            let recent: Vec<NaiveDateTime> = lf::table
                .filter(lf::client_ip.eq(ip))
                .filter(lf::failed_at.gt(now - Duration::minutes(ADDRESS_WINDOW_MINUTES)))
                .order(lf::failed_at.desc())
                .select(lf::failed_at)
                .limit(MAX_ADDRESS_FAILURES as i64)
                .load(conn)?;
            if let Some(until) = address_locked_until(&recent, now) {
                return Ok(Err(until));
            }
        }
        let id = diesel::insert_into(lf::table)
            .values((
                lf::username.eq(username_key),
                lf::failed_at.eq(now),
                lf::client_ip.eq(client_ip),
                lf::pending.eq(true),
            ))
            .returning(lf::id)
            .get_result(conn)?;
        Ok(Ok(id))
    })
}

/// The reserved attempt failed: its row is now a failure, dated `now`.
pub fn fail(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> Result<(), RepoError> {
    diesel::update(lf::table.find(id)).set((lf::pending.eq(false), lf::failed_at.eq(now))).execute(conn)?;
    Ok(())
}

/// The reserved attempt was not served (e.g. 503): it does not count.
pub fn release(conn: &mut DbConn, id: i64) -> Result<(), RepoError> {
    diesel::delete(lf::table.find(id)).execute(conn)?;
    Ok(())
}

/// A successful login forgets the username's earlier failures and its own reservation (other
/// attempts still in flight keep theirs).
pub fn succeed(conn: &mut DbConn, username_key: &str, id: i64) -> Result<(), RepoError> {
    diesel::delete(lf::table.filter(lf::username.eq(username_key)).filter(lf::pending.eq(false).or(lf::id.eq(id))))
        .execute(conn)?;
    Ok(())
}

/// Failures (and reservations a crash left behind) older than any window: gone, for every username.
fn prune(conn: &mut DbConn, now: NaiveDateTime) -> Result<(), RepoError> {
    let horizon = WINDOW_MINUTES.max(ADDRESS_WINDOW_MINUTES) + LOCK_MINUTES;
    diesel::delete(lf::table.filter(lf::failed_at.lt(now - Duration::minutes(horizon)))).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap().naive_utc() + Duration::minutes(min)
    }

    #[test]
    fn five_failures_within_fifteen_minutes_lock_for_fifteen_minutes() {
        let failures = [t(4), t(3), t(2), t(1), t(0)];
        assert_eq!(locked_until(&failures, t(4)), Some(t(19)));
        assert_eq!(locked_until(&failures, t(18)), Some(t(19)));
        assert_eq!(locked_until(&failures, t(19)), None);
    }

    #[test]
    fn four_failures_or_a_spread_over_more_than_fifteen_minutes_do_not_lock() {
        assert_eq!(locked_until(&[t(3), t(2), t(1), t(0)], t(3)), None);
        assert_eq!(locked_until(&[t(16), t(3), t(2), t(1), t(0)], t(16)), None);
        assert_eq!(locked_until(&[t(15), t(3), t(2), t(1), t(0)], t(15)), Some(t(30)));
    }

    #[test]
    fn thirty_failures_of_an_address_refuse_it_until_the_oldest_leaves_the_window() {
        let failures: Vec<NaiveDateTime> = (0..30).rev().map(|m| t(m / 3)).collect();
        assert_eq!(address_locked_until(&failures, t(10)), Some(t(15)));
        assert_eq!(address_locked_until(&failures, t(15)), None);
        assert_eq!(address_locked_until(&failures[..29], t(10)), None);
    }

    #[test]
    fn usernames_are_counted_without_regard_to_case() {
        assert_eq!(username_key("Root"), username_key("rOOT"));
    }
}
