-- Read paths at 100,000 projects (docs/PERFORMANCE.md, `cargo bench -p dtpilot-backend --bench load`):
-- indexes the lists need, and running totals the dashboard reads instead of aggregating every row.
-- SQLite dialect; the PostgreSQL twin keeps the same tables.

-- A county's newest projects in index order (projects_county_idx puts the status before the id,
-- so `WHERE county = ? ORDER BY id DESC LIMIT 20` had to sort every project of the county).
CREATE INDEX projects_county_id_idx ON projects (county, id);
-- The paid instructions of a page of projects: project and status together (with only
-- payments_status_idx to match `status = 'paid'`, SQLite walked every paid instruction).
CREATE INDEX payments_project_status_idx ON payments (project_id, status);
-- The 小巨人 enterprises (a few hundred) without reading every enterprise.
CREATE INDEX enterprises_little_giant_idx ON enterprises (is_little_giant, county, id);

-- Running totals, kept by the triggers below in the same transaction as every write (so they are
-- never stale), at the grain the dashboard shows. City, finance, county (and, for projects, the
-- evaluator) scopes are unions of whole rows (`crate::scope`); enterprise and provider scopes are
-- finer and aggregate their own (few) rows instead. A row may fall to 0; readers skip those.
-- WITHOUT ROWID: rows are stored in key order, so reading them is one ordered pass.

-- Projects by county, industry, batch and status.
CREATE TABLE project_totals (
    county              TEXT   NOT NULL,
    industry            TEXT   NOT NULL,
    batch_id            BIGINT NOT NULL,
    status              TEXT   NOT NULL,
    project_count       BIGINT NOT NULL,
    planned_subsidy_fen BIGINT NOT NULL,
    final_subsidy_fen   BIGINT NOT NULL,
    PRIMARY KEY (county, industry, batch_id, status)
) WITHOUT ROWID;

INSERT INTO project_totals
SELECT county, industry, batch_id, status, COUNT(*), SUM(planned_subsidy_fen), SUM(COALESCE(final_subsidy_fen, 0))
FROM projects
GROUP BY county, industry, batch_id, status;

CREATE TRIGGER project_totals_insert AFTER INSERT ON projects
BEGIN
    INSERT INTO project_totals
    VALUES (NEW.county, NEW.industry, NEW.batch_id, NEW.status, 1, NEW.planned_subsidy_fen,
            COALESCE(NEW.final_subsidy_fen, 0))
    ON CONFLICT (county, industry, batch_id, status) DO UPDATE SET
        project_count = project_count + excluded.project_count,
        planned_subsidy_fen = planned_subsidy_fen + excluded.planned_subsidy_fen,
        final_subsidy_fen = final_subsidy_fen + excluded.final_subsidy_fen;
END;

CREATE TRIGGER project_totals_update
AFTER UPDATE OF county, industry, batch_id, status, planned_subsidy_fen, final_subsidy_fen ON projects
WHEN OLD.county IS NOT NEW.county OR OLD.industry IS NOT NEW.industry OR OLD.batch_id IS NOT NEW.batch_id
  OR OLD.status IS NOT NEW.status OR OLD.planned_subsidy_fen IS NOT NEW.planned_subsidy_fen
  OR OLD.final_subsidy_fen IS NOT NEW.final_subsidy_fen
BEGIN
    INSERT INTO project_totals
    VALUES (OLD.county, OLD.industry, OLD.batch_id, OLD.status, -1, -OLD.planned_subsidy_fen,
            -COALESCE(OLD.final_subsidy_fen, 0))
    ON CONFLICT (county, industry, batch_id, status) DO UPDATE SET
        project_count = project_count + excluded.project_count,
        planned_subsidy_fen = planned_subsidy_fen + excluded.planned_subsidy_fen,
        final_subsidy_fen = final_subsidy_fen + excluded.final_subsidy_fen;
    INSERT INTO project_totals
    VALUES (NEW.county, NEW.industry, NEW.batch_id, NEW.status, 1, NEW.planned_subsidy_fen,
            COALESCE(NEW.final_subsidy_fen, 0))
    ON CONFLICT (county, industry, batch_id, status) DO UPDATE SET
        project_count = project_count + excluded.project_count,
        planned_subsidy_fen = planned_subsidy_fen + excluded.planned_subsidy_fen,
        final_subsidy_fen = final_subsidy_fen + excluded.final_subsidy_fen;
END;

CREATE TRIGGER project_totals_delete AFTER DELETE ON projects
BEGIN
    INSERT INTO project_totals
    VALUES (OLD.county, OLD.industry, OLD.batch_id, OLD.status, -1, -OLD.planned_subsidy_fen,
            -COALESCE(OLD.final_subsidy_fen, 0))
    ON CONFLICT (county, industry, batch_id, status) DO UPDATE SET
        project_count = project_count + excluded.project_count,
        planned_subsidy_fen = planned_subsidy_fen + excluded.planned_subsidy_fen,
        final_subsidy_fen = final_subsidy_fen + excluded.final_subsidy_fen;
END;

-- Evaluated projects (a level reached) by county, status, level and the enterprise's size class
-- (规上/规下): the programme's targets (实施方案 附件1).
CREATE TABLE project_level_totals (
    county                TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    achieved_level        BIGINT  NOT NULL,
    above_designated_size BOOLEAN NOT NULL,
    project_count         BIGINT  NOT NULL,
    PRIMARY KEY (county, status, achieved_level, above_designated_size)
) WITHOUT ROWID;

INSERT INTO project_level_totals
SELECT p.county, p.status, p.achieved_level, e.above_designated_size, COUNT(*)
FROM projects p JOIN enterprises e ON e.id = p.enterprise_id
WHERE p.achieved_level IS NOT NULL
GROUP BY p.county, p.status, p.achieved_level, e.above_designated_size;

CREATE TRIGGER project_level_totals_insert AFTER INSERT ON projects
WHEN NEW.achieved_level IS NOT NULL
BEGIN
    INSERT INTO project_level_totals
    SELECT NEW.county, NEW.status, NEW.achieved_level, e.above_designated_size, 1
    FROM enterprises e WHERE e.id = NEW.enterprise_id
    ON CONFLICT (county, status, achieved_level, above_designated_size) DO UPDATE SET
        project_count = project_count + excluded.project_count;
END;

CREATE TRIGGER project_level_totals_update AFTER UPDATE OF county, status, achieved_level, enterprise_id ON projects
WHEN OLD.county IS NOT NEW.county OR OLD.status IS NOT NEW.status OR OLD.achieved_level IS NOT NEW.achieved_level
  OR OLD.enterprise_id IS NOT NEW.enterprise_id
BEGIN
    INSERT INTO project_level_totals
    SELECT OLD.county, OLD.status, OLD.achieved_level, e.above_designated_size, -1
    FROM enterprises e WHERE e.id = OLD.enterprise_id AND OLD.achieved_level IS NOT NULL
    ON CONFLICT (county, status, achieved_level, above_designated_size) DO UPDATE SET
        project_count = project_count + excluded.project_count;
    INSERT INTO project_level_totals
    SELECT NEW.county, NEW.status, NEW.achieved_level, e.above_designated_size, 1
    FROM enterprises e WHERE e.id = NEW.enterprise_id AND NEW.achieved_level IS NOT NULL
    ON CONFLICT (county, status, achieved_level, above_designated_size) DO UPDATE SET
        project_count = project_count + excluded.project_count;
END;

CREATE TRIGGER project_level_totals_delete AFTER DELETE ON projects
WHEN OLD.achieved_level IS NOT NULL
BEGIN
    INSERT INTO project_level_totals
    SELECT OLD.county, OLD.status, OLD.achieved_level, e.above_designated_size, -1
    FROM enterprises e WHERE e.id = OLD.enterprise_id
    ON CONFLICT (county, status, achieved_level, above_designated_size) DO UPDATE SET
        project_count = project_count + excluded.project_count;
END;

-- An enterprise that changes size class takes its evaluated projects to the other class.
CREATE TRIGGER project_level_totals_enterprise_size AFTER UPDATE OF above_designated_size ON enterprises
WHEN OLD.above_designated_size IS NOT NEW.above_designated_size
BEGIN
    INSERT INTO project_level_totals
    SELECT county, status, achieved_level, OLD.above_designated_size, -COUNT(*)
    FROM projects WHERE enterprise_id = NEW.id AND achieved_level IS NOT NULL
    GROUP BY county, status, achieved_level
    ON CONFLICT (county, status, achieved_level, above_designated_size) DO UPDATE SET
        project_count = project_count + excluded.project_count;
    INSERT INTO project_level_totals
    SELECT county, status, achieved_level, NEW.above_designated_size, COUNT(*)
    FROM projects WHERE enterprise_id = NEW.id AND achieved_level IS NOT NULL
    GROUP BY county, status, achieved_level
    ON CONFLICT (county, status, achieved_level, above_designated_size) DO UPDATE SET
        project_count = project_count + excluded.project_count;
END;

-- Enterprises by county and industry (an enterprise may change its industry).
CREATE TABLE enterprise_totals (
    county      TEXT   NOT NULL,
    industry    TEXT   NOT NULL,
    enterprises BIGINT NOT NULL,
    PRIMARY KEY (county, industry)
) WITHOUT ROWID;

INSERT INTO enterprise_totals
SELECT county, industry, COUNT(*) FROM enterprises GROUP BY county, industry;

CREATE TRIGGER enterprise_totals_insert AFTER INSERT ON enterprises
BEGIN
    INSERT INTO enterprise_totals VALUES (NEW.county, NEW.industry, 1)
    ON CONFLICT (county, industry) DO UPDATE SET enterprises = enterprises + excluded.enterprises;
END;

CREATE TRIGGER enterprise_totals_update AFTER UPDATE OF county, industry ON enterprises
WHEN OLD.county IS NOT NEW.county OR OLD.industry IS NOT NEW.industry
BEGIN
    INSERT INTO enterprise_totals VALUES (OLD.county, OLD.industry, -1)
    ON CONFLICT (county, industry) DO UPDATE SET enterprises = enterprises + excluded.enterprises;
    INSERT INTO enterprise_totals VALUES (NEW.county, NEW.industry, 1)
    ON CONFLICT (county, industry) DO UPDATE SET enterprises = enterprises + excluded.enterprises;
END;

CREATE TRIGGER enterprise_totals_delete AFTER DELETE ON enterprises
BEGIN
    INSERT INTO enterprise_totals VALUES (OLD.county, OLD.industry, -1)
    ON CONFLICT (county, industry) DO UPDATE SET enterprises = enterprises + excluded.enterprises;
END;

-- Members of each batch by the enterprise's county (which never changes).
CREATE TABLE batch_member_totals (
    batch_id    BIGINT NOT NULL,
    county      TEXT   NOT NULL,
    enterprises BIGINT NOT NULL,
    PRIMARY KEY (batch_id, county)
) WITHOUT ROWID;

INSERT INTO batch_member_totals
SELECT be.batch_id, e.county, COUNT(*)
FROM batch_enterprises be JOIN enterprises e ON e.id = be.enterprise_id
GROUP BY be.batch_id, e.county;

CREATE TRIGGER batch_member_totals_insert AFTER INSERT ON batch_enterprises
BEGIN
    INSERT INTO batch_member_totals
    SELECT NEW.batch_id, e.county, 1 FROM enterprises e WHERE e.id = NEW.enterprise_id
    ON CONFLICT (batch_id, county) DO UPDATE SET enterprises = enterprises + excluded.enterprises;
END;

CREATE TRIGGER batch_member_totals_delete AFTER DELETE ON batch_enterprises
BEGIN
    INSERT INTO batch_member_totals
    SELECT OLD.batch_id, e.county, -1 FROM enterprises e WHERE e.id = OLD.enterprise_id
    ON CONFLICT (batch_id, county) DO UPDATE SET enterprises = enterprises + excluded.enterprises;
END;

-- Payment instructions by county ('' when none is named), kind and status. Instructions are never
-- deleted and only their status changes (the payments_* triggers).
CREATE TABLE payment_totals (
    county       TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    status       TEXT   NOT NULL,
    instructions BIGINT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    central_fen  BIGINT NOT NULL,
    city_fen     BIGINT NOT NULL,
    county_fen   BIGINT NOT NULL,
    PRIMARY KEY (county, kind, status)
) WITHOUT ROWID;

INSERT INTO payment_totals
SELECT COALESCE(county, ''), kind, status, COUNT(*), SUM(amount_fen), SUM(central_fen), SUM(city_fen), SUM(county_fen)
FROM payments
GROUP BY COALESCE(county, ''), kind, status;

CREATE TRIGGER payment_totals_insert AFTER INSERT ON payments
BEGIN
    INSERT INTO payment_totals
    VALUES (COALESCE(NEW.county, ''), NEW.kind, NEW.status, 1, NEW.amount_fen, NEW.central_fen, NEW.city_fen,
            NEW.county_fen)
    ON CONFLICT (county, kind, status) DO UPDATE SET
        instructions = instructions + excluded.instructions,
        amount_fen = amount_fen + excluded.amount_fen,
        central_fen = central_fen + excluded.central_fen,
        city_fen = city_fen + excluded.city_fen,
        county_fen = county_fen + excluded.county_fen;
END;

CREATE TRIGGER payment_totals_status AFTER UPDATE OF status ON payments
WHEN OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO payment_totals
    VALUES (COALESCE(OLD.county, ''), OLD.kind, OLD.status, -1, -OLD.amount_fen, -OLD.central_fen, -OLD.city_fen,
            -OLD.county_fen)
    ON CONFLICT (county, kind, status) DO UPDATE SET
        instructions = instructions + excluded.instructions,
        amount_fen = amount_fen + excluded.amount_fen,
        central_fen = central_fen + excluded.central_fen,
        city_fen = city_fen + excluded.city_fen,
        county_fen = county_fen + excluded.county_fen;
    INSERT INTO payment_totals
    VALUES (COALESCE(NEW.county, ''), NEW.kind, NEW.status, 1, NEW.amount_fen, NEW.central_fen, NEW.city_fen,
            NEW.county_fen)
    ON CONFLICT (county, kind, status) DO UPDATE SET
        instructions = instructions + excluded.instructions,
        amount_fen = amount_fen + excluded.amount_fen,
        central_fen = central_fen + excluded.central_fen,
        city_fen = city_fen + excluded.city_fen,
        county_fen = county_fen + excluded.county_fen;
END;
