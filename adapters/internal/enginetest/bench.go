// Package enginetest runs the conformance suites and the benchmarks on an
// SQL engine; adapters/sqlite and adapters/postgres call it from their
// tests. The large-project benchmarks measure the SQL stores against a
// floor: the same operations as hand-written SQL on the same database, in
// the same run.
package enginetest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/requirement"
)

const benchProject = "bench"

var (
	statuses = requirement.Statuses()
	t0       = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Load fills the project with n requirements through the store, one
// transaction each, the statuses taking turns, each with a label. relax
// (run on the one connection the load uses) may trade durability for
// speed during the load; restore undoes it.
func Load(b *testing.B, s *sqlstore.Stores, n int, relax, restore string) {
	ctx := context.Background()
	s.DB.SetMaxOpenConns(1) // one connection, so the relaxed setting holds for the whole load
	defer s.DB.SetMaxOpenConns(0)
	if relax != "" {
		if _, err := s.DB.ExecContext(ctx, relax); err != nil {
			b.Fatal(err)
		}
		defer s.DB.ExecContext(ctx, restore)
	}
	for i := range n {
		r := requirement.Requirement{ID: fmt.Sprintf("R%07d", i), Project: benchProject, Status: statuses[i%len(statuses)],
			Content: requirement.Content{Title: fmt.Sprintf("Requirement %d", i), Description: "Orders are placed in one step; stock is reserved.",
				Priority: requirement.P2, Owner: "alice", Labels: []string{fmt.Sprintf("area-%d", i%20)},
				Acceptance: []requirement.AcceptanceCriterion{{ID: "AC-1", Text: "an order is created within 200 ms"}}},
			Stamp: accord.NewStamp("alice", t0)}
		if _, err := s.Requirements.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: t0, Record: r}); err != nil {
			b.Fatal(err)
		}
	}
}

// Size is how many requirements the benchmarks load: 100,000, or
// ACCORD_BENCH_REQUIREMENTS.
func Size() int {
	if v, err := strconv.Atoi(os.Getenv("ACCORD_BENCH_REQUIREMENTS")); err == nil && v > 10 {
		return v
	}
	return 100_000
}

// Requirements runs each operation on the loaded project twice: through
// the store (accord) and as hand-written SQL (floor).
func Requirements(b *testing.B, s *sqlstore.Stores, n int) {
	ctx := context.Background()
	q := s.Dialect.Rebind
	store := s.Requirements
	key := func(i int) string { return requirement.KeyOf(1 + (i*7919)%n) }
	// The requirement whose history is listed has 5 revisions.
	cur, err := store.GetRequirement(ctx, benchProject, "R0000003")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 4 {
		next := cur
		next.Description += " More."
		next.Stamp = cur.Stamp.Next("bob", t0.Add(time.Duration(i+1)*time.Hour))
		if cur, err = store.UpdateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: next.Revision, Kind: accord.RevisionEdited, Actor: "bob", Time: next.UpdatedAt, Record: next}); err != nil {
			b.Fatal(err)
		}
	}

	b.Run("get_by_key/accord", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := store.GetRequirementByKey(ctx, benchProject, key(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("get_by_key/floor", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var data []byte
			if err := s.DB.QueryRowContext(ctx, q("SELECT record FROM accord_records WHERE kind = 'requirement' AND project = ? AND rkey = ?"), benchProject, key(i)).Scan(&data); err != nil {
				b.Fatal(err)
			}
			var r requirement.Requirement
			if err := json.Unmarshal(data, &r); err != nil {
				b.Fatal(err)
			}
		}
	})

	filter := requirement.Filter{Status: []requirement.Status{requirement.InReview}}
	b.Run("first_page_by_status/accord", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			page, err := store.ListRequirements(ctx, benchProject, filter, accord.PageQuery{Size: 50})
			if err != nil || len(page.Items) != 50 {
				b.Fatal(len(page.Items), err)
			}
		}
	})
	b.Run("first_page_by_status/floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rows, err := s.DB.QueryContext(ctx, q("SELECT record FROM accord_records WHERE kind = 'requirement' AND project = ? AND status = ? ORDER BY seq LIMIT 50"), benchProject, string(requirement.InReview))
			if err != nil {
				b.Fatal(err)
			}
			var items []requirement.Requirement
			for rows.Next() {
				var data []byte
				var r requirement.Requirement
				if err := rows.Scan(&data); err != nil {
					b.Fatal(err)
				}
				if err := json.Unmarshal(data, &r); err != nil {
					b.Fatal(err)
				}
				items = append(items, r)
			}
			rows.Close()
			if len(items) != 50 {
				b.Fatal(len(items))
			}
		}
	})

	// Updates go to two requirements of their own, so that every run
	// starts from what the previous one left.
	update := func(b *testing.B, id string, write func(next accord.Revision[requirement.Requirement]) error) {
		cur, err := store.GetRequirement(ctx, benchProject, id)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			next := cur
			next.Description = fmt.Sprintf("Revision %d of the description.", cur.Revision+1)
			next.Stamp = cur.Stamp.Next("bob", t0.Add(time.Duration(i)*time.Second))
			if err := write(accord.Revision[requirement.Requirement]{Number: next.Revision, Kind: accord.RevisionEdited, Actor: "bob", Time: next.UpdatedAt, Record: next}); err != nil {
				b.Fatal(err)
			}
			cur = next
		}
	}
	b.Run("update/accord", func(b *testing.B) {
		update(b, "R0000001", func(next accord.Revision[requirement.Requirement]) error {
			_, err := store.UpdateRequirement(ctx, next)
			return err
		})
	})
	b.Run("update/floor", func(b *testing.B) {
		update(b, "R0000002", func(next accord.Revision[requirement.Requirement]) error {
			r := next.Record
			data, err := json.Marshal(r)
			if err != nil {
				return err
			}
			tx, err := s.DB.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			search := strings.ToLower(strings.Join([]string{r.Key, r.Title, r.Background, r.Description}, "\n"))
			head := utf8.RuneCountInString(strings.ToLower(r.Key + "\n" + r.Title))
			res, err := tx.ExecContext(ctx, q(`UPDATE accord_records SET status = ?, class = ?, owner = ?, search = ?, pairs = ?, head = ?, revision = ?, updated_at = ?, record = ?
				WHERE kind = 'requirement' AND project = ? AND id = ? AND revision = ?`),
				string(r.Status), string(r.Priority), r.Owner, search, doubled(search), head, r.Revision, r.UpdatedAt.UnixNano(), string(data), benchProject, r.ID, r.Revision-1)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("stale")
			}
			if _, err := tx.ExecContext(ctx, q("DELETE FROM accord_tags WHERE kind = 'requirement' AND project = ? AND id = ?"), benchProject, r.ID); err != nil {
				return err
			}
			for _, l := range r.Labels {
				if _, err := tx.ExecContext(ctx, q("INSERT INTO accord_tags (kind, benchProject, id, tag) VALUES ('requirement', ?, ?, ?)"), benchProject, r.ID, "label:"+l); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, q(`INSERT INTO accord_revisions (kind, benchProject, id, number, change, actor, at, note, record)
				VALUES ('requirement', ?, ?, ?, 'edited', 'bob', ?, '', ?)`), benchProject, r.ID, r.Revision, r.UpdatedAt.UnixNano(), string(data)); err != nil {
				return err
			}
			return tx.Commit()
		})
	})

	b.Run("list_revisions/accord", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := store.ListRequirementRevisions(ctx, benchProject, "R0000003"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("list_revisions/floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rows, err := s.DB.QueryContext(ctx, q("SELECT number, change, actor, at, note, record FROM accord_revisions WHERE kind = 'requirement' AND project = ? AND id = ? ORDER BY number"), benchProject, "R0000003")
			if err != nil {
				b.Fatal(err)
			}
			var out []accord.Revision[requirement.Requirement]
			for rows.Next() {
				var v accord.Revision[requirement.Requirement]
				var change string
				var at int64
				var data []byte
				if err := rows.Scan(&v.Number, &change, &v.Actor, &at, &v.Note, &data); err != nil {
					b.Fatal(err)
				}
				v.Kind, v.Time = accord.RevisionKind(change), time.Unix(0, at).UTC()
				if err := json.Unmarshal(data, &v.Record); err != nil {
					b.Fatal(err)
				}
				out = append(out, v)
			}
			rows.Close()
			if len(out) == 0 {
				b.Fatal("no revisions")
			}
		}
	})
}
