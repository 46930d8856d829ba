DROP TABLE enterprise_imports;
DROP INDEX batch_enterprises_added_at_idx;
DROP INDEX payments_paid_on_idx;
DROP INDEX payments_approved_at_idx;
DROP INDEX projects_created_at_idx;
