package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/accordhq/accord"
)

// settings keeps one domain's settings of every project in accord_settings.
type settings[S any] struct {
	db     *sql.DB
	d      Dialect
	domain string
	stamp  func(*S) *accord.Stamp
	zero   func(project string) S
}

func (s *settings[S]) get(ctx context.Context, project string) (S, error) {
	var data []byte
	err := on(ctx, s.db).QueryRowContext(ctx, s.d.q("SELECT record FROM accord_settings WHERE domain = ? AND project = ?"), s.domain, project).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return s.zero(project), nil
	}
	if err != nil {
		return s.zero(project), internal("reading settings", err)
	}
	var v S
	if err := json.Unmarshal(data, &v); err != nil {
		return v, internal("decoding settings", err)
	}
	return v, nil
}

// put stores next when its revision is the stored one plus one: an insert
// for the first revision, a compare-and-swap update after that.
func (s *settings[S]) put(ctx context.Context, project string, next S) (S, error) {
	var zero S
	data, err := json.Marshal(next)
	if err != nil {
		return zero, internal("encoding settings", err)
	}
	rev := s.stamp(&next).Revision
	var res sql.Result
	if rev == 1 {
		res, err = on(ctx, s.db).ExecContext(ctx, s.d.q("INSERT INTO accord_settings (domain, project, revision, record) VALUES (?, ?, 1, ?) ON CONFLICT (domain, project) DO NOTHING"),
			s.domain, project, string(data))
	} else {
		res, err = on(ctx, s.db).ExecContext(ctx, s.d.q("UPDATE accord_settings SET revision = ?, record = ? WHERE domain = ? AND project = ? AND revision = ?"),
			rev, string(data), s.domain, project, rev-1)
	}
	if err != nil {
		return zero, internal("writing settings", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		cur, err := s.get(ctx, project)
		if err != nil {
			return zero, err
		}
		return zero, accord.StaleError(s.domain+" settings of "+project, rev-1, s.stamp(&cur).Revision)
	}
	return next, nil
}
