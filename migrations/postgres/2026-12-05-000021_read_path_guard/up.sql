-- Issue 14: a page of projects sums each project's paid recoveries by a correlated subquery
-- (`project_id = ? AND status = 'paid' AND kind = 'recovery'`). With three equality terms on hand,
-- SQLite took `payments_status_idx (status, kind, id)` over `payments_project_status_idx
-- (project_id, status)` and walked every paid recovery of the programme for each project of the
-- page. One index that answers all three terms (and the amount: the sum never reads the table)
-- replaces the one it extends.
CREATE INDEX payments_project_money_idx ON payments (project_id, status, kind, amount_fen);
DROP INDEX payments_project_status_idx;
-- A page of instructions by status, newest first, read in index order (no sort of every
-- instruction in that status).
CREATE INDEX payments_status_id_idx ON payments (status, id);
