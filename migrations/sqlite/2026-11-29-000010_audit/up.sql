-- The audit log (SPEC §7 GET /audit): append-only and hash-chained. SQLite dialect; the PostgreSQL
-- twin has the same shape. Written only by backend/src/audit.rs, which defines the chain:
--   seq       1, 2, 3, … without gaps, in commit order (appends run in BEGIN IMMEDIATE transactions)
--   prev_hash the previous event's hash; 64 zeros for seq 1
--   hash      hex(sha256(canonical encoding of seq, at, actor, action, entity, before, after, prev_hash))
-- A NULL actor is the platform itself (the CLI, a rule). before_json / after_json hold JSON text and
-- are hashed as stored. Timestamps are UTC (diesel: "YYYY-MM-DD HH:MM:SS.ffffff").
CREATE TABLE audit_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    seq           BIGINT    NOT NULL,
    at            TIMESTAMP NOT NULL,
    actor_user_id BIGINT    NULL,
    actor_role    TEXT      NULL,
    action        TEXT      NOT NULL,
    entity_type   TEXT      NOT NULL,
    entity_id     TEXT      NOT NULL,
    before_json   TEXT      NULL,
    after_json    TEXT      NULL,
    prev_hash     TEXT      NOT NULL,
    hash          TEXT      NOT NULL,
    CONSTRAINT audit_events_seq_key UNIQUE (seq),
    CONSTRAINT audit_events_seq_check CHECK (seq >= 1),
    CONSTRAINT audit_events_actor_check CHECK ((actor_user_id IS NULL) = (actor_role IS NULL)),
    CONSTRAINT audit_events_hash_check CHECK (length(hash) = 64 AND length(prev_hash) = 64)
);

CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id);
CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id);

-- Append-only, defence in depth: UPDATE and DELETE are refused. (SQLite has no TRUNCATE; a
-- DELETE without WHERE fires these triggers too.) Anyone with the file can drop the triggers;
-- the hash chain (GET /audit/verify) is what detects tampering then.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused');
END;
