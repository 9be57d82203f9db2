package accord

import (
	"context"
	"slices"
)

// Actor is whoever performs an action: a person or a system account. The
// embedding platform authenticates it and puts it into the context; every
// revision and event records its ID.
type Actor struct {
	ID    string   `json:"id"`
	Name  string   `json:"name,omitempty"`
	Roles []string `json:"roles,omitempty"`
}

// HasRole reports whether the actor holds role.
func (a Actor) HasRole(role string) bool { return slices.Contains(a.Roles, role) }

type actorKey struct{}

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, if there is one with an ID.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && a.ID != ""
}

// RequireActor returns the actor carried by ctx, or an Unauthenticated error
// when there is none. Services call it before every change.
func RequireActor(ctx context.Context) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return Actor{}, Errorf(Unauthenticated, "no actor in context: use accord.WithActor")
	}
	return a, nil
}
