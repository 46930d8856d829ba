-- Read paths at 100,000 projects (docs/PERFORMANCE.md, `cargo bench -p dtpilot-backend --bench load`):
-- indexes the lists need, and running totals the dashboard reads instead of aggregating every row.
-- PostgreSQL dialect; the SQLite twin keeps the same tables.

-- A county's newest projects in index order (projects_county_idx puts the status before the id).
CREATE INDEX projects_county_id_idx ON projects (county, id);
-- The paid instructions of a page of projects: project and status together.
CREATE INDEX payments_project_status_idx ON payments (project_id, status);
-- The 小巨人 enterprises (a few hundred) without reading every enterprise.
CREATE INDEX enterprises_little_giant_idx ON enterprises (is_little_giant, county, id);

-- Running totals, kept by the triggers below in the same transaction as every write (so they are
-- never stale), at the grain the dashboard shows. City, finance, county (and, for projects, the
-- evaluator) scopes are unions of whole rows (`crate::scope`); enterprise and provider scopes are
-- finer and aggregate their own (few) rows instead. A row may fall to 0; readers skip those.
-- A write that moves a count between two rows changes them in key order, so two transactions
-- never wait on each other in a cycle.

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
);

INSERT INTO project_totals
SELECT county, industry, batch_id, status, COUNT(*), SUM(planned_subsidy_fen), SUM(COALESCE(final_subsidy_fen, 0))
FROM projects
GROUP BY county, industry, batch_id, status;

CREATE FUNCTION project_totals_add(
    p_county TEXT, p_industry TEXT, p_batch_id BIGINT, p_status TEXT, d_count BIGINT, d_planned BIGINT, d_final BIGINT
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO project_totals AS t VALUES (p_county, p_industry, p_batch_id, p_status, d_count, d_planned, d_final)
    ON CONFLICT (county, industry, batch_id, status) DO UPDATE SET
        project_count = t.project_count + EXCLUDED.project_count,
        planned_subsidy_fen = t.planned_subsidy_fen + EXCLUDED.planned_subsidy_fen,
        final_subsidy_fen = t.final_subsidy_fen + EXCLUDED.final_subsidy_fen;
$$;

CREATE FUNCTION project_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM project_totals_add(NEW.county, NEW.industry, NEW.batch_id, NEW.status, 1, NEW.planned_subsidy_fen,
            COALESCE(NEW.final_subsidy_fen, 0));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM project_totals_add(OLD.county, OLD.industry, OLD.batch_id, OLD.status, -1, -OLD.planned_subsidy_fen,
            -COALESCE(OLD.final_subsidy_fen, 0));
    ELSIF (OLD.county, OLD.industry, OLD.batch_id, OLD.status, OLD.planned_subsidy_fen, OLD.final_subsidy_fen)
          IS NOT DISTINCT FROM
          (NEW.county, NEW.industry, NEW.batch_id, NEW.status, NEW.planned_subsidy_fen, NEW.final_subsidy_fen) THEN
        NULL;
    ELSIF (OLD.county, OLD.industry, OLD.batch_id, OLD.status) <= (NEW.county, NEW.industry, NEW.batch_id, NEW.status) THEN
        PERFORM project_totals_add(OLD.county, OLD.industry, OLD.batch_id, OLD.status, -1, -OLD.planned_subsidy_fen,
            -COALESCE(OLD.final_subsidy_fen, 0));
        PERFORM project_totals_add(NEW.county, NEW.industry, NEW.batch_id, NEW.status, 1, NEW.planned_subsidy_fen,
            COALESCE(NEW.final_subsidy_fen, 0));
    ELSE
        PERFORM project_totals_add(NEW.county, NEW.industry, NEW.batch_id, NEW.status, 1, NEW.planned_subsidy_fen,
            COALESCE(NEW.final_subsidy_fen, 0));
        PERFORM project_totals_add(OLD.county, OLD.industry, OLD.batch_id, OLD.status, -1, -OLD.planned_subsidy_fen,
            -COALESCE(OLD.final_subsidy_fen, 0));
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER project_totals_track
    AFTER INSERT OR DELETE OR UPDATE OF county, industry, batch_id, status, planned_subsidy_fen, final_subsidy_fen
    ON projects FOR EACH ROW EXECUTE FUNCTION project_totals_track();

-- Evaluated projects (a level reached) by county, status, level and the enterprise's size class
-- (规上/规下): the programme's targets (实施方案 附件1).
CREATE TABLE project_level_totals (
    county                TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    achieved_level        BIGINT  NOT NULL,
    above_designated_size BOOLEAN NOT NULL,
    project_count         BIGINT  NOT NULL,
    PRIMARY KEY (county, status, achieved_level, above_designated_size)
);

INSERT INTO project_level_totals
SELECT p.county, p.status, p.achieved_level, e.above_designated_size, COUNT(*)
FROM projects p JOIN enterprises e ON e.id = p.enterprise_id
WHERE p.achieved_level IS NOT NULL
GROUP BY p.county, p.status, p.achieved_level, e.above_designated_size;

CREATE FUNCTION project_level_totals_add(
    p_county TEXT, p_status TEXT, p_level BIGINT, p_above BOOLEAN, d_count BIGINT
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO project_level_totals AS t VALUES (p_county, p_status, p_level, p_above, d_count)
    ON CONFLICT (county, status, achieved_level, above_designated_size) DO UPDATE SET
        project_count = t.project_count + EXCLUDED.project_count;
$$;

CREATE FUNCTION project_level_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_above BOOLEAN;
    new_above BOOLEAN;
    was_evaluated BOOLEAN := false;
    now_evaluated BOOLEAN := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        was_evaluated := OLD.achieved_level IS NOT NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        now_evaluated := NEW.achieved_level IS NOT NULL;
    END IF;
    IF was_evaluated THEN
        SELECT above_designated_size INTO old_above FROM enterprises WHERE id = OLD.enterprise_id;
    END IF;
    IF now_evaluated THEN
        SELECT above_designated_size INTO new_above FROM enterprises WHERE id = NEW.enterprise_id;
    END IF;
    IF was_evaluated AND now_evaluated AND (OLD.county, OLD.status, OLD.achieved_level, old_above)
                      IS NOT DISTINCT FROM (NEW.county, NEW.status, NEW.achieved_level, new_above) THEN
        RETURN NULL;
    END IF;
    IF was_evaluated AND now_evaluated AND (OLD.county, OLD.status, OLD.achieved_level, old_above)
                      > (NEW.county, NEW.status, NEW.achieved_level, new_above) THEN
        PERFORM project_level_totals_add(NEW.county, NEW.status, NEW.achieved_level, new_above, 1);
        PERFORM project_level_totals_add(OLD.county, OLD.status, OLD.achieved_level, old_above, -1);
        RETURN NULL;
    END IF;
    IF was_evaluated THEN
        PERFORM project_level_totals_add(OLD.county, OLD.status, OLD.achieved_level, old_above, -1);
    END IF;
    IF now_evaluated THEN
        PERFORM project_level_totals_add(NEW.county, NEW.status, NEW.achieved_level, new_above, 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER project_level_totals_track
    AFTER INSERT OR DELETE OR UPDATE OF county, status, achieved_level, enterprise_id
    ON projects FOR EACH ROW EXECUTE FUNCTION project_level_totals_track();

-- An enterprise that changes size class takes its evaluated projects to the other class.
CREATE FUNCTION project_level_totals_enterprise_size() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO project_level_totals AS t
    SELECT county, status, achieved_level, s.above, s.sign * COUNT(*)
    FROM projects
    CROSS JOIN (VALUES (OLD.above_designated_size, -1), (NEW.above_designated_size, 1)) AS s (above, sign)
    WHERE enterprise_id = NEW.id AND achieved_level IS NOT NULL
    GROUP BY county, status, achieved_level, s.above, s.sign
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (county, status, achieved_level, above_designated_size) DO UPDATE SET
        project_count = t.project_count + EXCLUDED.project_count;
    RETURN NULL;
END;
$$;

CREATE TRIGGER project_level_totals_enterprise_size
    AFTER UPDATE OF above_designated_size ON enterprises
    FOR EACH ROW WHEN (OLD.above_designated_size IS DISTINCT FROM NEW.above_designated_size)
    EXECUTE FUNCTION project_level_totals_enterprise_size();

-- Enterprises by county and industry (an enterprise may change its industry).
CREATE TABLE enterprise_totals (
    county      TEXT   NOT NULL,
    industry    TEXT   NOT NULL,
    enterprises BIGINT NOT NULL,
    PRIMARY KEY (county, industry)
);

INSERT INTO enterprise_totals
SELECT county, industry, COUNT(*) FROM enterprises GROUP BY county, industry;

CREATE FUNCTION enterprise_totals_add(p_county TEXT, p_industry TEXT, d_count BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO enterprise_totals AS t VALUES (p_county, p_industry, d_count)
    ON CONFLICT (county, industry) DO UPDATE SET enterprises = t.enterprises + EXCLUDED.enterprises;
$$;

CREATE FUNCTION enterprise_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM enterprise_totals_add(NEW.county, NEW.industry, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM enterprise_totals_add(OLD.county, OLD.industry, -1);
    ELSIF (OLD.county, OLD.industry) IS NOT DISTINCT FROM (NEW.county, NEW.industry) THEN
        NULL;
    ELSIF (OLD.county, OLD.industry) < (NEW.county, NEW.industry) THEN
        PERFORM enterprise_totals_add(OLD.county, OLD.industry, -1);
        PERFORM enterprise_totals_add(NEW.county, NEW.industry, 1);
    ELSE
        PERFORM enterprise_totals_add(NEW.county, NEW.industry, 1);
        PERFORM enterprise_totals_add(OLD.county, OLD.industry, -1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER enterprise_totals_track
    AFTER INSERT OR DELETE OR UPDATE OF county, industry ON enterprises
    FOR EACH ROW EXECUTE FUNCTION enterprise_totals_track();

-- Members of each batch by the enterprise's county (which never changes).
CREATE TABLE batch_member_totals (
    batch_id    BIGINT NOT NULL,
    county      TEXT   NOT NULL,
    enterprises BIGINT NOT NULL,
    PRIMARY KEY (batch_id, county)
);

INSERT INTO batch_member_totals
SELECT be.batch_id, e.county, COUNT(*)
FROM batch_enterprises be JOIN enterprises e ON e.id = be.enterprise_id
GROUP BY be.batch_id, e.county;

CREATE FUNCTION batch_member_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO batch_member_totals AS t
        SELECT NEW.batch_id, e.county, 1 FROM enterprises e WHERE e.id = NEW.enterprise_id
        ON CONFLICT (batch_id, county) DO UPDATE SET enterprises = t.enterprises + EXCLUDED.enterprises;
    ELSE
        INSERT INTO batch_member_totals AS t
        SELECT OLD.batch_id, e.county, -1 FROM enterprises e WHERE e.id = OLD.enterprise_id
        ON CONFLICT (batch_id, county) DO UPDATE SET enterprises = t.enterprises + EXCLUDED.enterprises;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER batch_member_totals_track
    AFTER INSERT OR DELETE ON batch_enterprises
    FOR EACH ROW EXECUTE FUNCTION batch_member_totals_track();

-- Payment instructions by county ('' when none is named), kind and status. Instructions are never
-- deleted and only their status changes (payments_guard).
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
);

INSERT INTO payment_totals
SELECT COALESCE(county, ''), kind, status, COUNT(*), SUM(amount_fen), SUM(central_fen), SUM(city_fen), SUM(county_fen)
FROM payments
GROUP BY COALESCE(county, ''), kind, status;

CREATE FUNCTION payment_totals_add(
    p_county TEXT, p_kind TEXT, p_status TEXT, d_count BIGINT, d_amount BIGINT, d_central BIGINT, d_city BIGINT,
    d_county BIGINT
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO payment_totals AS t
    VALUES (COALESCE(p_county, ''), p_kind, p_status, d_count, d_amount, d_central, d_city, d_county)
    ON CONFLICT (county, kind, status) DO UPDATE SET
        instructions = t.instructions + EXCLUDED.instructions,
        amount_fen = t.amount_fen + EXCLUDED.amount_fen,
        central_fen = t.central_fen + EXCLUDED.central_fen,
        city_fen = t.city_fen + EXCLUDED.city_fen,
        county_fen = t.county_fen + EXCLUDED.county_fen;
$$;

CREATE FUNCTION payment_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM payment_totals_add(NEW.county, NEW.kind, NEW.status, 1, NEW.amount_fen, NEW.central_fen, NEW.city_fen,
            NEW.county_fen);
    ELSIF OLD.status IS DISTINCT FROM NEW.status AND OLD.status < NEW.status THEN
        PERFORM payment_totals_add(OLD.county, OLD.kind, OLD.status, -1, -OLD.amount_fen, -OLD.central_fen,
            -OLD.city_fen, -OLD.county_fen);
        PERFORM payment_totals_add(NEW.county, NEW.kind, NEW.status, 1, NEW.amount_fen, NEW.central_fen,
            NEW.city_fen, NEW.county_fen);
    ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
        PERFORM payment_totals_add(NEW.county, NEW.kind, NEW.status, 1, NEW.amount_fen, NEW.central_fen,
            NEW.city_fen, NEW.county_fen);
        PERFORM payment_totals_add(OLD.county, OLD.kind, OLD.status, -1, -OLD.amount_fen, -OLD.central_fen,
            -OLD.city_fen, -OLD.county_fen);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER payment_totals_track
    AFTER INSERT OR UPDATE OF status ON payments
    FOR EACH ROW EXECUTE FUNCTION payment_totals_track();
