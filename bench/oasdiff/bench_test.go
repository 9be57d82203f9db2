// Package oasdiff_test measures accord's breaking-change detection side by
// side with oasdiff (github.com/oasdiff/oasdiff), the reference tool, on
// the same OpenAPI documents in the same run. It is a module of its own so
// that accord does not depend on oasdiff.
//
//	cd bench/oasdiff && go test -run ^$ -bench . -benchtime 10x
//
// The real-world pairs: two releases of Stripe's API three years apart,
// from the repository's contract/testdata/realworld, and two releases of
// GitHub Enterprise Server's API, read from $ACCORD_OPENAPI_CORPUS (the
// generated/ directory of the npm package @octokit/openapi, MIT).
package oasdiff_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"

	"github.com/accordhq/accord/contract"
)

// synthetic returns two OpenAPI documents of n operations each: every
// fourth takes an object body, all answer one; the newer document removes
// one operation in a hundred, lowers a maximum in another and adds a
// response enum value in a third.
func synthetic(b *testing.B, n int) (old, new []byte) {
	build := func(changed bool) []byte {
		spec := contract.Spec{Service: "big", Schemas: map[string]json.RawMessage{
			"Item":  json.RawMessage(`{"type":"object","required":["sku","quantity"],"properties":{"sku":{"type":"string","maxLength":32},"quantity":{"type":"integer","minimum":1,"maximum":100},"note":{"type":"string"}}}`),
			"Order": json.RawMessage(`{"type":"object","required":["id","status"],"properties":{"id":{"type":"integer"},"status":{"type":"string","enum":["open","paid"]},"items":{"type":"array","items":{"$ref":"#/components/schemas/Item"}}}}`),
		}}
		for i := range n {
			if changed && i%100 == 1 {
				continue
			}
			op := contract.Operation{ID: fmt.Sprintf("op%d", i), Method: "GET", Path: fmt.Sprintf("/r%d/{id}", i),
				Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Schema: json.RawMessage(`{"type":"string"}`)}},
				Responses: map[string]contract.Response{"200": {Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(`{"$ref":"#/components/schemas/Order"}`)}}},
					"404": {Description: "not found"}}}
			if i%4 == 0 {
				body := `{"$ref":"#/components/schemas/Item"}`
				if changed && i%100 == 4 {
					body = `{"type":"object","required":["sku","quantity"],"properties":{"sku":{"type":"string","maxLength":32},"quantity":{"type":"integer","minimum":1,"maximum":10},"note":{"type":"string"}}}`
				}
				op.Method = "POST"
				op.RequestBody = &contract.RequestBody{Required: true, Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(body)}}}
			}
			if changed && i%100 == 7 {
				op.Responses["200"] = contract.Response{Content: map[string]contract.MediaType{"application/json": {Schema: json.RawMessage(
					`{"type":"object","required":["id","status"],"properties":{"id":{"type":"integer"},"status":{"type":"string","enum":["open","paid","refunded"]}}}`)}}}
			}
			spec.Operations = append(spec.Operations, op)
		}
		doc, err := contract.OpenAPI(spec, "1.0.0")
		if err != nil {
			b.Fatal(err)
		}
		return doc
	}
	return build(false), build(true)
}

func corpusPair(b *testing.B) (old, new []byte) {
	dir := os.Getenv("ACCORD_OPENAPI_CORPUS")
	if dir == "" {
		b.Skip("ACCORD_OPENAPI_CORPUS is not set")
	}
	var err error
	if old, err = os.ReadFile(filepath.Join(dir, "ghes-3.18.json")); err != nil {
		b.Fatal(err)
	}
	if new, err = os.ReadFile(filepath.Join(dir, "ghes-3.19.json")); err != nil {
		b.Fatal(err)
	}
	return old, new
}

func testdataPair(b *testing.B, oldName, newName string) (old, new []byte) {
	read := func(name string) []byte {
		f, err := os.Open(filepath.Join("..", "..", "contract", "testdata", "realworld", name))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		z, err := gzip.NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := io.ReadAll(z)
		if err != nil {
			b.Fatal(err)
		}
		return raw
	}
	return read(oldName), read(newName)
}

func accordLoad(b *testing.B, doc []byte) contract.Spec {
	spec, _, err := contract.ImportOpenAPI(doc)
	if err != nil {
		b.Fatal(err)
	}
	return spec
}

func oasdiffLoad(b *testing.B, doc []byte, name string) *load.SpecInfo {
	loader := openapi3.NewLoader()
	info, err := load.NewSpecInfoFromData(loader, doc, name)
	if err != nil {
		b.Fatal(err)
	}
	return info
}

func oasdiffBreaking(b *testing.B, s1, s2 *load.SpecInfo) int {
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		b.Fatal(err)
	}
	changes := checker.CheckBackwardCompatibility(checker.NewConfig(checker.GetAllChecks()), d, sources)
	n := 0
	for _, c := range changes {
		if c.GetLevel() == checker.ERR {
			n++
		}
	}
	return n
}

// pair runs the four measurements on one pair of documents: each tool's
// comparison of documents it has already loaded, and load plus compare.
func pair(b *testing.B, old, new []byte) {
	b.Run("compare/accord", func(b *testing.B) {
		o, n := accordLoad(b, old), accordLoad(b, new)
		var breaking int
		for b.Loop() {
			breaking = len(contract.BreakingChanges(contract.Compare(o, n)))
		}
		b.ReportMetric(float64(breaking), "breaking")
	})
	b.Run("compare/oasdiff", func(b *testing.B) {
		o, n := oasdiffLoad(b, old, "old"), oasdiffLoad(b, new, "new")
		var breaking int
		for b.Loop() {
			breaking = oasdiffBreaking(b, o, n)
		}
		b.ReportMetric(float64(breaking), "breaking")
	})
	b.Run("load+compare/accord", func(b *testing.B) {
		for b.Loop() {
			contract.Compare(accordLoad(b, old), accordLoad(b, new))
		}
	})
	b.Run("load+compare/oasdiff", func(b *testing.B) {
		for b.Loop() {
			oasdiffBreaking(b, oasdiffLoad(b, old, "old"), oasdiffLoad(b, new, "new"))
		}
	})
}

func BenchmarkSynthetic1000(b *testing.B) {
	old, new := synthetic(b, 1000)
	pair(b, old, new)
}

func BenchmarkGitHubEnterprise(b *testing.B) {
	old, new := corpusPair(b)
	pair(b, old, new)
}

// BenchmarkStripe2020To2023 gives both tools the 2020 document without
// its one repeated YAML key, which oasdiff refuses (accord imports the
// original with a note).
func BenchmarkStripe2020To2023(b *testing.B) {
	old, new := testdataPair(b, "stripe-2020-08-27.yaml.gz", "stripe-2023-10-16.yaml.gz")
	old = bytes.Replace(old, []byte("    refund:\n      description: |-\n      description: |-"), []byte("    refund:\n      description: |-"), 1)
	pair(b, old, new)
}
