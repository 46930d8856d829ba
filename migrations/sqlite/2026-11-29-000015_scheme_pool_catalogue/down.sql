DROP TABLE project_products;
DROP TABLE products;
DROP TABLE provider_evaluations;
DROP INDEX projects_level_mismatch_idx;
ALTER TABLE projects DROP COLUMN computed_level;
ALTER TABLE projects DROP COLUMN evaluation_detail;
