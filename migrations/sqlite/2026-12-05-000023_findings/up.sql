-- SPEC §9.1 "Findings and recoveries" (第十四条 弄虚作假、截留、挪用、挤占、绩效未达目标; 第十条 追回):
-- the city's finding on an enterprise or a provider, and the recovery instructions it made, each
-- linked to the paid instruction it reclaims. Never edited.
CREATE TABLE findings (
    id           INTEGER   PRIMARY KEY AUTOINCREMENT,
    subject_type TEXT      NOT NULL CHECK (subject_type IN ('enterprise', 'provider')),
    subject_id   BIGINT    NOT NULL,
    kind         TEXT      NOT NULL
        CHECK (kind IN ('fraud', 'retention', 'diversion', 'misappropriation', 'underperformance')),
    document_no  TEXT      NOT NULL,
    description  TEXT      NOT NULL,
    disqualify   BOOLEAN   NOT NULL,
    county       TEXT,
    created_by   BIGINT    NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX findings_subject ON findings (subject_type, subject_id);

CREATE TABLE finding_recoveries (
    recovery_id  BIGINT PRIMARY KEY REFERENCES payments (id),
    finding_id   BIGINT NOT NULL REFERENCES findings (id),
    reclaims_id  BIGINT NOT NULL REFERENCES payments (id)
);
CREATE INDEX finding_recoveries_reclaims ON finding_recoveries (reclaims_id);
CREATE INDEX finding_recoveries_finding ON finding_recoveries (finding_id);
