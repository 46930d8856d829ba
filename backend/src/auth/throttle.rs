//! Login throttling (SPEC §7): after 5 failed attempts for one username within 15 minutes, that
//! username's logins answer 429 for 15 minutes. Failures are kept in the database, so every server
//! of a deployment sees the same count. Attempts refused with 429 are not counted.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::login_failures;
use crate::db::{DbConn, RepoError};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MINUTES: i64 = 15;
pub const LOCK_MINUTES: i64 = 15;

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

/// The newest failures of a username (at most `MAX_FAILURES`).
pub fn recent_failures(conn: &mut DbConn, username: &str) -> Result<Vec<NaiveDateTime>, RepoError> {
    Ok(login_failures::table
        .filter(login_failures::username.eq(username))
        .order(login_failures::failed_at.desc())
        .select(login_failures::failed_at)
        .limit(MAX_FAILURES as i64)
        .load(conn)?)
}

pub fn record_failure(conn: &mut DbConn, username: &str, at: NaiveDateTime) -> Result<(), RepoError> {
    diesel::insert_into(login_failures::table)
        .values((login_failures::username.eq(username), login_failures::failed_at.eq(at)))
        .execute(conn)?;
    // Keep the table small: failures older than the window no longer matter.
    diesel::delete(
        login_failures::table
            .filter(login_failures::username.eq(username))
            .filter(login_failures::failed_at.lt(at - Duration::minutes(WINDOW_MINUTES + LOCK_MINUTES))),
    )
    .execute(conn)?;
    Ok(())
}

/// A successful login forgets the earlier failures.
pub fn clear_failures(conn: &mut DbConn, username: &str) -> Result<(), RepoError> {
    diesel::delete(login_failures::table.filter(login_failures::username.eq(username))).execute(conn)?;
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
}
