ALTER TABLE providers DROP COLUMN dishonest;
ALTER TABLE providers DROP COLUMN credit_abnormal;
DROP TABLE invoice_claim_duplicates;
DROP TABLE invoice_claims;
DROP INDEX projects_diagnosis_idx;
ALTER TABLE projects DROP COLUMN diagnosis_id;
ALTER TABLE projects DROP COLUMN enterprise_cap_bound;
