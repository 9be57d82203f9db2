package contract_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/contract"
)

// Sunset dates long past and far ahead, so the pairs do not depend on the
// day they run.
const (
	past   = "2000-01-01"
	future = "9999-12-31"
)

// lifeDoc is a minimal OpenAPI 3.0 document: GET /a (with op spliced into
// its operation, and a query parameter limit with param spliced in) and
// GET /b, which is always there.
func lifeDoc(op, param string) []byte {
	return []byte(`{"openapi":"3.0.3","info":{"title":"life","version":"1"},"paths":{
"/a":{"get":{"operationId":"getA",` + op + `"parameters":[{"name":"limit","in":"query","schema":{"type":"integer"}` + param + `}],
"responses":{"200":{"description":"ok"}}}},
"/b":{"get":{"operationId":"getB","responses":{"200":{"description":"ok"}}}}}}`)
}

// onlyB is lifeDoc without /a.
var onlyB = []byte(`{"openapi":"3.0.3","info":{"title":"life","version":"1"},"paths":{
"/b":{"get":{"operationId":"getB","responses":{"200":{"description":"ok"}}}}}}`)

// noLimit is lifeDoc without the parameter.
var noLimit = []byte(`{"openapi":"3.0.3","info":{"title":"life","version":"1"},"paths":{
"/a":{"get":{"operationId":"getA","responses":{"200":{"description":"ok"}}}},
"/b":{"get":{"operationId":"getB","responses":{"200":{"description":"ok"}}}}}}`)

// propDoc is an OpenAPI 3.1 document whose POST /p takes and returns an
// object with a required property v; prop is spliced into v's schema.
func propDoc(prop string) []byte {
	schema := `{"type":"object","required":["v"],"properties":{"v":{"type":"string"` + prop + `}}}`
	return propDocOf(schema)
}

func propDocOf(schema string) []byte {
	return []byte(`{"openapi":"3.1.0","info":{"title":"p","version":"1"},"paths":{"/p":{"post":{"operationId":"p",
"requestBody":{"content":{"application/json":{"schema":` + schema + `}}},
"responses":{"200":{"description":"ok","content":{"application/json":{"schema":` + schema + `}}}}}}}}`)
}

// secDoc is an OpenAPI 3.0 document with the security schemes oauth and
// key, whose GET /s has the security op (none when empty) under the
// global security global (none when empty).
func secDoc(op, global string) []byte {
	doc := `{"openapi":"3.0.3","info":{"title":"s","version":"1"},`
	if global != "" {
		doc += `"security":` + global + `,`
	}
	doc += `"components":{"securitySchemes":{"key":{"type":"apiKey","in":"header","name":"X-Key"},
"oauth":{"type":"oauth2","flows":{"implicit":{"authorizationUrl":"https://example.com/auth","scopes":{"read":"r","write":"w"}}}}}},
"paths":{"/s":{"get":{"operationId":"s",`
	if op != "" {
		doc += `"security":` + op + `,`
	}
	return []byte(doc + `"responses":{"200":{"description":"ok"}}}}}}`)
}

// mediaDoc is an OpenAPI 3.1 document whose GET /m answers 200 as mt.
func mediaDoc(mt string) []byte {
	return []byte(`{"openapi":"3.1.0","info":{"title":"m","version":"1"},"paths":{"/m":{"get":{"operationId":"m",
"responses":{"200":{"description":"ok","content":{"` + mt + `":{"schema":{"type":"object"}}}}}}}}}`)
}

// hookDoc is an OpenAPI 3.1 document with the webhooks given and one
// operation, POST /subscribe, with the callbacks given.
func hookDoc(webhooks, callbacks string) []byte {
	doc := `{"openapi":"3.1.0","info":{"title":"h","version":"1"},`
	if webhooks != "" {
		doc += `"webhooks":` + webhooks + `,`
	}
	doc += `"paths":{"/subscribe":{"post":{"operationId":"subscribe",`
	if callbacks != "" {
		doc += `"callbacks":` + callbacks + `,`
	}
	return []byte(doc + `"responses":{"201":{"description":"ok"}}}}}}`)
}

// hook is a path item that sends a body of schema and reads an answer
// of answer.
func hook(schema, answer string, required bool) string {
	return `{"post":{"requestBody":{"required":` + map[bool]string{true: "true", false: "false"}[required] + `,"content":{"application/json":{"schema":` + schema + `}}},
"responses":{"200":{"description":"ok","content":{"application/json":{"schema":` + answer + `}}}}}}`
}

// TestCompareLifecycleAndHooksMinimalPairs holds one small pair per rule
// of deprecation, sunset and stability (oasdiff's rule IDs), and of
// webhooks and callbacks. want is the rule that must be reported, at
// level; the pair must have no breaking change when level is not
// Breaking.
func TestCompareLifecycleAndHooksMinimalPairs(t *testing.T) {
	const event = `{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}}`
	const answer = `{"type":"object","properties":{"ok":{"type":"boolean"}}}`
	cases := []struct {
		name     string
		want     string
		level    contract.ChangeLevel
		old, new []byte
	}{
		// Operations.
		{"removed without deprecation", "api-path-removed-without-deprecation", contract.Breaking, lifeDoc(``, ``), onlyB},
		{"removed after deprecation, no sunset", "api-path-removed-with-deprecation", contract.Info, lifeDoc(`"deprecated":true,`, ``), onlyB},
		{"removed before its sunset", "api-path-removed-before-sunset", contract.Breaking, lifeDoc(`"deprecated":true,"x-sunset":"`+future+`",`, ``), onlyB},
		{"removed after its sunset", "api-path-removed-after-sunset", contract.Info, lifeDoc(`"deprecated":true,"x-sunset":"`+past+`",`, ``), onlyB},
		{"removed with a sunset that cannot be read", "api-path-sunset-parse", contract.Breaking, lifeDoc(`"deprecated":true,"x-sunset":"soon",`, ``), onlyB},
		{"removed while alpha", "api-removed-unstable", contract.Info, lifeDoc(`"x-stability-level":"alpha",`, ``), onlyB},
		{"deprecated with a sunset", "endpoint-deprecated-with-sunset", contract.Info, lifeDoc(``, ``), lifeDoc(`"deprecated":true,"x-sunset":"`+future+`",`, ``)},
		{"deprecated with a sunset that cannot be read", "api-deprecated-sunset-parse", contract.Breaking, lifeDoc(``, ``), lifeDoc(`"deprecated":true,"x-sunset":"soon",`, ``)},
		{"sunset deleted", "sunset-deleted", contract.Breaking, lifeDoc(`"deprecated":true,"x-sunset":"`+future+`",`, ``), lifeDoc(`"deprecated":true,`, ``)},
		{"sunset moved into the past", "api-sunset-date-changed-too-small", contract.Breaking,
			lifeDoc(`"deprecated":true,"x-sunset":"`+future+`",`, ``), lifeDoc(`"deprecated":true,"x-sunset":"`+past+`",`, ``)},
		{"sunset moved later", "", contract.Info,
			lifeDoc(`"deprecated":true,"x-sunset":"2999-01-01",`, ``), lifeDoc(`"deprecated":true,"x-sunset":"`+future+`",`, ``)},
		{"stability lowered", "api-stability-decreased", contract.Breaking, lifeDoc(`"x-stability-level":"beta",`, ``), lifeDoc(`"x-stability-level":"alpha",`, ``)},
		{"stability raised", "api-stability-increased", contract.Info, lifeDoc(`"x-stability-level":"beta",`, ``), lifeDoc(``, ``)},
		{"stability that cannot be read", "api-invalid-stability-level", contract.Breaking, lifeDoc(``, ``), lifeDoc(`"x-stability-level":"ga",`, ``)},
		{"a draft operation promises nothing", "request-parameter-became-required", contract.Info,
			lifeDoc(`"x-stability-level":"draft",`, ``), lifeDoc(`"x-stability-level":"draft",`, `,"required":true`)},

		// Parameters.
		{"parameter removed without deprecation", "request-parameter-removed", contract.Warning, lifeDoc(``, ``), noLimit},
		{"parameter removed before its sunset", "request-parameter-removed-before-sunset", contract.Breaking, lifeDoc(``, `,"deprecated":true,"x-sunset":"`+future+`"`), noLimit},
		{"parameter removed after its sunset", "request-parameter-removed-after-sunset", contract.Info, lifeDoc(``, `,"deprecated":true,"x-sunset":"`+past+`"`), noLimit},
		{"parameter deprecated with a sunset that cannot be read", "request-parameter-sunset-parse", contract.Breaking, lifeDoc(``, ``), lifeDoc(``, `,"deprecated":true,"x-sunset":"soon"`)},
		{"parameter sunset deleted", "request-parameter-sunset-deleted", contract.Breaking, lifeDoc(``, `,"deprecated":true,"x-sunset":"`+future+`"`), lifeDoc(``, `,"deprecated":true`)},
		{"parameter sunset moved into the past", "request-parameter-sunset-date-changed-too-small", contract.Breaking,
			lifeDoc(``, `,"deprecated":true,"x-sunset":"`+future+`"`), lifeDoc(``, `,"deprecated":true,"x-sunset":"`+past+`"`)},

		// Properties.
		{"property removed before its sunset", "request-property-removed-before-sunset", contract.Breaking,
			propDoc(`,"deprecated":true,"x-sunset":"` + future + `"`), propDocOf(`{"type":"object","properties":{}}`)},
		{"property removed after its sunset", "response-required-property-removed-after-sunset", contract.Info,
			propDoc(`,"deprecated":true,"x-sunset":"` + past + `"`), propDocOf(`{"type":"object","properties":{}}`)},
		{"property stability lowered", "response-property-stability-decreased", contract.Breaking, propDoc(`,"x-stability-level":"stable"`), propDoc(`,"x-stability-level":"draft"`)},
		{"property deprecated with a sunset that cannot be read", "request-property-deprecated-sunset-invalid", contract.Breaking, propDoc(``), propDoc(`,"deprecated":true,"x-sunset":"soon"`)},

		// Security.
		{"anonymous access removed", "api-security-anonymous-access-removed", contract.Breaking, secDoc(``, ``), secDoc(`[{"oauth":["read"]}]`, ``)},
		{"global security added", "api-security-anonymous-access-removed", contract.Breaking, secDoc(``, ``), secDoc(``, `[{"oauth":["read"]}]`)},
		{"an operation opts out of the global security", "api-security-anonymous-access-added", contract.Info, secDoc(``, `[{"oauth":["read"]}]`), secDoc(`[]`, `[{"oauth":["read"]}]`)},
		{"scope added", "api-security-scope-added", contract.Breaking, secDoc(`[{"oauth":["read"]}]`, ``), secDoc(`[{"oauth":["read","write"]}]`, ``)},
		{"scope removed", "api-security-scope-removed", contract.Info, secDoc(`[{"oauth":["read","write"]}]`, ``), secDoc(`[{"oauth":["read"]}]`, ``)},
		{"an alternative removed", "api-security-removed", contract.Breaking, secDoc(`[{"oauth":["read"]},{"key":[]}]`, ``), secDoc(`[{"oauth":["read"]}]`, ``)},
		{"an alternative added", "api-security-added", contract.Info, secDoc(`[{"oauth":["read"]}]`, ``), secDoc(`[{"oauth":["read"]},{"key":[]}]`, ``)},

		// Media type parameters, as oasdiff: added is fine, removed or
		// changed is not promised any more.
		{"response media type gains a parameter", "response-media-type-parameter-added", contract.Info, mediaDoc("application/json"), mediaDoc("application/json; charset=utf-8")},
		{"response media type loses a parameter", "response-media-type-parameter-removed", contract.Breaking, mediaDoc("application/json; charset=utf-8"), mediaDoc("application/json")},
		{"response media type parameter changed", "response-media-type-parameter-changed", contract.Breaking, mediaDoc("application/json; charset=utf-8"), mediaDoc("application/json; charset=latin1")},

		// Webhooks and callbacks: the body is what the service sends.
		{"webhook removed", "webhook-removed", contract.Breaking, hookDoc(`{"created":`+hook(event, answer, false)+`}`, ``), hookDoc(`{}`, ``)},
		{"webhook added", "webhook-added", contract.Info, hookDoc(`{}`, ``), hookDoc(`{"created":`+hook(event, answer, false)+`}`, ``)},
		{"webhook body loses a required property", "response-required-property-removed", contract.Breaking,
			hookDoc(`{"created":`+hook(event, answer, false)+`}`, ``), hookDoc(`{"created":`+hook(`{"type":"object"}`, answer, false)+`}`, ``)},
		{"webhook body always sent now", "request-body-became-required", contract.Info,
			hookDoc(`{"created":`+hook(event, answer, false)+`}`, ``), hookDoc(`{"created":`+hook(event, answer, true)+`}`, ``)},
		{"webhook body may be left out now", "request-body-became-optional", contract.Breaking,
			hookDoc(`{"created":`+hook(event, answer, true)+`}`, ``), hookDoc(`{"created":`+hook(event, answer, false)+`}`, ``)},
		{"webhook answer: a property became required", "request-property-became-required", contract.Breaking,
			hookDoc(`{"created":`+hook(event, answer, false)+`}`, ``),
			hookDoc(`{"created":`+hook(event, `{"type":"object","required":["ok"],"properties":{"ok":{"type":"boolean"}}}`, false)+`}`, ``)},
		{"callback removed", "callback-removed", contract.Breaking,
			hookDoc(``, `{"onDone":{"{$request.body#/url}":`+hook(event, answer, true)+`}}`), hookDoc(``, ``)},
		{"callback body type changed", "response-property-type-changed", contract.Breaking,
			hookDoc(``, `{"onDone":{"{$request.body#/url}":`+hook(event, answer, true)+`}}`),
			hookDoc(``, `{"onDone":{"{$request.body#/url}":`+hook(`{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}`, answer, true)+`}}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, _, err := contract.ImportOpenAPI(tc.old)
			require.NoError(t, err)
			new, _, err := contract.ImportOpenAPI(tc.new)
			require.NoError(t, err)
			changes := contract.Compare(old, new)
			if tc.want == "" {
				assert.Empty(t, contract.BreakingChanges(changes))
				return
			}
			var found *contract.Change
			for i, c := range changes {
				if c.ID == tc.want {
					found = &changes[i]
				}
			}
			require.NotNil(t, found, "%s among %+v", tc.want, changes)
			assert.Equal(t, tc.level, found.Level, found.Message)
			assert.True(t, strings.HasPrefix(found.Location, "/"), "%+v", found)
			assert.NotEmpty(t, found.Message)
			if tc.level != contract.Breaking {
				assert.Empty(t, contract.BreakingChanges(changes), "nothing else is breaking")
			}
		})
	}
}

// TestLifecycleAndHooksRoundTrip: deprecation, sunset, stability, webhooks
// and callbacks survive import → export → import, Swagger 2.0 included,
// and a document of webhooks only, or of nothing, imports and compiles.
func TestLifecycleAndHooksRoundTrip(t *testing.T) {
	doc := `{"openapi":"3.1.0","info":{"title":"h","version":"1"},
"webhooks":{"created":` + hookOf("created") + `},
"paths":{"/subscribe":{"post":{"operationId":"subscribe","deprecated":true,"x-sunset":"2030-01-31","x-stability-level":"beta",
"parameters":[{"name":"tag","in":"query","deprecated":true,"x-sunset":"2029-12-31","schema":{"type":"string"}}],
"callbacks":{"onDone":{"{$request.body#/url}":` + hookOf("done") + `}},
"responses":{"201":{"description":"ok"}}}}}}`
	spec, _, err := contract.ImportOpenAPI([]byte(doc))
	require.NoError(t, err)
	check := func(t *testing.T, spec contract.Spec) {
		t.Helper()
		require.Len(t, spec.Operations, 1)
		op := spec.Operations[0]
		assert.True(t, op.Deprecated)
		assert.Equal(t, "2030-01-31", op.Sunset)
		assert.Equal(t, contract.StabilityBeta, op.Stability)
		require.Len(t, op.Parameters, 1)
		assert.True(t, op.Parameters[0].Deprecated)
		assert.Equal(t, "2029-12-31", op.Parameters[0].Sunset)
		require.Len(t, op.Callbacks, 1)
		assert.Equal(t, "onDone", op.Callbacks[0].Name)
		assert.Equal(t, "{$request.body#/url}", op.Callbacks[0].URL)
		assert.Equal(t, "done", op.Callbacks[0].Operation.ID)
		require.Len(t, spec.Webhooks, 1)
		assert.Equal(t, "created", spec.Webhooks[0].Name)
		assert.Equal(t, "POST", spec.Webhooks[0].Operation.Method)
		require.NotNil(t, spec.Webhooks[0].Operation.RequestBody)
	}
	check(t, spec)
	out, err := contract.OpenAPI(spec, "")
	require.NoError(t, err)
	again, _, err := contract.ImportOpenAPI(out)
	require.NoError(t, err)
	check(t, again)
	assert.Empty(t, contract.Compare(spec, again), "nothing changed on the way")
	// The Spec's JSON (what stores keep) carries them too.
	raw, err := json.Marshal(spec)
	require.NoError(t, err)
	var decoded contract.Spec
	require.NoError(t, json.Unmarshal(raw, &decoded))
	check(t, decoded)
	assert.Equal(t, spec, decoded)

	sec, _, err := contract.ImportOpenAPI(secDoc(`[{"oauth":["read"]},{}]`, `[{"key":[]}]`))
	require.NoError(t, err)
	assert.Equal(t, []contract.SecurityRequirement{{"oauth": {"read"}}, {}}, sec.Operations[0].Security)
	out, err = contract.OpenAPI(sec, "")
	require.NoError(t, err)
	secAgain, _, err := contract.ImportOpenAPI(out)
	require.NoError(t, err)
	assert.Equal(t, sec.Operations[0].Security, secAgain.Operations[0].Security)
	assert.Equal(t, sec.SecuritySchemes, secAgain.SecuritySchemes)

	swagger := `{"swagger":"2.0","info":{"title":"s","version":"1"},"paths":{"/a":{"get":{"operationId":"a","deprecated":true,"x-sunset":"2030-01-31","x-stability-level":"alpha",
"parameters":[{"name":"q","in":"query","type":"string","deprecated":true,"x-sunset":"2029-12-31"}],"responses":{"200":{"description":"ok"}}}}}}`
	s2, _, err := contract.ImportOpenAPI([]byte(swagger))
	require.NoError(t, err)
	op := s2.Operations[0]
	assert.Equal(t, []any{true, "2030-01-31", "alpha"}, []any{op.Deprecated, op.Sunset, op.Stability})
	assert.Equal(t, []any{true, "2029-12-31"}, []any{op.Parameters[0].Deprecated, op.Parameters[0].Sunset})
	assert.NotContains(t, string(op.Parameters[0].Schema), "deprecated", "the parameter's deprecation is not a schema keyword")

	for _, d := range []string{
		`{"openapi":"3.1.0","info":{"title":"w","version":"1"},"webhooks":{"created":` + hookOf("created") + `}}`,
		`{"openapi":"3.0.3","info":{"title":"nothing","version":"1"},"paths":{}}`,
	} {
		spec, report, err := contract.ImportOpenAPI([]byte(d))
		require.NoError(t, err)
		assert.Empty(t, spec.Operations)
		assert.NotEmpty(t, report.Notes, "the report says there are no paths")
		_, err = contract.Compile(spec)
		require.NoError(t, err, "a contract without operations compiles")
	}
}

func hookOf(id string) string {
	return `{"post":{"operationId":"` + id + `","requestBody":{"content":{"application/json":{"schema":{"type":"object"}}}},"responses":{"200":{"description":"ok"}}}}`
}

// TestLintLifecycle: a stability level or a sunset date Compare cannot
// read is a warning, as is a contract with nothing in it; comparing such
// a contract with itself finds nothing.
func TestLintLifecycle(t *testing.T) {
	spec, _, err := contract.ImportOpenAPI(lifeDoc(`"x-stability-level":"ga","deprecated":true,"x-sunset":"soon",`, `,"x-sunset":"2030-01-01"`))
	require.NoError(t, err)
	var got []string
	for _, f := range contract.Lint(spec) {
		if f.Rule == contract.RuleLifecycle {
			assert.Equal(t, contract.SeverityWarning, f.Severity)
			got = append(got, f.Field+": "+f.Message)
		}
	}
	assert.Equal(t, []string{
		`operations[0].stability: getA (GET /a): the stability level "ga" is not one of draft, alpha, beta, stable`,
		`operations[0].sunset: getA (GET /a): the operation: the sunset date "soon" is neither a date (2006-01-02) nor an RFC 3339 time`,
		`operations[0].parameters[0].sunset: getA (GET /a): the query parameter "limit" has a sunset date but is not deprecated`,
	}, got)
	assert.Empty(t, contract.Compare(spec, spec), "what cannot be read is reported when it changes, not each time")
	findings := contract.Lint(contract.Spec{Service: "empty"})
	require.Len(t, findings, 1)
	assert.Equal(t, contract.RuleNoOperations, findings[0].Rule)
}

// TestExamplesSurviveExportAndImport: every oas-examples document
// (webhooks, callbacks, security, deprecation among them) compares equal
// to itself, and to what its export imports back as.
func TestExamplesSurviveExportAndImport(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "oas-examples", "*", "*.*"))
	require.NoError(t, err)
	require.Greater(t, len(files), 50)
	hooks, secured, deprecated := 0, 0, 0
	for _, file := range files {
		spec, _, err := contract.ImportOpenAPIFile(file)
		require.NoError(t, err, file)
		assert.Empty(t, contract.Compare(spec, spec), file)
		out, err := contract.OpenAPI(spec, "")
		require.NoError(t, err, file)
		again, _, err := contract.ImportOpenAPI(out)
		require.NoError(t, err, file)
		assert.Empty(t, contract.Compare(spec, again), "%s: import → export → import changes nothing", file)
		hooks += len(spec.Webhooks)
		for _, op := range spec.Operations {
			hooks += len(op.Callbacks)
			if len(op.Security) > 0 {
				secured++
			}
			if op.Deprecated {
				deprecated++
			}
		}
	}
	assert.Positive(t, hooks, "the examples hold webhooks and callbacks")
	assert.Positive(t, secured, "and secured operations")
	assert.Positive(t, deprecated, "and deprecated ones")
}

// streamDoc is an OpenAPI 3.2 document whose POST /stream takes and
// answers streams of items of the schema item.
func streamDoc(item string) []byte {
	return []byte(`{"openapi":"3.2.0","info":{"title":"s","version":"1"},"paths":{"/stream":{
"query":{"operationId":"search","responses":{"200":{"description":"ok"}}},
"post":{"operationId":"stream","parameters":[{"name":"q","in":"querystring","content":{"application/x-www-form-urlencoded":{"schema":{"type":"object"}}}}],
"requestBody":{"content":{"application/jsonl":{"itemSchema":` + item + `}}},
"responses":{"200":{"description":"ok","content":{"text/event-stream":{"itemSchema":` + item + `}}}}}}}}`)
}

// TestOpenAPI32ItemSchema: an OpenAPI 3.2 document imports, with its
// itemSchema compared like a body's schema and exported as 3.2; what
// accord does not read of 3.2 (QUERY, querystring) is noted as dropped.
func TestOpenAPI32ItemSchema(t *testing.T) {
	const item = `{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}}`
	old, report, err := contract.ImportOpenAPI(streamDoc(item))
	require.NoError(t, err)
	assert.Equal(t, "OpenAPI 3.2.0", report.Format)
	kinds := map[string]string{}
	for _, n := range report.Notes {
		kinds[n.Pointer] = n.Kind
	}
	assert.Equal(t, "dropped", kinds["/paths/~1stream/query"])
	assert.Equal(t, "dropped", kinds["/paths/~1stream/post/parameters/0"])
	require.Len(t, old.Operations, 1)
	assert.JSONEq(t, item, string(old.Operations[0].RequestBody.Content["application/jsonl"].ItemSchema))

	new, _, err := contract.ImportOpenAPI(streamDoc(`{"type":"object","properties":{"id":{"type":"integer"}}}`))
	require.NoError(t, err)
	var ids []string
	for _, c := range contract.BreakingChanges(contract.Compare(old, new)) {
		ids = append(ids, c.ID)
	}
	assert.ElementsMatch(t, []string{"request-property-type-changed", "response-property-type-changed", "response-property-became-optional"}, ids)

	out, err := contract.OpenAPI(old, "")
	require.NoError(t, err)
	assert.Contains(t, string(out), `"openapi": "3.2.0"`)
	again, _, err := contract.ImportOpenAPI(out)
	require.NoError(t, err)
	assert.Empty(t, contract.Compare(old, again))
	_, err = contract.Compile(old)
	require.NoError(t, err, "a stream is not validated, and does not stop the contract compiling")
}
