package link_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/requirement"
)

// BenchmarkUpdateEvent measures one requirement update through the
// pipeline to the outbox, in a project with 1,000 references to tracker
// items (200 on SQLite, whose setup writes each to disk), on memory
// stores and on SQLite: "with-items" reads the record's items into the
// event (Event.External), "without" is the same pipeline with no
// reference store, the floor it is compared with.
func BenchmarkUpdateEvent(b *testing.B) {
	for _, engine := range []string{"memory", "sqlite"} {
		for _, withItems := range []bool{false, true} {
			name := engine + "/without"
			if withItems {
				name = engine + "/with-items"
			}
			b.Run(name, func(b *testing.B) { benchUpdateEvent(b, engine, withItems) })
		}
	}
}

func benchUpdateEvent(b *testing.B, engine string, withItems bool) {
	stores, n := memory.New(), 1000
	if engine == "sqlite" {
		db, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if _, err := sqlstore.Migrate(context.Background(), db.DB, sqlstore.SQLite); err != nil {
			b.Fatal(err)
		}
		stores, n = db.Stores, 200
	}
	refStore := stores.External
	if !withItems {
		stores.External = nil
	}
	s, err := link.New(link.Options{Stores: stores, Events: accord.EventSinkFunc(func(context.Context, accord.Event) {})})
	if err != nil {
		b.Fatal(err)
	}
	refs, err := external.NewService(external.Options{Store: refStore, Records: s.Records})
	if err != nil {
		b.Fatal(err)
	}
	var r requirement.Requirement
	for i := range n {
		if r, err = s.Requirements.Create(alice, "p", requirement.ContentInput{Content: content()}); err != nil {
			b.Fatal(err)
		}
		if _, err = refs.Add(alice, "p", external.NewReference{Record: r.Ref(), System: external.Jira, Key: fmt.Sprintf("SHOP-%d", i+1)}); err != nil {
			b.Fatal(err)
		}
	}
	in := requirement.ContentInput{Content: content()}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		in.Description = fmt.Sprintf("revision %d", i)
		if r, err = s.Requirements.Update(alice, "p", r.ID, r.Revision, in); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
