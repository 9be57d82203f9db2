package transfer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

const benchRequirements = 10_000

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func memoryStores() adapters.Stores { return memory.New() }

func sqliteStores(b testing.TB) (adapters.Stores, *sqlstore.Stores) {
	s, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := sqlstore.Migrate(context.Background(), s.DB, s.Dialect); err != nil {
		b.Fatal(err)
	}
	return s.Stores, s
}

// load fills a project with benchRequirements requirements of two
// revisions each.
func load(b *testing.B, s adapters.Stores) {
	ctx := context.Background()
	p := project.Project{Key: "bench", Name: "Bench", Members: []project.Member{{Actor: "alice", Roles: []string{"admin"}}}, Stamp: accord.NewStamp("alice", t0)}
	if _, err := s.Projects.CreateProject(ctx, accord.Revision[project.Project]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: t0, Record: p}); err != nil {
		b.Fatal(err)
	}
	for i := range benchRequirements {
		r := requirement.Requirement{ID: fmt.Sprintf("R%06d", i), Project: "bench", Status: requirement.Draft,
			Content: requirement.Content{Title: fmt.Sprintf("Requirement %d", i), Description: "Orders are refunded in one step.", Priority: requirement.P2, Owner: "alice",
				Acceptance: []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "a refund returns 201", TestRef: "TestRefund"}}},
			Stamp: accord.NewStamp("alice", t0)}
		stored, err := s.Requirements.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: t0, Record: r})
		if err != nil {
			b.Fatal(err)
		}
		stored.Status, stored.Stamp = requirement.InReview, stored.Stamp.Next("alice", t0.Add(time.Hour))
		if _, err := s.Requirements.UpdateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 2, Kind: accord.RevisionTransitioned, Actor: "alice", Time: t0.Add(time.Hour), Record: stored}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransfer exports a project of 10,000 requirements (two
// revisions each) and imports it into an empty store, against the floor
// of reading every requirement once.
func BenchmarkTransfer(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, src adapters.Stores, fresh func() (adapters.Stores, func(context.Context, func(context.Context) error) error)) {
		load(b, src)
		b.Run("floor_read_every_requirement", func(b *testing.B) {
			for b.Loop() {
				q := accord.PageQuery{Size: accord.MaxPageSize}
				for {
					page, err := src.Requirements.ListRequirements(ctx, "bench", requirement.Filter{}, q)
					if err != nil {
						b.Fatal(err)
					}
					if q.Token = page.NextPageToken; q.Token == "" {
						break
					}
				}
			}
		})
		var doc transfer.Document
		b.Run("export", func(b *testing.B) {
			for b.Loop() {
				var err error
				if doc, err = transfer.Export(ctx, src, "bench", t0); err != nil || len(doc.Requirements) != benchRequirements {
					b.Fatal(len(doc.Requirements), err)
				}
			}
		})
		b.Run("import", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				dst, atomically := fresh()
				b.StartTimer()
				if err := atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, dst, doc) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	direct := func(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }
	b.Run("memory", func(b *testing.B) {
		run(b, memoryStores(), func() (adapters.Stores, func(context.Context, func(context.Context) error) error) {
			return memoryStores(), direct
		})
	})
	b.Run("sqlite", func(b *testing.B) {
		src, raw := sqliteStores(b)
		raw.DB.SetMaxOpenConns(1)
		if _, err := raw.DB.Exec("PRAGMA synchronous=OFF"); err != nil {
			b.Fatal(err)
		}
		run(b, src, func() (adapters.Stores, func(context.Context, func(context.Context) error) error) {
			dst, s := sqliteStores(b)
			return dst, s.Atomically
		})
	})
}
