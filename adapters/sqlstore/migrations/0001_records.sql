-- accord's schema, for every engine: the dialect (dialect.go) fills in the
-- 64-bit integer and JSON types (INTEGER and TEXT in SQLite, BIGINT and
-- JSONB in PostgreSQL). Nothing else differs.

-- Every record of every domain, at its current revision. The record itself
-- is the JSON in "record"; the other columns are what lookups and filters
-- need, kept in step with it by the store.
CREATE TABLE accord_records (
    kind       TEXT    NOT NULL, -- requirement, change_request, glossary_term, contract, contract_version, review, project
    project    TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    seq        {{int}} NOT NULL, -- creation order in (kind, project); the number in the key
    rkey       TEXT,             -- human key (REQ-7), if the kind has one
    name       TEXT,             -- a second name unique in (kind, project): service, term, review subject
    parent     TEXT,             -- the record this one belongs to: a change request's requirement, a version's contract
    status     TEXT    NOT NULL DEFAULT '',
    class      TEXT    NOT NULL DEFAULT '', -- priority of a requirement, kind of a review
    owner      TEXT    NOT NULL DEFAULT '',
    ref_kind   TEXT    NOT NULL DEFAULT '', -- what a review is about
    ref_id     TEXT    NOT NULL DEFAULT '',
    search     TEXT    NOT NULL DEFAULT '', -- lower-case text the Text filter looks in
    revision   {{int}} NOT NULL,
    created_at {{int}} NOT NULL, -- Unix nanoseconds
    updated_at {{int}} NOT NULL,
    record     {{json}}    NOT NULL,
    PRIMARY KEY (kind, project, id)
);
CREATE UNIQUE INDEX accord_records_seq ON accord_records (kind, project, seq);
CREATE UNIQUE INDEX accord_records_key ON accord_records (kind, project, rkey);
CREATE UNIQUE INDEX accord_records_name ON accord_records (kind, project, name);
CREATE INDEX accord_records_parent ON accord_records (kind, project, parent, seq);
CREATE INDEX accord_records_status ON accord_records (kind, project, status, seq);
CREATE INDEX accord_records_class ON accord_records (kind, project, class, seq);
CREATE INDEX accord_records_owner ON accord_records (kind, project, owner, seq);
CREATE INDEX accord_records_ref ON accord_records (kind, project, ref_kind, ref_id);

-- Multi-valued filters: a requirement's labels, a review's participants, a
-- project's members ("label:payments", "participant:bob", "member:alice").
CREATE TABLE accord_tags (
    kind    TEXT NOT NULL,
    project TEXT NOT NULL,
    id      TEXT NOT NULL,
    tag     TEXT NOT NULL,
    PRIMARY KEY (kind, project, tag, id),
    FOREIGN KEY (kind, project, id) REFERENCES accord_records (kind, project, id) ON DELETE CASCADE
);
CREATE INDEX accord_tags_record ON accord_tags (kind, project, id);

-- One row per revision of every record: the whole record as it stood, who
-- made it, when and why.
CREATE TABLE accord_revisions (
    kind    TEXT    NOT NULL,
    project TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    number  {{int}} NOT NULL,
    change  TEXT    NOT NULL,
    actor   TEXT    NOT NULL,
    at      {{int}} NOT NULL, -- Unix nanoseconds
    note    TEXT    NOT NULL DEFAULT '',
    record  {{json}}    NOT NULL,
    PRIMARY KEY (kind, project, id, number),
    FOREIGN KEY (kind, project, id) REFERENCES accord_records (kind, project, id) ON DELETE CASCADE
);

-- The last sequence number handed out per (kind, project), for keys.
CREATE TABLE accord_sequences (
    kind    TEXT    NOT NULL,
    project TEXT    NOT NULL,
    last    {{int}} NOT NULL,
    PRIMARY KEY (kind, project)
);

-- Each domain's settings of a project: one revisioned record.
CREATE TABLE accord_settings (
    domain   TEXT    NOT NULL,
    project  TEXT    NOT NULL,
    revision {{int}} NOT NULL,
    record   {{json}}    NOT NULL,
    PRIMARY KEY (domain, project)
);

-- API tokens of the reference server, by SHA-256 hash: a token is never
-- stored in plain text.
CREATE TABLE accord_tokens (
    hash       TEXT    NOT NULL PRIMARY KEY,
    actor      TEXT    NOT NULL,
    record     {{json}}    NOT NULL,
    created_at {{int}} NOT NULL
);
