DROP INDEX payments_kind_enterprise_idx;
DROP TABLE award_places;
DROP TABLE awards;
DROP TABLE cloud_fees;
DROP TABLE project_commitments;
DROP TABLE fund_usage;
DROP TABLE budgets;
