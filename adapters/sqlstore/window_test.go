package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/accordhq/accord/adapters/storetest"
	"github.com/accordhq/accord/requirement"
)

func TestWalkCoversTheRangeInOrderAndStopsWhenFull(t *testing.T) {
	defer func(w int) { firstWindow = w }(firstWindow)
	firstWindow = 2
	hits := []int{1, 2, 5, 9, 10, 11, 30, 31, 70} // the numbers that match
	var scans []bool
	fetch := func(down bool, windows *[][2]int) func(a, b, n int, scan bool) ([]int, error) {
		return func(a, b, n int, scan bool) ([]int, error) {
			*windows = append(*windows, [2]int{a, b})
			scans = append(scans, scan)
			var out []int
			for _, h := range hits {
				if h >= a && h < b {
					out = append(out, h)
				}
			}
			if down {
				slices.Reverse(out)
			}
			return out[:min(n, len(out))], nil
		}
	}
	var windows [][2]int
	got, err := walk(1, 100, false, 100, fetch(false, &windows))
	if err != nil || !slices.Equal(got, hits) {
		t.Errorf("up, all: %v, %v; want %v", got, err, hits)
	}
	if want := [][2]int{{1, 3}, {3, 19}, {19, 100}}; !slices.Equal(windows, want) {
		t.Errorf("up: windows %v; want %v (each eight times the last, to the end)", windows, want)
	}
	if want := []bool{true, false, false}; !slices.Equal(scans, want) {
		t.Errorf("up: scans %v; want %v (the first window read in order, the others through the index)", scans, want)
	}
	windows = nil
	got, _ = walk(3, 100, false, 3, fetch(false, &windows))
	if want := []int{5, 9, 10}; !slices.Equal(got, want) || len(windows) != 2 {
		t.Errorf("up from 3, 3 wanted: %v in windows %v; want %v in two windows", got, windows, want)
	}
	windows = nil
	got, _ = walk(1, 71, true, 4, fetch(true, &windows))
	if want := []int{70, 31, 30, 11}; !slices.Equal(got, want) {
		t.Errorf("down, 4 wanted: %v (windows %v); want %v", got, windows, want)
	}
	windows = nil
	if got, _ = walk(1, 1, true, 4, fetch(true, &windows)); len(got) != 0 || len(windows) != 0 {
		t.Errorf("an empty range: %v, windows %v; want nothing read", got, windows)
	}
}

// TestSearchAcrossWindows runs the requirement conformance suite (its
// search cases: every text, page sizes 1, 2 and 50, lists and ranked
// searches) with windows of one number growing eightfold, so that pages
// are filled across many windows.
func TestSearchAcrossWindows(t *testing.T) {
	defer func(w int) { firstWindow = w }(firstWindow)
	firstWindow = 1
	storetest.RequirementStore(t, func(t *testing.T) requirement.Store {
		// As adapters/sqlite opens it (which this package cannot import):
		// the suite's concurrent writers need WAL and a long busy timeout.
		db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "accord.db")+
			"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(30000)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := Migrate(context.Background(), db, SQLite); err != nil {
			t.Fatal(err)
		}
		return New(db, SQLite).Requirements
	})
}
