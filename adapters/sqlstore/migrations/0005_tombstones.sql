-- Deleting a record leaves a tombstone revision and hides the record:
-- deleted_at (Unix nanoseconds) is set while the record's last revision is
-- its tombstone, NULL while it lives. Reads and lists skip deleted records;
-- their revisions stay.
ALTER TABLE accord_records ADD COLUMN deleted_at {{int}};
