//! The one diesel schema of both databases, in the type subset they share (and that
//! `#[derive(MultiConnection)]` supports): ids `BigInt`, `Text`, `Bool`, `Timestamp` holding UTC
//! (read and written as `chrono::NaiveDateTime`), money `BigInt` fen.
//!
//! Hand-written (not `diesel print-schema`) and kept in step with `migrations/sqlite` and
//! `migrations/postgres`; the migration round-trip test loads every table through it on both.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        display_name -> Text,
        county -> Nullable<Text>,
        enterprise_id -> Nullable<BigInt>,
        provider_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
