//! The database layer on SQLite and PostgreSQL: URLs, pools, pragmas, migrations (up → down → up,
//! same names in both dialects), and the users repository.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{BigInt, Integer, Text};
use dtpilot_backend::db::{self, Backend, DatabaseUrl, DbConn, DbError, DbPool, RepoError};
use dtpilot_backend::password::verify_password;
use dtpilot_backend::users::{self, CreateUserError, NewUser};
use dtpilot_domain::accounts::{AccountError, ScopeField};
use dtpilot_domain::reference::County;
use dtpilot_domain::state::Role;

const FIRST_MIGRATION: &str = "2026-11-29-000001_users";

fn pool(url: &str) -> DbPool {
    let url = DatabaseUrl::parse(url).expect("parse test URL");
    db::connect(&url, 4).expect("connect")
}

fn migrated(url: &str) -> DbPool {
    let pool = pool(url);
    db::run_migrations(&pool).expect("migrate");
    pool
}

fn new_user(username: &str, role: Role) -> NewUser {
    NewUser {
        username: username.to_string(),
        password: "Correct-Horse-9".to_string(),
        role,
        display_name: format!("{username} 的名字"),
        county: None,
        enterprise_id: None,
        provider_id: None,
    }
}

fn migration_dirs(dialect: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations").join(dialect);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("dir entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        for file in ["up.sql", "down.sql"] {
            let path = dir.join(name).join(file);
            let sql = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            assert!(!sql.trim().is_empty(), "{} is empty", path.display());
        }
    }
    names
}

#[test]
fn both_migration_folders_list_the_same_names() {
    let sqlite = migration_dirs("sqlite");
    let postgres = migration_dirs("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same migrations");
    assert_eq!(sqlite[0], FIRST_MIGRATION);
    for name in &sqlite {
        let (version, rest) = name.split_once('_').expect("YYYY-MM-DD-HHMMSS_name");
        assert_eq!(version.len(), "YYYY-MM-DD-HHMMSS".len(), "{name}");
        assert!(!rest.is_empty(), "{name}");
    }
    // What is embedded in the binary is what is on disk.
    assert_eq!(db::embedded_migration_names(Backend::Sqlite).expect("embedded"), sqlite);
    assert_eq!(db::embedded_migration_names(Backend::Postgres).expect("embedded"), postgres);
}

support::both_databases! {
    fn migrations_up_down_up(url: &str) {
        let pool = pool(url);
        let expected = db::embedded_migration_names(DatabaseUrl::parse(url).expect("url").backend()).expect("names");

        assert_eq!(db::run_migrations(&pool).expect("up"), expected);
        assert_eq!(db::run_migrations(&pool).expect("up again"), Vec::<String>::new(), "nothing left to apply");
        let mut conn = pool.get().expect("conn");
        users::create_user(&mut conn, new_user("before_revert", Role::Admin)).expect("a user on the first schema");
        drop(conn);

        let mut reverted = expected.clone();
        reverted.reverse();
        assert_eq!(db::revert_all_migrations(&pool).expect("down"), reverted);
        let mut conn = pool.get().expect("conn");
        assert!(users::count_users(&mut conn).is_err(), "the users table is gone after down");
        drop(conn);

        assert_eq!(db::run_migrations(&pool).expect("up after down"), expected);
        let mut conn = pool.get().expect("conn");
        assert_eq!(users::count_users(&mut conn).expect("count"), 0);
        users::create_user(&mut conn, new_user("after_revert", Role::Admin)).expect("a user on the re-applied schema");
        assert_eq!(users::count_users(&mut conn).expect("count"), 1);
    }

    fn create_find_and_verify(url: &str) {
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        assert_eq!(users::count_users(&mut conn).expect("count"), 0);

        let before = chrono::Utc::now() - chrono::Duration::seconds(1);
        let mut new = new_user("county.luzhou", Role::County);
        new.county = Some(County::Luzhou);
        new.display_name = " 潞州区工信局 ".to_string();
        let created = users::create_user(&mut conn, new).expect("create");
        assert!(created.id > 0);
        assert_eq!(created.username, "county.luzhou");
        assert_eq!(created.role, Role::County);
        assert_eq!(created.display_name, "潞州区工信局", "trimmed");
        assert_eq!(created.county, Some(County::Luzhou));
        assert_eq!((created.enterprise_id, created.provider_id), (None, None));
        assert!(created.active);
        assert!(created.created_at >= before && created.created_at <= chrono::Utc::now(), "{}", created.created_at);

        let (found, hash) = users::find_by_username(&mut conn, "county.luzhou").expect("find").expect("exists");
        assert_eq!(found, created, "what was inserted reads back equal (timestamps included)");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("Correct-Horse-9", &hash));
        assert!(!verify_password("correct-horse-9", &hash));
        assert_eq!(users::find_by_id(&mut conn, created.id).expect("by id"), created);
        assert!(matches!(users::find_by_id(&mut conn, created.id + 1000), Err(RepoError::NotFound)));

        assert!(users::find_by_username(&mut conn, "nobody").expect("find").is_none());
        // Usernames are unique without regard to case (SPEC §9.2): any spelling finds the account.
        let (found, _) = users::find_by_username(&mut conn, "COUNTY.LUZHOU").expect("find").expect("any case");
        assert_eq!(found, created);

        // Every role with its scope; an empty display name becomes the username.
        let mut e = new_user("ent1", Role::Enterprise);
        e.enterprise_id = Some(11);
        e.display_name = String::new();
        let e = users::create_user(&mut conn, e).expect("enterprise user");
        assert_eq!((e.enterprise_id, e.display_name.as_str()), (Some(11), "ent1"));
        let mut p = new_user("prov1", Role::Provider);
        p.provider_id = Some(7);
        assert_eq!(users::create_user(&mut conn, p).expect("provider user").provider_id, Some(7));
        for (name, role) in [("city1", Role::City), ("fin1", Role::Finance), ("eval1", Role::Evaluator), ("admin1", Role::Admin)] {
            users::create_user(&mut conn, new_user(name, role)).expect(name);
        }
        assert_eq!(users::count_users(&mut conn).expect("count"), 7);

        let json = serde_json::to_value(&created).expect("serialize");
        assert_eq!(json["role"], "county");
        assert_eq!(json["county"], "luzhou");
        assert!(json.get("password_hash").is_none() && json.get("password").is_none());
        assert!(json["created_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{json}");
    }

    fn duplicate_username_is_a_conflict(url: &str) {
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        users::create_user(&mut conn, new_user("alice", Role::City)).expect("first");
        let second = users::create_user(&mut conn, new_user("alice", Role::Admin));
        match second {
            Err(CreateUserError::Repo(RepoError::Conflict(what))) => assert_eq!(what, "username"),
            other => panic!("expected a username conflict, got {other:?}"),
        }
        assert_eq!(users::count_users(&mut conn).expect("count"), 1);
        // The connection is still usable after the failed insert.
        users::create_user(&mut conn, new_user("bob", Role::City)).expect("another");
    }

    fn invalid_accounts_are_refused_and_nothing_is_written(url: &str) {
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        let refused = |conn: &mut DbConn, new: NewUser| -> Vec<AccountError> {
            match users::create_user(conn, new) {
                Err(CreateUserError::Invalid(errors)) => errors,
                other => panic!("expected field errors, got {other:?}"),
            }
        };

        let errors = refused(&mut conn, new_user("c1", Role::County));
        assert_eq!(errors.iter().map(AccountError::field).collect::<Vec<_>>(), ["username", "county"]);
        let errors = refused(&mut conn, new_user("county1", Role::County));
        assert_eq!(errors, [AccountError::ScopeRequired { role: Role::County, field: ScopeField::County }]);

        let mut city = new_user("city1", Role::City);
        city.county = Some(County::Jingkai);
        assert_eq!(refused(&mut conn, city), [AccountError::ScopeNotAllowed { role: Role::City, field: ScopeField::County }]);

        assert_eq!(
            refused(&mut conn, new_user("ent1", Role::Enterprise)),
            [AccountError::ScopeRequired { role: Role::Enterprise, field: ScopeField::EnterpriseId }]
        );
        let mut ent = new_user("ent1", Role::Enterprise);
        ent.enterprise_id = Some(1);
        ent.county = Some(County::Luzhou);
        assert_eq!(refused(&mut conn, ent), [AccountError::ScopeNotAllowed { role: Role::Enterprise, field: ScopeField::County }]);

        let mut prov = new_user("prov1", Role::Provider);
        prov.enterprise_id = Some(3);
        let errors = refused(&mut conn, prov);
        assert_eq!(errors.iter().map(AccountError::code).collect::<Vec<_>>(), ["scope_not_allowed", "scope_required"]);

        let mut fin = new_user("fin1", Role::Finance);
        fin.provider_id = Some(3);
        assert_eq!(refused(&mut conn, fin)[0].field(), "provider_id");

        let mut weak = new_user("weak", Role::Admin);
        weak.password = "1234567".to_string();
        assert_eq!(refused(&mut conn, weak), [AccountError::PasswordTooShort]);
        assert_eq!(refused(&mut conn, new_user("no spaces", Role::Admin)), [AccountError::UsernameCharacters]);

        assert_eq!(users::count_users(&mut conn).expect("count"), 0);
    }

    fn the_schema_enforces_the_scope_rule_too(url: &str) {
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        let now = db::now_utc();
        let insert = |conn: &mut DbConn, username: &str, role: &str, county: Option<&str>, enterprise_id: Option<i64>| {
            use dtpilot_backend::db::schema::users::dsl as u;
            diesel::insert_into(u::users)
                .values((
                    u::username.eq(username),
                    u::password_hash.eq("x"),
                    u::role.eq(role),
                    u::display_name.eq(username),
                    u::county.eq(county),
                    u::enterprise_id.eq(enterprise_id),
                    u::created_at.eq(now),
                    u::updated_at.eq(now),
                ))
                .execute(conn)
        };
        let check = |r: QueryResult<usize>, what: &str| match r {
            Err(DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, _)) => {}
            other => panic!("{what}: expected a CHECK violation, got {other:?}"),
        };
        check(insert(&mut conn, "c1", "county", None, None), "county without county");
        check(insert(&mut conn, "c2", "city", Some("luzhou"), None), "city with county");
        check(insert(&mut conn, "c3", "enterprise", None, None), "enterprise without enterprise_id");
        check(insert(&mut conn, "c4", "superuser", None, None), "unknown role");
        check(insert(&mut conn, "c5", "county", Some("beijing"), None), "unknown county");
        assert_eq!(insert(&mut conn, "ok1", "county", Some("luzhou"), None).expect("valid row"), 1);
        assert_eq!(insert(&mut conn, "ok2", "enterprise", None, Some(5)).expect("valid row"), 1);
        // `active` defaults to true.
        let (user, _) = users::find_by_username(&mut conn, "ok2").expect("find").expect("exists");
        assert!(user.active);
    }

    fn write_transaction_commits_and_rolls_back(url: &str) {
        let pool = migrated(url);
        let mut conn = pool.get().expect("conn");
        let rolled_back: Result<(), RepoError> = db::write_transaction(&mut conn, |conn| {
            users::create_user(conn, new_user("ghost", Role::City)).map_err(|e| match e {
                CreateUserError::Repo(r) => r,
                other => panic!("{other:?}"),
            })?;
            Err(RepoError::Conflict("forced rollback".into()))
        });
        assert!(matches!(rolled_back, Err(RepoError::Conflict(_))));
        assert_eq!(users::count_users(&mut conn).expect("count"), 0, "rolled back");

        let committed: Result<i64, RepoError> = db::write_transaction(&mut conn, |conn| {
            let u = users::create_user(conn, new_user("kept", Role::City)).map_err(|_| RepoError::NotFound)?;
            // Nested: a savepoint inside the write transaction.
            let inner: Result<(), RepoError> = db::write_transaction(conn, |conn| {
                users::create_user(conn, new_user("inner_ghost", Role::City)).map_err(|_| RepoError::NotFound)?;
                Err(RepoError::NotFound)
            });
            assert!(inner.is_err());
            Ok(u.id)
        });
        let id = committed.expect("committed");
        assert_eq!(users::count_users(&mut conn).expect("count"), 1);
        assert_eq!(users::find_by_id(&mut conn, id).expect("kept").username, "kept");
    }

    fn ping_and_backend_name(url: &str) {
        let pool = pool(url);
        db::ping(&pool).expect("ping");
        let conn = pool.get().expect("conn");
        let expected = if url.starts_with("postgres") { "postgres" } else { "sqlite" };
        assert_eq!(db::backend_name(&conn), expected);
    }
}

#[derive(QueryableByName)]
struct ForeignKeys {
    #[diesel(sql_type = Integer)]
    foreign_keys: i32,
}

#[derive(QueryableByName)]
struct JournalMode {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

#[derive(QueryableByName)]
struct Synchronous {
    #[diesel(sql_type = Integer)]
    synchronous: i32,
}

#[derive(QueryableByName)]
struct BusyTimeout {
    #[diesel(sql_type = BigInt)]
    timeout: i64,
}

#[test]
fn sqlite_pragmas_are_in_effect_on_every_pooled_connection() {
    let db = support::TestDb::sqlite();
    let pool = pool(&db.url);
    // Hold several connections at once so they are distinct.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(pool.get().expect("conn"));
    }
    for conn in &mut held {
        let DbConn::Sqlite(c) = &mut **conn else { panic!("an SQLite URL gave another backend") };
        let fk: ForeignKeys = diesel::sql_query("PRAGMA foreign_keys").get_result(c).expect("foreign_keys");
        assert_eq!(fk.foreign_keys, 1);
        let jm: JournalMode = diesel::sql_query("PRAGMA journal_mode").get_result(c).expect("journal_mode");
        assert_eq!(jm.journal_mode, "wal");
        let sync: Synchronous = diesel::sql_query("PRAGMA synchronous").get_result(c).expect("synchronous");
        assert_eq!(sync.synchronous, 2, "FULL");
        let busy: BusyTimeout = diesel::sql_query("PRAGMA busy_timeout").get_result(c).expect("busy_timeout");
        assert_eq!(busy.timeout, 5000);
    }
}

#[test]
fn sqlite_write_transactions_take_the_write_lock_up_front() {
    let db = support::TestDb::sqlite();
    let pool = migrated(&db.url);
    let mut a = pool.get().expect("a");
    let mut b = pool.get().expect("b");
    b.batch_execute("PRAGMA busy_timeout = 0").expect("no waiting on b");
    let result: Result<(), DieselError> = db::write_transaction(&mut a, |_a| {
        // `a` has written nothing yet, but BEGIN IMMEDIATE already holds the write lock.
        let err = b.batch_execute("BEGIN IMMEDIATE").expect_err("b must not get the write lock");
        assert!(matches!(err, DieselError::DatabaseError(..)), "{err:?}");
        Ok(())
    });
    result.expect("a commits");
    b.batch_execute("BEGIN IMMEDIATE; ROLLBACK;").expect("b gets the lock once a is done");
}

#[derive(QueryableByName)]
struct TimeZone {
    #[diesel(sql_type = Text)]
    tz: String,
}

#[test]
fn postgres_sessions_run_in_utc() {
    let Some(db) = support::TestDb::postgres() else { return };
    let pool = pool(&db.url);
    let mut conn = pool.get().expect("conn");
    let DbConn::Postgresql(c) = &mut *conn else { panic!("a postgres URL gave another backend") };
    let tz: TimeZone = diesel::sql_query("SELECT current_setting('TimeZone') AS tz").get_result(c).expect("tz");
    assert_eq!(tz.tz, "UTC");
}

#[test]
fn sqlite_creates_its_directory() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("a/b/c/dtpilot.db");
    let pool = pool(&format!("sqlite://{}", path.display()));
    db::run_migrations(&pool).expect("migrate");
    assert!(path.is_file());
}

#[test]
fn unreachable_databases_fail_fast() {
    // PostgreSQL: nothing listens on port 1.
    let started = Instant::now();
    let url = DatabaseUrl::parse("postgres://postgres:s3cret-pw@127.0.0.1:1/dtpilot").expect("url");
    let err = db::connect(&url, 2).expect_err("no server");
    assert!(matches!(err, DbError::Connect { .. }), "{err:?}");
    let message = err.to_string();
    assert!(!message.contains("s3cret-pw"), "the password leaked: {message}");
    assert!(message.contains("postgres:***@127.0.0.1:1"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());

    // SQLite: the directory cannot exist (its "parent" is a file).
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").expect("write");
    let url = DatabaseUrl::parse(&format!("sqlite:{}/sub/dtpilot.db", file.display())).expect("url");
    assert!(matches!(db::connect(&url, 2), Err(DbError::CreateDir { .. })));

    // A pool of no connections is a configuration error, not a panic.
    let ok = DatabaseUrl::parse(&format!("sqlite:{}/x.db", dir.path().display())).expect("url");
    assert!(matches!(db::connect(&ok, 0), Err(DbError::BadConfig(_))));
}

#[test]
fn postgres_missing_database_fails_to_connect() {
    let Some(db) = support::TestDb::postgres() else { return };
    let missing = db.url.replacen("/dtpilot_t_", "/dtpilot_missing_", 1);
    let err = db::connect(&DatabaseUrl::parse(&missing).expect("url"), 2).expect_err("no such database");
    assert!(matches!(err, DbError::Connect { .. }), "{err:?}");
}

#[test]
fn postgres_ping_fails_when_the_database_is_gone() {
    let Some(db) = support::TestDb::postgres() else { return };
    let pool = migrated(&db.url);
    db::ping(&pool).expect("ping while it exists");
    db.drop_now();
    let started = Instant::now();
    assert!(db::ping(&pool).is_err(), "ping must fail once the database is dropped");
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
}

#[test]
fn database_urls_of_spec_section_8() {
    use std::path::PathBuf;
    let sqlite = |s: &str| match DatabaseUrl::parse(s) {
        Ok(DatabaseUrl::Sqlite(p)) => p,
        other => panic!("{s}: expected SQLite, got {other:?}"),
    };
    assert_eq!(sqlite("sqlite:data/dtpilot.db"), PathBuf::from("data/dtpilot.db"));
    assert_eq!(sqlite("sqlite:/var/lib/dtpilot/dtpilot.db"), PathBuf::from("/var/lib/dtpilot/dtpilot.db"));
    assert_eq!(sqlite("sqlite://data/dtpilot.db"), PathBuf::from("data/dtpilot.db"));
    assert_eq!(sqlite("sqlite:///var/lib/dtpilot.db"), PathBuf::from("/var/lib/dtpilot.db"));
    assert_eq!(sqlite("SQLite:x.db"), PathBuf::from("x.db"));
    assert_eq!(sqlite("./data/dtpilot.db"), PathBuf::from("./data/dtpilot.db"));
    assert_eq!(sqlite("/tmp/dtpilot.db"), PathBuf::from("/tmp/dtpilot.db"));
    assert_eq!(sqlite("dtpilot.db"), PathBuf::from("dtpilot.db"));
    assert_eq!(sqlite("  dtpilot.db\n"), PathBuf::from("dtpilot.db"), "surrounding whitespace is ignored");

    let postgres = |s: &str| match DatabaseUrl::parse(s) {
        Ok(DatabaseUrl::Postgres(u)) => u,
        other => panic!("{s}: expected PostgreSQL, got {other:?}"),
    };
    assert_eq!(postgres("postgres://u@localhost/dtpilot"), "postgres://u@localhost/dtpilot");
    assert_eq!(postgres("postgresql://u:p@db:5432/dtpilot"), "postgresql://u:p@db:5432/dtpilot");
    assert_eq!(postgres("POSTGRES://u@h/d"), "postgres://u@h/d", "scheme lower-cased for libpq");

    for bad in [
        "",
        "   ",
        "sqlite:",
        "sqlite://",
        "sqlite::memory:",
        ":memory:",
        "mysql://u@h/d",
        "http://x",
        "file:x.db",
        "redis:x",
    ] {
        assert!(matches!(DatabaseUrl::parse(bad), Err(DbError::BadUrl(_))), "{bad:?} must be refused");
    }
    let message = DatabaseUrl::parse("mysql://root:pw@h/d").expect_err("refused").to_string();
    assert!(message.contains("unknown scheme") && message.contains("mysql") && !message.contains("pw"), "{message}");

    assert_eq!(DatabaseUrl::parse("sqlite:data/x.db").expect("url").backend(), Backend::Sqlite);
    assert_eq!(DatabaseUrl::parse("postgresql://h/d").expect("url").backend(), Backend::Postgres);
    assert_eq!("postgres://h/d".parse::<DatabaseUrl>().expect("FromStr").backend(), Backend::Postgres);
}

#[test]
fn database_urls_never_show_a_password() {
    let shown = |s: &str| {
        let url = DatabaseUrl::parse(s).expect("url");
        let display = url.to_string();
        assert_eq!(format!("{url:?}"), format!("DatabaseUrl({display})"));
        display
    };
    assert_eq!(
        shown("postgres://dtpilot:s3cr3t@db.example:5432/dtpilot"),
        "postgres://dtpilot:***@db.example:5432/dtpilot"
    );
    assert_eq!(shown("postgresql://u:p%40ss@h/d?sslmode=require"), "postgresql://u:***@h/d?sslmode=require");
    assert_eq!(shown("postgres://u:pa@ss@h/d"), "postgres://u:***@h/d", "an unencoded @ in the password");
    assert_eq!(
        shown("postgres://u@h/d?password=s3cr3t&sslmode=disable"),
        "postgres://u@h/d?password=***&sslmode=disable"
    );
    assert_eq!(shown("postgres://h/d"), "postgres://h/d");
    assert_eq!(shown("postgres://u@h/d"), "postgres://u@h/d");
    assert_eq!(shown("sqlite:data/x.db"), "sqlite:data/x.db");
    assert_eq!(shown("data/x.db"), "sqlite:data/x.db");
}
