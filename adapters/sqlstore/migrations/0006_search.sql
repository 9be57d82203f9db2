-- Indexed text search, in any language (adapters/sqlstore/search.go says
-- how it is used): trigram indexes on the search column, for texts of
-- three characters or more, and on pairs, the search column with every
-- character doubled ("退款" → "退退款款"), for two-character words: a
-- text occurs in search exactly when its doubled form occurs in pairs,
-- and the doubled form of a two-character word has trigrams. head is
-- how many characters of search a hit must lie within to rank first (a
-- requirement's key and title, with the line break between them); 0 for
-- kinds that are not ranked. Existing records are filled in and indexed
-- here.
ALTER TABLE accord_records ADD COLUMN pairs TEXT NOT NULL DEFAULT '';
ALTER TABLE accord_records ADD COLUMN head {{int}} NOT NULL DEFAULT 0;
{{postgres}}
-- pg_trgm serves the whole database, so it goes to the public schema
-- (unless some schema has it already), not to accord's.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
UPDATE accord_records SET pairs = regexp_replace(search, '(.)', '\1\1', 'g') WHERE search <> '';
UPDATE accord_records SET head = length(coalesce(rkey, '')) + 1 + length(coalesce(record->>'title', ''))
    WHERE kind = 'requirement';
-- GIN trigram indexes answer search LIKE '%…%' and pairs LIKE '%…%' (pg_trgm classifies
-- characters by the database's LC_CTYPE: use a UTF-8 locale, not C). The
-- operator class is named with the extension's schema, which need not be
-- on accord's search_path.
DO $$
DECLARE
    trgm name := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
BEGIN
    EXECUTE format('CREATE INDEX accord_records_search ON accord_records USING gin (search %I.gin_trgm_ops)', trgm);
    EXECUTE format('CREATE INDEX accord_records_pairs ON accord_records USING gin (pairs %I.gin_trgm_ops)', trgm);
END
$$;
{{end}}
{{sqlite}}
-- Each character doubled, in order: one row per character position,
-- concatenated once (no string grows step by step).
UPDATE accord_records SET pairs = (
    WITH RECURSIVE c (i) AS (
        SELECT 1
        UNION ALL
        SELECT i + 1 FROM c WHERE i < length(accord_records.search)
    )
    SELECT group_concat(substr(accord_records.search, i, 1) || substr(accord_records.search, i, 1), '' ORDER BY i) FROM c
) WHERE search <> '';
UPDATE accord_records SET head = length(coalesce(rkey, '')) + 1 + length(coalesce(json_extract(record, '$.title'), ''))
    WHERE kind = 'requirement';

-- The documents of the search index: a stable number per record that has
-- text (the FTS row ID), while the record lives.
CREATE TABLE accord_search_docs (
    docid   INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    project TEXT NOT NULL,
    id      TEXT NOT NULL,
    UNIQUE (kind, project, id)
);
-- The trigram indexes of the search and pairs columns: contentless (the
-- text stays in accord_records) and without positions (a search asks for
-- records that hold every trigram of its text, and LIKE decides).
CREATE VIRTUAL TABLE accord_search USING fts5 (search, tokenize = 'trigram', content = '', contentless_delete = 1, detail = 'none');
CREATE VIRTUAL TABLE accord_search_pairs USING fts5 (pairs, tokenize = 'trigram', content = '', contentless_delete = 1, detail = 'none');

INSERT INTO accord_search_docs (kind, project, id)
    SELECT kind, project, id FROM accord_records WHERE pairs <> '' AND deleted_at IS NULL ORDER BY kind, project, seq;
INSERT INTO accord_search (rowid, search)
    SELECT d.docid, r.search FROM accord_search_docs d JOIN accord_records r ON r.kind = d.kind AND r.project = d.project AND r.id = d.id;
INSERT INTO accord_search_pairs (rowid, pairs)
    SELECT d.docid, r.pairs FROM accord_search_docs d JOIN accord_records r ON r.kind = d.kind AND r.project = d.project AND r.id = d.id;

-- The index follows every write of a record, in its transaction: a
-- record enters it with text, leaves it when deleted (a tombstone or the
-- row itself), and is indexed again when its text changes or it is
-- restored.
CREATE TRIGGER accord_search_insert AFTER INSERT ON accord_records
WHEN new.pairs <> '' AND new.deleted_at IS NULL
BEGIN
    INSERT OR IGNORE INTO accord_search_docs (kind, project, id) VALUES (new.kind, new.project, new.id);
    INSERT INTO accord_search (rowid, search)
        SELECT docid, new.search FROM accord_search_docs WHERE kind = new.kind AND project = new.project AND id = new.id;
    INSERT INTO accord_search_pairs (rowid, pairs)
        SELECT docid, new.pairs FROM accord_search_docs WHERE kind = new.kind AND project = new.project AND id = new.id;
END;
CREATE TRIGGER accord_search_update AFTER UPDATE OF pairs, deleted_at ON accord_records
WHEN old.pairs IS NOT new.pairs OR (old.deleted_at IS NULL) IS NOT (new.deleted_at IS NULL)
BEGIN
    DELETE FROM accord_search WHERE rowid IN
        (SELECT docid FROM accord_search_docs WHERE kind = old.kind AND project = old.project AND id = old.id);
    DELETE FROM accord_search_pairs WHERE rowid IN
        (SELECT docid FROM accord_search_docs WHERE kind = old.kind AND project = old.project AND id = old.id);
    DELETE FROM accord_search_docs WHERE kind = old.kind AND project = old.project AND id = old.id
        AND (new.pairs = '' OR new.deleted_at IS NOT NULL);
    INSERT OR IGNORE INTO accord_search_docs (kind, project, id)
        SELECT new.kind, new.project, new.id WHERE new.pairs <> '' AND new.deleted_at IS NULL;
    INSERT INTO accord_search (rowid, search)
        SELECT docid, new.search FROM accord_search_docs
        WHERE kind = new.kind AND project = new.project AND id = new.id AND new.pairs <> '' AND new.deleted_at IS NULL;
    INSERT INTO accord_search_pairs (rowid, pairs)
        SELECT docid, new.pairs FROM accord_search_docs
        WHERE kind = new.kind AND project = new.project AND id = new.id AND new.pairs <> '' AND new.deleted_at IS NULL;
END;
CREATE TRIGGER accord_search_delete AFTER DELETE ON accord_records
BEGIN
    DELETE FROM accord_search WHERE rowid IN
        (SELECT docid FROM accord_search_docs WHERE kind = old.kind AND project = old.project AND id = old.id);
    DELETE FROM accord_search_pairs WHERE rowid IN
        (SELECT docid FROM accord_search_docs WHERE kind = old.kind AND project = old.project AND id = old.id);
    DELETE FROM accord_search_docs WHERE kind = old.kind AND project = old.project AND id = old.id;
END;
{{end}}
