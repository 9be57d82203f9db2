package reqfile_test

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accordhq/accord/requirement/reqfile"
)

// A file is outside input: Parse never panics, and what it reads it writes
// back so that reading again gives the same requirement.
func FuzzParse(f *testing.F) {
	golden, err := os.ReadFile("testdata/REQ-3.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte("---\ntitle: a\n---\n## 验收标准\n| 编号 | 标准 |\n|---|---|\n| AC-1 | x \\| y<br>z |\n"))
	f.Add([]byte("---\ntitle: t\nlinks: [a/b]\nrevision: 2\n---\n\n## KPIs\n- a\n* b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := reqfile.Parse("f.md", data)
		if err != nil {
			return
		}
		again, err := reqfile.Parse("f.md", reqfile.Format(first, first.Lang))
		if err != nil {
			t.Fatalf("the written form of a parsed file does not parse: %v\n%s", err, reqfile.Format(first, first.Lang))
		}
		if diff := cmp.Diff(first.Content, again.Content); diff != "" {
			t.Fatalf("write and read again changed the content:\n%s", diff)
		}
		if first.Key != again.Key || first.Revision != again.Revision || first.Status != again.Status {
			t.Fatalf("front matter changed: %+v / %+v", first, again)
		}
	})
}
