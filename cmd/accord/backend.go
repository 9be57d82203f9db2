package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/link"

	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/postgres"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/tracker"
	"github.com/accordhq/accord/project"
)

// tokenStore is where the server keeps hashed API tokens.
type tokenStore interface {
	httpapi.TokenStore
	CountTokens(ctx context.Context) (int, error)
}

// backend is the stores of one database, migrated.
type backend struct {
	adapters.Stores
	describe string                    // for the log: "SQLite accord.db"
	memLog   accord.EventSink          // memory: the watches' log, fed as a sink
	sql      *sqlstore.Stores          // nil for memory: no outbox, no units of work
	listen   func(ctx context.Context) // PostgreSQL: wake the relays on other instances' commits
	tokens   tokenStore
	version  int // schema version after migrating
	applied  int // migrations applied at this start
	close    func() error
}

// openExisting opens the database named by spec as openBackend does, but
// never creates one: the read-only commands (report, export) say that an
// SQLite file is missing rather than leave an empty one behind.
func openExisting(ctx context.Context, spec string) (*backend, error) {
	if spec != "memory" && !isPostgres(spec) && !strings.Contains(spec, "://") {
		if _, err := os.Stat(spec); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: give the server's database with -db (or $ACCORD_DB)", spec)
		}
	}
	return openBackend(ctx, spec)
}

// checkSQLitePath says what stands in the way of opening an SQLite file at
// path, before the driver reports it in its own words: a directory that
// does not exist, a file or directory the user may not write.
func checkSQLitePath(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("SQLite %s: the directory %s does not exist; create it first", path, dir)
	case err != nil:
		return fmt.Errorf("SQLite %s: %w", path, err)
	case !info.IsDir():
		return fmt.Errorf("SQLite %s: %s is not a directory", path, dir)
	}
	if info, err := os.Stat(path); err == nil {
		if info.IsDir() {
			return fmt.Errorf("SQLite %s: is a directory, not a database file", path)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("SQLite %s: cannot open the file for reading and writing: %w", path, err)
		}
		return f.Close()
	}
	// A new file: the directory must take it.
	f, err := os.CreateTemp(dir, ".accord-probe-*")
	if err != nil {
		return fmt.Errorf("SQLite %s: cannot create the database in %s: %w", path, dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// openBackend opens the database named by spec ("memory", a postgres://
// URL, or an SQLite file) and applies pending migrations.
func openBackend(ctx context.Context, spec string) (*backend, error) {
	if scheme, _, ok := strings.Cut(spec, "://"); ok && !isPostgres(spec) {
		return nil, fmt.Errorf("-db %s: %q databases are not supported; give an SQLite file path, \"memory\", or a postgres:// URL", redact(spec), scheme)
	}
	if spec == "memory" {
		stores := memory.New()
		return &backend{Stores: stores, memLog: stores.Watches.(*memory.WatchStore), describe: "memory (nothing survives a restart)",
			tokens: memory.NewTokenStore(), close: func() error { return nil }}, nil
	}
	var s *sqlstore.Stores
	var describe string
	var err error
	var listen func(ctx context.Context)
	if isPostgres(spec) {
		describe = "PostgreSQL " + redact(spec)
		s, err = postgres.Open(spec)
		listen = func(ctx context.Context) { _ = postgres.Listen(ctx, s) }
	} else {
		describe = "SQLite " + spec
		if err := checkSQLitePath(spec); err != nil {
			return nil, err
		}
		s, err = sqlite.Open(spec)
	}
	if err != nil {
		return nil, err
	}
	applied, err := sqlstore.Migrate(ctx, s.DB, s.Dialect)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w", describe, err)
	}
	version, err := sqlstore.SchemaVersion(ctx, s.DB)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &backend{Stores: s.Stores, describe: describe, sql: s, listen: listen, tokens: s.Tokens, version: version, applied: applied, close: s.Close}, nil
}

func isPostgres(spec string) bool {
	return strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://")
}

// redact hides a password in a database URL.
func redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	cred, host, ok := strings.Cut(rest, "@")
	if !ok {
		return url
	}
	user, _, _ := strings.Cut(cred, ":")
	return scheme + "://" + user + ":***@" + host
}

// services wires every domain's service over the backend's stores, the
// review gates and links included.
// Every command is authorized by project membership and the project's
// permission table.
func (b *backend) services(events accord.EventSink) (link.Services, error) {
	authz, err := b.authorizer()
	if err != nil {
		return link.Services{}, err
	}
	return link.New(link.Options{Stores: b.Stores, Events: events, Authorizer: authz})
}

// authorizer reads memberships and permission tables from the project
// store, for every service's permission checks.
// The trackers' connectors (tracker.AsConnector) write records in every
// project as their own actor (tracker:jira), and the server's own jobs
// (serverJob) as the actor accord.
func (b *backend) authorizer() (accord.Authorizer, error) {
	projects, err := project.NewService(project.Options{Store: b.Projects})
	if err != nil {
		return nil, err
	}
	return serverJobs{tracker.Authorize(projects)}, nil
}

// serverActor is who the server's periodic jobs (review-due notices,
// milestone forecasts, link rechecks) act as.
var serverActor = accord.Actor{ID: "accord", Name: "accord server"}

type serverJobKey struct{}

// serverJob returns ctx acting as the server for its own jobs: only a
// context made here passes as serverActor, so a person who signs in with
// the ID "accord" is an ordinary (non-)member.
func serverJob(ctx context.Context) context.Context {
	return accord.WithActor(context.WithValue(ctx, serverJobKey{}, true), serverActor)
}

// serverJobs grants the server's jobs record.write in every project, as
// they write records (a risk's review notice, a slip's schedule risk, a
// suspect link) where no member asked; nothing else.
type serverJobs struct{ next accord.Authorizer }

func (a serverJobs) Access(ctx context.Context, project, member string) (accord.Access, error) {
	if job, _ := ctx.Value(serverJobKey{}).(bool); job && member == serverActor.ID {
		return accord.Access{Roles: []string{"server"}, Permissions: accord.Permissions{accord.PermRecordWrite: {"server"}}}, nil
	}
	return a.next.Access(ctx, project, member)
}

// atomically runs fn as one unit of work on an SQL backend, so its
// changes and their events commit together; on memory it just runs fn.
func (b *backend) atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if b.sql == nil {
		return fn(ctx)
	}
	return b.sql.Atomically(ctx, fn)
}
