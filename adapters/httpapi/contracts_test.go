package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const petsContract = `{"version":"1.0.0","note":"first draft","spec":{
  "service":"pets","owner":"team-pets",
  "schemas":{"Pet":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string","minLength":1}},"required":["id","name"]},
             "Problem":{"type":"object","properties":{"code":{"type":"string"}},"required":["code"]}},
  "error_codes":[{"code":"PET_NOT_FOUND","status":404,"message":"No such pet."}],
  "operations":[
    {"id":"getPet","method":"GET","path":"/pets/{id}",
     "parameters":[{"name":"id","in":"path","schema":{"type":"integer"}}],
     "responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}}},
                  "404":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}},
     "error_codes":["PET_NOT_FOUND"]},
    {"id":"addPet","method":"POST","path":"/pets",
     "request_body":{"required":true,"content":{"application/json":{"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}},
     "responses":{"201":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}}}}}
  ]}}`

func TestContractRoutes(t *testing.T) {
	h := newAPI(t)
	const c = "/v1/projects/shop/contracts"

	created := call(t, h, "POST", c, pmToken, petsContract)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	id := created.body["contract_id"].(string)
	v1 := c + "/" + id + "/versions/1.0.0"
	assert.Equal(t, v1, created.header.Get("Location"))
	assert.Equal(t, `"1"`, created.header.Get("ETag"))
	assert.Equal(t, "draft", created.body["status"])

	dup := call(t, h, "POST", c, pmToken, petsContract)
	assert.Equal(t, http.StatusConflict, dup.status)

	list := call(t, h, "GET", c, devToken, "")
	require.Equal(t, http.StatusOK, list.status)
	assert.Len(t, list.body["items"], 1)

	got := call(t, h, "GET", c+"/"+id, devToken, "")
	require.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, "pets", got.body["service"])
	assert.Len(t, got.body["versions"], 1)

	lint := call(t, h, "GET", v1+"/lint", devToken, "")
	require.Equal(t, http.StatusOK, lint.status)
	assert.Equal(t, false, lint.body["blocking"])
	assert.Equal(t, []any{}, lint.body["findings"])

	doc := call(t, h, "GET", v1+"/openapi.json", devToken, "")
	require.Equal(t, http.StatusOK, doc.status)
	assert.Equal(t, "3.1.0", doc.body["openapi"])
	assert.Equal(t, "1.0.0", doc.body["info"].(map[string]any)["version"])

	// Validation of samples for teams outside Go.
	check := call(t, h, "POST", v1+"/validate", devToken, `{
	  "request":{"method":"GET","path":"/pets/7"},
	  "response":{"status":200,"body":{"id":"7","name":""}}}`)
	require.Equal(t, http.StatusOK, check.status, check.raw)
	assert.Equal(t, false, check.body["valid"])
	assert.Equal(t, []any{}, check.body["request"].(map[string]any)["violations"])
	violations := check.body["response"].(map[string]any)["violations"].([]any)
	require.Len(t, violations, 2)
	first := violations[0].(map[string]any)
	assert.Equal(t, "getPet", first["operation"])
	assert.Equal(t, "response_body", first["part"])
	assert.Equal(t, "/id", first["pointer"])
	assert.Equal(t, "type", first["keyword"])
	assert.Equal(t, "must be an integer", first["message"])

	ok := call(t, h, "POST", v1+"/validate", devToken, `{"request":{"method":"POST","path":"/pets","body":{"name":"Rex"}},
	  "response":{"status":201,"body":{"id":1,"name":"Rex"}}}`)
	assert.Equal(t, true, ok.body["valid"], ok.raw)

	bad := call(t, h, "POST", v1+"/validate", devToken, `{"request":{"path":"pets"}}`)
	assert.Equal(t, http.StatusBadRequest, bad.status)

	// Updates need If-Match; a stale one is refused.
	var spec map[string]any
	require.NoError(t, json.Unmarshal([]byte(petsContract), &spec))
	update, _ := json.Marshal(map[string]any{"spec": spec["spec"], "note": "same"})
	assert.Equal(t, http.StatusPreconditionRequired, call(t, h, "PUT", v1, pmToken, string(update)).status)
	updated := call(t, h, "PUT", v1, pmToken, string(update), "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, updated.status, updated.raw)
	assert.Equal(t, `"2"`, updated.header.Get("ETag"))
	assert.Equal(t, http.StatusPreconditionFailed, call(t, h, "PUT", v1, pmToken, string(update), "If-Match", `"1"`).status)

	unknown := call(t, h, "PUT", v1, pmToken, `{"spec":{"service":"pets","operatons":[]}}`, "If-Match", `"2"`)
	assert.Equal(t, http.StatusBadRequest, unknown.status)
	assert.Contains(t, unknown.raw, "operatons")

	// Lifecycle: propose, agree; agreed is immutable; a new version starts.
	proposed := call(t, h, "POST", v1+"/transitions", pmToken, `{"to":"proposed"}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, proposed.status, proposed.raw)
	agreed := call(t, h, "POST", v1+"/transitions", devToken, `{"to":"agreed"}`, "If-Match", `"3"`)
	require.Equal(t, http.StatusOK, agreed.status, agreed.raw)
	frozen := call(t, h, "PUT", v1, pmToken, string(update), "If-Match", `"4"`)
	assert.Equal(t, http.StatusConflict, frozen.status)
	assert.Contains(t, frozen.body["detail"], "start a new version")
	next := call(t, h, "POST", c+"/"+id+"/versions", pmToken, `{"from":"1.0.0","version":"1.1.0"}`)
	require.Equal(t, http.StatusCreated, next.status, next.raw)
	versions := call(t, h, "GET", c+"/"+id+"/versions", devToken, "")
	assert.Len(t, versions.body["items"], 2)
	assert.Equal(t, http.StatusConflict, call(t, h, "DELETE", c+"/"+id, pmToken, "").status)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", c+"/"+id+"/versions/9.0.0", devToken, "").status)
}

func TestContractVersionHistoryAndDiffs(t *testing.T) {
	h := newAPI(t)
	const c = "/v1/projects/shop/contracts"
	created := call(t, h, "POST", c, pmToken, petsContract)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	id := created.body["contract_id"].(string)
	v1 := c + "/" + id + "/versions/1.0.0"

	var spec map[string]any
	require.NoError(t, json.Unmarshal([]byte(petsContract), &spec))
	ops := spec["spec"].(map[string]any)["operations"].([]any)
	ops[0].(map[string]any)["summary"] = "Read one pet"
	body, _ := json.Marshal(map[string]any{"spec": spec["spec"], "note": "summary for getPet"})
	upd := call(t, h, "PUT", v1, pmToken, string(body), "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, upd.status, upd.raw)

	revs := call(t, h, "GET", v1+"/revisions", devToken, "")
	require.Equal(t, http.StatusOK, revs.status, revs.raw)
	items := revs.body["items"].([]any)
	require.Len(t, items, 2, "the draft's history keeps both revisions")
	assert.Equal(t, "summary for getPet", items[1].(map[string]any)["note"])
	assert.Equal(t, "edited", items[1].(map[string]any)["kind"])

	first := call(t, h, "GET", v1+"/revisions/1", devToken, "")
	require.Equal(t, http.StatusOK, first.status, first.raw)
	assert.Equal(t, "first draft", first.body["note"])
	assert.Equal(t, "1.0.0", first.body["version"].(map[string]any)["version"])

	d := call(t, h, "GET", v1+"/diff?from=1&to=2", devToken, "")
	require.Equal(t, http.StatusOK, d.status, d.raw)
	changes := d.body["changes"].([]any)
	require.Len(t, changes, 1)
	assert.Equal(t, "spec.operations[0].summary", changes[0].(map[string]any)["path"])
	assert.Equal(t, "Read one pet", changes[0].(map[string]any)["after"])

	next := call(t, h, "POST", c+"/"+id+"/versions", pmToken, `{"from":"1.0.0","version":"1.1.0"}`)
	require.Equal(t, http.StatusCreated, next.status, next.raw)
	vd := call(t, h, "GET", c+"/"+id+"/diff?from=1.0.0&to=1.1.0", devToken, "")
	require.Equal(t, http.StatusOK, vd.status, vd.raw)
	assert.Equal(t, []any{}, vd.body["changes"], "1.1.0 starts as a copy of 1.0.0")

	// 1.1.0 drops the first operation: the judged changes say it breaks callers.
	spec["spec"].(map[string]any)["operations"] = ops[1:]
	body, _ = json.Marshal(map[string]any{"spec": spec["spec"], "note": "drop " + ops[0].(map[string]any)["id"].(string)})
	upd = call(t, h, "PUT", c+"/"+id+"/versions/1.1.0", pmToken, string(body), "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, upd.status, upd.raw)
	judged := call(t, h, "GET", c+"/"+id+"/changes?from=1.0.0&to=1.1.0", devToken, "")
	require.Equal(t, http.StatusOK, judged.status, judged.raw)
	assert.Equal(t, float64(1), judged.body["breaking"], judged.raw)
	first0 := judged.body["changes"].([]any)[0].(map[string]any)
	assert.Equal(t, "breaking", first0["level"])
	assert.Contains(t, first0["id"], "removed-without-deprecation")
	assert.NotEmpty(t, first0["fingerprint"])
	assert.Equal(t, http.StatusBadRequest, call(t, h, "GET", c+"/"+id+"/changes?from=1.0.0", devToken, "").status)

	// 1.0.0 is only a draft here, so 1.1.0 has no agreed base to break.
	compat := call(t, h, "GET", c+"/"+id+"/versions/1.1.0/compatibility", devToken, "")
	require.Equal(t, http.StatusOK, compat.status, compat.raw)
	assert.Equal(t, float64(0), compat.body["breaking"], compat.raw)
	nothing := call(t, h, "POST", c+"/"+id+"/versions/1.1.0/acknowledgements", pmToken, `{"note":"fine"}`, "If-Match", `"2"`)
	assert.Equal(t, http.StatusConflict, nothing.status, nothing.raw)
	assert.Contains(t, nothing.raw, "no agreed version before it")
	noNote := call(t, h, "POST", c+"/"+id+"/versions/1.1.0/acknowledgements", pmToken, `{}`, "If-Match", `"2"`)
	assert.Equal(t, http.StatusBadRequest, noNote.status, noNote.raw)
	assert.Contains(t, noNote.raw, `"field":"note"`)
	assert.Equal(t, http.StatusNotFound, call(t, h, "GET", c+"/"+id+"/changes?from=1.0.0&to=7.0.0", devToken, "").status)

	missing := call(t, h, "GET", c+"/"+id+"/diff?from=1.0.0", devToken, "")
	assert.Equal(t, http.StatusBadRequest, missing.status)
	gone := call(t, h, "GET", v1+"/revisions/9", devToken, "")
	assert.Equal(t, http.StatusNotFound, gone.status)
}

// breakingDraft makes the pets contract with 1.0.0 agreed and 1.1.0 a
// draft (at revision 2) that drops the first operation: one breaking change.
// It returns the API, the contracts path, the contract ID and 1.1.0's path.
func breakingDraft(t *testing.T) (h http.Handler, c, id, v11 string) {
	t.Helper()
	h = newAPI(t)
	c = "/v1/projects/shop/contracts"
	created := call(t, h, "POST", c, pmToken, petsContract)
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	id = created.body["contract_id"].(string)
	v1 := c + "/" + id + "/versions/1.0.0"
	require.Equal(t, http.StatusOK, call(t, h, "POST", v1+"/transitions", pmToken, `{"to":"proposed"}`, "If-Match", `"1"`).status)
	require.Equal(t, http.StatusOK, call(t, h, "POST", v1+"/transitions", devToken, `{"to":"agreed"}`, "If-Match", `"2"`).status)
	require.Equal(t, http.StatusCreated, call(t, h, "POST", c+"/"+id+"/versions", pmToken, `{"from":"1.0.0","version":"1.1.0"}`).status)
	var spec map[string]any
	require.NoError(t, json.Unmarshal([]byte(petsContract), &spec))
	spec["spec"].(map[string]any)["operations"] = spec["spec"].(map[string]any)["operations"].([]any)[1:]
	body, _ := json.Marshal(map[string]any{"spec": spec["spec"], "note": "drop the first operation"})
	v11 = c + "/" + id + "/versions/1.1.0"
	require.Equal(t, http.StatusOK, call(t, h, "PUT", v11, pmToken, string(body), "If-Match", `"1"`).status)
	return h, c, id, v11
}

func TestBreakingChangesNeedAMajorVersionOrAnAcknowledgement(t *testing.T) {
	h, _, _, v11 := breakingDraft(t)

	refused := call(t, h, "POST", v11+"/transitions", pmToken, `{"to":"proposed"}`, "If-Match", `"2"`)
	assert.Equal(t, http.StatusConflict, refused.status, refused.raw)
	assert.Contains(t, refused.raw, "breaks callers of 1.0.0")

	compat := call(t, h, "GET", v11+"/compatibility", devToken, "")
	require.Equal(t, http.StatusOK, compat.status, compat.raw)
	assert.Equal(t, "1.0.0", compat.body["base"])
	assert.Equal(t, float64(1), compat.body["breaking"], compat.raw)

	acked := call(t, h, "POST", v11+"/acknowledgements", pmToken, `{"note":"the mobile app never called it"}`, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, acked.status, acked.raw)
	ack := acked.body["acknowledged"].(map[string]any)
	assert.Equal(t, "alice", ack["by"], "the token's actor")
	assert.Len(t, ack["fingerprints"], 1)
	proposed := call(t, h, "POST", v11+"/transitions", pmToken, `{"to":"proposed"}`, "If-Match", `"3"`)
	require.Equal(t, http.StatusOK, proposed.status, proposed.raw)
	assert.Equal(t, float64(1), proposed.body["compatibility"].(map[string]any)["breaking"])
}

func TestContractPolicyChangesLevelsAndIgnoresFindings(t *testing.T) {
	h, c, id, v11 := breakingDraft(t)
	compat := call(t, h, "GET", v11+"/compatibility", devToken, "")
	require.Equal(t, http.StatusOK, compat.status, compat.raw)
	change := compat.body["changes"].([]any)[0].(map[string]any)

	bad := call(t, h, "PUT", "/v1/projects/shop/settings/contracts", pmToken,
		`{"levels":{"Not A Rule":"loud"},"ignore":[{"fingerprint":"xyz","reason":""}]}`, "If-Match", `"0"`)
	require.Equal(t, http.StatusBadRequest, bad.status, bad.raw)
	for _, field := range []string{`levels[\"Not A Rule\"]`, "ignore[0].fingerprint", "ignore[0].reason", "ignore[0].expires"} {
		assert.Contains(t, bad.raw, field)
	}

	// Ignore the one breaking change for a while: proposing goes through.
	policy, _ := json.Marshal(map[string]any{"ignore": []any{map[string]any{
		"fingerprint": change["fingerprint"], "reason": "no caller left", "expires": time.Now().Add(24 * time.Hour)}}})
	put := call(t, h, "PUT", "/v1/projects/shop/settings/contracts", pmToken, string(policy), "If-Match", `"0"`)
	require.Equal(t, http.StatusOK, put.status, put.raw)
	got := call(t, h, "GET", "/v1/projects/shop/settings/contracts", devToken, "")
	require.Equal(t, http.StatusOK, got.status, got.raw)
	assert.Len(t, got.body["ignore"], 1)
	compat = call(t, h, "GET", v11+"/compatibility", devToken, "")
	assert.Equal(t, float64(0), compat.body["breaking"], compat.raw)
	assert.Len(t, compat.body["ignored"], 1)

	// Or lower the rule to a warning instead.
	policy, _ = json.Marshal(map[string]any{"levels": map[string]any{change["id"].(string): "warning"}})
	require.Equal(t, http.StatusOK, call(t, h, "PUT", "/v1/projects/shop/settings/contracts", pmToken, string(policy), "If-Match", `"1"`).status)
	judged := call(t, h, "GET", c+"/"+id+"/changes?from=1.0.0&to=1.1.0", devToken, "")
	assert.Equal(t, float64(0), judged.body["breaking"], judged.raw)
	assert.Equal(t, "warning", judged.body["changes"].([]any)[0].(map[string]any)["level"])
	proposed := call(t, h, "POST", v11+"/transitions", pmToken, `{"to":"proposed"}`, "If-Match", `"2"`)
	assert.Equal(t, http.StatusOK, proposed.status, proposed.raw)
}

func TestImportOpenAPIOverHTTP(t *testing.T) {
	h := newAPI(t)
	const c = "/v1/projects/shop/contracts"
	doc := func(maximum int) string {
		return fmt.Sprintf("openapi: 3.0.3\ninfo: {title: inventory, version: '1'}\npaths:\n  /stock/{sku}:\n    get:\n      operationId: getStock\n"+
			"      parameters:\n        - {name: sku, in: path, required: true, schema: {type: string}}\n        - {name: session, in: cookie, schema: {type: string}}\n"+
			"        - {name: limit, in: query, schema: {type: integer, maximum: %d}}\n"+
			"      responses:\n        '200': {description: ok}\n", maximum)
	}
	body, _ := json.Marshal(map[string]any{"version": "1.0.0", "document": doc(100), "note": "from the gateway"})
	created := call(t, h, "POST", c+"/import", pmToken, string(body))
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	assert.Equal(t, "inventory", created.body["spec"].(map[string]any)["service"])
	notes := created.body["import_report"].(map[string]any)["notes"].([]any)
	require.Len(t, notes, 1)
	assert.Equal(t, "/paths/~1stock~1{sku}/get/parameters/1", notes[0].(map[string]any)["pointer"])
	id := created.body["contract_id"].(string)

	body, _ = json.Marshal(map[string]any{"version": "1.1.0", "document": strings.Replace(doc(10), "inventory", "Inventory API", 1)})
	next := call(t, h, "POST", c+"/"+id+"/versions/import", pmToken, string(body))
	require.Equal(t, http.StatusCreated, next.status, next.raw)
	assert.Equal(t, "inventory", next.body["spec"].(map[string]any)["service"], "the contract keeps its service name")
	judged := call(t, h, "GET", c+"/"+id+"/changes?from=1.0.0&to=1.1.0", devToken, "")
	require.Equal(t, http.StatusOK, judged.status, judged.raw)
	assert.Equal(t, float64(1), judged.body["breaking"], judged.raw)

	bad := call(t, h, "POST", c+"/import", pmToken, `{"version":"1.0.0","document":"openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\npaths: {}\n"}`)
	assert.Equal(t, http.StatusBadRequest, bad.status, bad.raw)
	assert.Contains(t, bad.raw, `"field":"document/paths"`)
	assert.Contains(t, bad.raw, "line 4")
	empty := call(t, h, "POST", c+"/import", pmToken, `{"version":"1.0.0"}`)
	assert.Equal(t, http.StatusBadRequest, empty.status)
	assert.Contains(t, empty.raw, `"field":"document"`)
}

// TestValidateADefaultOnlyContract: the classic Petstore declares only a
// default response for an operation. It imports, and the validate route
// checks traffic against it (it used to panic on a nil validator); a
// dangling $ref is a note, or under strict a 400 naming it.
func TestValidateADefaultOnlyContract(t *testing.T) {
	h := newAPI(t)
	const c = "/v1/projects/shop/contracts"
	doc := "openapi: 3.0.0\ninfo: {title: petstore, version: 1.0.0}\nservers: [{url: 'http://petstore.swagger.io/v1/'}]\npaths:\n  /pets:\n    get:\n" +
		"      operationId: listPets\n      responses:\n        default:\n          description: unexpected error\n          content:\n            application/json:\n" +
		"              schema: {type: object, required: [code], properties: {code: {type: integer}, tag: {$ref: '#/components/schemas/Tag'}}}\n"
	body, _ := json.Marshal(map[string]any{"version": "1.0.0", "document": doc})
	created := call(t, h, "POST", c+"/import", pmToken, string(body))
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	assert.Contains(t, created.raw, `"pointer":"/paths/~1pets/get/responses/default/content/application~1json/schema/properties/tag/$ref"`)
	v1 := c + "/" + created.body["contract_id"].(string) + "/versions/1.0.0"

	check := call(t, h, "POST", v1+"/validate", devToken, `{"request":{"method":"GET","path":"/v1/pets"},"response":{"status":500,"body":{"code":"x"}}}`)
	require.Equal(t, http.StatusOK, check.status, check.raw)
	assert.Equal(t, false, check.body["valid"])
	violations := check.body["response"].(map[string]any)["violations"].([]any)
	require.Len(t, violations, 1)
	assert.Equal(t, "/code", violations[0].(map[string]any)["pointer"])
	good := call(t, h, "POST", v1+"/validate", devToken, `{"request":{"method":"GET","path":"/v1/pets"},"response":{"status":200,"body":{"code":1}}}`)
	assert.Equal(t, true, good.body["valid"], good.raw)

	body, _ = json.Marshal(map[string]any{"version": "1.0.0", "document": strings.Replace(doc, "petstore", "petstore2", 1), "strict": true})
	strict := call(t, h, "POST", c+"/import", pmToken, string(body))
	assert.Equal(t, http.StatusBadRequest, strict.status, strict.raw)
	assert.Contains(t, strict.raw, "#/components/schemas/Tag")
}
