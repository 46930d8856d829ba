//! SPEC §6 in the database itself, on SQLite and PostgreSQL: a payment instruction is never
//! deleted, its amounts and parties are never edited, and its status moves only forward — even
//! for a writer that bypasses the application.

#[path = "../../tests/support/mod.rs"]
mod support;

use diesel::connection::SimpleConnection;
use dtpilot_backend::db::{self, DatabaseUrl};

const INSERT: &str = "INSERT INTO payments (kind, payee, direction, amount_fen, central_fen, city_fen, county_fen, status, created_at) \
     VALUES ('prepayment', '示例企业', 'out', 15000000, 7500000, 3750000, 3750000, 'pending', '2026-11-29 00:00:00')";

support::both_databases! {
    fn payment_instructions_are_never_edited_or_deleted(url: &str) {
        let pool = db::connect(&DatabaseUrl::parse(url).expect("url"), 2).expect("connect");
        db::run_migrations(&pool).expect("migrate");
        let mut conn = pool.get().expect("conn");
        conn.batch_execute(INSERT).expect("insert");
        for refused in [
            "UPDATE payments SET amount_fen = 1, central_fen = 1, city_fen = 0, county_fen = 0",
            "UPDATE payments SET payee = '别人'",
            "UPDATE payments SET status = 'paid'",
            "DELETE FROM payments",
        ] {
            assert!(conn.batch_execute(refused).is_err(), "must be refused: {refused}");
        }
        conn.batch_execute("UPDATE payments SET status = 'approved'").expect("pending → approved");
        conn.batch_execute("UPDATE payments SET status = 'paid', voucher_no = 'PZ-1'").expect("approved → paid");
        assert!(conn.batch_execute("UPDATE payments SET status = 'approved'").is_err(), "paid → approved");
        assert!(conn.batch_execute("UPDATE payments SET status = 'cancelled'").is_err(), "paid → cancelled");
        // A second instruction whose parts do not add up is refused by the CHECK.
        let bad = INSERT.replace("3750000, 'pending'", "3750001, 'pending'");
        assert!(conn.batch_execute(&bad).is_err(), "parts must add up");
        // And the migration still reverts cleanly.
        db::revert_all_migrations(&pool).expect("down");
        db::run_migrations(&pool).expect("up again");
    }
}
