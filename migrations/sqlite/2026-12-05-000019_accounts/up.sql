-- Accounts and access (SPEC §9.2).
-- Login throttling counts attempts in flight: an attempt reserves its row (pending) before the
-- password is hashed and turns it into a failure (or removes it) afterwards. Failures are also
-- counted per client address, and pruned by age across all usernames (index on failed_at).
ALTER TABLE login_failures ADD COLUMN client_ip TEXT NULL;
ALTER TABLE login_failures ADD COLUMN pending BOOLEAN NOT NULL DEFAULT 0 CHECK (pending IN (0, 1));
CREATE INDEX login_failures_client_ip_idx ON login_failures (client_ip, failed_at);
CREATE INDEX login_failures_failed_at_idx ON login_failures (failed_at);

-- Usernames are unique without regard to case (Zhang01 and zhang01 cannot both exist).
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));

-- A one-time password (set by an administrator) must be changed at the next sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
