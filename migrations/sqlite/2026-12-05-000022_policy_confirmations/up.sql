-- SPEC §9.1 "Readings to confirm": the city bureau's confirmation of a reading the policy profile
-- assumes (an entry with `assumption = true`), for one profile id and version, with the document
-- that settles it. One confirmation per reading and profile edition; never edited.
CREATE TABLE policy_confirmations (
    id              INTEGER   PRIMARY KEY AUTOINCREMENT,
    profile_id      TEXT      NOT NULL,
    profile_version BIGINT    NOT NULL,
    key             TEXT      NOT NULL,
    value           TEXT      NOT NULL,
    document_no     TEXT      NOT NULL,
    note            TEXT      NOT NULL,
    confirmed_by    BIGINT    NOT NULL REFERENCES users (id),
    confirmed_at    TIMESTAMP NOT NULL,
    UNIQUE (profile_id, profile_version, key)
);
