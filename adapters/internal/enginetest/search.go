package enginetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/requirement"
)

// SearchAfterMigration checks that migration 0006 indexes the records a
// database held before it: s is a database without a schema. It applies
// the migrations before 0006, writes requirements as the stores of that
// schema did (one of them deleted), migrates, and searches.
func SearchAfterMigration(t *testing.T, s *sqlstore.Stores) {
	ctx := context.Background()
	ms, err := sqlstore.Migrations(s.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version >= 6 {
			break
		}
		if _, err := s.DB.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("migration %s: %v", m.Name, err)
		}
	}
	if _, err := s.DB.ExecContext(ctx, "CREATE TABLE accord_schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:5] {
		if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO accord_schema_migrations (version, name, applied_at) VALUES (?, ?, 0)"), m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	titles := []string{"退款流程", "支付API 接入", "Refund policy", "Deleted 退款"}
	for i, title := range titles {
		r := requirement.Requirement{ID: fmt.Sprintf("old-%d", i+1), Project: "legacy", Key: requirement.KeyOf(i + 1), Status: requirement.Draft,
			Content: requirement.Content{Title: title, Description: "说明：退款 goes back the way it came", Priority: requirement.P2, Owner: "ann"},
			Stamp:   accord.NewStamp("alice", t0)}
		var deleted any
		if strings.HasPrefix(title, "Deleted") {
			r.Stamp = r.Stamp.Tombstone("bob", t0, "obsolete")
			deleted = r.Deleted.At.UnixNano()
		}
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		search := strings.ToLower(strings.Join([]string{r.Key, r.Title, r.Background, r.Description}, "\n"))
		if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind(`INSERT INTO accord_records (kind, project, id, seq, rkey, status, class, owner, search, revision, created_at, updated_at, deleted_at, record)
			VALUES ('requirement', 'legacy', ?, ?, ?, 'draft', 'P2', 'ann', ?, ?, ?, ?, ?, ?)`), r.ID, i+1, r.Key, search, r.Revision, t0.UnixNano(), t0.UnixNano(), deleted, string(data)); err != nil {
			t.Fatalf("writing %s %q as schema 5 did: %v", r.Key, r.Title, err)
		}
	}
	if n, err := sqlstore.Migrate(ctx, s.DB, s.Dialect); err != nil || n != len(ms)-5 {
		t.Fatalf("migrating from 5: %d applied, %v", n, err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"退款", []string{"REQ-1", "REQ-3", "REQ-2"}}, // title first, then newest first
		{"支付api", []string{"REQ-2"}},
		{"refund", []string{"REQ-3"}},
		{"way it", []string{"REQ-3", "REQ-2", "REQ-1"}},
		{"款", []string{"REQ-1", "REQ-3", "REQ-2"}},
		{"deleted", nil},
	} {
		page, err := s.Requirements.SearchRequirements(ctx, "legacy", requirement.Filter{Text: tc.text}, accord.PageQuery{Size: 50})
		if err != nil {
			t.Fatalf("search for %q: %v", tc.text, err)
		}
		var got []string
		for _, r := range page.Items {
			got = append(got, r.Key)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("search for %q in what the migration indexed: %v, want %v", tc.text, got, tc.want)
		}
	}
}
