-- SPEC §9.1, money rules the texts require.
--
-- R1* (第五条(一)1 「每家企业…不超过」): whether the per-enterprise cap bound the project's planned or
-- final subsidy when it was last computed (the project's `rules_applied` then names R1*).
ALTER TABLE projects ADD COLUMN enterprise_cap_bound BOOLEAN NOT NULL DEFAULT FALSE;

-- R10: the diagnostic report the project rests on (its provider is paid the diagnosis subsidy).
-- No REFERENCES here: SQLite cannot DROP a column that is part of a foreign key, and down.sql must
-- drop it; the application checks that the report is of the project's enterprise.
ALTER TABLE projects ADD COLUMN diagnosis_id BIGINT NULL;
CREATE INDEX projects_diagnosis_idx ON projects (diagnosis_id);
-- Existing projects rest on the enterprise's latest report at their creation (what
-- POST /projects now records by default), else its latest report.
UPDATE projects SET diagnosis_id = (
    SELECT MAX(d.id) FROM diagnoses d
    WHERE d.enterprise_id = projects.enterprise_id AND d.created_at <= projects.created_at
);
UPDATE projects SET diagnosis_id = (
    SELECT MAX(d.id) FROM diagnoses d WHERE d.enterprise_id = projects.enterprise_id
) WHERE diagnosis_id IS NULL;

-- One invoice register: an invoice number is claimed at most once per enterprise across retrofit
-- expenses and cloud fees, compared by its key (NFKC, upper case, white space, '-' and '_' removed:
-- dtpilot_domain::invoice::invoice_key). Both paths insert their claim in the transaction that
-- records the expense or fee; the primary key makes a second claim fail even under concurrency.
CREATE TABLE invoice_claims (
    enterprise_id BIGINT    NOT NULL REFERENCES enterprises (id),
    invoice_key   TEXT      NOT NULL,
    invoice_no    TEXT      NOT NULL,
    source        TEXT      NOT NULL CHECK (source IN ('expense', 'cloud_fee')),
    source_id     BIGINT    NOT NULL,
    claimed_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, invoice_key)
);

-- Backfill. Earlier rows were only unique by their exact text, so one invoice may already be
-- claimed twice (`INV-9` as an expense and `inv 9` as a cloud fee). Decision: the earliest claim
-- (by time, then cloud fee before expense, then id) holds the number; the later ones are kept as
-- they are (a migration moves no money and edits no instruction) and listed in
-- invoice_claim_duplicates for the bureau to review — a correction is a new instruction (§6).
-- dtpilot_invoice_key() is the Rust invoice_key, registered on every SQLite connection the
-- server opens (backend/src/db/mod.rs).
CREATE TABLE invoice_claim_duplicates (
    enterprise_id BIGINT    NOT NULL REFERENCES enterprises (id),
    invoice_key   TEXT      NOT NULL,
    invoice_no    TEXT      NOT NULL,
    source        TEXT      NOT NULL,
    source_id     BIGINT    NOT NULL,
    claimed_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (source, source_id)
);
CREATE TEMPORARY TABLE ranked_invoice_claims AS
SELECT enterprise_id, invoice_key, invoice_no, source, source_id, claimed_at,
       ROW_NUMBER() OVER (PARTITION BY enterprise_id, invoice_key ORDER BY claimed_at, source, source_id) AS n
FROM (
    SELECT enterprise_id, dtpilot_invoice_key(invoice_no) AS invoice_key, invoice_no, 'expense' AS source,
           id AS source_id, created_at AS claimed_at
    FROM expenses
    UNION ALL
    SELECT enterprise_id, dtpilot_invoice_key(invoice_no), invoice_no, 'cloud_fee', id, created_at
    FROM cloud_fees
) AS claims;
INSERT INTO invoice_claims (enterprise_id, invoice_key, invoice_no, source, source_id, claimed_at)
SELECT enterprise_id, invoice_key, invoice_no, source, source_id, claimed_at FROM ranked_invoice_claims WHERE n = 1;
INSERT INTO invoice_claim_duplicates (enterprise_id, invoice_key, invoice_no, source, source_id, claimed_at)
SELECT enterprise_id, invoice_key, invoice_no, source, source_id, claimed_at FROM ranked_invoice_claims WHERE n > 1;
DROP TABLE ranked_invoice_claims;

-- Providers have credit flags too (第六条(二), SPEC §9.1): flagged 经营异常 or 失信 (like a
-- suspended or removed provider) it is named in no new project, uploads no diagnosis, receives no
-- award and is paid nothing.
ALTER TABLE providers ADD COLUMN credit_abnormal BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE providers ADD COLUMN dishonest BOOLEAN NOT NULL DEFAULT FALSE;
