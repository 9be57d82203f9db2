package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/retro"
)

// RetroStore is a retro.Store in SQL; the Private part of an anonymous
// retrospective lives in accord_secrets (as JSON), apart from the record
// and its revisions.
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

// DeleteRetro implements retro.Store; its Private part is erased in the
// same transaction.
func (s *RetroStore) DeleteRetro(ctx context.Context, tombstone accord.Revision[retro.Retro]) error {
	project, id := tombstone.Record.Project, tombstone.Record.ID
	return s.retros.tx(ctx, func(tx *sql.Tx) error {
		if err := s.retros.tombstoneIn(ctx, tx, tombstone); err != nil {
			return err
		}
		return s.erasePrivate(ctx, tx, project, id)
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

// ListDeletedRetros implements retro.Store.
func (s *RetroStore) ListDeletedRetros(ctx context.Context, project string, q accord.PageQuery) (accord.Page[retro.Retro], error) {
	return s.retros.listDeleted(ctx, project, q)
}

// GetRetroRevision implements retro.Store.
func (s *RetroStore) GetRetroRevision(ctx context.Context, project, id string, n int) (accord.Revision[retro.Retro], error) {
	return s.retros.revision(ctx, project, id, n)
}

// ListRetroRevisions implements retro.Store.
func (s *RetroStore) ListRetroRevisions(ctx context.Context, project, id string) ([]accord.Revision[retro.Retro], error) {
	return s.retros.revisions(ctx, project, id)
}

// PutPrivate implements retro.Store.
func (s *RetroStore) PutPrivate(ctx context.Context, project, id string, p retro.Private) error {
	return s.putPrivate(ctx, on(ctx, s.retros.db), project, id, p)
}

func (s *RetroStore) putPrivate(ctx context.Context, ex execer, project, id string, p retro.Private) error {
	data, err := json.Marshal(p)
	if err != nil {
		return internal("encoding a private part", err)
	}
	_, err = ex.ExecContext(ctx, s.retros.d.q(`INSERT INTO accord_secrets (kind, project, id, secret) VALUES ('retro', ?, ?, ?)
		ON CONFLICT (kind, project, id) DO UPDATE SET secret = excluded.secret`), project, id, string(data))
	if err != nil {
		return internal("storing a private part", err)
	}
	return nil
}

// GetPrivate implements retro.Store.
func (s *RetroStore) GetPrivate(ctx context.Context, project, id string) (retro.Private, error) {
	var v string
	err := on(ctx, s.retros.db).QueryRowContext(ctx, s.retros.d.q("SELECT secret FROM accord_secrets WHERE kind = 'retro' AND project = ? AND id = ?"), project, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return retro.Private{}, accord.Errorf(accord.NotFound, "no private part for retrospective %q", id)
	}
	if err != nil {
		return retro.Private{}, internal("reading a private part", err)
	}
	var p retro.Private
	if !strings.HasPrefix(v, "{") {
		// Written before the private part: the pseudonym secret alone, in hex.
		p.Secret, err = hex.DecodeString(v)
	} else {
		err = json.Unmarshal([]byte(v), &p)
	}
	if err != nil {
		return retro.Private{}, internal("decoding a private part", err)
	}
	return p, nil
}

// UpdateRetroPrivately implements retro.Store: one transaction (or
// savepoint of the caller's unit) writes both.
func (s *RetroStore) UpdateRetroPrivately(ctx context.Context, next accord.Revision[retro.Retro], p *retro.Private) (retro.Retro, error) {
	var out retro.Retro
	err := s.retros.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = s.retros.updateIn(ctx, tx, next); err != nil {
			return err
		}
		if p == nil {
			return s.erasePrivate(ctx, tx, out.Project, out.ID)
		}
		return s.putPrivate(ctx, tx, out.Project, out.ID, *p)
	})
	if err != nil {
		return retro.Retro{}, err
	}
	return out, nil
}

func (s *RetroStore) erasePrivate(ctx context.Context, ex execer, project, id string) error {
	if _, err := ex.ExecContext(ctx, s.retros.d.q("DELETE FROM accord_secrets WHERE kind = 'retro' AND project = ? AND id = ?"), project, id); err != nil {
		return internal("erasing a private part", err)
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
