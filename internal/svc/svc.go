// Package svc holds the few helpers every domain service shares. Domain
// packages may not import each other, so what they have in common lives
// here, out of the public API.
package svc

import (
	"context"
	"fmt"
	"strings"

	"github.com/accordhq/accord"
)

// Begin checks what every changing call needs: an actor in the context and
// a valid project key.
func Begin(ctx context.Context, project string) (accord.Actor, error) {
	actor, err := accord.RequireActor(ctx)
	if err != nil {
		return actor, err
	}
	return actor, accord.ValidateProject(project)
}

// IsKey reports whether ref is a human key made of prefix and a number of
// at most nine digits (REQ-7 for prefix "REQ-") rather than an ID.
func IsKey(ref, prefix string) bool {
	n, ok := strings.CutPrefix(ref, prefix)
	if !ok || n == "" || len(n) > 9 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}

// Publisher sends events to an optional sink, stamped by the clock.
type Publisher struct {
	Events accord.EventSink // nil: events are dropped
	Clock  accord.Clock
}

// Publish sends one event whose summary is format applied to args.
func (p Publisher) Publish(ctx context.Context, kind, project string, ref accord.Ref, actor accord.Actor, format string, args ...any) {
	if p.Events == nil {
		return
	}
	p.Events.Publish(ctx, accord.Event{Kind: kind, Project: project, Ref: ref, Actor: actor,
		Time: p.Clock.Now(), Summary: fmt.Sprintf(format, args...)})
}
