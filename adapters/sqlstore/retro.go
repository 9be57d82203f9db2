package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/retro"
)

// RetroStore is a retro.Store in SQL; secrets live in accord_secrets,
// apart from the record and its revisions.
type RetroStore struct {
	retros   table[retro.Retro]
	settings settings[retro.Settings]
}

var _ retro.Store = (*RetroStore)(nil)

func newRetroStore(db *sql.DB, d Dialect, c *readCache) *RetroStore {
	return &RetroStore{
		retros: table[retro.Retro]{db: db, d: d, cache: c, clone: retro.Retro.Clone, kind: retro.RefKind, what: "retrospective",
			ident: func(r *retro.Retro) (string, string) { return r.Project, r.ID },
			stamp: func(r *retro.Retro) *accord.Stamp { return &r.Stamp },
			key:   func(r *retro.Retro) *string { return &r.Key }, keyOf: retro.KeyOf,
			cols: func(r *retro.Retro) columns {
				return columns{status: string(r.Phase), class: r.Series, owner: r.Facilitator, search: []string{r.Key, r.Title}}
			}},
		settings: settings[retro.Settings]{db: db, d: d, domain: "retros",
			stamp: func(s *retro.Settings) *accord.Stamp { return &s.Stamp },
			zero:  func(p string) retro.Settings { return retro.Settings{Project: p} }},
	}
}

// CreateRetro implements retro.Store.
func (s *RetroStore) CreateRetro(ctx context.Context, first accord.Revision[retro.Retro]) (retro.Retro, error) {
	return s.retros.create(ctx, first)
}

// GetRetro implements retro.Store.
func (s *RetroStore) GetRetro(ctx context.Context, project, id string) (retro.Retro, error) {
	return s.retros.get(ctx, project, id)
}

// GetRetroByKey implements retro.Store.
func (s *RetroStore) GetRetroByKey(ctx context.Context, project, key string) (retro.Retro, error) {
	return s.retros.getByKey(ctx, project, key)
}

// UpdateRetro implements retro.Store.
func (s *RetroStore) UpdateRetro(ctx context.Context, next accord.Revision[retro.Retro]) (retro.Retro, error) {
	return s.retros.update(ctx, next)
}

// DeleteRetro implements retro.Store; its secret goes with it.
func (s *RetroStore) DeleteRetro(ctx context.Context, tombstone accord.Revision[retro.Retro]) error {
	project, id := tombstone.Record.Project, tombstone.Record.ID
	return s.retros.tx(ctx, func(tx *sql.Tx) error {
		if err := s.retros.tombstoneIn(ctx, tx, tombstone); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.retros.d.q("DELETE FROM accord_secrets WHERE kind = 'retro' AND project = ? AND id = ?"), project, id)
		return err
	})
}

// ListRetros implements retro.Store.
func (s *RetroStore) ListRetros(ctx context.Context, project string, f retro.Filter, q accord.PageQuery) (accord.Page[retro.Retro], error) {
	var w filter
	if f.Series != "" {
		w.add("r.class = ?", f.Series)
	}
	if f.Phase != "" {
		w.add("r.status = ?", string(f.Phase))
	}
	if f.Text != "" {
		w.contains(f.Text)
	}
	return s.retros.list(ctx, project, w, q)
}

// GetRetroRevision implements retro.Store.
func (s *RetroStore) GetRetroRevision(ctx context.Context, project, id string, n int) (accord.Revision[retro.Retro], error) {
	return s.retros.revision(ctx, project, id, n)
}

// ListRetroRevisions implements retro.Store.
func (s *RetroStore) ListRetroRevisions(ctx context.Context, project, id string) ([]accord.Revision[retro.Retro], error) {
	return s.retros.revisions(ctx, project, id)
}

// PutSecret implements retro.Store.
func (s *RetroStore) PutSecret(ctx context.Context, project, id string, secret []byte) error {
	_, err := on(ctx, s.retros.db).ExecContext(ctx, s.retros.d.q(`INSERT INTO accord_secrets (kind, project, id, secret) VALUES ('retro', ?, ?, ?)
		ON CONFLICT (kind, project, id) DO UPDATE SET secret = excluded.secret`), project, id, hex.EncodeToString(secret))
	if err != nil {
		return internal("storing a secret", err)
	}
	return nil
}

// GetSecret implements retro.Store.
func (s *RetroStore) GetSecret(ctx context.Context, project, id string) ([]byte, error) {
	var v string
	err := on(ctx, s.retros.db).QueryRowContext(ctx, s.retros.d.q("SELECT secret FROM accord_secrets WHERE kind = 'retro' AND project = ? AND id = ?"), project, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accord.Errorf(accord.NotFound, "no secret for retrospective %q", id)
	}
	if err != nil {
		return nil, internal("reading a secret", err)
	}
	return hex.DecodeString(v)
}

// DeleteSecret implements retro.Store.
func (s *RetroStore) DeleteSecret(ctx context.Context, project, id string) error {
	res, err := on(ctx, s.retros.db).ExecContext(ctx, s.retros.d.q("DELETE FROM accord_secrets WHERE kind = 'retro' AND project = ? AND id = ?"), project, id)
	if err != nil {
		return internal("erasing a secret", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return accord.Errorf(accord.NotFound, "no secret for retrospective %q", id)
	}
	return nil
}

// GetSettings implements retro.Store.
func (s *RetroStore) GetSettings(ctx context.Context, project string) (retro.Settings, error) {
	return s.settings.get(ctx, project)
}

// PutSettings implements retro.Store.
func (s *RetroStore) PutSettings(ctx context.Context, next retro.Settings) (retro.Settings, error) {
	return s.settings.put(ctx, next.Project, next)
}
