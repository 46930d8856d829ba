//! The audit log on SQLite and PostgreSQL: the hash chain is built and verified, a changed or a
//! removed event is found, the triggers refuse UPDATE/DELETE, concurrent appends keep a gapless
//! chain, and account creation is audited in its own transaction.

#[path = "../../tests/support/mod.rs"]
mod support;

use diesel::connection::SimpleConnection;
use dtpilot_backend::audit::{self, Event, GENESIS_HASH, ListFilter, Verification};
use dtpilot_backend::auth::Caller;
use dtpilot_backend::db::{self, DatabaseUrl, DbConn, DbPool, RepoError};
use dtpilot_backend::users::{self, CreateUserError, NewUser};
use dtpilot_domain::state::Role;
use serde_json::json;

fn migrated(url: &str, size: u32) -> DbPool {
    let url = DatabaseUrl::parse(url).expect("parse test URL");
    let pool = db::connect(&url, size).expect("connect");
    db::run_migrations(&pool).expect("migrate");
    pool
}

fn caller(user_id: i64, role: Role) -> Caller {
    Caller { user_id, role, county: None, enterprise_id: None, provider_id: None, session: None }
}

/// One event in its own write transaction; returns its seq.
fn append(conn: &mut DbConn, event: Event<'_>) -> i64 {
    db::write_transaction(conn, |c| audit::record(c, event, db::now_utc())).expect("record")
}

/// `n` events about `project/<i>`, alternating between the platform and a city user.
fn append_many(conn: &mut DbConn, n: i64) {
    let city = caller(9, Role::City);
    for i in 1..=n {
        let actor = if i % 2 == 0 { Some(&city) } else { None };
        let event = Event::new("project.submit", "project", i)
            .by(actor)
            .before(&json!({"status": "draft", "i": i}))
            .and_then(|e| e.after(&json!({"status": "submitted", "名称": "企业", "i": i})))
            .expect("views");
        append(conn, event);
    }
}

fn verify(conn: &mut DbConn) -> Verification {
    audit::verify(conn).expect("verify")
}

fn is_postgres(conn: &DbConn) -> bool {
    matches!(conn, DbConn::Postgresql(_))
}

/// What someone with direct database (or file) access does before tampering.
fn disable_triggers(conn: &mut DbConn) {
    let sql = if is_postgres(conn) {
        "ALTER TABLE audit_events DISABLE TRIGGER USER"
    } else {
        "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
    };
    conn.batch_execute(sql).expect("disable the triggers");
}

fn new_user(username: &str, role: Role) -> NewUser {
    NewUser {
        username: username.to_string(),
        password: "Correct-Horse-9".to_string(),
        role,
        display_name: String::new(),
        county: None,
        enterprise_id: None,
        provider_id: None,
    }
}

support::both_databases! {
    fn events_chain_and_verify_and_list(url: &str) {
        let pool = migrated(url, 2);
        let mut conn = pool.get().expect("conn");
        let empty = verify(&mut conn);
        assert_eq!(empty, Verification { ok: true, events: 0, first_bad_seq: None, problem: None, last_hash: None });

        let admin = caller(1, Role::Admin);
        let at = db::now_utc();
        let first = db::write_transaction(&mut conn, |c| {
            let event = Event::new("user.create", "user", 5).by(Some(&admin)).after(&json!({"id": 5, "username": "a"}))?;
            audit::record(c, event, at)
        });
        assert_eq!(first.expect("first"), 1);
        append_many(&mut conn, 6);

        let v = verify(&mut conn);
        assert!(v.ok, "{v:?}");
        assert_eq!((v.events, v.first_bad_seq, v.problem.as_deref()), (7, None, None));

        let (all, total) = audit::list(&mut conn, &ListFilter::default()).expect("list");
        assert_eq!(total, 7);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [7, 6, 5, 4, 3, 2, 1], "newest first");
        assert_eq!(v.last_hash.as_deref(), Some(all[0].hash.as_str()));
        for pair in all.windows(2) {
            assert_eq!(pair[0].prev_hash, pair[1].hash, "each event links to the one before");
        }
        let oldest = &all[6];
        assert_eq!(oldest.prev_hash, GENESIS_HASH);
        assert_eq!((oldest.actor_user_id, oldest.actor_role.as_deref()), (Some(1), Some("admin")));
        assert_eq!((oldest.action.as_str(), oldest.entity_type.as_str(), oldest.entity_id.as_str()), ("user.create", "user", "5"));
        assert_eq!(oldest.at, at, "the time reads back exactly");
        assert_eq!(oldest.before, None);
        assert_eq!(oldest.after, Some(json!({"id": 5, "username": "a"})));
        assert!(oldest.hash.len() == 64 && oldest.hash.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(all[5].after, Some(json!({"status": "submitted", "名称": "企业", "i": 1})), "non-ASCII JSON round-trips");
        assert_eq!((all[5].actor_user_id, all[5].actor_role.as_deref()), (None, None), "the platform acted");

        // Filters and paging, in SQL.
        let mut by = |f: ListFilter| audit::list(&mut conn, &f).expect("list");
        let (items, total) = by(ListFilter { entity_type: Some("project".into()), ..ListFilter::default() });
        assert_eq!((items.len(), total), (6, 6));
        let (items, total) = by(ListFilter { entity_type: Some("project".into()), entity_id: Some("4".into()), ..ListFilter::default() });
        assert_eq!((items.iter().map(|e| e.seq).collect::<Vec<_>>(), total), (vec![5], 1));
        let (items, total) = by(ListFilter { actor_user_id: Some(9), ..ListFilter::default() });
        assert_eq!((items.iter().map(|e| e.seq).collect::<Vec<_>>(), total), (vec![7, 5, 3], 3));
        let (items, total) = by(ListFilter { action: Some("user.create".into()), ..ListFilter::default() });
        assert_eq!((items.iter().map(|e| e.seq).collect::<Vec<_>>(), total), (vec![1], 1));
        let (items, total) = by(ListFilter { page: 2, per_page: 3, ..ListFilter::default() });
        assert_eq!((items.iter().map(|e| e.seq).collect::<Vec<_>>(), total), (vec![4, 3, 2], 7));
        let (items, total) = by(ListFilter { page: 3, per_page: 3, ..ListFilter::default() });
        assert_eq!((items.iter().map(|e| e.seq).collect::<Vec<_>>(), total), (vec![1], 7));
        let (items, total) = by(ListFilter { page: 9, per_page: 3, ..ListFilter::default() });
        assert_eq!((items.len(), total), (0, 7));
        let (items, _) = by(ListFilter { page: i64::MAX, per_page: 1000, ..ListFilter::default() });
        assert!(items.is_empty(), "huge pages and page sizes are clamped, not an error");
    }

    fn record_outside_a_transaction_is_refused_and_rollback_leaves_no_gap(url: &str) {
        let pool = migrated(url, 2);
        let mut conn = pool.get().expect("conn");
        let outside = audit::record(&mut conn, Event::new("x.y", "x", 1), db::now_utc());
        assert!(matches!(outside, Err(RepoError::Db(diesel::result::Error::NotInTransaction))), "{outside:?}");

        append(&mut conn, Event::new("a.one", "a", 1));
        let rolled_back: Result<(), RepoError> = db::write_transaction(&mut conn, |c| {
            assert_eq!(audit::record(c, Event::new("a.two", "a", 2), db::now_utc())?, 2);
            Err(RepoError::NotFound)
        });
        assert!(rolled_back.is_err());
        assert_eq!(append(&mut conn, Event::new("a.three", "a", 3)), 2, "the rolled-back seq is reused");
        let v = verify(&mut conn);
        assert!(v.ok && v.events == 2, "{v:?}");
    }

    fn triggers_refuse_update_delete_and_truncate(url: &str) {
        let pool = migrated(url, 2);
        let mut conn = pool.get().expect("conn");
        append_many(&mut conn, 3);
        let refused = |conn: &mut DbConn, sql: &str| {
            let err = conn.batch_execute(sql).expect_err(sql);
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        };
        refused(&mut conn, "UPDATE audit_events SET after_json = '{}' WHERE seq = 2");
        refused(&mut conn, "DELETE FROM audit_events WHERE seq = 3");
        refused(&mut conn, "DELETE FROM audit_events");
        if is_postgres(&conn) {
            refused(&mut conn, "TRUNCATE audit_events");
            // A statement trigger: refused even when no row matches (SQLite's are row triggers).
            refused(&mut conn, "UPDATE audit_events SET action = 'x' WHERE seq = 999");
        }
        let v = verify(&mut conn);
        assert!(v.ok && v.events == 3, "{v:?}");
    }

    fn a_changed_event_is_found(url: &str) {
        let pool = migrated(url, 2);
        let mut conn = pool.get().expect("conn");
        append_many(&mut conn, 5);
        disable_triggers(&mut conn);
        conn.batch_execute(r#"UPDATE audit_events SET after_json = '{"status":"approved"}' WHERE seq = 3"#).expect("tamper");
        let v = verify(&mut conn);
        assert!(!v.ok);
        assert_eq!((v.events, v.first_bad_seq), (5, Some(3)), "{v:?}");
        assert!(v.problem.as_deref().is_some_and(|p| p.contains("第 3 条")), "{v:?}");

        // Another field of another event: the first break is reported.
        conn.batch_execute("UPDATE audit_events SET actor_user_id = 1, actor_role = 'admin' WHERE seq = 2").expect("tamper");
        assert_eq!(verify(&mut conn).first_bad_seq, Some(2));
    }

    fn a_replaced_hash_breaks_the_next_link(url: &str) {
        let pool = migrated(url, 2);
        let mut conn = pool.get().expect("conn");
        append_many(&mut conn, 4);
        disable_triggers(&mut conn);
        // Event 3 given another hash: it no longer matches its own content.
        conn.batch_execute("UPDATE audit_events SET hash = (SELECT hash FROM audit_events WHERE seq = 4) WHERE seq = 3")
            .expect("tamper");
        let v = verify(&mut conn);
        assert_eq!((v.ok, v.first_bad_seq), (false, Some(3)), "{v:?}");
        // Restored, the chain is whole again; then event 4's link is cut.
        conn.batch_execute("UPDATE audit_events SET hash = (SELECT prev_hash FROM audit_events WHERE seq = 4) WHERE seq = 3")
            .expect("restore");
        assert!(verify(&mut conn).ok);
        conn.batch_execute(&format!("UPDATE audit_events SET prev_hash = '{}' WHERE seq = 4", "a".repeat(64))).expect("tamper");
        let v = verify(&mut conn);
        assert_eq!((v.ok, v.first_bad_seq), (false, Some(4)), "{v:?}");
        assert!(v.problem.as_deref().is_some_and(|p| p.contains("不衔接")), "{v:?}");
    }

    fn a_removed_event_is_found_but_a_removed_tail_is_not(url: &str) {
        let pool = migrated(url, 2);
        let mut conn = pool.get().expect("conn");
        append_many(&mut conn, 5);
        disable_triggers(&mut conn);

        // The documented limitation: dropping the newest events leaves a valid chain …
        conn.batch_execute("DELETE FROM audit_events WHERE seq = 5").expect("delete the tail");
        let v = verify(&mut conn);
        assert!(v.ok && v.events == 4, "{v:?}");
        // … which only an anchor kept elsewhere (events + last_hash) reveals.

        conn.batch_execute("DELETE FROM audit_events WHERE seq = 3").expect("delete a middle event");
        let v = verify(&mut conn);
        assert_eq!((v.ok, v.events, v.first_bad_seq), (false, 3, Some(3)), "{v:?}");

        // Renumbering to hide the gap still breaks the links.
        conn.batch_execute("UPDATE audit_events SET seq = 3 WHERE seq = 4").expect("renumber");
        let v = verify(&mut conn);
        assert_eq!((v.ok, v.first_bad_seq), (false, Some(3)), "{v:?}");

        // Removing the first event is found too.
        conn.batch_execute("DELETE FROM audit_events WHERE seq = 1").expect("delete the head");
        assert_eq!(verify(&mut conn).first_bad_seq, Some(1));
    }

    fn verify_reads_in_batches(url: &str) {
        let pool = migrated(url, 2);
        let mut conn = pool.get().expect("conn");
        // More than one batch of 1000, in one transaction.
        db::write_transaction(&mut conn, |c| {
            for i in 0..2005 {
                audit::record(c, Event::new("bulk.add", "bulk", i), db::now_utc())?;
            }
            Ok::<_, RepoError>(())
        })
        .expect("bulk");
        let v = verify(&mut conn);
        assert!(v.ok && v.events == 2005, "{v:?}");
        disable_triggers(&mut conn);
        conn.batch_execute("UPDATE audit_events SET entity_id = 'x' WHERE seq = 1999").expect("tamper");
        let v = verify(&mut conn);
        assert_eq!((v.ok, v.events, v.first_bad_seq), (false, 2005, Some(1999)), "{v:?}");
    }

    fn concurrent_appends_keep_a_gapless_chain(url: &str) {
        const THREADS: i64 = 4;
        const EACH: i64 = 25;
        let pool = migrated(url, 5);
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let pool = pool.clone();
                s.spawn(move || {
                    let mut conn = pool.get().expect("conn");
                    let actor = caller(100 + t, Role::City);
                    for i in 0..EACH {
                        let event = Event::new("thread.append", "thread", format!("{t}-{i}")).by(Some(&actor));
                        append(&mut conn, event);
                    }
                });
            }
        });
        let mut conn = pool.get().expect("conn");
        let v = verify(&mut conn);
        assert!(v.ok, "{v:?}");
        assert_eq!(v.events, THREADS * EACH);
        let (items, total) =
            audit::list(&mut conn, &ListFilter { per_page: 200, ..ListFilter::default() }).expect("list");
        assert_eq!(total, THREADS * EACH);
        let mut seqs: Vec<i64> = items.iter().map(|e| e.seq).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=THREADS * EACH).collect::<Vec<_>>());
    }

    fn creating_a_user_is_audited_in_the_same_transaction(url: &str) {
        let pool = migrated(url, 2);
        let mut conn = pool.get().expect("conn");
        let platform_made = users::create_user(&mut conn, new_user("root", Role::Admin)).expect("platform");
        let root = caller(platform_made.id, Role::Admin);
        let made = users::create_user_by(&mut conn, new_user("city1", Role::City), Some(&root)).expect("by root");
        // A refused creation writes no event.
        let dup = users::create_user_by(&mut conn, new_user("city1", Role::City), Some(&root));
        assert!(matches!(dup, Err(CreateUserError::Repo(RepoError::Conflict(_)))), "{dup:?}");
        let invalid = users::create_user_by(&mut conn, new_user("x", Role::County), Some(&root));
        assert!(matches!(invalid, Err(CreateUserError::Invalid(_))), "{invalid:?}");

        let (items, total) = audit::list(&mut conn, &ListFilter::default()).expect("list");
        // The city account is privileged (SPEC §9.2): its creation is also marked.
        assert_eq!(total, 3);
        assert_eq!((items[0].action.as_str(), items[0].entity_id.as_str()), ("privileged_account", &*made.id.to_string()));
        let (second, first) = (&items[1], &items[2]);
        assert_eq!((first.action.as_str(), first.entity_type.as_str()), ("user.create", "user"));
        assert_eq!(first.entity_id, platform_made.id.to_string());
        assert_eq!((first.actor_user_id, first.actor_role.as_deref()), (None, None));
        assert_eq!((second.actor_user_id, second.actor_role.as_deref()), (Some(platform_made.id), Some("admin")));
        assert_eq!(second.entity_id, made.id.to_string());
        let after = second.after.as_ref().expect("after");
        assert_eq!((after["username"].as_str(), after["role"].as_str()), (Some("city1"), Some("city")));
        let text = after.to_string();
        assert!(!text.contains("password") && !text.contains("argon2"), "no secret in the log: {text}");
        assert!(verify(&mut conn).ok);

        // Created inside a caller's transaction that then rolls back: neither the account nor its event stays.
        let rolled_back: Result<(), CreateUserError> = db::write_transaction(&mut conn, |c| {
            users::create_user_by(c, new_user("ghost", Role::City), Some(&root))?;
            Err(CreateUserError::Repo(RepoError::NotFound))
        });
        assert!(rolled_back.is_err());
        assert!(users::find_by_username(&mut conn, "ghost").expect("find").is_none());
        assert_eq!(audit::list(&mut conn, &ListFilter::default()).expect("list").1, 3);
    }
}
