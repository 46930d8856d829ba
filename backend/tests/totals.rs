//! The running totals the dashboard and the project counts read (`project_totals`,
//! `project_level_totals`, `enterprise_totals`, `batch_member_totals`, `payment_totals`, migration
//! `…_read_paths`) always equal the aggregates of the rows they summarise — after inserts, every
//! kind of update the application makes, deletes, and when the migration fills them from rows that
//! already exist. On SQLite and PostgreSQL.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use dtpilot_backend::db::schema::{
    batch_enterprises as be, batch_member_totals as tb, batches as b, enterprise_totals as te, enterprises as e,
    payment_totals as tpay, payments as pay, project_level_totals as tl, project_totals as tp, projects as p,
    providers as pr,
};
use dtpilot_backend::db::{self, DatabaseUrl, DbConn, DbPool};

fn migrated(url: &str) -> DbPool {
    let pool = db::connect(&DatabaseUrl::parse(url).expect("url"), 2).expect("connect");
    db::run_migrations(&pool).expect("migrate");
    pool
}

fn now() -> chrono::NaiveDateTime {
    db::now_utc()
}

fn enterprise(c: &mut DbConn, n: u32, county: &str, industry: &str, above: bool) -> i64 {
    diesel::insert_into(e::table)
        .values((
            e::name.eq(format!("企业{n}")),
            e::credit_code.eq(format!("CODE{n:014}")),
            e::county.eq(county),
            e::industry.eq(industry),
            e::above_designated_size.eq(above),
            e::employees.eq(100),
            e::annual_revenue_fen.eq(1_000_000),
            e::is_little_giant.eq(false),
            e::central_fund_excluded.eq(false),
            e::contact_name.eq("李工"),
            e::contact_phone.eq("13900000000"),
            e::created_at.eq(now()),
            e::updated_at.eq(now()),
        ))
        .returning(e::id)
        .get_result(c)
        .expect("enterprise")
}

fn batch(c: &mut DbConn, number: i64) -> i64 {
    let d = NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    diesel::insert_into(b::table)
        .values((
            b::number.eq(number),
            b::name.eq(format!("第{number}批")),
            b::diagnosis_due.eq(d),
            b::retrofit_due.eq(d),
            b::acceptance_start.eq(d),
            b::acceptance_end.eq(d),
            b::created_at.eq(now()),
        ))
        .returning(b::id)
        .get_result(c)
        .expect("batch")
}

fn provider(c: &mut DbConn) -> i64 {
    diesel::insert_into(pr::table)
        .values((
            pr::name.eq("服务商"),
            pr::credit_code.eq("PROVIDER000000001"),
            pr::capabilities.eq("[]"),
            pr::created_at.eq(now()),
            pr::updated_at.eq(now()),
        ))
        .returning(pr::id)
        .get_result(c)
        .expect("provider")
}

/// A project of `enterprise` (county and industry copied, as the application does).
fn project(c: &mut DbConn, enterprise: i64, batch: i64, provider: i64, status: &str, planned: i64) -> i64 {
    let (county, industry): (String, String) =
        e::table.find(enterprise).select((e::county, e::industry)).first(c).expect("enterprise row");
    diesel::insert_into(p::table)
        .values((
            (
                p::enterprise_id.eq(enterprise),
                p::batch_id.eq(batch),
                p::provider_id.eq(provider),
                p::county.eq(county),
                p::industry.eq(industry),
                p::contract_no.eq("HT-1"),
                p::contract_amount_fen.eq(planned * 2),
                p::planned_investment_fen.eq(planned * 2),
                p::target_level.eq(3),
            ),
            (
                p::overlapping_support_declared.eq(false),
                p::status.eq(status),
                p::policy_id.eq("changzhi-2025"),
                p::policy_version.eq(1),
                p::planned_subsidy_fen.eq(planned),
                p::prepayment_fen.eq(planned / 2),
                p::created_at.eq(now()),
                p::updated_at.eq(now()),
            ),
        ))
        .returning(p::id)
        .get_result(c)
        .expect("project")
}

fn payment(c: &mut DbConn, project: i64, county: Option<&str>, kind: &str, amount: i64) -> i64 {
    let central = amount / 2;
    let city = (amount - central) / 2;
    diesel::insert_into(pay::table)
        .values((
            (
                pay::kind.eq(kind),
                pay::project_id.eq(Some(project)),
                pay::county.eq(county),
                pay::payee.eq("企业"),
                pay::direction.eq(if kind == "recovery" { "in" } else { "out" }),
            ),
            (
                pay::amount_fen.eq(amount),
                pay::central_fen.eq(central),
                pay::city_fen.eq(city),
                pay::county_fen.eq(amount - central - city),
                pay::status.eq("pending"),
                pay::created_at.eq(now()),
            ),
        ))
        .returning(pay::id)
        .get_result(c)
        .expect("payment")
}

fn member(c: &mut DbConn, batch: i64, enterprise: i64) {
    diesel::insert_into(be::table)
        .values((be::batch_id.eq(batch), be::enterprise_id.eq(enterprise), be::added_at.eq(now())))
        .execute(c)
        .expect("member");
}

/// Sum `rows` (key, values) by key, in key order.
fn aggregate<K: Ord, const N: usize>(rows: impl IntoIterator<Item = (K, [i64; N])>) -> Vec<(K, [i64; N])> {
    let mut sums: BTreeMap<K, [i64; N]> = BTreeMap::new();
    for (key, values) in rows {
        let sum = sums.entry(key).or_insert([0; N]);
        for (s, v) in sum.iter_mut().zip(values) {
            *s += v;
        }
    }
    sums.into_iter().collect()
}

/// Every totals table equals the aggregate of the rows it summarises (recomputed here, row by row;
/// totals rows at 0 count as absent, and carry no money).
fn assert_totals(c: &mut DbConn, when: &str) {
    type ProjectKey = (String, String, i64, String);
    let kept: Vec<(ProjectKey, [i64; 3])> = tp::table
        .select((
            tp::county,
            tp::industry,
            tp::batch_id,
            tp::status,
            tp::project_count,
            tp::planned_subsidy_fen,
            tp::final_subsidy_fen,
        ))
        .order((tp::county, tp::industry, tp::batch_id, tp::status))
        .load::<(String, String, i64, String, i64, i64, i64)>(c)
        .expect("project_totals")
        .into_iter()
        .filter(|row| row.4 != 0 || row.5 != 0 || row.6 != 0)
        .map(|(county, industry, batch, status, n, planned, fin)| {
            ((county, industry, batch, status), [n, planned, fin])
        })
        .collect();
    let rows: Vec<(String, String, i64, String, i64, Option<i64>)> = p::table
        .select((p::county, p::industry, p::batch_id, p::status, p::planned_subsidy_fen, p::final_subsidy_fen))
        .load(c)
        .expect("projects");
    let counted = aggregate(rows.into_iter().map(|(county, industry, batch, status, planned, fin)| {
        ((county, industry, batch, status), [1, planned, fin.unwrap_or(0)])
    }));
    assert_eq!(kept, counted, "project_totals {when}");

    type LevelKey = (String, String, i64, bool);
    let kept: Vec<(LevelKey, [i64; 1])> = tl::table
        .filter(tl::project_count.ne(0))
        .select((tl::county, tl::status, tl::achieved_level, tl::above_designated_size, tl::project_count))
        .order((tl::county, tl::status, tl::achieved_level, tl::above_designated_size))
        .load::<(String, String, i64, bool, i64)>(c)
        .expect("project_level_totals")
        .into_iter()
        .map(|(county, status, level, above, n)| ((county, status, level, above), [n]))
        .collect();
    let rows: Vec<(String, String, Option<i64>, bool)> = p::table
        .inner_join(e::table)
        .select((p::county, p::status, p::achieved_level, e::above_designated_size))
        .load(c)
        .expect("evaluated projects");
    let counted = aggregate(
        rows.into_iter().filter_map(|(county, status, level, above)| Some(((county, status, level?, above), [1]))),
    );
    assert_eq!(kept, counted, "project_level_totals {when}");

    let kept: Vec<((String, String), [i64; 1])> = te::table
        .filter(te::enterprises.ne(0))
        .select((te::county, te::industry, te::enterprises))
        .order((te::county, te::industry))
        .load::<(String, String, i64)>(c)
        .expect("enterprise_totals")
        .into_iter()
        .map(|(county, industry, n)| ((county, industry), [n]))
        .collect();
    let rows: Vec<(String, String)> = e::table.select((e::county, e::industry)).load(c).expect("enterprises");
    let counted = aggregate(rows.into_iter().map(|key| (key, [1])));
    assert_eq!(kept, counted, "enterprise_totals {when}");

    let kept: Vec<((i64, String), [i64; 1])> = tb::table
        .filter(tb::enterprises.ne(0))
        .select((tb::batch_id, tb::county, tb::enterprises))
        .order((tb::batch_id, tb::county))
        .load::<(i64, String, i64)>(c)
        .expect("batch_member_totals")
        .into_iter()
        .map(|(batch, county, n)| ((batch, county), [n]))
        .collect();
    let rows: Vec<(i64, String)> =
        be::table.inner_join(e::table).select((be::batch_id, e::county)).load(c).expect("members");
    let counted = aggregate(rows.into_iter().map(|key| (key, [1])));
    assert_eq!(kept, counted, "batch_member_totals {when}");

    type PaymentRow = (String, String, String, i64, i64, i64, i64, i64);
    let kept: Vec<((String, String, String), [i64; 5])> = tpay::table
        .select((
            tpay::county,
            tpay::kind,
            tpay::status,
            tpay::instructions,
            tpay::amount_fen,
            tpay::central_fen,
            tpay::city_fen,
            tpay::county_fen,
        ))
        .order((tpay::county, tpay::kind, tpay::status))
        .load::<PaymentRow>(c)
        .expect("payment_totals")
        .into_iter()
        .map(|(county, kind, status, n, amount, central, city, county_fen)| {
            ((county, kind, status), [n, amount, central, city, county_fen])
        })
        .filter(|(_, v)| v.iter().any(|x| *x != 0))
        .collect();
    type PaymentFigures = (Option<String>, String, String, i64, i64, i64, i64);
    let rows: Vec<PaymentFigures> = pay::table
        .select((
            pay::county,
            pay::kind,
            pay::status,
            pay::amount_fen,
            pay::central_fen,
            pay::city_fen,
            pay::county_fen,
        ))
        .load(c)
        .expect("payments");
    let counted = aggregate(rows.into_iter().map(|(county, kind, status, amount, central, city, county_fen)| {
        ((county.unwrap_or_default(), kind, status), [1, amount, central, city, county_fen])
    }));
    assert_eq!(kept, counted, "payment_totals {when}");
}

/// Rows of every kind, changed the ways the application changes them.
fn exercise(c: &mut DbConn) {
    let e1 = enterprise(c, 1, "luzhou", "power_equipment", true);
    let e2 = enterprise(c, 2, "luzhou", "chemical_materials", false);
    let e3 = enterprise(c, 3, "tunliu", "power_equipment", false);
    let (b1, b2) = (batch(c, 1), batch(c, 2));
    let provider = provider(c);
    for (batch, enterprise) in [(b1, e1), (b1, e2), (b1, e3), (b2, e1)] {
        member(c, batch, enterprise);
    }
    let p1 = project(c, e1, b1, provider, "draft", 300_000);
    let p2 = project(c, e2, b1, provider, "submitted", 200_000);
    let p3 = project(c, e3, b1, provider, "awaiting_acceptance", 500_000);
    let p4 = project(c, e1, b2, provider, "awaiting_acceptance", 400_000);
    assert_totals(c, "after inserts");

    // Transitions, an edit of the figures, an evaluation (level and final subsidy, then the state).
    diesel::update(p::table.find(p1)).set(p::status.eq("submitted")).execute(c).expect("submit");
    diesel::update(p::table.find(p2)).set(p::status.eq("returned")).execute(c).expect("return");
    diesel::update(p::table.find(p2)).set(p::planned_subsidy_fen.eq(150_000)).execute(c).expect("edit");
    diesel::update(p::table.find(p2)).set(p::status.eq("returned")).execute(c).expect("same state");
    for (id, level, fin, to) in [(p3, 3, 450_000, "accepted"), (p4, 1, 0, "failed")] {
        diesel::update(p::table.find(id))
            .set((p::achieved_level.eq(Some(level)), p::final_subsidy_fen.eq(Some(fin))))
            .execute(c)
            .expect("evaluate");
        diesel::update(p::table.find(id)).set(p::status.eq(to)).execute(c).expect("evaluated");
    }
    diesel::update(p::table.find(p3)).set(p::status.eq("settled")).execute(c).expect("settle");
    assert_totals(c, "after transitions");

    // An enterprise changes size class (its evaluated projects move) and industry.
    diesel::update(e::table.find(e3)).set(e::above_designated_size.eq(true)).execute(c).expect("size");
    diesel::update(e::table.find(e1)).set(e::above_designated_size.eq(false)).execute(c).expect("size");
    diesel::update(e::table.find(e2)).set(e::industry.eq("nonmetal_materials")).execute(c).expect("industry");
    diesel::update(e::table.find(e2)).set(e::name.eq("改名")).execute(c).expect("rename");
    assert_totals(c, "after enterprise changes");

    // Payment instructions: created, approved, paid, cancelled; one without a county.
    let a = payment(c, p3, Some("tunliu"), "prepayment", 250_000);
    let b = payment(c, p3, Some("tunliu"), "balance", 200_000);
    let r = payment(c, p4, Some("luzhou"), "recovery", 200_000);
    let d = payment(c, p1, None, "diagnosis", 30_000);
    // The other kinds (R11, R12): a cloud subsidy of an enterprise's county, an award to a provider.
    let cl = payment(c, p1, Some("luzhou"), "cloud", 12_345);
    let aw = payment(c, p1, None, "award", 100_000);
    for (id, to) in [
        (a, "approved"),
        (a, "paid"),
        (b, "approved"),
        (r, "cancelled"),
        (d, "approved"),
        (cl, "approved"),
        (cl, "paid"),
        (aw, "approved"),
        (aw, "paid"),
    ] {
        diesel::update(pay::table.find(id)).set(pay::status.eq(to)).execute(c).expect("payment status");
    }
    assert_totals(c, "after payments");

    // Deletes (not made by the application today, but kept right).
    diesel::delete(be::table.filter(be::batch_id.eq(b2)).filter(be::enterprise_id.eq(e1))).execute(c).expect("member");
    diesel::delete(p::table.find(p2)).execute(c).expect("project");
    assert_totals(c, "after deletes");
}

support::both_databases! {
    fn totals_follow_every_write(url: &str) {
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        exercise(&mut conn);
    }

    fn totals_follow_writes_in_one_transaction(url: &str) {
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        db::write_transaction(&mut conn, |c| {
            exercise(c);
            Ok::<_, diesel::result::Error>(())
        })
        .expect("transaction");
        assert_totals(&mut conn, "after commit");
    }

    fn the_migration_fills_the_totals_from_existing_rows(url: &str) {
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        exercise(&mut conn);
        // Take the read-path migration back (the totals are dropped, with any later migration
        // first) and apply them again.
        let mut reverted_count = 0;
        loop {
            let reverted = match &mut *conn {
                DbConn::Sqlite(c) => c.revert_last_migration(db::SQLITE_MIGRATIONS).map(|v| v.to_string()),
                DbConn::Postgresql(c) => c.revert_last_migration(db::POSTGRES_MIGRATIONS).map(|v| v.to_string()),
            }
            .expect("revert");
            reverted_count += 1;
            assert!(reverted.as_str() >= "2026112900001", "reverted past the read paths: {reverted}");
            if reverted.contains("000013") {
                break;
            }
        }
        drop(conn);
        assert_eq!(db::run_migrations(&pool).expect("up again").len(), reverted_count);
        let mut conn = pool.get().expect("conn");
        assert_totals(&mut conn, "after the migration filled them");
        // And they keep following.
        let (id, level): (i64, Option<i64>) =
            p::table.filter(p::status.eq("settled")).select((p::id, p::achieved_level)).first(&mut conn).expect("row");
        assert_eq!(level, Some(3));
        diesel::update(p::table.find(id)).set(p::status.eq("cancelled")).execute(&mut conn).expect("cancel");
        assert_totals(&mut conn, "after a change following the refill");
    }
}

support::both_databases! {
    /// Migration `…_money_rules` (SPEC §9.1) fills the one invoice register from the expenses and
    /// cloud fees already recorded, keyed like the application keys them (NFKC, upper case, no
    /// white space, `-`, `_`); where earlier rows hold one invoice twice under the key, the earliest
    /// claim holds it and the later rows are listed as duplicates (and kept).
    fn the_money_rules_migration_fills_the_invoice_register(url: &str) {
        use dtpilot_backend::db::schema::{expenses as x, invoice_claim_duplicates as icd, invoice_claims as ic};
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        let mut reverted_count = 0;
        loop {
            let reverted = match &mut *conn {
                DbConn::Sqlite(c) => c.revert_last_migration(db::SQLITE_MIGRATIONS).map(|v| v.to_string()),
                DbConn::Postgresql(c) => c.revert_last_migration(db::POSTGRES_MIGRATIONS).map(|v| v.to_string()),
            }
            .expect("revert");
            reverted_count += 1;
            if reverted.contains("000020") {
                break;
            }
        }
        let ent = enterprise(&mut conn, 1, "luzhou", "power_equipment", true);
        let other = enterprise(&mut conn, 2, "luzhou", "power_equipment", true);
        let (b, pr) = (batch(&mut conn, 1), provider(&mut conn));
        let pid = project(&mut conn, ent, b, pr, "in_progress", 100_000);
        let pid2 = project(&mut conn, other, b, pr, "in_progress", 100_000);
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        let start = now();
        for (i, (project_id, enterprise_id, invoice)) in
            [(pid, ent, "INV-9"), (pid, ent, "ｉｎｖ\u{3000}９"), (pid, ent, "FP 2"), (pid2, other, "inv_9")].into_iter().enumerate()
        {
            diesel::insert_into(x::table)
                .values((
                    x::project_id.eq(project_id),
                    x::enterprise_id.eq(enterprise_id),
                    x::category.eq("software"),
                    x::amount_fen.eq(100),
                    x::invoice_no.eq(invoice),
                    x::paid_on.eq(day),
                    x::created_at.eq(start + chrono::Duration::seconds(i64::try_from(i).expect("small"))),
                ))
                .execute(&mut conn)
                .expect("expense");
        }
        drop(conn);
        assert_eq!(db::run_migrations(&pool).expect("up again").len(), reverted_count);
        let mut conn = pool.get().expect("conn");
        let claims: Vec<(i64, String, String)> = ic::table
            .order((ic::enterprise_id, ic::invoice_key))
            .select((ic::enterprise_id, ic::invoice_key, ic::invoice_no))
            .load(&mut conn)
            .expect("claims");
        assert_eq!(
            claims,
            vec![
                (ent, "FP2".to_string(), "FP 2".to_string()),
                (ent, "INV9".to_string(), "INV-9".to_string()),
                (other, "INV9".to_string(), "inv_9".to_string()),
            ]
        );
        let duplicates: Vec<(i64, String, String)> =
            icd::table.select((icd::enterprise_id, icd::invoice_key, icd::invoice_no)).load(&mut conn).expect("dups");
        assert_eq!(duplicates, vec![(ent, "INV9".to_string(), "ｉｎｖ\u{3000}９".to_string())]);
        assert_eq!(x::table.count().get_result::<i64>(&mut conn).expect("count"), 4, "no expense is touched");
    }
}
