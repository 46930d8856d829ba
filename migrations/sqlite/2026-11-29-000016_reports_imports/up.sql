-- 周调度 / 月通报 and the import of enterprise survey lists.
-- The reports count what happened in a period: projects created, members added, instructions
-- approved and paid in it — range scans on these indexes, not table scans.
CREATE INDEX projects_created_at_idx ON projects (created_at);
CREATE INDEX payments_approved_at_idx ON payments (approved_at);
CREATE INDEX payments_paid_on_idx ON payments (paid_on);
CREATE INDEX batch_enterprises_added_at_idx ON batch_enterprises (added_at);

-- One row per successful import (the enterprises it created carry no back reference; the audit
-- event names them). `county`: the importing county bureau's county, NULL for the city.
CREATE TABLE enterprise_imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name   TEXT      NOT NULL,
    sha256      TEXT      NOT NULL,
    size_bytes  BIGINT    NOT NULL,
    created     BIGINT    NOT NULL CHECK (created >= 0),
    county      TEXT      NULL,
    imported_by BIGINT    NOT NULL REFERENCES users (id),
    imported_at TIMESTAMP NOT NULL
);
CREATE INDEX enterprise_imports_county_idx ON enterprise_imports (county, id);
