DROP INDEX payments_status_id_idx;
CREATE INDEX payments_project_status_idx ON payments (project_id, status);
DROP INDEX payments_project_money_idx;
