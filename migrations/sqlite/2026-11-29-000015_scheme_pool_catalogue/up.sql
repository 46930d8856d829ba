-- Issue 5: the evaluation scheme's detail on a project, provider performance evaluations
-- (实施方案 附件2 item 18) and the 小快轻准 product catalogue.

-- The detail an evaluator gave (JSON: dimension scores as decimal strings, scene levels) and the
-- level the scheme in force computed from it. The recorded `achieved_level` still decides the money.
ALTER TABLE projects ADD COLUMN evaluation_detail TEXT NULL;
ALTER TABLE projects ADD COLUMN computed_level BIGINT NULL CHECK (computed_level BETWEEN 1 AND 4);
CREATE INDEX projects_level_mismatch_idx ON projects (id) WHERE computed_level IS NOT NULL AND computed_level <> achieved_level;

-- One evaluation per provider and year. Scores in hundredths (0–10000); the composite is the exact
-- decimal text computed with the profile's weights at the time (weights recorded beside it).
CREATE TABLE provider_evaluations (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id          BIGINT    NOT NULL REFERENCES providers (id),
    year                 BIGINT    NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    results_centi        BIGINT    NOT NULL CHECK (results_centi BETWEEN 0 AND 10000),
    feedback_centi       BIGINT    NOT NULL CHECK (feedback_centi BETWEEN 0 AND 10000),
    process_centi        BIGINT    NOT NULL CHECK (process_centi BETWEEN 0 AND 10000),
    report_quality_centi BIGINT    NOT NULL CHECK (report_quality_centi BETWEEN 0 AND 10000),
    sampling_centi       BIGINT    NOT NULL CHECK (sampling_centi BETWEEN 0 AND 10000),
    composite            TEXT      NOT NULL,
    weights              TEXT      NOT NULL,
    comment              TEXT      NOT NULL DEFAULT '',
    created_by           BIGINT    NOT NULL REFERENCES users (id),
    created_at           TIMESTAMP NOT NULL,
    CONSTRAINT provider_evaluations_one_per_year UNIQUE (provider_id, year)
);
CREATE INDEX provider_evaluations_year_idx ON provider_evaluations (year, provider_id);

CREATE TABLE products (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id    BIGINT    NOT NULL REFERENCES providers (id),
    name           TEXT      NOT NULL,
    industry       TEXT      NOT NULL,
    summary        TEXT      NOT NULL,
    price_fen      BIGINT    NULL CHECK (price_fen >= 0),
    status         TEXT      NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    review_comment TEXT      NULL,
    reviewed_by    BIGINT    NULL REFERENCES users (id),
    reviewed_at    TIMESTAMP NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX products_status_idx ON products (status, id);
CREATE INDEX products_provider_idx ON products (provider_id, id);

CREATE TABLE project_products (
    project_id BIGINT    NOT NULL REFERENCES projects (id),
    product_id BIGINT    NOT NULL REFERENCES products (id),
    linked_by  BIGINT    NOT NULL REFERENCES users (id),
    linked_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, product_id)
);
CREATE INDEX project_products_product_idx ON project_products (product_id);
