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

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        username -> Text,
        failed_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, refresh_tokens, login_failures);
