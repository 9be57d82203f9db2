-- Relays that read only what they deliver: a webhook's relay asks for one
-- project's events of some kinds (Relay.Project, Relay.Kinds), after its
-- cursor, in order. accord_outbox_project (project, seq) serves a relay
-- that filters by project alone or by kind patterns; this one serves a
-- relay that names its kinds, so it reads its own events and no others.
CREATE INDEX accord_outbox_kinds ON accord_outbox (project, kind, seq);
