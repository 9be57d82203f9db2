package sqlstore

import (
	"strings"
	"testing"
)

func TestOnlyKeepsTheEnginesBlocks(t *testing.T) {
	src := "A;\n{{sqlite}}\nB;\n{{end}}\n  {{postgres}}  \nC;\n{{end}}\nD;\n"
	for d, want := range map[string]string{SQLite.Name: "A;\nB;\nD;\n", Postgres.Name: "A;\nC;\nD;\n"} {
		got, err := Dialect{Name: d}.only(src)
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", d, got, err, want)
		}
	}
	for _, bad := range []string{"{{sqlite}}\n{{postgres}}\n{{end}}\n", "{{end}}\n", "{{postgres}}\nX;\n"} {
		if _, err := SQLite.only(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// Every migration's blocks are well formed for both engines.
	for _, d := range []Dialect{SQLite, Postgres} {
		ms, err := Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if strings.Contains(m.SQL, "{{") {
				t.Errorf("%s for %s keeps a marker", m.Name, d.Name)
			}
		}
	}
}

func TestDoubledAndTrigrams(t *testing.T) {
	if got := doubled("退款 Ab"); got != "退退款款  AAbb" {
		t.Errorf("doubled: %q", got)
	}
	if got := trigrams(`a"bca"b`); got != `"a""b" AND """bc" AND "bca" AND "ca"""` {
		t.Errorf("trigrams: %s", got)
	}
	if got := trigrams("退款流程"); got != `"退款流" AND "款流程"` {
		t.Errorf("trigrams: %s", got)
	}
	if got := trigrams("aaaa"); got != `"aaa"` {
		t.Errorf("trigrams of a repeat: %s", got)
	}
}

func TestPlaceholdersAreNotReadInsideLiterals(t *testing.T) {
	got := Postgres.q("SELECT 1 WHERE a = ? AND b LIKE " + postgresLiteral("%what's new? a\\'?%") + " AND c = ?")
	want := `SELECT 1 WHERE a = $1 AND b LIKE E'%what''s new? a\\''?%' AND c = $2`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
