package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/accordhq/accord"
)

// TokenStore keeps API tokens by their hash (httpapi.TokenStore): the
// token itself is never stored.
type TokenStore struct {
	db *sql.DB
	d  Dialect
}

// CreateToken stores the actor of the token whose hash is given.
func (s *TokenStore) CreateToken(ctx context.Context, hash string, actor accord.Actor) error {
	data, err := json.Marshal(actor)
	if err != nil {
		return internal("encoding a token's actor", err)
	}
	_, err = on(ctx, s.db).ExecContext(ctx, s.d.q("INSERT INTO accord_tokens (hash, actor, record, created_at) VALUES (?, ?, ?, ?)"),
		hash, actor.ID, string(data), time.Now().UnixNano())
	if uniqueViolation(err) {
		return accord.Errorf(accord.Conflict, "the token exists")
	}
	if err != nil {
		return internal("storing a token", err)
	}
	return nil
}

// ActorOfToken returns the actor of the token whose hash is given.
// NotFound if there is none.
func (s *TokenStore) ActorOfToken(ctx context.Context, hash string) (accord.Actor, error) {
	var data []byte
	err := on(ctx, s.db).QueryRowContext(ctx, s.d.q("SELECT record FROM accord_tokens WHERE hash = ?"), hash).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return accord.Actor{}, accord.Errorf(accord.NotFound, "unknown token")
	}
	if err != nil {
		return accord.Actor{}, internal("reading a token", err)
	}
	var a accord.Actor
	if err := json.Unmarshal(data, &a); err != nil {
		return a, internal("decoding a token's actor", err)
	}
	return a, nil
}

// CountTokens returns how many tokens are stored.
func (s *TokenStore) CountTokens(ctx context.Context) (int, error) {
	var n int
	if err := on(ctx, s.db).QueryRowContext(ctx, "SELECT COUNT(*) FROM accord_tokens").Scan(&n); err != nil {
		return 0, internal("counting tokens", err)
	}
	return n, nil
}
