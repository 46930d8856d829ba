-- Uploaded files (diagnosis reports, acceptance reports): metadata only. The bytes live in the
-- data dir at files/<first 2 hex of sha256>/<sha256> (content-addressed, see backend/src/uploads.rs);
-- several rows may name the same content. SQLite dialect; the PostgreSQL twin has the same shape.
CREATE TABLE stored_files (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256        TEXT      NOT NULL,
    size_bytes    BIGINT    NOT NULL,
    content_type  TEXT      NOT NULL,
    original_name TEXT      NOT NULL,
    uploaded_by   BIGINT    NULL REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    CONSTRAINT stored_files_sha256_check CHECK (length(sha256) = 64),
    CONSTRAINT stored_files_size_check CHECK (size_bytes > 0)
);
CREATE INDEX stored_files_sha256_idx ON stored_files (sha256);
CREATE INDEX stored_files_uploaded_by_idx ON stored_files (uploaded_by);
