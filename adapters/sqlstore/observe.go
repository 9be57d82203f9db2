package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Ready reports whether the database can serve: it answers a ping and
// its schema has every migration this code knows applied. The error says
// which check failed, for a readiness probe's answer.
func (s *Stores) Ready(ctx context.Context) error {
	if err := s.DB.PingContext(ctx); err != nil {
		return fmt.Errorf("the database does not answer: %w", err)
	}
	ms, err := Migrations(s.Dialect)
	if err != nil {
		return err
	}
	v, err := SchemaVersion(ctx, s.DB)
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if v < len(ms) {
		return fmt.Errorf("the schema is at version %d of %d: run accord migrate", v, len(ms))
	}
	if v > len(ms) {
		return fmt.Errorf("the schema is at version %d, newer than this accord knows (%d)", v, len(ms))
	}
	return nil
}

// OutboxLag returns the age of the oldest event some relay has not yet
// delivered: the first event after the relay cursor furthest behind,
// measured by its time against now. 0 when every relay is up to date, or
// when there is no relay. A filtered relay's cursor follows the outbox
// past the events it does not want, so it counts only when its own wait.
// A webhook's relay cursor goes with its subscription; a relay of another
// destination that no longer exists keeps its cursor, and so keeps
// counting.
func (s *Stores) OutboxLag(ctx context.Context) (time.Duration, error) {
	var at sql.NullInt64
	err := s.DB.QueryRowContext(ctx, s.Dialect.q(
		"SELECT at FROM accord_outbox WHERE seq > (SELECT MIN(after) FROM accord_relays) ORDER BY seq LIMIT 1")).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !at.Valid) {
		return 0, nil
	}
	if err != nil {
		return 0, internal("reading the outbox lag", err)
	}
	return max(0, time.Since(time.Unix(0, at.Int64))), nil
}
