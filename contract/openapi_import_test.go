package contract_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

func TestImportOpenAPIRoundTrip(t *testing.T) {
	d := newCompatDoc()
	d.spec.BasePath = "/api"
	d.spec.Owner = "team-orders"
	d.spec.ErrorCodeField = "/error/code"
	d.spec.Requirements = []accord.Ref{{Kind: "requirement", ID: "REQ-1"}}
	d.spec.Operations[1].Requirements = []accord.Ref{{Kind: "requirement", ID: "REQ-2"}}
	spec := d.build(t)
	doc, err := contract.OpenAPI(spec, "1.0.0")
	require.NoError(t, err)

	imported, report, err := contract.ImportOpenAPI(doc)
	require.NoError(t, err)
	assert.Equal(t, "OpenAPI 3.1.0", report.Format)
	assert.Equal(t, len(spec.Operations), report.Operations)
	assert.Empty(t, report.Notes, "an accord export loses nothing")
	assert.Empty(t, contract.Compare(spec, imported), "import gives back what was exported")
	assert.Equal(t, spec.Requirements, imported.Requirements)
	assert.Equal(t, "/error/code", imported.ErrorCodeField)
	assert.Equal(t, spec.ErrorCodes, imported.ErrorCodes)

	again, err := contract.OpenAPI(imported, "1.0.0")
	require.NoError(t, err)
	third, _, err := contract.ImportOpenAPI(again)
	require.NoError(t, err)
	assert.Equal(t, imported, third, "import → export → import gives an equal spec")
}

const petstore30 = `
openapi: 3.0.3
info:
  title: pets
  version: 1.0.0
servers:
  - url: https://api.example.com/v1
  - url: https://staging.example.com/v1
security:
  - apiKey: []
paths:
  /pets/{id}:
    parameters:
      - name: id
        in: path
        required: true
        schema: {type: integer, minimum: 1}
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - name: session
          in: cookie
          schema: {type: string}
        - name: fields
          in: query
          style: pipeDelimited
          schema: {type: array, items: {type: string}}
      responses:
        200:
          description: A pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        404:
          $ref: '#/components/responses/NotFound'
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-API-Key}
  responses:
    NotFound:
      description: No such pet
  schemas:
    Pet:
      type: object
      required: [id]
      discriminator: {propertyName: kind}
      properties:
        id: {type: integer, example: 7}
        tag: {type: string, nullable: true}
        weight: {type: number, maximum: 100, exclusiveMaximum: true}
`

func TestImportOpenAPI30YAML(t *testing.T) {
	spec, report, err := contract.ImportOpenAPI([]byte(petstore30))
	require.NoError(t, err)
	assert.Equal(t, "OpenAPI 3.0.3", report.Format)
	assert.Equal(t, "pets", spec.Service)
	assert.Equal(t, "/v1", spec.BasePath)
	require.Len(t, spec.Operations, 1)
	op := spec.Operations[0]
	assert.Equal(t, "getPet", op.ID)
	require.Len(t, op.Parameters, 2, "the path-level id and the query parameter; the cookie is dropped")
	assert.Equal(t, "fields", op.Parameters[0].Name)
	assert.Equal(t, contract.StylePipeDelimited, op.Parameters[0].Style)
	assert.Equal(t, "id", op.Parameters[1].Name)
	assert.Equal(t, "No such pet", op.Responses["404"].Description, "a $ref to a response is followed")

	var pet map[string]any
	require.NoError(t, json.Unmarshal(spec.Schemas["Pet"], &pet))
	props := pet["properties"].(map[string]any)
	assert.Equal(t, []any{"string", "null"}, props["tag"].(map[string]any)["type"], "nullable becomes a null type")
	assert.Equal(t, float64(100), props["weight"].(map[string]any)["exclusiveMaximum"], "a boolean bound becomes a number")
	assert.NotContains(t, props["weight"], "maximum")
	assert.Equal(t, []any{float64(7)}, props["id"].(map[string]any)["examples"])
	assert.NotContains(t, pet, "discriminator")

	pointers := map[string]string{}
	for _, n := range report.Notes {
		pointers[n.Pointer] = n.Kind
	}
	for ptr, kind := range map[string]string{
		"/servers":                              "approximated",
		"/paths/~1pets~1{id}/get/parameters/0":  "dropped",
		"/components/schemas/Pet/discriminator": "dropped", "/paths": "dropped",
	} {
		assert.Equal(t, kind, pointers[ptr], "a note at %s; got %v", ptr, report.Notes)
	}
	assert.NotContains(t, pointers, "/paths/~1pets~1{id}/get/parameters/1/style", "the style is kept, not approximated")
	assert.NotContains(t, pointers, "/security", "security is imported")
	assert.Equal(t, []contract.SecurityRequirement{{"apiKey": {}}}, spec.Operations[0].Security, "the global security applies")
	assert.JSONEq(t, `{"type":"apiKey","in":"header","name":"X-API-Key"}`, string(spec.SecuritySchemes["apiKey"]))

	// The imported contract validates traffic.
	v, err := contract.Compile(spec)
	require.NoError(t, err)
	assert.NotNil(t, v)
}

func TestImportOpenAPIServerVariablesAndBadOperations(t *testing.T) {
	doc := `{"openapi":"3.0.3","info":{"title":"ghes","version":"1"},
	  "servers":[{"url":"{protocol}://{host}/api/v3","variables":{"protocol":{"default":"https"},"host":{"default":"example.com"}}}],
	  "paths":{
	    "/repos/{owner}/compare/{base}{head}":{"get":{"operationId":"repos/compare","responses":{"200":{"description":"ok"}}}},
	    "/repos/{owner}":{"get":{"operationId":"repos/get","responses":{"200":{"description":"ok"}}}}}}`
	spec, report, err := contract.ImportOpenAPI([]byte(doc))
	require.NoError(t, err, "a problem in one operation drops that operation, not the import")
	assert.Equal(t, "/api/v3", spec.BasePath, "server variables take their defaults")
	require.Len(t, spec.Operations, 1)
	assert.Equal(t, "repos_get", spec.Operations[0].ID, "an operationId with a slash is renamed")
	var dropped, renamed bool
	for _, n := range report.Notes {
		dropped = dropped || (n.Kind == "dropped" && n.Pointer == "/paths/~1repos~1{owner}~1compare~1{base}{head}/get")
		renamed = renamed || (n.Kind == "approximated" && n.Pointer == "/paths/~1repos~1{owner}/get/operationId")
	}
	assert.True(t, dropped, "%+v", report.Notes)
	assert.True(t, renamed, "%+v", report.Notes)
}

func TestImportOpenAPIErrorsSayWhere(t *testing.T) {
	for name, tc := range map[string]struct{ doc, field, message string }{
		"duplicate key":  {"openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\npaths: {}\n", "/paths", "line 4: the key \"paths\" appears twice in one mapping (first at line 3)"},
		"other file":     {`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"common.yaml#/Ok"}}}}}}`, "/paths/~1a/get/responses/200/$ref", "common.yaml"},
		"dangling ref":   {`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"#/components/responses/Ok"}}}}}}`, "/paths/~1a/get/responses/200/$ref", "points at nothing"},
		"swagger 1.2":    {`{"swagger":"1.2","info":{"title":"x","version":"1"},"paths":{}}`, "/swagger", "Swagger version"},
		"no title":       {`{"openapi":"3.0.0","info":{"version":"1"},"paths":{}}`, "/info/title", "required"},
		"not a document": {`[1,2]`, "/", "not an object"},
	} {
		t.Run(name, func(t *testing.T) {
			// Strict: an unresolved $ref fails instead of being noted.
			_, _, err := contract.ImportOptions{Strict: true}.Import([]byte(tc.doc))
			require.Error(t, err)
			assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
			var e *accord.Error
			require.ErrorAs(t, err, &e)
			require.NotEmpty(t, e.Fields, "%v", err)
			assert.Equal(t, tc.field, e.Fields[0].Field)
			assert.Contains(t, e.Fields[0].Message, tc.message)
		})
	}
}

func TestImportOpenAPIFileFollowsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	root := write("api/openapi.yaml", `
openapi: 3.1.0
info: {title: shop, version: '1'}
paths:
  /orders/{id}:
    parameters:
      - $ref: 'common/params.yaml#/Id'
    get:
      operationId: getOrder
      responses:
        '200':
          description: an order
          content:
            application/json:
              schema: {$ref: 'schemas/order.yaml'}
`)
	write("api/common/params.yaml", "Id: {name: id, in: path, required: true, schema: {type: integer}}\n")
	write("api/schemas/order.yaml", "type: object\nproperties:\n  id: {type: integer}\n  lines: {type: array, items: {$ref: 'line.yaml#/Line'}}\n")
	write("api/schemas/line.yaml", "Line:\n  type: object\n  properties:\n    sku: {type: string}\n    next: {$ref: '#/Line'}\n")

	spec, report, err := contract.ImportOpenAPIFile(root)
	require.NoError(t, err)
	require.Len(t, spec.Operations, 1)
	assert.Equal(t, "id", spec.Operations[0].Parameters[0].Name)
	assert.JSONEq(t, `{"$ref":"#/components/schemas/order"}`, string(spec.Operations[0].Responses["200"].Content["application/json"].Schema))
	assert.Contains(t, string(spec.Schemas["order"]), `"$ref":"#/components/schemas/Line"`)
	assert.Contains(t, string(spec.Schemas["Line"]), `"$ref":"#/components/schemas/Line"`, "a reference back to itself stays one schema")
	_, err = contract.Compile(spec)
	require.NoError(t, err, "the brought-in schemas compile")
	brought := 0
	for _, n := range report.Notes {
		if n.Kind == "approximated" && strings.Contains(n.Message, "was brought in") {
			brought++
		}
	}
	assert.Equal(t, 2, brought)

	strict := contract.ImportOptions{Strict: true}
	_, _, err = strict.Import([]byte("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"x\",\"version\":\"1\"},\"paths\":{\"/a\":{\"get\":{\"responses\":{\"200\":{\"$ref\":\"r.yaml#/Ok\"}}}}}}"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ImportOpenAPIFile", "from bytes, the error says how to follow other files")

	require.NoError(t, os.Remove(filepath.Join(dir, "api", "schemas", "line.yaml")))
	// Not strict: the missing file is a note with the pointer of the $ref,
	// and the import goes on.
	spec, report, err = contract.ImportOpenAPIFile(root)
	require.NoError(t, err)
	var missing []contract.ImportNote
	for _, n := range report.Notes {
		if strings.Contains(n.Message, "cannot be resolved") {
			missing = append(missing, n)
		}
	}
	require.Len(t, missing, 1, "%+v", report.Notes)
	assert.Equal(t, "schemas/order.yaml#/properties/lines/items/$ref", missing[0].Pointer)
	assert.Equal(t, "dropped", missing[0].Kind)
	assert.Contains(t, missing[0].Message, `"schemas/line.yaml"`)
	_, err = contract.Compile(spec)
	require.NoError(t, err, "what the missing file named accepts anything")

	_, _, err = strict.ImportFile(root)
	require.Error(t, err)
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "schemas/order.yaml#/properties/lines/items/$ref", e.Fields[0].Field, "the error names where the reference is")
	assert.Contains(t, e.Fields[0].Message, `"schemas/line.yaml"`)
}

const petstoreSwagger = `{
  "swagger": "2.0",
  "info": {"title": "petstore", "version": "1.0.0"},
  "basePath": "/v2",
  "consumes": ["application/json"],
  "produces": ["application/json"],
  "securityDefinitions": {"key": {"type": "apiKey", "name": "api_key", "in": "header"}},
  "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer", "maximum": 100}},
  "responses": {"NotFound": {"description": "no such pet"}},
  "paths": {
    "/pets": {
      "get": {"operationId": "listPets", "parameters": [{"$ref": "#/parameters/Limit"},
          {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"}],
        "responses": {"200": {"description": "pets", "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
          "headers": {"X-Total": {"type": "integer", "description": "how many"}}}}},
      "post": {"operationId": "addPet", "parameters": [{"in": "body", "name": "pet", "required": true, "schema": {"$ref": "#/definitions/Pet"}}],
        "responses": {"201": {"description": "created"}, "404": {"$ref": "#/responses/NotFound"}}}
    },
    "/pets/{id}/photo": {
      "post": {"operationId": "uploadPhoto", "consumes": ["multipart/form-data"],
        "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"},
          {"name": "file", "in": "formData", "type": "file", "required": true}, {"name": "caption", "in": "formData", "type": "string"}],
        "responses": {"204": {"description": "stored"}}}
    }
  },
  "definitions": {"Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}}}}
}`

func TestImportSwagger20(t *testing.T) {
	spec, report, err := contract.ImportOpenAPI([]byte(petstoreSwagger))
	require.NoError(t, err)
	assert.Equal(t, "Swagger 2.0", report.Format)
	assert.Equal(t, "/v2", spec.BasePath)
	ops := map[string]contract.Operation{}
	for _, op := range spec.Operations {
		ops[op.ID] = op
	}
	require.Len(t, ops, 3)

	list := ops["listPets"]
	require.Len(t, list.Parameters, 2)
	assert.JSONEq(t, `{"type":"integer","maximum":100}`, string(list.Parameters[0].Schema), "a shared parameter's keywords become its schema")
	assert.JSONEq(t, `{"type":"array","items":{"$ref":"#/components/schemas/Pet"}}`, string(list.Responses["200"].Content["application/json"].Schema))
	require.Len(t, list.Responses["200"].Headers, 1)
	assert.JSONEq(t, `{"type":"integer"}`, string(list.Responses["200"].Headers[0].Schema))

	add := ops["addPet"]
	require.NotNil(t, add.RequestBody)
	assert.True(t, add.RequestBody.Required)
	assert.JSONEq(t, `{"$ref":"#/components/schemas/Pet"}`, string(add.RequestBody.Content["application/json"].Schema))
	assert.Equal(t, "no such pet", add.Responses["404"].Description, "a shared response is followed")

	upload := ops["uploadPhoto"]
	require.NotNil(t, upload.RequestBody)
	form := upload.RequestBody.Content["multipart/form-data"].Schema
	assert.JSONEq(t, `{"type":"object","required":["file"],"properties":{"file":{"type":"string","format":"binary"},"caption":{"type":"string"}}}`, string(form))

	assert.JSONEq(t, `{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"age":{"type":"integer","exclusiveMinimum":0}}}`, string(spec.Schemas["Pet"]),
		"definitions become shared schemas, with Swagger's boolean bounds converted")
	kinds := map[string]string{}
	for _, n := range report.Notes {
		kinds[n.Pointer] = n.Kind
	}
	assert.NotContains(t, kinds, "/securityDefinitions", "security definitions are imported")
	assert.JSONEq(t, `{"type":"apiKey","name":"api_key","in":"header"}`, string(spec.SecuritySchemes["key"]))
	assert.NotContains(t, kinds, "/paths/~1pets/get/parameters/1/collectionFormat", "collectionFormat becomes a style")
	tags := list.Parameters[1]
	assert.Equal(t, contract.StyleForm, tags.Style, "multi is form, exploded")
	require.NotNil(t, tags.Explode)
	assert.True(t, *tags.Explode)
	_, err = contract.Compile(spec)
	require.NoError(t, err)
}

// TestImportRealWorldExamples imports every document of @readme/oas-examples
// (testdata/oas-examples): Swagger 2.0, OpenAPI 3.0 and 3.1, JSON and
// YAML, written to exercise what tools get wrong. Each must import, and the
// contract must compile; a document that has only webhooks imports them.
func TestImportRealWorldExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "oas-examples", "*", "*.*"))
	require.NoError(t, err)
	require.Greater(t, len(files), 50)
	operations := 0
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			start := time.Now()
			spec, report, err := contract.ImportOpenAPIFile(file)
			require.NoError(t, err)
			if strings.HasPrefix(filepath.Base(file), "webhooks.") {
				require.Len(t, spec.Webhooks, 2, "the webhook's two operations are imported")
				for i, method := range []string{"POST", "DELETE"} {
					assert.Equal(t, "newPet", spec.Webhooks[i].Name)
					assert.Equal(t, method, spec.Webhooks[i].Operation.Method)
				}
				require.NotNil(t, spec.Webhooks[0].Operation.RequestBody)
				assert.Len(t, spec.Webhooks[1].Operation.Parameters, 1)
			}
			v, err := contract.Compile(spec)
			require.NoError(t, err, "the imported contract compiles")
			checkGeneratedRequests(t, spec, v)
			for _, n := range report.Notes {
				assert.True(t, strings.HasPrefix(n.Pointer, "/") || strings.Contains(n.Pointer, "#/"), "a note has a pointer: %+v", n)
				assert.Contains(t, []string{"dropped", "approximated"}, n.Kind)
			}
			operations += report.Operations
			t.Logf("%s: %d operation(s), %d note(s), %s", report.Format, report.Operations, len(report.Notes), time.Since(start).Round(time.Microsecond))
		})
	}
	assert.Greater(t, operations, 500, "the documents hold several hundred operations between them")
}

// A key repeated with scalar values (Stripe's 2020 document describes
// refunds twice) is a local problem: the last value is used and a note
// names both lines.
func TestImportOpenAPIRepeatedScalarKey(t *testing.T) {
	doc := "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\ncomponents:\n  schemas:\n    Refund:\n      description: first\n      description: second\n      type: object\n"
	spec, report, err := contract.ImportOpenAPI([]byte(doc))
	require.NoError(t, err)
	assert.JSONEq(t, `{"description":"second","type":"object"}`, string(spec.Schemas["Refund"]))
	require.Len(t, report.Notes, 1)
	assert.Equal(t, contract.ImportNote{Pointer: "/components/schemas/Refund/description", Kind: "approximated",
		Message: `line 14: the key "description" appears twice in one mapping (first at line 13); the last value is used`}, report.Notes[0])
}
