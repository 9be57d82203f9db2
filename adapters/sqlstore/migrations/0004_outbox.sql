-- The outbox: every event, written in the transaction of the change it
-- tells of (Stores.Atomically), in the order the changes were made.
CREATE TABLE accord_outbox (
    seq      {{serial}},
    id       TEXT    NOT NULL UNIQUE, -- the event's ID: receivers deduplicate by it
    project  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    ref_kind TEXT    NOT NULL,
    ref_id   TEXT    NOT NULL,
    at       {{int}} NOT NULL, -- Unix nanoseconds
    event    {{json}} NOT NULL
);
CREATE INDEX accord_outbox_project ON accord_outbox (project, seq);

-- One cursor per destination (a webhook subscription, an inbox): the last
-- event delivered, and which instance holds the lease to deliver more.
CREATE TABLE accord_relays (
    name        TEXT    PRIMARY KEY,
    after       {{int}} NOT NULL DEFAULT 0,
    owner       TEXT    NOT NULL DEFAULT '',
    lease_until {{int}} NOT NULL DEFAULT 0 -- Unix nanoseconds
);
