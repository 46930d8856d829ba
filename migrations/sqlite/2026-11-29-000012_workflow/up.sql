-- The retrofit workflow (SPEC §5–§6): diagnoses, projects with their transition history, expenses,
-- public notices, and the payment ledger. Money is BIGINT fen; every fund part is stored.
CREATE TABLE diagnoses (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id    BIGINT    NOT NULL REFERENCES enterprises (id),
    provider_id      BIGINT    NOT NULL REFERENCES providers (id),
    estimated_level  BIGINT    NOT NULL CHECK (estimated_level BETWEEN 1 AND 4),
    summary          TEXT      NOT NULL,
    common_needs     TEXT      NOT NULL,
    individual_needs TEXT      NOT NULL,
    fee_fen          BIGINT    NOT NULL CHECK (fee_fen >= 0),
    file_id          BIGINT    NOT NULL REFERENCES stored_files (id),
    created_by       BIGINT    NOT NULL REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX diagnoses_enterprise_idx ON diagnoses (enterprise_id, id);
CREATE INDEX diagnoses_provider_idx ON diagnoses (provider_id, id);

CREATE TABLE projects (
    id                           INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id                BIGINT    NOT NULL REFERENCES enterprises (id),
    batch_id                     BIGINT    NOT NULL REFERENCES batches (id),
    provider_id                  BIGINT    NOT NULL REFERENCES providers (id),
    county                       TEXT      NOT NULL,
    industry                     TEXT      NOT NULL,
    contract_no                  TEXT      NOT NULL,
    contract_amount_fen          BIGINT    NOT NULL CHECK (contract_amount_fen >= 0),
    planned_investment_fen       BIGINT    NOT NULL CHECK (planned_investment_fen >= 0),
    target_level                 BIGINT    NOT NULL CHECK (target_level BETWEEN 1 AND 4),
    overlapping_support_declared BOOLEAN   NOT NULL,
    status                       TEXT      NOT NULL,
    policy_id                    TEXT      NOT NULL,
    policy_version               BIGINT    NOT NULL,
    planned_subsidy_fen          BIGINT    NOT NULL CHECK (planned_subsidy_fen >= 0),
    prepayment_fen               BIGINT    NOT NULL CHECK (prepayment_fen >= 0),
    achieved_level               BIGINT    NULL CHECK (achieved_level BETWEEN 1 AND 4),
    evaluation_score_centi       BIGINT    NULL,
    evaluated_on                 DATE      NULL,
    evaluation_file_id           BIGINT    NULL REFERENCES stored_files (id),
    final_subsidy_fen            BIGINT    NULL CHECK (final_subsidy_fen >= 0),
    cancel_reason                TEXT      NULL,
    version                      BIGINT    NOT NULL DEFAULT 1,
    created_at                   TIMESTAMP NOT NULL,
    updated_at                   TIMESTAMP NOT NULL
);
-- SPEC §5: at most one project per enterprise per batch that is not rejected.
CREATE UNIQUE INDEX projects_one_per_batch ON projects (enterprise_id, batch_id) WHERE status <> 'rejected';
CREATE INDEX projects_status_idx ON projects (status, id);
CREATE INDEX projects_county_idx ON projects (county, status, id);
CREATE INDEX projects_provider_idx ON projects (provider_id, id);
CREATE INDEX projects_batch_idx ON projects (batch_id, id);
CREATE INDEX projects_enterprise_idx ON projects (enterprise_id, id);

CREATE TABLE project_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  BIGINT    NOT NULL REFERENCES projects (id),
    from_status TEXT      NULL,
    to_status   TEXT      NOT NULL,
    action      TEXT      NOT NULL,
    actor_id    BIGINT    NULL REFERENCES users (id),
    actor_role  TEXT      NULL,
    comment     TEXT      NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX project_history_project_idx ON project_history (project_id, id);

CREATE TABLE expenses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    BIGINT    NOT NULL REFERENCES projects (id),
    enterprise_id BIGINT    NOT NULL REFERENCES enterprises (id),
    category      TEXT      NOT NULL,
    amount_fen    BIGINT    NOT NULL CHECK (amount_fen >= 0),
    invoice_no    TEXT      NOT NULL,
    paid_on       DATE      NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    -- SPEC §5: an invoice may be claimed once per enterprise, across its projects.
    CONSTRAINT expenses_invoice_key UNIQUE (enterprise_id, invoice_no)
);
CREATE INDEX expenses_project_idx ON expenses (project_id, id);

CREATE TABLE notices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    starts_on  DATE      NOT NULL,
    ends_on    DATE      NOT NULL,
    status     TEXT      NOT NULL CHECK (status IN ('open', 'closed')),
    created_by BIGINT    NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    closed_at  TIMESTAMP NULL
);

CREATE TABLE notice_projects (
    notice_id  BIGINT  NOT NULL REFERENCES notices (id),
    project_id BIGINT  NOT NULL REFERENCES projects (id),
    upheld     BOOLEAN NULL,
    PRIMARY KEY (notice_id, project_id)
);
CREATE INDEX notice_projects_project_idx ON notice_projects (project_id);

-- Objections (异议) received during a notice; closing the notice decides whether they are upheld.
CREATE TABLE objections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id   BIGINT    NOT NULL REFERENCES notices (id),
    project_id  BIGINT    NOT NULL REFERENCES projects (id),
    content     TEXT      NOT NULL,
    received_on DATE      NOT NULL,
    upheld      BOOLEAN   NULL,
    recorded_by BIGINT    NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX objections_notice_idx ON objections (notice_id, project_id);

CREATE TABLE payments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT      NOT NULL CHECK (kind IN ('prepayment', 'balance', 'recovery', 'diagnosis', 'cloud', 'award')),
    project_id    BIGINT    NULL REFERENCES projects (id),
    enterprise_id BIGINT    NULL REFERENCES enterprises (id),
    provider_id   BIGINT    NULL REFERENCES providers (id),
    county        TEXT      NULL,
    payee         TEXT      NOT NULL,
    direction     TEXT      NOT NULL CHECK (direction IN ('out', 'in')),
    amount_fen    BIGINT    NOT NULL CHECK (amount_fen > 0),
    central_fen   BIGINT    NOT NULL CHECK (central_fen >= 0),
    city_fen      BIGINT    NOT NULL CHECK (city_fen >= 0),
    county_fen    BIGINT    NOT NULL CHECK (county_fen >= 0),
    status        TEXT      NOT NULL CHECK (status IN ('pending', 'approved', 'paid', 'cancelled')),
    created_at    TIMESTAMP NOT NULL,
    approved_by   BIGINT    NULL REFERENCES users (id),
    approved_at   TIMESTAMP NULL,
    paid_on       DATE      NULL,
    voucher_no    TEXT      NULL,
    executed_by   BIGINT    NULL REFERENCES users (id),
    executed_at   TIMESTAMP NULL,
    cancelled_at  TIMESTAMP NULL,
    CONSTRAINT payments_parts_check CHECK (central_fen + city_fen + county_fen = amount_fen)
);
CREATE INDEX payments_project_idx ON payments (project_id, id);
CREATE INDEX payments_status_idx ON payments (status, kind, id);
CREATE INDEX payments_enterprise_idx ON payments (enterprise_id, id);
CREATE INDEX payments_county_idx ON payments (county, id);

-- SPEC §6: instructions are never edited or deleted; status moves only forward.
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'payment instructions are never deleted');
END;
CREATE TRIGGER payments_no_edit BEFORE UPDATE ON payments
WHEN NEW.kind IS NOT OLD.kind OR NEW.project_id IS NOT OLD.project_id OR NEW.enterprise_id IS NOT OLD.enterprise_id
  OR NEW.provider_id IS NOT OLD.provider_id OR NEW.county IS NOT OLD.county OR NEW.payee IS NOT OLD.payee
  OR NEW.direction IS NOT OLD.direction OR NEW.amount_fen IS NOT OLD.amount_fen OR NEW.central_fen IS NOT OLD.central_fen
  OR NEW.city_fen IS NOT OLD.city_fen OR NEW.county_fen IS NOT OLD.county_fen OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'payment instructions are never edited: correct a mistake with a new instruction');
END;
CREATE TRIGGER payments_forward_only BEFORE UPDATE OF status ON payments
WHEN NEW.status <> OLD.status AND NOT (
    (OLD.status = 'pending' AND NEW.status IN ('approved', 'cancelled')) OR
    (OLD.status = 'approved' AND NEW.status IN ('paid', 'cancelled')))
BEGIN
    SELECT RAISE(ABORT, 'payment status moves only forward');
END;
