package contract_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/accordhq/accord/contract"
)

// realWorld reads one of the large public API descriptions in
// testdata/realworld (see its README for sources and licences).
func realWorld(tb testing.TB, name string) []byte {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "realworld", name))
	require.NoError(tb, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(tb, err)
	raw, err := io.ReadAll(z)
	require.NoError(tb, err)
	return raw
}

// rawDocument decodes a document with a plain decoder, independent of the
// importer, so the test can count its operations and resolve pointers.
func rawDocument(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if bytes.HasPrefix(bytes.TrimSpace(doc), []byte("{")) {
		require.NoError(t, json.Unmarshal(doc, &v))
		return v
	}
	// yaml.v3 refuses repeated keys; strip the one repeated key the
	// Stripe 2020 document has so the reference decoder can read it.
	require.NoError(t, yaml.Unmarshal(bytes.Replace(doc, []byte("    refund:\n      description: |-\n      description: |-"), []byte("    refund:\n      description: |-"), 1), &v))
	return v
}

func countOperations(doc map[string]any) int {
	n := 0
	for _, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				n++
			}
		}
	}
	return n
}

// resolves reports whether a JSON pointer names a place in the document.
func resolves(doc any, pointer string) bool {
	if pointer == "" || pointer == "/" {
		return true
	}
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return false
			}
			cur = c[i]
		default:
			return false
		}
	}
	return true
}

// TestImportLargeRealWorldDocuments imports public API descriptions of
// several hundred operations, OpenAPI 3.0 and 3.1 and Swagger 2.0, JSON
// and YAML. Every operation is imported or reported dropped, every note
// points at a real place in the document, the contract compiles, and
// export → import gives the same spec back. A minimal request made from
// each operation's schemas validates (checkGeneratedRequests). The report per document is
// logged (go test -v -run LargeRealWorld ./contract).
func TestImportLargeRealWorldDocuments(t *testing.T) {
	for _, tc := range []struct {
		file, format string
		operations   int // in the document, counted by the test
	}{
		{"github-rest.json.gz", "OpenAPI 3.0.3", 1223},
		{"stripe-2023-10-16.yaml.gz", "OpenAPI 3.0.0", 494},
		{"stripe-2020-08-27.yaml.gz", "OpenAPI 3.0.0", 402},
		{"llamacloud.json.gz", "OpenAPI 3.1.0", 209},
		{"figma.yaml.gz", "OpenAPI 3.1.0", 54},
		{"kubernetes.json.gz", "Swagger 2.0", 853},
	} {
		t.Run(tc.file, func(t *testing.T) {
			doc := realWorld(t, tc.file)
			raw := rawDocument(t, doc)
			require.Equal(t, tc.operations, countOperations(raw), "operations in the document")

			start := time.Now()
			spec, report, err := contract.ImportOpenAPI(doc)
			took := time.Since(start)
			require.NoError(t, err)
			assert.Equal(t, tc.format, report.Format)

			kinds := map[string]int{}
			droppedOps := 0
			for _, n := range report.Notes {
				kinds[n.Kind]++
				assert.Contains(t, []string{"dropped", "approximated"}, n.Kind)
				assert.True(t, resolves(raw, n.Pointer), "the note's pointer names a place in the document: %+v", n)
				assert.NotEmpty(t, n.Message)
				if strings.Contains(n.Message, "cannot be imported") {
					droppedOps++
				}
			}
			assert.Equal(t, tc.operations, report.Operations+droppedOps, "every operation is imported or reported dropped")
			assert.Equal(t, len(spec.Operations), report.Operations)
			assert.LessOrEqual(t, droppedOps*100, tc.operations, "at most 1%% of the operations are dropped")

			v, err := contract.Compile(spec)
			require.NoError(t, err, "the imported contract compiles")
			// A minimal request for every operation, not a sample: cheap
			// next to compiling, under -race too (the log says how cheap).
			start = time.Now()
			checkGeneratedRequests(t, spec, v)
			generated := time.Since(start)

			exported, err := contract.OpenAPI(spec, "") // info.version as the document wrote it
			require.NoError(t, err)
			again, againReport, err := contract.ImportOpenAPI(exported)
			require.NoError(t, err)
			assert.Empty(t, againReport.Notes, "an accord export loses nothing")
			assert.Equal(t, spec, again, "import → export → import gives an equal spec")

			t.Logf("%s: %s, %d KB, %d of %d operations imported, %d note(s) (%s), imported in %s, a generated request per operation validated in %s",
				tc.file, report.Format, len(doc)/1024, report.Operations, tc.operations, len(report.Notes), summarize(kinds), took.Round(time.Millisecond), generated.Round(time.Millisecond))
		})
	}
}

func summarize(kinds map[string]int) string {
	return fmt.Sprintf("%d dropped, %d approximated", kinds["dropped"], kinds["approximated"])
}

// TestCompareRealWorldPair compares two releases of Stripe's API three
// years apart: removed paths and new enum values in responses are found as
// breaking, and comparing either release with itself finds nothing.
func TestCompareRealWorldPair(t *testing.T) {
	old, _, err := contract.ImportOpenAPI(realWorld(t, "stripe-2020-08-27.yaml.gz"))
	require.NoError(t, err)
	new, _, err := contract.ImportOpenAPI(realWorld(t, "stripe-2023-10-16.yaml.gz"))
	require.NoError(t, err)
	assert.Empty(t, contract.Compare(old, old))
	assert.Empty(t, contract.Compare(new, new))

	changes := contract.Compare(old, new)
	ids := map[string]int{}
	for _, c := range contract.BreakingChanges(changes) {
		ids[c.ID]++
		assert.NotEmpty(t, c.Fingerprint)
		assert.True(t, strings.HasPrefix(c.Location, "/"), "%+v", c)
	}
	assert.Positive(t, ids["api-path-removed-without-deprecation"], "paths removed between the releases")
	assert.Positive(t, ids["response-property-enum-value-added"], "enum values added to responses")
	assert.Positive(t, ids["request-property-enum-value-removed"], "enum values removed from requests")
	again := contract.Compare(old, new)
	assert.Equal(t, changes, again, "the same pair gives the same changes in the same order")
	t.Logf("Stripe 2020-08-27 → 2023-10-16: %d changes, %d breaking", len(changes), len(contract.BreakingChanges(changes)))
}

// The real-world benchmarks read the public API descriptions in
// testdata/realworld (see its README).
func BenchmarkImportRealWorld(b *testing.B) {
	doc := realWorld(b, "github-rest.json.gz")
	b.SetBytes(int64(len(doc)))
	var report contract.ImportReport
	for b.Loop() {
		var err error
		if _, report, err = contract.ImportOpenAPI(doc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(report.Operations), "operations")
}

// BenchmarkCompileRealWorld builds the validator for GitHub's 1,223
// operations: what a service pays once at start-up.
func BenchmarkCompileRealWorld(b *testing.B) {
	spec, _, err := contract.ImportOpenAPI(realWorld(b, "github-rest.json.gz"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := contract.Compile(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompareRealWorld compares two releases of Stripe's API three
// years apart, imported once.
func BenchmarkCompareRealWorld(b *testing.B) {
	old, _, err := contract.ImportOpenAPI(realWorld(b, "stripe-2020-08-27.yaml.gz"))
	if err != nil {
		b.Fatal(err)
	}
	new, _, err := contract.ImportOpenAPI(realWorld(b, "stripe-2023-10-16.yaml.gz"))
	if err != nil {
		b.Fatal(err)
	}
	var changes []contract.Change
	for b.Loop() {
		changes = contract.Compare(old, new)
	}
	b.ReportMetric(float64(len(contract.BreakingChanges(changes))), "breaking")
	b.ReportMetric(float64(len(changes)), "changes")
}
