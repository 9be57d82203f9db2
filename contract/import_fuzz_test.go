package contract_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// FuzzImportCompileValidate mutates real OpenAPI documents and runs them
// through the whole path a user's document takes: import, compile, and
// validation of a request made from each operation and of its responses.
// A panic anywhere, a nil validator without an error, or an import error
// that is not an accord error fails.
//
//	go test -run '^$' -fuzz FuzzImportCompileValidate -fuzztime 2m ./contract
func FuzzImportCompileValidate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "oas-examples", "*", "*.*"))
	for _, file := range files {
		doc, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if len(doc) <= 64<<10 { // the large ones slow every mutation down
			f.Add(doc)
		}
	}
	for _, doc := range []string{
		`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"default":{"description":"d"}}}}}}`,
		`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"servers":[{"url":"{s}://h/{v}/","variables":{"s":{"default":"https"},"v":{"default":"v1"}}}],"paths":{"/a/{id}":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],"post":{"operationId":"make it","requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Missing"}}}},"responses":{"201":{"$ref":"other.yaml#/R"}}}}}}`,
		"swagger: '2.0'\ninfo: {title: t, version: '1'}\nbasePath: /v2/\npaths:\n  /p/{x}:\n    get:\n      parameters: [{name: x, in: path, required: true, type: string, pattern: '^[a-f]{3}$'}]\n      responses: {default: {description: d, schema: {type: array, items: {$ref: '#/definitions/P'}}}}\ndefinitions:\n  P: {type: object, required: [n], properties: {n: {type: string}}}\n",
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		spec, _, err := contract.ImportOpenAPI(doc)
		if err != nil {
			var ae *accord.Error
			if !errors.As(err, &ae) {
				t.Fatalf("the import fails with an error that is not an accord error: %v", err)
			}
			return
		}
		v, err := contract.Compile(spec)
		if err != nil {
			return
		}
		if v == nil {
			t.Fatal("Compile returned neither a validator nor an error")
		}
		for i, op := range spec.Operations {
			if i == 20 {
				break
			}
			r, body := minimalRequest(spec, op)
			v.ValidateRequest(r, body)
			for key := range op.Responses {
				status := 200
				if len(key) == 3 && key[0] >= '1' && key[0] <= '5' {
					status = int(key[0]-'0') * 100
				}
				v.ValidateResponse(r, status, http.Header{"Content-Type": {"application/json"}}, []byte(`{"code":"x","a":[1,{}]}`))
			}
		}
	})
}
