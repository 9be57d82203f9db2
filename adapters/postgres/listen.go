package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/accordhq/accord/adapters/sqlstore"
)

// Listen wakes the stores' relays whenever any instance commits events
// (sqlstore.OutboxChannel), those of the projects the notification names,
// so a webhook is sent within milliseconds of the change instead of at
// the next poll. It holds one connection of the
// pool while ctx lives and reconnects after a failure; the relays' poll
// remains the fallback meanwhile. It returns when ctx ends.
func Listen(ctx context.Context, s *sqlstore.Stores) error {
	for {
		// A lost connection ends listenOnce; the relays' poll covers the
		// gap until it is back.
		if listenOnce(ctx, s); ctx.Err() != nil {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func listenOnce(ctx context.Context, s *sqlstore.Stores) error {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres: listening needs the pgx driver, not %T", driverConn)
		}
		pg := c.Conn()
		if _, err := pg.Exec(ctx, "LISTEN "+sqlstore.OutboxChannel); err != nil {
			return err
		}
		// Anything committed while no one listened is found now.
		s.Wake()
		for {
			n, err := pg.WaitForNotification(ctx)
			if err != nil {
				return err
			}
			// The payload names the projects whose relays have events
			// (a line each); empty: every relay.
			var projects []string
			if n.Payload != "" {
				projects = strings.Split(n.Payload, "\n")
			}
			s.Wake(projects...)
		}
	})
}
