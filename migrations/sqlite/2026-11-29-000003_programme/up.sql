-- The programme's parties: enterprises (试点企业), service providers (服务商), who is assigned to
-- whom, and the batches (批次) with their members. Money is BIGINT fen.
CREATE TABLE enterprises (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    name                  TEXT      NOT NULL,
    credit_code           TEXT      NOT NULL,
    county                TEXT      NOT NULL,
    industry              TEXT      NOT NULL,
    above_designated_size BOOLEAN   NOT NULL,
    employees             BIGINT    NOT NULL CHECK (employees >= 0),
    annual_revenue_fen    BIGINT    NOT NULL CHECK (annual_revenue_fen >= 0),
    is_little_giant       BOOLEAN   NOT NULL,
    central_fund_excluded BOOLEAN   NOT NULL,
    credit_abnormal       BOOLEAN   NOT NULL DEFAULT FALSE,
    dishonest             BOOLEAN   NOT NULL DEFAULT FALSE,
    disqualified          BOOLEAN   NOT NULL DEFAULT FALSE,
    contact_name          TEXT      NOT NULL,
    contact_phone         TEXT      NOT NULL,
    version               BIGINT    NOT NULL DEFAULT 1,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    CONSTRAINT enterprises_credit_code_key UNIQUE (credit_code)
);
CREATE INDEX enterprises_county_idx ON enterprises (county, id);
CREATE INDEX enterprises_industry_idx ON enterprises (industry, id);
CREATE INDEX enterprises_name_idx ON enterprises (name);

CREATE TABLE providers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT      NOT NULL,
    credit_code   TEXT      NOT NULL,
    capabilities  TEXT      NOT NULL,
    status        TEXT      NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'removed')),
    status_reason TEXT      NULL,
    version       BIGINT    NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CONSTRAINT providers_credit_code_key UNIQUE (credit_code)
);
CREATE INDEX providers_status_idx ON providers (status, id);

CREATE TABLE assignments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id BIGINT    NOT NULL REFERENCES enterprises (id),
    provider_id   BIGINT    NOT NULL REFERENCES providers (id),
    assigned_by   BIGINT    NULL REFERENCES users (id),
    assigned_at   TIMESTAMP NOT NULL,
    CONSTRAINT assignments_pair_key UNIQUE (enterprise_id, provider_id)
);
CREATE INDEX assignments_provider_idx ON assignments (provider_id, enterprise_id);

CREATE TABLE batches (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    number           BIGINT    NOT NULL,
    name             TEXT      NOT NULL,
    diagnosis_due    DATE      NOT NULL,
    retrofit_due     DATE      NOT NULL,
    acceptance_start DATE      NOT NULL,
    acceptance_end   DATE      NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    CONSTRAINT batches_number_key UNIQUE (number),
    CONSTRAINT batches_acceptance_check CHECK (acceptance_start <= acceptance_end)
);

CREATE TABLE batch_enterprises (
    batch_id      BIGINT    NOT NULL REFERENCES batches (id),
    enterprise_id BIGINT    NOT NULL REFERENCES enterprises (id),
    added_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (batch_id, enterprise_id)
);
CREATE INDEX batch_enterprises_enterprise_idx ON batch_enterprises (enterprise_id, batch_id);
