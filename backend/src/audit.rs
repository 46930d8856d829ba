//! The audit log (SPEC §7 `GET /audit`, `GET /audit/verify`): append-only and hash-chained.
//!
//! Every change that matters is recorded by [`record`], **inside the transaction that makes the
//! change** (so the change and its event commit or roll back together). Events form a chain:
//!
//! - `seq` is 1, 2, 3, … without gaps, in commit order. Appends are serialised: on PostgreSQL by a
//!   transaction-scoped advisory lock ([`AUDIT_LOCK_KEY`]) taken before the last event is read, on
//!   SQLite by the `BEGIN IMMEDIATE` write transaction ([`crate::db::write_transaction`]) the caller
//!   already holds. The `UNIQUE (seq)` constraint is the last line of defence.
//! - `prev_hash` is the previous event's `hash`; for seq 1 it is [`GENESIS_HASH`] (64 zeros).
//! - `hash` is `hex(sha256(canonical bytes))`, lowercase, over the fields in this order:
//!   `seq, at, actor_user_id, actor_role, action, entity_type, entity_id, before_json, after_json,
//!   prev_hash`. The canonical bytes are the ASCII tag [`CANONICAL_TAG`] followed by each field as
//!   `0x00` when NULL, or `0x01`, its UTF-8 length as a big-endian u64, then its UTF-8 bytes.
//!   Integers are written in decimal (`-` for negatives, no leading zeros); `at` as
//!   `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, always six fraction digits, [`TIME_FORMAT`]);
//!   `before_json` / `after_json` exactly as stored (TEXT, compact JSON written by `serde_json`).
//!   Length prefixes make the encoding unambiguous whatever the fields contain.
//!
//! The table also refuses `UPDATE`/`DELETE` (and `TRUNCATE` on PostgreSQL) by trigger. [`verify`]
//! recomputes the chain and finds a changed event (its hash no longer matches), a removed event
//! (a gap in `seq`, or a `prev_hash` that no longer links) and a re-hashed event (the next event's
//! `prev_hash` no longer links).
//!
//! **Limitations.** The chain alone cannot detect removal of the *newest* events (the remaining
//! prefix is a valid chain), nor a wholesale rewrite by someone who recomputes every hash after
//! the change. Both need an anchor kept outside the database: record [`Verification::last_hash`]
//! with its `events` count elsewhere (a report, a signed note) and compare later.
//!
//! **Never put secrets in `before`/`after`**: no password or password hash, no token or token
//! hash, no key. Callers pass views made for display (e.g. [`crate::users::User`], which has no
//! password hash). The log is readable by the `city` and `admin` roles and is never deleted.

use chrono::{NaiveDateTime, SubsecRound};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::db::schema::audit_events;
use crate::db::{DbConn, MultiBackend, RepoError};

/// `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first bytes hashed for every event: names the encoding, so a future one cannot collide.
pub const CANONICAL_TAG: &[u8] = b"dtpilot.audit.v1";

/// How `at` is written into the canonical bytes (and shown on the wire): UTC, microseconds.
pub const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// PostgreSQL advisory lock (transaction-scoped) that serialises appends. ASCII "dtpaudit".
pub const AUDIT_LOCK_KEY: i64 = 0x6474_7061_7564_6974;

/// [`list`]: events per page unless asked otherwise, and at most.
pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 200;

/// [`verify`] reads the chain in batches of this many events.
const VERIFY_BATCH: i64 = 1000;

/// What happened, to what, by whom. `entity_id` is text so any key fits (ids, codes, composites).
///
/// `before` / `after` are the entity's views before and after the change (`None` for a creation's
/// `before`, a deletion's `after`, or an action without a state). **Never put secrets in them**
/// (passwords, password hashes, tokens, keys): pass a display view, see the module docs.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Who did it; `None` is the platform itself (the CLI, a rule, a scheduled job).
    pub actor: Option<&'a Caller>,
    /// Dotted, `entity.verb`: `user.create`, `project.submit`, `payment.approve`.
    pub action: &'a str,
    /// `user`, `project`, `payment`, …
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Event<'a> {
    /// An event without actor, before or after; add them with [`Event::by`], [`Event::before`],
    /// [`Event::after`].
    pub fn new(action: &'a str, entity_type: &'a str, entity_id: impl ToString) -> Event<'a> {
        Event { actor: None, action, entity_type, entity_id: entity_id.to_string(), before: None, after: None }
    }

    pub fn by(mut self, actor: Option<&'a Caller>) -> Event<'a> {
        self.actor = actor;
        self
    }

    /// The entity before the change, serialised now (a display view: no secrets).
    pub fn before(mut self, view: &impl Serialize) -> Result<Event<'a>, RepoError> {
        self.before = Some(to_json(view)?);
        Ok(self)
    }

    /// The entity after the change, serialised now (a display view: no secrets).
    pub fn after(mut self, view: &impl Serialize) -> Result<Event<'a>, RepoError> {
        self.after = Some(to_json(view)?);
        Ok(self)
    }
}

/// A view as JSON; a value that cannot be serialised is a (500) repository error.
pub fn to_json(view: &impl Serialize) -> Result<serde_json::Value, RepoError> {
    serde_json::to_value(view).map_err(|e| RepoError::Db(DieselError::SerializationError(Box::new(e))))
}

/// The hashed fields of one event (as stored).
#[derive(Debug, Clone, Copy)]
struct Chained<'a> {
    seq: i64,
    at: NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_role: Option<&'a str>,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    before_json: Option<&'a str>,
    after_json: Option<&'a str>,
    prev_hash: &'a str,
}

impl Chained<'_> {
    /// `hex(sha256(canonical bytes))`, see the module docs.
    fn hash(&self) -> String {
        let seq = self.seq.to_string();
        let at = self.at.format(TIME_FORMAT).to_string();
        let actor_user_id = self.actor_user_id.map(|id| id.to_string());
        let fields: [Option<&str>; 10] = [
            Some(&seq),
            Some(&at),
            actor_user_id.as_deref(),
            self.actor_role,
            Some(self.action),
            Some(self.entity_type),
            Some(self.entity_id),
            self.before_json,
            self.after_json,
            Some(self.prev_hash),
        ];
        let mut hasher = Sha256::new();
        hasher.update(CANONICAL_TAG);
        for field in fields {
            match field {
                None => hasher.update([0u8]),
                Some(text) => {
                    hasher.update([1u8]);
                    hasher.update((text.len() as u64).to_be_bytes());
                    hasher.update(text.as_bytes());
                }
            }
        }
        hex::encode(hasher.finalize())
    }
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewEventRow<'a> {
    seq: i64,
    at: NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_role: Option<&'a str>,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    before_json: Option<&'a str>,
    after_json: Option<&'a str>,
    prev_hash: &'a str,
    hash: &'a str,
}

/// The columns [`EventRow`] reads, in its field order.
type EventColumns = (
    audit_events::seq,
    audit_events::at,
    audit_events::actor_user_id,
    audit_events::actor_role,
    audit_events::action,
    audit_events::entity_type,
    audit_events::entity_id,
    audit_events::before_json,
    audit_events::after_json,
    audit_events::prev_hash,
    audit_events::hash,
);

const EVENT_COLUMNS: EventColumns = (
    audit_events::seq,
    audit_events::at,
    audit_events::actor_user_id,
    audit_events::actor_role,
    audit_events::action,
    audit_events::entity_type,
    audit_events::entity_id,
    audit_events::before_json,
    audit_events::after_json,
    audit_events::prev_hash,
    audit_events::hash,
);

#[derive(Debug, Queryable)]
struct EventRow {
    seq: i64,
    at: NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_role: Option<String>,
    action: String,
    entity_type: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl EventRow {
    fn chained(&self) -> Chained<'_> {
        Chained {
            seq: self.seq,
            at: self.at,
            actor_user_id: self.actor_user_id,
            actor_role: self.actor_role.as_deref(),
            action: &self.action,
            entity_type: &self.entity_type,
            entity_id: &self.entity_id,
            before_json: self.before_json.as_deref(),
            after_json: self.after_json.as_deref(),
            prev_hash: &self.prev_hash,
        }
    }
}

/// Whether `conn` is inside a transaction (diesel's own bookkeeping, both backends).
fn in_transaction(conn: &mut DbConn) -> Result<bool, DieselError> {
    let depth = match conn {
        DbConn::Postgresql(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?,
        DbConn::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?,
    };
    Ok(depth.is_some())
}

/// Appends `event` at time `at` (UTC; truncated to microseconds, the precision both databases
/// keep) and returns its `seq`.
///
/// Must run inside the caller's write transaction ([`crate::db::write_transaction`]), the one that
/// makes the change, so both commit or neither; outside a transaction it refuses with
/// `DieselError::NotInTransaction` (a 500: a programming error). Call it after the change's own
/// writes: on PostgreSQL it takes the audit lock, held until the transaction ends.
pub fn record(conn: &mut DbConn, event: Event<'_>, at: NaiveDateTime) -> Result<i64, RepoError> {
    if !in_transaction(conn)? {
        return Err(RepoError::Db(DieselError::NotInTransaction));
    }
    if let DbConn::Postgresql(c) = conn {
        c.batch_execute(&format!("SELECT pg_advisory_xact_lock({AUDIT_LOCK_KEY})"))?;
    }
    let last: Option<(i64, String)> = audit_events::table
        .select((audit_events::seq, audit_events::hash))
        .order(audit_events::seq.desc())
        .first(conn)
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((last_seq, last_hash)) => (last_seq.saturating_add(1), last_hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let at = at.trunc_subsecs(6);
    let actor_role = event.actor.map(|c| c.role.code());
    let before_json = event.before.as_ref().map(serde_json::Value::to_string);
    let after_json = event.after.as_ref().map(serde_json::Value::to_string);
    let chained = Chained {
        seq,
        at,
        actor_user_id: event.actor.map(|c| c.user_id),
        actor_role,
        action: event.action,
        entity_type: event.entity_type,
        entity_id: &event.entity_id,
        before_json: before_json.as_deref(),
        after_json: after_json.as_deref(),
        prev_hash: &prev_hash,
    };
    let hash = chained.hash();
    let row = NewEventRow {
        seq,
        at,
        actor_user_id: chained.actor_user_id,
        actor_role,
        action: event.action,
        entity_type: event.entity_type,
        entity_id: &event.entity_id,
        before_json: chained.before_json,
        after_json: chained.after_json,
        prev_hash: &prev_hash,
        hash: &hash,
    };
    // A unique violation on `seq` means appends were not serialised: a bug, not a user conflict.
    diesel::insert_into(audit_events::table).values(&row).execute(conn).map_err(RepoError::Db)?;
    Ok(seq)
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Every event links to its predecessor and matches its hash.
    pub ok: bool,
    /// Events in the log (all of them, also those after a problem).
    pub events: i64,
    /// The first event whose chain is broken: a changed event, or the first missing `seq`.
    pub first_bad_seq: Option<i64>,
    /// What is wrong there, for people (Chinese).
    pub problem: Option<String>,
    /// The hash of the newest event (`None` for an empty log): keep it, with `events`, outside the
    /// database to detect later removal of the newest events, which the chain alone cannot.
    pub last_hash: Option<String>,
}

/// Recomputes the whole chain in `seq` order, [`VERIFY_BATCH`] events at a time, and reports the
/// first break: a gap in `seq` (an event removed), a `prev_hash` that does not link (an event
/// before it removed or re-hashed), or a hash that does not match the event (an event changed).
/// See the module docs for what the chain cannot detect.
pub fn verify(conn: &mut DbConn) -> Result<Verification, RepoError> {
    let mut events = 0i64;
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut broken: Option<(i64, String)> = None;
    let mut after_seq = i64::MIN;
    loop {
        let batch: Vec<EventRow> = audit_events::table
            .filter(audit_events::seq.gt(after_seq))
            .order(audit_events::seq.asc())
            .limit(VERIFY_BATCH)
            .select(EVENT_COLUMNS)
            .load(conn)?;
        let Some(last) = batch.last() else { break };
        after_seq = last.seq;
        let full = i64::try_from(batch.len()).map_or(true, |n| n >= VERIFY_BATCH);
        for row in &batch {
            events += 1;
            if broken.is_none() {
                broken = check(row, expected_seq, &prev_hash);
            }
            expected_seq = row.seq.saturating_add(1);
            prev_hash.clone_from(&row.hash);
        }
        if !full {
            break;
        }
    }
    let (first_bad_seq, problem) = broken.map_or((None, None), |(seq, problem)| (Some(seq), Some(problem)));
    Ok(Verification {
        ok: first_bad_seq.is_none(),
        events,
        first_bad_seq,
        problem,
        last_hash: (events > 0).then_some(prev_hash),
    })
}

/// The break at `row`, if any, given the seq and hash the chain expects there.
fn check(row: &EventRow, expected_seq: i64, prev_hash: &str) -> Option<(i64, String)> {
    if row.seq != expected_seq {
        return Some(if row.seq > expected_seq {
            let missing = if row.seq - expected_seq == 1 {
                format!("第 {expected_seq} 条")
            } else {
                format!("第 {expected_seq}–{} 条", row.seq - 1)
            };
            (expected_seq, format!("{missing}审计事件缺失(序号不连续,下一条为第 {} 条)", row.seq))
        } else {
            (row.seq, format!("第 {} 条审计事件的序号不合法(应为第 {expected_seq} 条)", row.seq))
        });
    }
    if row.prev_hash != prev_hash {
        return Some((row.seq, format!("第 {} 条审计事件与前一条不衔接(前一条被删除、替换或改写)", row.seq)));
    }
    if row.chained().hash() != row.hash {
        return Some((row.seq, format!("第 {} 条审计事件的内容与其哈希不符(事件被修改)", row.seq)));
    }
    None
}

/// Which events [`list`] returns; `None` filters nothing. `page` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<i64>,
    pub action: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

impl Default for ListFilter {
    fn default() -> Self {
        ListFilter {
            entity_type: None,
            entity_id: None,
            actor_user_id: None,
            action: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// One event as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView {
    pub seq: i64,
    /// UTC.
    pub at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The stored JSON, parsed (a stored text that is not JSON comes back as a JSON string).
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub prev_hash: String,
    pub hash: String,
}

fn parse_stored(json: Option<String>) -> Option<serde_json::Value> {
    json.map(|text| match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(_) => serde_json::Value::String(text),
    })
}

impl From<EventRow> for EventView {
    fn from(row: EventRow) -> EventView {
        EventView {
            seq: row.seq,
            at: row.at,
            actor_user_id: row.actor_user_id,
            actor_role: row.actor_role,
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            before: parse_stored(row.before_json),
            after: parse_stored(row.after_json),
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

fn filtered(filter: &ListFilter) -> audit_events::BoxedQuery<'_, MultiBackend> {
    let mut query = audit_events::table.into_boxed();
    if let Some(entity_type) = &filter.entity_type {
        query = query.filter(audit_events::entity_type.eq(entity_type));
    }
    if let Some(entity_id) = &filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(entity_id));
    }
    if let Some(actor) = filter.actor_user_id {
        query = query.filter(audit_events::actor_user_id.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action));
    }
    query
}

/// One page of the events matching `filter`, newest first, and how many match in all. `page` below
/// 1 is read as 1, `per_page` is clamped to 1..=[`MAX_PER_PAGE`] (the HTTP layer refuses such
/// values before they get here).
pub fn list(conn: &mut DbConn, filter: &ListFilter) -> Result<(Vec<EventView>, i64), RepoError> {
    let per_page = filter.per_page.clamp(1, MAX_PER_PAGE);
    let offset = filter.page.max(1).saturating_sub(1).saturating_mul(per_page);
    // Unfiltered, the count is the newest `seq` (1, 2, 3, … without gaps: the chain's own rule,
    // checked by `verify`), read from its index instead of counting every event (issue 14).
    let unfiltered = filter.entity_type.is_none()
        && filter.entity_id.is_none()
        && filter.actor_user_id.is_none()
        && filter.action.is_none();
    let total: i64 = if unfiltered {
        audit_events::table.select(diesel::dsl::max(audit_events::seq)).first::<Option<i64>>(conn)?.unwrap_or(0)
    } else {
        filtered(filter).count().get_result(conn)?
    };
    let rows: Vec<EventRow> = filtered(filter)
        .select(EVENT_COLUMNS)
        .order(audit_events::seq.desc())
        .limit(per_page)
        .offset(offset)
        .load(conn)?;
    Ok((rows.into_iter().map(EventView::from).collect(), total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 29).and_then(|d| d.and_hms_micro_opt(8, 30, 0, 120)).expect("a valid time")
    }

    fn sample<'a>(before: Option<&'a str>, after: Option<&'a str>) -> Chained<'a> {
        Chained {
            seq: 1,
            at: at(),
            actor_user_id: Some(7),
            actor_role: Some("admin"),
            action: "user.create",
            entity_type: "user",
            entity_id: "42",
            before_json: before,
            after_json: after,
            prev_hash: GENESIS_HASH,
        }
    }

    #[test]
    fn time_format_has_six_fraction_digits() {
        assert_eq!(at().format(TIME_FORMAT).to_string(), "2026-11-29T08:30:00.000120Z");
    }

    #[test]
    fn the_canonical_encoding_is_pinned() {
        // Recompute by hand: tag, then each field as 0x00 or 0x01 ‖ u64be length ‖ bytes.
        let mut bytes = CANONICAL_TAG.to_vec();
        for field in [
            Some("1"),
            Some("2026-11-29T08:30:00.000120Z"),
            Some("7"),
            Some("admin"),
            Some("user.create"),
            Some("user"),
            Some("42"),
            None,
            Some(r#"{"id":42}"#),
            Some(GENESIS_HASH),
        ] {
            match field {
                None => bytes.push(0),
                Some(s) => {
                    bytes.push(1);
                    bytes.extend_from_slice(&(s.len() as u64).to_be_bytes());
                    bytes.extend_from_slice(s.as_bytes());
                }
            }
        }
        let expected = hex::encode(Sha256::digest(&bytes));
        let event = sample(None, Some(r#"{"id":42}"#));
        assert_eq!(event.hash(), expected);
        assert_eq!(event.hash().len(), 64);
        // A golden value (also computed independently, in Python): changing the encoding breaks
        // every stored chain, so it must be deliberate.
        assert_eq!(event.hash(), "619131a81fe1a99a3b4a6cd8fbe8b8c4a48e58d334bca23e0c4930ed829d4162");
    }

    #[test]
    fn null_and_empty_and_shifted_fields_hash_differently() {
        let none = sample(None, None).hash();
        let empty = sample(Some(""), None).hash();
        let moved = sample(None, Some("")).hash();
        assert_ne!(none, empty);
        assert_ne!(empty, moved);
        // Moving bytes between adjacent fields changes the hash (length prefixes).
        let mut a = sample(None, None);
        a.entity_type = "user4";
        a.entity_id = "2";
        assert_ne!(a.hash(), none);
    }
}
