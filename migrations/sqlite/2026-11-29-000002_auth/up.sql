-- Sessions: refresh tokens (stored as SHA-256 hashes, rotated on every use; a family is one login)
-- and failed logins (for the 5-in-15-minutes throttle of SPEC §7).
CREATE TABLE refresh_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT    NOT NULL REFERENCES users (id),
    family     TEXT      NOT NULL,
    token_hash TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP NULL,
    revoked_at TIMESTAMP NULL,
    CONSTRAINT refresh_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    username  TEXT      NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_username_idx ON login_failures (username, failed_at);
