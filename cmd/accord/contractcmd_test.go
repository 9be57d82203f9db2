package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the test binary as `accord args...` and returns its output
// and exit status.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ACCORD_TEST_CLI="+strings.Join(args, "\x1f"))
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errOut.String(), exit.ExitCode()
	}
	require.NoError(t, err)
	return out.String(), errOut.String(), 0
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestContractDiffCommand(t *testing.T) {
	dir := t.TempDir()
	spec := func(maximum int, extra string) string {
		return `{"service":"orders","operations":[{"id":"createOrder","method":"POST","path":"/orders",
			"request_body":{"required":true,"content":{"application/json":{"schema":{"type":"object",
			"properties":{"quantity":{"type":"integer","maximum":` + strconv.Itoa(maximum) + `}` + extra + `}}}}},
			"responses":{"201":{}}}]}`
	}
	old := writeFile(t, dir, "old.json", spec(100, ""))
	tighter := writeFile(t, dir, "new.json", spec(10, ""))
	wider := writeFile(t, dir, "wider.json", `{"spec":`+spec(100, `,"note":{"type":"string"}`)+`}`)

	out, _, code := runCLI(t, "contract", "diff", "-format", "json", old, tighter)
	assert.Equal(t, 0, code, "without -fail-on a diff that ran exits 0")
	var report struct {
		Changes []map[string]any `json:"changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report), out)
	require.Len(t, report.Changes, 1)
	for _, key := range []string{"id", "level", "direction", "operation", "location", "message", "fingerprint"} {
		assert.NotEmpty(t, report.Changes[0][key], key)
	}
	assert.Equal(t, "request-property-max-decreased", report.Changes[0]["id"])

	_, stderr, code := runCLI(t, "contract", "diff", "-fail-on", "breaking", old, tighter)
	assert.Equal(t, 1, code, "a breaking change with -fail-on breaking exits 1: %s", stderr)

	out, _, code = runCLI(t, "contract", "diff", "-fail-on", "breaking", old, wider)
	assert.Equal(t, 0, code, "an optional property added breaks nothing: %s", out)
	assert.Contains(t, out, "0 breaking, 0 warning, 1 info")
	_, _, code = runCLI(t, "contract", "diff", "-fail-on", "warning", old, wider)
	assert.Equal(t, 0, code)

	out, _, code = runCLI(t, "contract", "diff", "-format", "markdown", old, tighter)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "| error | `request-property-max-decreased` | `"+filepath.ToSlash(tighter)+":3` | **POST /orders**:")

	for name, args := range map[string][]string{
		"one file":          {"contract", "diff", old},
		"missing file":      {"contract", "diff", old, filepath.Join(dir, "nope.json")},
		"bad format":        {"contract", "diff", "-format", "yaml", old, tighter},
		"bad fail-on":       {"contract", "diff", "-fail-on", "info", old, tighter},
		"not JSON":          {"contract", "diff", old, writeFile(t, dir, "bad.json", "operations: []")},
		"unknown field":     {"contract", "diff", old, writeFile(t, dir, "typo.json", `{"service":"orders","operatons":[]}`)},
		"Swagger, no title": {"contract", "diff", old, writeFile(t, dir, "swagger.json", `{"swagger":"2.0","paths":{}}`)},
		"unknown subcmd":    {"contract", "merge", old, tighter},
	} {
		_, stderr, code := runCLI(t, args...)
		assert.Equal(t, 2, code, "%s: a usage or input error exits 2", name)
		assert.NotEmpty(t, stderr, name)
	}
	_, stderr, _ = runCLI(t, "contract", "diff", old, filepath.Join(dir, "typo.json"))
	assert.Contains(t, stderr, "typo.json")
	assert.Contains(t, stderr, "operatons", "the error names the unknown field")
}

func TestContractLintAndValidateCommands(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "orders.json", `{"service":"orders","operations":[{"id":"getOrder","method":"GET","path":"/orders/{id}",
		"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],
		"responses":{"200":{"content":{"application/json":{"schema":{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}}}}}}]}`)
	bad := writeFile(t, dir, "bad.json", `{"service":"orders","operations":[{"id":"getOrder","method":"GET","path":"/orders",
		"responses":{"404":{}},"error_codes":["GONE"]}]}`)

	out, _, code := runCLI(t, "contract", "lint", good)
	assert.Equal(t, 0, code, out)
	out, _, code = runCLI(t, "contract", "lint", bad)
	assert.Equal(t, 1, code, "a lint error exits 1")
	assert.Contains(t, out, "GONE")

	req := writeFile(t, dir, "req.json", `{"method":"GET","path":"/orders/7"}`)
	resp := writeFile(t, dir, "resp.json", `{"status":200,"body":{"id":7}}`)
	out, _, code = runCLI(t, "contract", "validate", good, "-request", req, "-response", resp)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "keeps the contract")

	badReq := writeFile(t, dir, "badreq.json", `{"method":"GET","path":"/orders/seven"}`)
	badResp := writeFile(t, dir, "badresp.json", `{"status":200,"body":{"id":"7"}}`)
	out, _, code = runCLI(t, "contract", "validate", good, "-request", badReq, "-response", badResp)
	assert.Equal(t, 1, code, "a violation exits 1")
	assert.Contains(t, out, "path")
	assert.Contains(t, out, "response_body /id")

	_, stderr, code := runCLI(t, "contract", "validate", good)
	assert.Equal(t, 2, code, "no -request is a usage error: %s", stderr)
	_, stderr, code = runCLI(t, "contract", "validate", good, "-request", writeFile(t, dir, "typo.json", `{"method":"GET","pth":"/x"}`))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "pth")
}

func TestContractImportCommandAndOpenAPIDiffs(t *testing.T) {
	dir := t.TempDir()
	doc := func(maximum string) string {
		return "openapi: 3.0.3\ninfo: {title: orders, version: '1'}\npaths:\n  /orders:\n    post:\n      operationId: createOrder\n" +
			"      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n" +
			"              type: object\n              properties:\n                quantity: {type: integer, maximum: " + maximum + "}\n" +
			"      responses:\n        '201': {description: created}\n      security: [{key: []}]\n"
	}
	old := writeFile(t, dir, "old.yaml", doc("100"))
	tighter := writeFile(t, dir, "new.yaml", doc("10"))

	out, stderr, code := runCLI(t, "contract", "import", old)
	require.Equal(t, 0, code, stderr)
	var imported struct {
		Spec   map[string]any `json:"spec"`
		Report struct {
			Operations int `json:"operations"`
			Notes      []struct{ Pointer, Kind string }
		} `json:"report"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &imported), out)
	assert.Equal(t, "orders", imported.Spec["service"])
	assert.Equal(t, 1, imported.Report.Operations)
	assert.Empty(t, imported.Report.Notes, "security is imported, not dropped")
	assert.Equal(t, []any{map[string]any{"key": []any{}}}, imported.Spec["operations"].([]any)[0].(map[string]any)["security"])

	out, _, code = runCLI(t, "contract", "diff", "-fail-on", "breaking", old, tighter)
	assert.Equal(t, 1, code, "OpenAPI files are compared too: %s", out)
	assert.Contains(t, out, "request-property-max-decreased")

	_, stderr, code = runCLI(t, "contract", "import", writeFile(t, dir, "dup.yaml", "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\npaths: {}\n"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "line 4")
}

func TestContractExportCommand(t *testing.T) {
	out, stderr, code := runCLI(t, "contract", "export", "-version", "2.1.0", filepath.Join("..", "..", "contract", "testdata", "oas-examples", "2.0", "petstore.json"))
	require.Equal(t, 0, code, stderr)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Version string }
		Paths   map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	assert.Equal(t, "3.1.0", doc.OpenAPI)
	assert.Equal(t, "2.1.0", doc.Info.Version)
	assert.NotEmpty(t, doc.Paths)
	_, _, code = runCLI(t, "contract", "export")
	assert.Equal(t, 2, code)
}

// TestContractCommandsOnTheClassicPetstore: an operation that declares
// only a default response validates (it used to panic on a nil
// validator), and -strict turns an unresolved $ref from a note into an
// error.
func TestContractCommandsOnTheClassicPetstore(t *testing.T) {
	dir := t.TempDir()
	doc := writeFile(t, dir, "petstore.yaml", `
openapi: 3.0.0
info: {title: Swagger Petstore, version: 1.0.7}
servers: [{url: 'http://petstore.swagger.io/v1/'}]
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        default:
          description: unexpected error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
  /pets/{petId}:
    get:
      operationId: show pet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
        - $ref: 'common.yaml#/Limit'
      responses:
        '200': {description: a pet}
components:
  schemas:
    Error:
      type: object
      required: [code]
      properties: {code: {type: integer}}
`)
	req := writeFile(t, dir, "req.json", `{"method":"GET","path":"/v1/pets"}`)
	good := writeFile(t, dir, "good.json", `{"status":500,"body":{"code":7}}`)
	bad := writeFile(t, dir, "bad.json", `{"status":500,"body":{"code":"seven"}}`)

	out, stderr, code := runCLI(t, "contract", "validate", doc, "-request", req, "-response", good)
	assert.Equal(t, 0, code, "%s%s", out, stderr)
	assert.Contains(t, out, "the exchange keeps the contract")
	out, _, code = runCLI(t, "contract", "validate", doc, "-request", req, "-response", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "listPets (GET /pets): 500 response_body /code: type: must be an integer")

	out, _, code = runCLI(t, "contract", "import", doc)
	require.Equal(t, 0, code, out)
	var imported struct {
		Spec struct {
			APIVersion string `json:"api_version"`
			BasePath   string `json:"base_path"`
			Operations []struct {
				ID          string `json:"id"`
				DisplayName string `json:"display_name"`
			} `json:"operations"`
		} `json:"spec"`
		Report struct {
			Notes []struct{ Pointer, Kind, Message string } `json:"notes"`
		} `json:"report"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &imported), out)
	assert.Equal(t, "1.0.7", imported.Spec.APIVersion)
	assert.Equal(t, "/v1", imported.Spec.BasePath, "the trailing slash of the server URL is dropped")
	require.Len(t, imported.Spec.Operations, 2)
	assert.Equal(t, "show_pet", imported.Spec.Operations[1].ID)
	assert.Equal(t, "show pet", imported.Spec.Operations[1].DisplayName)
	var unresolved []string
	for _, n := range imported.Report.Notes {
		if strings.Contains(n.Message, "cannot be resolved") {
			unresolved = append(unresolved, n.Pointer)
		}
	}
	assert.Equal(t, []string{"/paths/~1pets~1{petId}/get/parameters/1/$ref"}, unresolved)

	_, stderr, code = runCLI(t, "contract", "import", "-strict", doc)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "common.yaml")
	_, stderr, code = runCLI(t, "contract", "validate", doc, "-strict", "-request", req)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "/paths/~1pets~1{petId}/get/parameters/1/$ref")

	out, _, code = runCLI(t, "contract", "export", doc)
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"version": "1.0.7"`, "export keeps info.version")
	assert.Contains(t, out, `"operationId": "show pet"`, "export writes the operationId as the document did")
}

// TestContractValidateNamesWhatDoesNotCompile: a document whose schema
// does not compile is refused with the place in the document and the
// operation as the document names it.
func TestContractValidateNamesWhatDoesNotCompile(t *testing.T) {
	dir := t.TempDir()
	doc := writeFile(t, dir, "bad.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: makeA\n"+
		"      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {type: object, properties: {n: {type: whole}}}\n"+
		"      responses: {'200': {description: ok}}\n")
	req := writeFile(t, dir, "req.json", `{"method":"POST","path":"/a"}`)
	_, stderr, code := runCLI(t, "contract", "validate", doc, "-request", req)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "the contract does not compile:\n  error schema-invalid /paths/~1a/post/requestBody/content/application~1json/schema: makeA (POST /a): schema does not compile: at /properties/n/type")
	assert.NotContains(t, stderr, "operations[0]")
}
