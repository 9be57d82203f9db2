package contract_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
)

// TestParameterStyles checks traffic written in each style a contract can
// declare, and refuses values written another way.
// stylesSpec declares a parameter in each style, and mixed path segments.
func stylesSpec() contract.Spec {
	no, yes := false, true
	ints := json.RawMessage(`{"type":"array","items":{"type":"integer","minimum":1}}`)
	return contract.Spec{Service: "styles", Operations: []contract.Operation{
		{ID: "search", Method: "GET", Path: "/items", Responses: map[string]contract.Response{"200": {}},
			Parameters: []contract.Parameter{
				{Name: "repeated", In: contract.InQuery, Schema: ints},
				{Name: "comma", In: contract.InQuery, Style: contract.StyleForm, Explode: &no, Schema: ints},
				{Name: "space", In: contract.InQuery, Style: contract.StyleSpaceDelimited, Schema: ints},
				{Name: "pipe", In: contract.InQuery, Style: contract.StylePipeDelimited, Schema: ints},
				{Name: "filter", In: contract.InQuery, Style: contract.StyleDeepObject,
					Schema: json.RawMessage(`{"type":"object","properties":{"status":{"enum":["open","paid"]},"limit":{"type":"integer","maximum":50}},"additionalProperties":false}`)},
			}},
		{ID: "byLabel", Method: "GET", Path: "/label/{ids}", Responses: map[string]contract.Response{"200": {}},
			Parameters: []contract.Parameter{{Name: "ids", In: contract.InPath, Style: contract.StyleLabel, Schema: ints}}},
		{ID: "byMatrix", Method: "GET", Path: "/matrix/{ids}", Responses: map[string]contract.Response{"200": {}},
			Parameters: []contract.Parameter{{Name: "ids", In: contract.InPath, Style: contract.StyleMatrix, Schema: ints}}},
		{ID: "byExplodedLabel", Method: "GET", Path: "/exploded-label/{ids}", Responses: map[string]contract.Response{"200": {}},
			Parameters: []contract.Parameter{{Name: "ids", In: contract.InPath, Style: contract.StyleLabel, Explode: &yes, Schema: ints}}},
		{ID: "byExplodedMatrix", Method: "GET", Path: "/exploded-matrix/{ids}", Responses: map[string]contract.Response{"200": {}},
			Parameters: []contract.Parameter{{Name: "ids", In: contract.InPath, Style: contract.StyleMatrix, Explode: &yes, Schema: ints}}},
		{ID: "compare", Method: "GET", Path: "/compare/{base}...{head}", Responses: map[string]contract.Response{"200": {}},
			Parameters: []contract.Parameter{{Name: "base", In: contract.InPath, Schema: ints}, {Name: "head", In: contract.InPath, Style: contract.StyleLabel, Schema: ints}}},
	}}
}

func TestParameterStyles(t *testing.T) {
	v, err := contract.Compile(stylesSpec())
	require.NoError(t, err)
	for _, tc := range []struct {
		target string
		bad    []string // the names of the parameters refused
	}{
		{"/items?repeated=1&repeated=2&comma=1,2&space=1%202&pipe=1|2&filter[status]=open&filter[limit]=5", nil},
		{"/items?repeated=1,2", []string{"repeated"}},
		{"/items?comma=1&comma=2", []string{"comma"}},
		{"/items?comma=1,0", []string{"comma"}},
		{"/items?space=1%200", []string{"space"}},
		{"/items?pipe=1|x", []string{"pipe"}},
		{"/items?filter[status]=shipped", []string{"filter"}},
		{"/items?filter[limit]=500", []string{"filter"}},
		{"/items?filter[other]=1", []string{"filter"}},
		{"/items?filter[a][b]=1", []string{"filter"}},
		{"/label/.1,2", nil},
		{"/label/1,2", []string{"ids"}},
		{"/label/.1,0", []string{"ids"}},
		{"/exploded-label/.1.2", nil},
		{"/exploded-label/.1,2", []string{"ids"}},
		{"/matrix/;ids=1,2", nil},
		{"/matrix/;ids=1;ids=2", []string{"ids"}},
		{"/matrix/1", []string{"ids"}},
		{"/exploded-matrix/;ids=1;ids=2", nil},
		{"/exploded-matrix/;ids=1;other=2", []string{"ids"}},
		{"/compare/1,2....3", nil},
		{"/compare/1...3", []string{"head"}},
	} {
		res := v.ValidateRequest(request("GET", tc.target, ""), nil)
		var names []string
		for _, vl := range res.Violations {
			names = append(names, vl.Name)
		}
		assert.Equal(t, tc.bad, names, "%s: %s", tc.target, res.String())
	}
}

func TestParameterStylesAreChecked(t *testing.T) {
	yes := true
	for name, p := range map[string]contract.Parameter{
		"a path style on a query parameter": {Name: "q", In: contract.InQuery, Style: contract.StyleMatrix},
		"a style on a header":               {Name: "X-Q", In: contract.InHeader, Style: contract.StyleForm},
		"an exploded pipe":                  {Name: "q", In: contract.InQuery, Style: contract.StylePipeDelimited, Explode: &yes},
	} {
		spec := contract.Spec{Service: "s", Operations: []contract.Operation{{ID: "a", Method: "GET", Path: "/a",
			Parameters: []contract.Parameter{p}, Responses: map[string]contract.Response{"200": {}}}}}
		err := spec.Validate()
		require.Error(t, err, name)
		assert.Equal(t, accord.Invalid, accord.ErrorCode(err), name)
		assert.Contains(t, err.Error(), "operations[0].parameters[0]", name)
	}
}

// A style survives export and import.
func TestParameterStylesRoundTrip(t *testing.T) {
	no := false
	spec := contract.Spec{Service: "s", Operations: []contract.Operation{{ID: "a", Method: "GET", Path: "/a/{id}",
		Parameters: []contract.Parameter{
			{Name: "id", In: contract.InPath, Style: contract.StyleMatrix, Schema: json.RawMessage(`{"type":"array","items":{"type":"string"}}`)},
			{Name: "q", In: contract.InQuery, Style: contract.StyleForm, Explode: &no, Schema: json.RawMessage(`{"type":"array","items":{"type":"string"}}`)},
		}, Responses: map[string]contract.Response{"200": {Description: "ok"}}}}}
	doc, err := contract.OpenAPI(spec, "1.0.0")
	require.NoError(t, err)
	back, report, err := contract.ImportOpenAPI(doc)
	require.NoError(t, err)
	assert.Empty(t, report.Notes)
	for i, p := range spec.Operations[0].Parameters {
		got := back.Operations[0].Parameters[i]
		assert.Equal(t, p.Style, got.Style)
		assert.Equal(t, p.Explode, got.Explode)
	}
	assert.Empty(t, contract.Compare(spec, back))
}

// TestMixedPathSegments: a segment may mix text and parameters, as GitHub's
// /repos/{owner}/{repo}/compare/{base}...{head} does. Each parameter takes
// the shortest text up to what follows it; literal segments win over
// mixed ones, and those over whole parameters.
func TestMixedPathSegments(t *testing.T) {
	str := json.RawMessage(`{"type":"string"}`)
	path := func(names ...string) []contract.Parameter {
		var ps []contract.Parameter
		for _, n := range names {
			ps = append(ps, contract.Parameter{Name: n, In: contract.InPath, Schema: str})
		}
		return ps
	}
	ok := map[string]contract.Response{"200": {}}
	spec := contract.Spec{Service: "s", Operations: []contract.Operation{
		{ID: "compare", Method: "GET", Path: "/repos/{owner}/compare/{base}...{head}", Parameters: path("owner", "base", "head"), Responses: ok},
		{ID: "asJSON", Method: "GET", Path: "/files/{name}.json", Parameters: path("name"), Responses: ok},
		{ID: "byID", Method: "GET", Path: "/files/{id}", Parameters: path("id"), Responses: ok},
		{ID: "readme", Method: "GET", Path: "/files/readme.json", Responses: ok},
	}}
	v, err := contract.Compile(spec)
	require.NoError(t, err)
	for _, tc := range []struct {
		target, op string
		params     map[string]string
	}{
		{"/repos/octo/compare/main...feature", "compare", map[string]string{"owner": "octo", "base": "main", "head": "feature"}},
		{"/repos/octo/compare/v1.0...v2.0...x", "compare", map[string]string{"owner": "octo", "base": "v1.0", "head": "v2.0...x"}},
		{"/repos/octo/compare/a%2Fb...c", "compare", map[string]string{"owner": "octo", "base": "a/b", "head": "c"}},
		{"/files/report.json", "asJSON", map[string]string{"name": "report"}},
		{"/files/report.csv", "byID", map[string]string{"id": "report.csv"}},
		{"/files/readme.json", "readme", map[string]string{}},
		{"/files/.json", "byID", map[string]string{"id": ".json"}},
	} {
		id, params, err := v.Match(request("GET", tc.target, ""))
		require.NoError(t, err, tc.target)
		assert.Equal(t, tc.op, id, tc.target)
		assert.Equal(t, tc.params, params, tc.target)
	}
	_, _, err = v.Match(request("GET", "/repos/octo/compare/main", ""))
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "no ... in the segment: no operation")

	collide := spec
	collide.Operations = append(slices.Clone(spec.Operations), contract.Operation{ID: "asJSON2", Method: "GET", Path: "/files/{other}.json", Parameters: path("other"), Responses: ok})
	_, err = contract.Compile(collide)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "asJSON2 (GET /files/{other}.json): collides with asJSON (GET /files/{name}.json)")
}

// FuzzStyles sends arbitrary paths and queries to parameters of every
// style and to mixed path segments: the validator never panics, and every
// violation says what and why.
func FuzzStyles(f *testing.F) {
	v, err := contract.Compile(stylesSpec())
	if err != nil {
		f.Fatal(err)
	}
	f.Add("/items", "repeated=1&comma=1,2&space=1%202&pipe=1|2&filter[status]=open")
	f.Add("/matrix/;ids=1,2", "")
	f.Add("/exploded-label/.1..2", "filter[]=1&filter[a][b]=2")
	f.Add("/compare/...", "")
	f.Add("/compare/1.......", "")
	f.Fuzz(func(t *testing.T, path, query string) {
		r := request("GET", "/", "")
		r.URL = &url.URL{Path: path, RawQuery: query}
		for _, vl := range v.ValidateRequest(r, nil).Violations {
			if vl.Keyword == "" || vl.Message == "" {
				t.Fatalf("violation without keyword or message: %+v", vl)
			}
		}
		_, _, _ = v.Match(r)
	})
}
