-- Other subsidies, awards and budgets through the one payment ledger (SPEC §4 R10–R13, §6, §7b).
-- Money is BIGINT fen. Instructions stay in `payments`; these tables hold what made them due.

-- Budgets (optional per pool, SPEC §7b): one per fund, and per county for the county fund.
-- `county` is '' for the central and the city fund. The central budget names its retrofit part (R13).
CREATE TABLE budgets (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    fund                TEXT      NOT NULL CHECK (fund IN ('central', 'city', 'county')),
    county              TEXT      NOT NULL DEFAULT '',
    amount_fen          BIGINT    NOT NULL CHECK (amount_fen > 0),
    retrofit_amount_fen BIGINT    NULL CHECK (retrofit_amount_fen >= 0),
    created_by          BIGINT    NOT NULL REFERENCES users (id),
    created_at          TIMESTAMP NOT NULL,
    CONSTRAINT budgets_pool_key UNIQUE (fund, county),
    CONSTRAINT budgets_county_check CHECK ((fund = 'county') = (county <> '')),
    CONSTRAINT budgets_retrofit_check CHECK (retrofit_amount_fen IS NULL OR retrofit_amount_fen <= amount_fen)
);

-- What each pool has drawn, by share: 'retrofit' (retrofit projects: planned subsidy committed at the
-- city's approval, then what the instructions say) and 'other' (diagnosis, cloud and award
-- instructions). Kept by the application in the same transaction as each write (crate::budget); one
-- row per pool and share exists from the start, so an update both counts and locks the pool.
CREATE TABLE fund_usage (
    fund     TEXT   NOT NULL,
    county   TEXT   NOT NULL,
    share    TEXT   NOT NULL CHECK (share IN ('retrofit', 'other')),
    used_fen BIGINT NOT NULL,
    PRIMARY KEY (fund, county, share)
);
INSERT INTO fund_usage (fund, county, share, used_fen) VALUES
    ('central', '', 'retrofit', 0), ('central', '', 'other', 0),
    ('city', '', 'retrofit', 0), ('city', '', 'other', 0),
    ('county', 'luzhou', 'retrofit', 0), ('county', 'luzhou', 'other', 0),
    ('county', 'shangdang', 'retrofit', 0), ('county', 'shangdang', 'other', 0),
    ('county', 'tunliu', 'retrofit', 0), ('county', 'tunliu', 'other', 0),
    ('county', 'lucheng', 'retrofit', 0), ('county', 'lucheng', 'other', 0),
    ('county', 'xiangyuan', 'retrofit', 0), ('county', 'xiangyuan', 'other', 0),
    ('county', 'pingshun', 'retrofit', 0), ('county', 'pingshun', 'other', 0),
    ('county', 'licheng', 'retrofit', 0), ('county', 'licheng', 'other', 0),
    ('county', 'huguan', 'retrofit', 0), ('county', 'huguan', 'other', 0),
    ('county', 'zhangzi', 'retrofit', 0), ('county', 'zhangzi', 'other', 0),
    ('county', 'wuxiang', 'retrofit', 0), ('county', 'wuxiang', 'other', 0),
    ('county', 'qinxian', 'retrofit', 0), ('county', 'qinxian', 'other', 0),
    ('county', 'qinyuan', 'retrofit', 0), ('county', 'qinyuan', 'other', 0),
    ('county', 'gaoxin', 'retrofit', 0), ('county', 'gaoxin', 'other', 0),
    ('county', 'jingkai', 'retrofit', 0), ('county', 'jingkai', 'other', 0);

-- A retrofit project's draw on the funds: the planned subsidy split when the city approved it
-- (committed_*) and its current draw (*_fen) — the larger of the commitment and its instructions
-- while it is live, its instructions (paid out less recovered) once it is finished.
CREATE TABLE project_commitments (
    project_id           BIGINT NOT NULL PRIMARY KEY REFERENCES projects (id),
    county               TEXT   NOT NULL,
    committed_central_fen BIGINT NOT NULL,
    committed_city_fen   BIGINT NOT NULL,
    committed_county_fen BIGINT NOT NULL,
    central_fen          BIGINT NOT NULL,
    city_fen             BIGINT NOT NULL,
    county_fen           BIGINT NOT NULL
);

-- R11: cloud fees an enterprise declared; each made one `cloud` instruction within the cumulative cap.
CREATE TABLE cloud_fees (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id BIGINT    NOT NULL REFERENCES enterprises (id),
    amount_fen    BIGINT    NOT NULL CHECK (amount_fen > 0),
    period        TEXT      NOT NULL,
    invoice_no    TEXT      NOT NULL,
    subsidy_fen   BIGINT    NOT NULL CHECK (subsidy_fen > 0),
    payment_id    BIGINT    NOT NULL REFERENCES payments (id),
    created_by    BIGINT    NOT NULL REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    CONSTRAINT cloud_fees_invoice_key UNIQUE (enterprise_id, invoice_no)
);

-- R12: awards; each made one `award` instruction. A product recipient waits for the product catalogue.
CREATE TABLE awards (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT      NOT NULL CHECK (kind IN ('excellent_provider', 'excellent_product', 'standard_package',
                                                      'benchmark_enterprise', 'digital_workshop', 'chain_case',
                                                      'collected_case')),
    recipient_type TEXT      NOT NULL CHECK (recipient_type IN ('enterprise', 'provider', 'product')),
    enterprise_id  BIGINT    NULL REFERENCES enterprises (id),
    provider_id    BIGINT    NULL REFERENCES providers (id),
    industry       TEXT      NULL,
    amount_fen     BIGINT    NOT NULL CHECK (amount_fen > 0),
    comment        TEXT      NOT NULL,
    payment_id     BIGINT    NOT NULL REFERENCES payments (id),
    created_by     BIGINT    NOT NULL REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX awards_kind_industry_idx ON awards (kind, industry);
CREATE INDEX awards_enterprise_idx ON awards (enterprise_id);
CREATE INDEX awards_provider_idx ON awards (provider_id);

-- One row per award kind and industry ('' for none), so that counting an award of a kind limited per
-- industry (the standard package) is one update that also locks the place.
CREATE TABLE award_places (
    kind     TEXT   NOT NULL,
    industry TEXT   NOT NULL,
    awards   BIGINT NOT NULL,
    PRIMARY KEY (kind, industry)
);
INSERT INTO award_places (kind, industry, awards)
SELECT k.kind, i.industry, 0
FROM (SELECT 'excellent_provider' AS kind UNION ALL SELECT 'excellent_product' UNION ALL SELECT 'standard_package'
      UNION ALL SELECT 'benchmark_enterprise' UNION ALL SELECT 'digital_workshop' UNION ALL SELECT 'chain_case'
      UNION ALL SELECT 'collected_case') k
CROSS JOIN (SELECT '' AS industry UNION ALL SELECT 'nonmetal_materials' UNION ALL SELECT 'complete_equipment'
            UNION ALL SELECT 'power_equipment' UNION ALL SELECT 'chemical_materials') i;

CREATE INDEX payments_kind_enterprise_idx ON payments (kind, enterprise_id);
