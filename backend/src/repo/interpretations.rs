//! The city bureau's confirmations of the readings the policy profile assumes (SPEC §9.1).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use dtpilot_api_types::policy::ConfirmationView;

use crate::db::DbConn;
use crate::db::RepoError;
use crate::db::schema::{policy_confirmations as pc, users as u};

/// A confirmation to record.
pub struct NewConfirmation<'a> {
    pub profile_id: &'a str,
    pub profile_version: i64,
    pub key: &'a str,
    pub value: &'a str,
    pub document_no: &'a str,
    pub note: &'a str,
    pub confirmed_by: i64,
    pub confirmed_at: NaiveDateTime,
}

/// The confirmations given for one profile edition, by key.
pub fn for_profile(
    conn: &mut DbConn,
    profile_id: &str,
    profile_version: i64,
) -> Result<Vec<(String, ConfirmationView)>, RepoError> {
    let rows: Vec<(String, String, String, String, i64, String, NaiveDateTime)> = pc::table
        .inner_join(u::table)
        .filter(pc::profile_id.eq(profile_id))
        .filter(pc::profile_version.eq(profile_version))
        .order(pc::id.asc())
        .select((pc::key, pc::value, pc::document_no, pc::note, pc::confirmed_by, u::display_name, pc::confirmed_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(key, value, document_no, note, confirmed_by, confirmed_by_name, confirmed_at)| {
            (key, ConfirmationView { value, document_no, note, confirmed_by, confirmed_by_name, confirmed_at })
        })
        .collect())
}

/// Record a confirmation; a second one of the same reading and edition is a conflict (the unique
/// key decides, also between two concurrent requests).
pub fn insert(conn: &mut DbConn, new: &NewConfirmation) -> Result<(), RepoError> {
    diesel::insert_into(pc::table)
        .values((
            pc::profile_id.eq(new.profile_id),
            pc::profile_version.eq(new.profile_version),
            pc::key.eq(new.key),
            pc::value.eq(new.value),
            pc::document_no.eq(new.document_no),
            pc::note.eq(new.note),
            pc::confirmed_by.eq(new.confirmed_by),
            pc::confirmed_at.eq(new.confirmed_at),
        ))
        .execute(conn)?;
    Ok(())
}
