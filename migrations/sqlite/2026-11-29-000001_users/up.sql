-- Accounts (SPEC §1, §7 POST /users). SQLite dialect; the PostgreSQL twin has the same shape.
-- Timestamps are written by the application, in UTC, as TIMESTAMP (diesel: "YYYY-MM-DD HH:MM:SS.ffffff").
-- The scope rule of dtpilot_domain::accounts is repeated as a CHECK so no writer can bypass it.
-- enterprise_id / provider_id get their foreign keys when those tables exist.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT      NOT NULL,
    password_hash TEXT      NOT NULL,
    role          TEXT      NOT NULL,
    display_name  TEXT      NOT NULL,
    county        TEXT      NULL,
    enterprise_id BIGINT    NULL,
    provider_id   BIGINT    NULL,
    active        BOOLEAN   NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_role_check
        CHECK (role IN ('enterprise', 'provider', 'county', 'city', 'finance', 'evaluator', 'admin')),
    CONSTRAINT users_county_check
        CHECK (county IS NULL OR county IN ('luzhou', 'shangdang', 'tunliu', 'lucheng', 'xiangyuan', 'pingshun',
                                            'licheng', 'huguan', 'zhangzi', 'wuxiang', 'qinxian', 'qinyuan',
                                            'gaoxin', 'jingkai')),
    CONSTRAINT users_scope_check CHECK (
        (role = 'county' AND county IS NOT NULL AND enterprise_id IS NULL AND provider_id IS NULL)
        OR (role = 'enterprise' AND county IS NULL AND enterprise_id IS NOT NULL AND provider_id IS NULL)
        OR (role = 'provider' AND county IS NULL AND enterprise_id IS NULL AND provider_id IS NOT NULL)
        OR (role IN ('city', 'finance', 'evaluator', 'admin')
            AND county IS NULL AND enterprise_id IS NULL AND provider_id IS NULL)
    ),
    CONSTRAINT users_active_check CHECK (active IN (0, 1))
);

CREATE INDEX users_role_idx ON users (role);
CREATE INDEX users_county_idx ON users (county);
