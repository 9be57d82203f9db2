package reqfile_test

import (
	"os"
	"testing"

	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/requirement/reqfile"
)

// Reading, linting and writing one full requirement file: what
// `accord req lint` and `push` do per file.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/REQ-3.md")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := reqfile.Parse("REQ-3.md", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAndLint(b *testing.B) {
	data, err := os.ReadFile("testdata/REQ-3.md")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f, err := reqfile.Parse("REQ-3.md", data)
		if err != nil {
			b.Fatal(err)
		}
		for _, fd := range requirement.Lint(f.Content, nil) {
			_ = f.Line(fd.Path)
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	f := reqfile.File{Key: "REQ-3", Revision: 4, Content: full()}
	b.ReportAllocs()
	for b.Loop() {
		_ = reqfile.Format(f, reqfile.English)
	}
}
