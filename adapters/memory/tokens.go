package memory

import (
	"context"
	"sync"

	"github.com/accordhq/accord"
)

// TokenStore keeps API tokens by their hash (httpapi.TokenStore).
type TokenStore struct {
	mu     sync.RWMutex
	actors map[string]accord.Actor
}

// NewTokenStore returns an empty store.
func NewTokenStore() *TokenStore { return &TokenStore{actors: map[string]accord.Actor{}} }

// CreateToken stores the actor of the token whose hash is given.
func (s *TokenStore) CreateToken(_ context.Context, hash string, actor accord.Actor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.actors[hash]; ok {
		return accord.Errorf(accord.Conflict, "the token exists")
	}
	actor.Roles = append([]string(nil), actor.Roles...)
	s.actors[hash] = actor
	return nil
}

// ActorOfToken returns the actor of the token whose hash is given.
func (s *TokenStore) ActorOfToken(_ context.Context, hash string) (accord.Actor, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.actors[hash]
	if !ok {
		return accord.Actor{}, accord.Errorf(accord.NotFound, "unknown token")
	}
	a.Roles = append([]string(nil), a.Roles...)
	return a, nil
}

// CountTokens returns how many tokens are stored.
func (s *TokenStore) CountTokens(context.Context) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.actors), nil
}
