package contract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// TestImportServerURLs: every legal form of server URL gives a base
// path, and choosing among several servers is noted.
func TestImportServerURLs(t *testing.T) {
	for _, tc := range []struct {
		name, servers, base, note string
	}{
		{"absolute with a trailing slash", `[{"url":"https://petstore.swagger.io/v1/"}]`, "/v1", ""},
		{"host only", `[{"url":"https://api.example.com"}]`, "", ""},
		{"host and slash", `[{"url":"https://api.example.com/"}]`, "", ""},
		{"relative", `[{"url":"/api/v3"}]`, "/api/v3", ""},
		{"relative without a slash", `[{"url":"v2"}]`, "/v2", ""},
		{"relative with a dot", `[{"url":"./v2/"}]`, "/v2", ""},
		{"root", `[{"url":"/"}]`, "", ""},
		{"variables with defaults", `[{"url":"{scheme}://{host}:{port}/{base}/","variables":{"scheme":{"default":"https"},"host":{"default":"example.com"},"port":{"default":"8443"},"base":{"default":"api/v1","enum":["api/v1","api/v2"]}}}]`, "/api/v1", ""},
		{"a variable without a default in the host", `[{"url":"https://{tenant}.example.com/v1"}]`, "/v1", ""},
		{"a variable without a default in the path", `[{"url":"https://example.com/{version}"}]`, "", "/servers/0/url"},
		{"several servers, the same path", `[{"url":"https://a.example.com/v1"},{"url":"https://b.example.com/v1/"}]`, "/v1", "/servers"},
		{"several servers, different paths", `[{"url":"/v1"},{"url":"/v2"}]`, "/v1", "/servers"},
		{"the first gives no path", `[{"url":"https://example.com/{version}"},{"url":"/v2"}]`, "/v2", "/servers"},
		{"scheme-relative", `[{"url":"//example.com/base"}]`, "/base", ""},
		{"query and fragment", `[{"url":"https://example.com/v1?x=1#top"}]`, "/v1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":` + tc.servers +
				`,"paths":{"/pets":{"get":{"operationId":"listPets","responses":{"200":{"description":"ok"}}}}}}`
			spec, report, err := contract.ImportOpenAPI([]byte(doc))
			require.NoError(t, err)
			assert.Equal(t, tc.base, spec.BasePath)
			var pointers []string
			for _, n := range report.Notes {
				pointers = append(pointers, n.Pointer)
			}
			if tc.note != "" {
				assert.Contains(t, pointers, tc.note)
			} else {
				assert.Empty(t, pointers)
			}
			v, err := contract.Compile(spec)
			require.NoError(t, err)
			res := v.ValidateRequest(httptest.NewRequest("GET", tc.base+"/pets", nil), nil)
			assert.True(t, res.OK(), "%s", res)
		})
	}
	_, report, err := contract.ImportOpenAPI([]byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"/v1"},{"url":"/v2"}],
		"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}`))
	require.NoError(t, err)
	require.NotEmpty(t, report.Notes)
	assert.Equal(t, "2 servers: the base path /v1 comes from servers[0]; traffic to the others' (/v2) is outside the contract", report.Notes[0].Message)
}

// danglingDoc has a $ref that leads nowhere in each place one can stand.
const danglingDoc = `
openapi: 3.0.3
info: {title: shop, version: '2.1'}
paths:
  /gone:
    $ref: '#/components/pathItems/Gone'
  /orders/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - $ref: '#/components/parameters/Missing'
    put:
      operationId: putOrder
      requestBody:
        $ref: 'bodies.yaml#/Order'
      responses:
        '200':
          description: the order
          headers:
            X-Rate: {$ref: '#/components/headers/Nope'}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
        '404': {$ref: '#/components/responses/NotFound'}
components:
  schemas:
    Order:
      type: object
      properties:
        id: {type: integer}
        customer: {$ref: '#/components/schemas/Customer'}
        lines: {type: array, items: {$ref: '#/components/schemas/Order/properties/nothing'}}
`

// TestImportUnresolvedRefs: each $ref that cannot be resolved is a note
// with its pointer, what it named accepts anything, and the contract
// compiles with no Go advice; under Strict the first one is the error.
func TestImportUnresolvedRefs(t *testing.T) {
	spec, report, err := contract.ImportOpenAPI([]byte(danglingDoc))
	require.NoError(t, err)
	got := map[string]string{}
	for _, n := range report.Notes {
		if strings.Contains(n.Message, "cannot be resolved") {
			got[n.Pointer] = n.Message
			assert.Equal(t, "dropped", n.Kind)
		}
	}
	for ptr, says := range map[string]string{
		"/paths/~1gone/$ref":                                          "the operations of /gone are not imported",
		"/paths/~1orders~1{id}/parameters/1/$ref":                     "the parameter is not imported",
		"/paths/~1orders~1{id}/put/requestBody/$ref":                  "any request body is accepted",
		"/paths/~1orders~1{id}/put/responses/200/headers/X-Rate/$ref": "the header is not checked",
		"/paths/~1orders~1{id}/put/responses/404/$ref":                "any 404 response is accepted",
		"/components/schemas/Order/properties/customer/$ref":          "this schema checks only its other keywords",
		"/components/schemas/Order/properties/lines/items/$ref":       "this schema checks only its other keywords",
	} {
		if assert.Contains(t, got, ptr) {
			assert.Contains(t, got[ptr], says)
		}
	}
	assert.Len(t, got, 7, "%v", got)
	assert.Contains(t, got["/paths/~1orders~1{id}/put/requestBody/$ref"], `"bodies.yaml#/Order"`, "the note names the reference")

	v, err := contract.Compile(spec)
	require.NoError(t, err)
	for _, f := range contract.Lint(spec) {
		assert.NotContains(t, f.Message, "spec.Schemas", "no Go advice for an imported document")
	}
	r := httptest.NewRequest("PUT", "/orders/7", strings.NewReader(`<order/>`))
	r.Header.Set("Content-Type", "application/xml")
	assert.True(t, v.ValidateRequest(r, []byte(`<order/>`)).OK(), "the unresolved request body accepts anything")
	ok := v.ValidateResponse(r, 200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"id":1,"customer":"anything","lines":[1,"a"]}`))
	assert.True(t, ok.OK(), "%s", ok)
	bad := v.ValidateResponse(r, 200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"id":"one"}`))
	assert.False(t, bad.OK(), "what did resolve is still checked")

	_, _, err = contract.ImportOptions{Strict: true}.Import([]byte(danglingDoc))
	require.Error(t, err)
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, accord.Invalid, e.Code)
	require.NotEmpty(t, e.Fields)
	assert.Contains(t, e.Fields[0].Field, "/$ref")
	assert.Contains(t, e.Fields[0].Message, "points at nothing")
}

// TestGoAdviceOnlyForGo: a spec built in Go that refers to a schema it
// does not hold is told how SchemaSet works; an imported document never
// gets there, because the import notes the reference instead.
func TestGoAdviceOnlyForGo(t *testing.T) {
	spec := contract.Spec{Service: "s", Operations: []contract.Operation{{ID: "get", Method: "GET", Path: "/a",
		Responses: map[string]contract.Response{"200": {Content: map[string]contract.MediaType{"application/json": {Schema: rawJSON(`{"$ref":"#/components/schemas/Order"}`)}}}}}}}
	_, err := contract.Compile(spec)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "set spec.Schemas = set.Schemas()")
	assert.Contains(t, err.Error(), "get (GET /a): schema does not compile", "the error names the operation")

	exported := `{"openapi":"3.1.0","info":{"title":"s","version":"1"},"paths":{"/a":{"get":{"operationId":"get","responses":{"200":{"description":"ok",
		"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Order"}}}}}}}}}`
	imported, report, err := contract.ImportOpenAPI([]byte(exported))
	require.NoError(t, err)
	require.Len(t, report.Notes, 1)
	assert.Equal(t, "/paths/~1a/get/responses/200/content/application~1json/schema/$ref", report.Notes[0].Pointer)
	_, err = contract.Compile(imported)
	require.NoError(t, err)
}

const fidelityDoc = `
openapi: 3.0.3
info:
  title: orders
  version: 2023-10-16
  description: What the shop agrees to.
servers: [{url: 'https://api.example.com/v1/'}]
paths:
  /orders/{id}:
    parameters:
      - {name: id, in: path, required: true, description: the order's number, schema: {type: integer}}
    get:
      operationId: Get Order
      summary: Read one order
      description: Returns the order as stored.
      parameters:
        - {name: X-Trace, in: header, description: a trace id, schema: {type: string}}
      responses:
        '200':
          description: The order
          headers:
            ETag: {description: the revision, schema: {type: string}}
          content:
            application/json:
              schema: {type: object, description: an order, properties: {id: {type: integer}}}
        default:
          description: Something went wrong
    put:
      operationId: Get_Order
      summary: Replace an order
      requestBody:
        description: the new order
        required: true
        content:
          application/json:
            schema: {type: object}
      responses:
        '204': {description: Replaced}
`

// TestImportKeepsWhatTheDocumentSays: info.version, operationIds as
// written, summaries and descriptions survive import → export → import,
// and the export writes the operationIds back as the document had them.
func TestImportKeepsWhatTheDocumentSays(t *testing.T) {
	spec, report, err := contract.ImportOpenAPI([]byte(fidelityDoc))
	require.NoError(t, err)
	assert.Equal(t, "2023-10-16", spec.APIVersion)
	assert.Equal(t, "What the shop agrees to.", spec.Description)
	assert.Equal(t, "/v1", spec.BasePath)
	require.Len(t, spec.Operations, 2)
	get, put := spec.Operations[0], spec.Operations[1]
	assert.Equal(t, "Get_Order", get.ID)
	assert.Equal(t, "Get Order", get.DisplayName)
	assert.Equal(t, "Get_Order_2", put.ID, "the ID the other took is not reused")
	assert.Equal(t, "Get_Order", put.DisplayName)
	notes := map[string]string{}
	for _, n := range report.Notes {
		notes[n.Pointer] = n.Message
	}
	assert.Contains(t, notes["/paths/~1orders~1{id}/get/operationId"], `messages still call it "Get Order"`)
	assert.Contains(t, notes["/paths/~1orders~1{id}/put/operationId"], "the ID Get_Order is already taken by another operation: this one's ID is Get_Order_2")

	assert.Equal(t, "Read one order", get.Summary)
	assert.Equal(t, "Returns the order as stored.", get.Description)
	assert.Equal(t, "a trace id", get.Parameters[0].Description)
	assert.Equal(t, "the order's number", get.Parameters[1].Description)
	assert.Equal(t, "The order", get.Responses["200"].Description)
	assert.Equal(t, "the revision", get.Responses["200"].Headers[0].Description)
	assert.Equal(t, "Something went wrong", get.Responses["default"].Description)
	assert.Equal(t, "the new order", put.RequestBody.Description)

	doc, err := contract.OpenAPI(spec, "")
	require.NoError(t, err)
	var exported struct {
		Info  struct{ Version string }
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			AccordID    string `json:"x-accord-id"`
		}
	}
	require.NoError(t, json.Unmarshal(doc, &exported))
	assert.Equal(t, "2023-10-16", exported.Info.Version)
	assert.Equal(t, "Get Order", exported.Paths["/orders/{id}"]["get"].OperationID, "the operationId as the document wrote it")
	assert.Equal(t, "Get_Order", exported.Paths["/orders/{id}"]["get"].AccordID)

	again, againReport, err := contract.ImportOpenAPI(doc)
	require.NoError(t, err)
	assert.Empty(t, againReport.Notes, "an accord export loses nothing")
	assert.Equal(t, spec, again, "import → export → import gives an equal spec")

	// Messages use the operationId as written.
	bad := spec.Clone()
	delete(bad.Operations[0].Responses, "200")
	findings := contract.Lint(bad)
	var messages []string
	for _, f := range findings {
		messages = append(messages, f.Message)
	}
	assert.Contains(t, strings.Join(messages, "\n"), "Get Order (GET /orders/{id}): ")
	v, err := contract.Compile(spec)
	require.NoError(t, err)
	assert.Equal(t, "Get Order (GET /orders/{id})", v.Label("Get_Order"))
	assert.Equal(t, "", v.Label("nope"))

	// An explicit version wins over the document's.
	doc, err = contract.OpenAPI(spec, "3.0.0")
	require.NoError(t, err)
	assert.Contains(t, string(doc), `"version": "3.0.0"`)
}

// TestFindingsPointIntoTheDocument: a finding about an imported operation
// names it as the document does and points at the place in the document.
func TestFindingsPointIntoTheDocument(t *testing.T) {
	doc := []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{
	  "/orders/{id}":{"get":{"operationId":"getOrder","parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],
	    "responses":{"404":{"description":"no such order","content":{"application/json":{"schema":{"type":"object"}}}}}}}}}`)
	spec, _, err := contract.ImportOpenAPI(doc)
	require.NoError(t, err)
	findings := contract.Lint(spec)
	require.NotEmpty(t, findings)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(doc, &raw))
	for _, f := range findings {
		assert.True(t, strings.HasPrefix(f.Message, "getOrder (GET /orders/{id}): "), "%s", f)
		assert.True(t, resolves(raw, f.Pointer), "the pointer names a place in the document: %s", f)
		assert.NotContains(t, f.String(), "operations[", "a finding names no position in a Go slice")
	}
	assert.Equal(t, "/paths/~1orders~1{id}/get/responses", findings[0].Pointer)
	assert.Equal(t, "error no-success-response /paths/~1orders~1{id}/get/responses: getOrder (GET /orders/{id}): no success response (1XX–3XX) is declared", findings[0].String())
	_, err = contract.Compile(spec)
	require.NoError(t, err, "quality findings do not stop Compile")
}

// TestImportWhatGoCannotCompile: a valid document compiles even where Go
// would refuse it as written. A pattern with lookaround is left unchecked,
// a path parameter missing from either side is made to agree, and of two
// operations that collide the second is dropped; each is noted.
func TestImportWhatGoCannotCompile(t *testing.T) {
	doc := `
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /users/{id}:
    put:
      operationId: putUser
      parameters:
        - {name: user, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                password: {type: string, minLength: 8, pattern: '^(?=.*[A-Z]).+$'}
              patternProperties:
                '^(?!x-)': {type: string}
      responses: {'204': {description: ok}}
  /users/{name}:
    put:
      operationId: putUserByName
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
      responses: {'204': {description: ok}}
`
	spec, report, err := contract.ImportOpenAPI([]byte(doc))
	require.NoError(t, err)
	notes := map[string]string{}
	for _, n := range report.Notes {
		notes[n.Pointer] += n.Message + "\n"
	}
	assert.Contains(t, notes["/paths/~1users~1{id}/put/requestBody/content/application~1json/schema/properties/password/pattern"], "is not checked")
	assert.Contains(t, notes["/paths/~1users~1{id}/put/requestBody/content/application~1json/schema/patternProperties/^(?!x-)"], "are not checked")
	assert.Contains(t, notes["/paths/~1users~1{id}/put"], `the path parameter "user" is not in the path /users/{id}`)
	assert.Contains(t, notes["/paths/~1users~1{id}/put"], "the path /users/{id} has {id} but no parameter declares it: read as a string")
	assert.Contains(t, notes["/paths/~1users~1{name}/put"], "putUserByName (PUT /users/{name}) collides with putUser (PUT /users/{id})")
	require.Len(t, spec.Operations, 1)

	v, err := contract.Compile(spec)
	require.NoError(t, err)
	r := httptest.NewRequest("PUT", "/users/7", strings.NewReader(`{"password":"lowercase"}`))
	r.Header.Set("Content-Type", "application/json")
	assert.True(t, v.ValidateRequest(r, []byte(`{"password":"lowercase"}`)).OK(), "the lookahead is not checked")
	r = httptest.NewRequest("PUT", "/users/7", strings.NewReader(`{"password":"short"}`))
	r.Header.Set("Content-Type", "application/json")
	assert.False(t, v.ValidateRequest(r, []byte(`{"password":"short"}`)).OK(), "the rest of the schema is")
}
