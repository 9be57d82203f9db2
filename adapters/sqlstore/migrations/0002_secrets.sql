-- Secrets kept apart from records, so that no revision ever holds one and
-- deleting the row erases it for good: the pseudonym secret of an open
-- anonymous retrospective.
CREATE TABLE accord_secrets (
    kind    TEXT NOT NULL,
    project TEXT NOT NULL,
    id      TEXT NOT NULL,
    secret  TEXT NOT NULL, -- hex
    PRIMARY KEY (kind, project, id)
);
