-- The records that point at one record (the links to a requirement) in
-- creation order, from the index alone: a lookup by ref then needs no sort
-- and no scan, whatever the planner knows about the table.
CREATE INDEX accord_records_ref_seq ON accord_records (kind, project, ref_kind, ref_id, seq);
DROP INDEX accord_records_ref;
