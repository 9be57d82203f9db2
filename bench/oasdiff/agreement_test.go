package oasdiff_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"

	"github.com/accordhq/accord/contract"
)

// agreementFloor is the share of oasdiff's own test pairs (both sides
// loadable by oasdiff) on which accord reaches the same breaking verdict.
// It is the figure reached when it was set: a change that lowers it fails
// TestAgreement. The pairs it still differs on are judged in AGREEMENT.md.
const agreementFloor = 0.907

// accordRight lists the pairs on which accord and oasdiff differ and
// accord is judged right (AGREEMENT.md gives each judgement in full), by
// "base -> revision" inside oasdiff's data, with the judgement's heading.
// TestAgreement fails on a difference listed in neither this nor
// judgedApart, and on a listed pair that no longer differs, so the list
// stays the truth.
var accordRight = map[string]string{
	"required-properties/request-new-revision.yaml -> required-properties/request-new-base.yaml":                                      "requests refuse unknown properties",
	"required-properties/request-property-items.yaml -> required-properties/request-property-items-2.yaml":                            "requests refuse unknown properties",
	"required-properties/response-allof-revision.json -> required-properties/response-allof-base.json":                                "allOf is flattened",
	"required-properties/read-only-new-base.yaml -> required-properties/read-only-new-revision.yaml":                                  "readOnly and required follow 2020-12",
	"required-properties/read-only-base.yaml -> required-properties/read-only-revision.yaml":                                          "readOnly and required follow 2020-12",
	"required-properties/write-only-delete-base.yaml -> required-properties/write-only-delete-revision.yaml":                          "requests refuse unknown properties",
	"required-properties/write-only-delete-partial-base.yaml -> required-properties/write-only-delete-partial-revision.yaml":          "requests refuse unknown properties",
	"pattern-base.yaml -> pattern-modified.yaml":                                                                                      "a response pattern that promises nothing",
	"checker/request_property_all_of_added_base.yaml -> checker/request_property_all_of_added_revision.yaml":                          "allOf is flattened",
	"checker/request_parameter_became_enum_base.yaml -> checker/request_parameter_became_enum_revision.yaml":                          "a path parameter that is not in the path",
	"checker/request_parameter_extensible_enum_base.yaml -> checker/request_parameter_extensible_enum_revision.yaml":                  "a path parameter that is not in the path",
	"checker/request_parameter_extensible_enum_number_base.yaml -> checker/request_parameter_extensible_enum_number_revision.yaml":    "a path parameter that is not in the path",
	"checker/request_parameter_max_items_updated_revision.yaml -> checker/request_parameter_max_items_updated_base.yaml":              "a constraint that cannot bind",
	"checker/request_parameter_max_updated_revision.yaml -> checker/request_parameter_max_updated_base.yaml":                          "a constraint that cannot bind",
	"checker/request_parameter_min_increased_base.yaml -> checker/request_parameter_min_increased_revision.yaml":                      "a path parameter that is not in the path",
	"checker/request_property_all_of_inline_added_base.yaml -> checker/request_property_all_of_inline_added_revision.yaml":            "allOf is flattened",
	"checker/request_body_any_of_media_type_base.yaml -> checker/request_body_any_of_media_type_revision.yaml":                        "oneOf/anyOf branches paired by content",
	"checker/request_property_one_of_added_base.yaml -> checker/request_property_one_of_added_revision.yaml":                          "oneOf/anyOf branches paired by content",
	"checker/pattern_properties_base.yaml -> checker/pattern_properties_revision.yaml":                                                "patternProperties loosen a closed request object",
	"checker/pattern_properties_prop_base.yaml -> checker/pattern_properties_prop_revision.yaml":                                      "patternProperties loosen a closed request object",
	"checker/request_property_added_revision.yaml -> checker/request_property_added_base.yaml":                                        "requests refuse unknown properties",
	"checker/allof_property_existence_base.yaml -> checker/allof_property_existence_revision.yaml":                                    "allOf is flattened",
	"checker/request_required_property_read_only_base.yaml -> checker/request_required_property_not_read_only_revision.yaml":          "readOnly and required follow 2020-12",
	"checker/response_property_one_of_wrapped_base.yaml -> checker/response_property_one_of_wrapped_original_preserved_revision.yaml": "oneOf/anyOf branches paired by content",
	"checker/schema_became_false_revision.yaml -> checker/schema_became_false_base.yaml":                                              "a false response body that can now hold something",
	"checker/sub_schema_added_property_revision.yaml -> checker/sub_schema_added_property_base.yaml":                                  "requests refuse unknown properties",
	"checker/webhook_operation_base.yaml -> checker/webhook_operation_revision.yaml":                                                  "a webhook body is sent by the service",
	"checker/nil_revision_subschema_base.yaml -> checker/nil_revision_subschema_revision.yaml":                                        "requests refuse unknown properties",
}

// judgedApart lists the pairs on which accord and oasdiff differ on
// purpose, and neither is simply wrong (AGREEMENT.md).
var judgedApart = map[string]string{
	"checker/add_new_media_type_revision.yaml -> checker/add_new_media_type_params_modified.yaml":          "media types paired by name",
	"checker/add_new_media_type_revision.yaml -> checker/add_new_media_type_name_modified.yaml":            "media types paired by name",
	"checker/request_xml_type_compatible_base.yaml -> checker/request_xml_type_compatible_revision.yaml":   "one schema rule for every media type",
	"checker/response_xml_type_compatible_base.yaml -> checker/response_xml_type_compatible_revision.yaml": "one schema rule for every media type",
}

// rightFloor is the share of the pairs on which accord agrees with
// oasdiff or is judged right where they differ.
const rightFloor = 0.95

// governance lists the folders of oasdiff's data whose pairs test
// deprecation, sunset dates and x-stability-level: their agreement is
// logged on its own too (AGREEMENT.md), never used for the floor.
var governance = []string{"deprecation/", "param-deprecation/", "stability/"}

// docPair is a base and a revision document that one of oasdiff's checker
// tests compares, as paths inside oasdiff's module.
type docPair struct{ base, revision string }

// oasdiffDir is where the module cache holds the oasdiff this module
// depends on, with its test data.
func oasdiffDir(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/oasdiff/oasdiff").Output()
	if err != nil {
		t.Skipf("cannot locate oasdiff's source (go list -m): %v", err)
	}
	dir := strings.TrimSpace(string(out))
	if _, err := os.Stat(filepath.Join(dir, "data")); err != nil {
		t.Skipf("oasdiff's source at %s has no data/ folder", dir)
	}
	return dir
}

// testPairs reads oasdiff's checker tests and returns the pairs of
// documents they load, in the order they load them: two calls of open
// (with a path literal, a constant or a dataFileFn helper), l(t, n) for
// the numbered openapi-test documents, d(t, config, a, b), and
// stabilityChanges(t, base, revision, …). A test that loads one document
// and edits a copy in Go yields a pair of one file twice, which is left
// out: the edit is not in the files. Composed (multi-file) tests are
// left out too.
func testPairs(t *testing.T, root string) []docPair {
	dir := filepath.Join(root, "checker")
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	var parsed []*ast.File
	consts := map[string]string{}  // string constants
	helpers := map[string]string{} // var xFile = dataFileFn("subdir")
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
		for _, decl := range af.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range gd.Specs {
				vs, ok := s.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, name := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					switch v := vs.Values[i].(type) {
					case *ast.BasicLit:
						if s, err := strconv.Unquote(v.Value); err == nil && v.Kind == token.STRING {
							consts[name.Name] = s
						}
					case *ast.CallExpr:
						if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "dataFileFn" && len(v.Args) == 1 {
							if s, ok := literal(v.Args[0], nil); ok {
								helpers[name.Name] = "../data/" + s + "/"
							}
						}
					}
				}
			}
		}
	}
	// path evaluates a file argument: a literal, a constant, or a helper
	// called with a literal.
	path := func(e ast.Expr) (string, bool) {
		if s, ok := literal(e, consts); ok {
			return s, true
		}
		if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 1 {
			if id, ok := call.Fun.(*ast.Ident); ok && helpers[id.Name] != "" {
				if s, ok := literal(call.Args[0], consts); ok {
					return helpers[id.Name] + s, true
				}
			}
		}
		return "", false
	}
	numbered := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			return "", false
		}
		return "../data/openapi-test" + lit.Value + ".yaml", true
	}
	seen := map[docPair]bool{}
	var out []docPair
	addPair := func(p docPair) {
		if p.base == p.revision || seen[p] {
			return
		}
		seen[p] = true
		out = append(out, p)
	}
	for _, af := range parsed {
		for _, decl := range af.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Test") {
				continue
			}
			var loads []string
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				id, ok := call.Fun.(*ast.Ident)
				if !ok {
					return true
				}
				switch {
				case id.Name == "open" && len(call.Args) >= 1:
					if p, ok := path(call.Args[0]); ok {
						loads = append(loads, p)
					}
				case id.Name == "l" && len(call.Args) >= 2:
					if p, ok := numbered(call.Args[1]); ok {
						loads = append(loads, p)
					}
				case id.Name == "d" && len(call.Args) >= 4:
					a, okA := numbered(call.Args[2])
					b, okB := numbered(call.Args[3])
					if okA && okB {
						addPair(docPair{a, b})
					}
				case id.Name == "stabilityChanges" && len(call.Args) >= 3:
					a, okA := literal(call.Args[1], consts)
					b, okB := literal(call.Args[2], consts)
					if okA && okB {
						addPair(docPair{helpers["stabilityFile"] + a, helpers["stabilityFile"] + b})
					}
				}
				return true
			})
			for i := 0; i+1 < len(loads); i += 2 {
				addPair(docPair{loads[i], loads[i+1]})
			}
		}
	}
	for i := range out {
		out[i].base = filepath.Clean(filepath.Join(dir, out[i].base))
		out[i].revision = filepath.Clean(filepath.Join(dir, out[i].revision))
	}
	return out
}

func literal(e ast.Expr, consts map[string]string) (string, bool) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(v.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[v.Name]
		return s, ok
	}
	return "", false
}

// verdict is what one tool says about one pair: the ids of the breaking
// changes it found, or why it could not say.
type verdict struct {
	ids []string
	err string
}

func (v verdict) breaking() bool { return len(v.ids) > 0 }

func oasdiffVerdict(p docPair) (v verdict) {
	defer func() {
		if r := recover(); r != nil {
			v = verdict{err: fmt.Sprintf("panic: %v", r)}
		}
	}()
	s1, err := load.NewSpecInfo(openapi3.NewLoader(), load.NewSource(p.base))
	if err != nil {
		return verdict{err: err.Error()}
	}
	s2, err := load.NewSpecInfo(openapi3.NewLoader(), load.NewSource(p.revision))
	if err != nil {
		return verdict{err: err.Error()}
	}
	d, osm, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		return verdict{err: err.Error()}
	}
	for _, c := range checker.CheckBackwardCompatibility(checker.NewConfig(checker.GetAllChecks()), d, osm) {
		if c.GetLevel() == checker.ERR {
			v.ids = append(v.ids, c.GetId())
		}
	}
	return v
}

func accordVerdict(p docPair) (v verdict) {
	defer func() {
		if r := recover(); r != nil {
			v = verdict{err: fmt.Sprintf("panic: %v", r)}
		}
	}()
	s1, _, err := contract.ImportOpenAPIFile(p.base)
	if err != nil {
		return verdict{err: err.Error()}
	}
	s2, _, err := contract.ImportOpenAPIFile(p.revision)
	if err != nil {
		return verdict{err: err.Error()}
	}
	for _, c := range contract.BreakingChanges(contract.Compare(s1, s2)) {
		v.ids = append(v.ids, c.ID)
	}
	return v
}

func set(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return slices.Compact(out)
}

// TestAgreement compares accord's breaking verdict with oasdiff's on the
// pairs of documents oasdiff's own checker tests use, prints the table
// and every pair they differ on, and fails below agreementFloor.
//
//	cd bench/oasdiff && go test -run TestAgreement -v
func TestAgreement(t *testing.T) {
	root := oasdiffDir(t)
	pairs := testPairs(t, root)
	if len(pairs) < 100 {
		t.Fatalf("found only %d pairs in oasdiff's checker tests: has their layout changed?", len(pairs))
	}
	var compared, agree, bothBreaking, bothClean, sameIDs, oasdiffFails, govCompared, govAgree int
	var diffs []string
	differing := map[string]bool{}
	judgedRight := 0
	type record struct {
		Base, Revision string
		Oasdiff        []string `json:",omitempty"`
		Accord         []string `json:",omitempty"`
		AccordError    string   `json:",omitempty"`
	}
	var records []record
	rel := func(p string) string {
		r, err := filepath.Rel(filepath.Join(root, "data"), p)
		if err != nil {
			return p
		}
		return r
	}
	for _, p := range pairs {
		o := oasdiffVerdict(p)
		if o.err != "" {
			oasdiffFails++
			continue
		}
		compared++
		a := accordVerdict(p)
		oids, aids := set(o.ids), set(a.ids)
		gov := slices.ContainsFunc(governance, func(g string) bool { return strings.HasPrefix(rel(p.base), g) })
		if gov {
			govCompared++
			if a.err == "" && o.breaking() == a.breaking() {
				govAgree++
			}
		}
		switch {
		case a.err == "" && o.breaking() == a.breaking():
			agree++
			if o.breaking() {
				bothBreaking++
				if slices.Equal(oids, aids) {
					sameIDs++
				}
			} else {
				bothClean++
				sameIDs++
			}
		default:
			name := rel(p.base) + " -> " + rel(p.revision)
			differing[name] = true
			judgement, right := accordRight[name]
			if right {
				judgedRight++
			} else if judgement, right = judgedApart[name]; !right {
				judgement = "NOT JUDGED"
				t.Errorf("%s: accord and oasdiff differ, and AGREEMENT.md does not judge it", name)
			}
			diffs = append(diffs, fmt.Sprintf("%s [%s]\n\toasdiff: %v\n\taccord:  %v %s", name, judgement, oids, aids, a.err))
		}
		records = append(records, record{rel(p.base), rel(p.revision), oids, aids, a.err})
	}
	share := float64(agree) / float64(compared)
	t.Logf("pairs in oasdiff's checker tests: %d; oasdiff cannot load or compare %d", len(pairs), oasdiffFails)
	t.Logf("compared %d | same verdict %d (%.1f%%): both breaking %d, both not %d | same breaking rule ids %d | differ %d",
		compared, agree, 100*share, bothBreaking, bothClean, sameIDs, len(diffs))
	t.Logf("deprecation, sunset and stability pairs: %d of %d agree; the others: %d of %d (%.1f%%)",
		govAgree, govCompared, agree-govAgree, compared-govCompared, 100*float64(agree-govAgree)/float64(compared-govCompared))
	for _, d := range diffs {
		t.Log(d)
	}
	if out := os.Getenv("ACCORD_AGREEMENT_JSON"); out != "" {
		raw, _ := json.MarshalIndent(records, "", "  ")
		if err := os.WriteFile(out, raw, 0o644); err != nil {
			t.Error(err)
		}
	}
	for _, judged := range []map[string]string{accordRight, judgedApart} {
		for name := range judged {
			if !differing[name] {
				t.Errorf("%s is judged in AGREEMENT.md but accord and oasdiff no longer differ on it: take it off the list", name)
			}
		}
	}
	right := float64(agree+judgedRight) / float64(compared)
	t.Logf("same verdict, or accord judged right where they differ: %d of %d (%.1f%%); judged apart on purpose: %d",
		agree+judgedRight, compared, 100*right, len(judgedApart))
	if right < rightFloor {
		t.Errorf("accord agrees with oasdiff or is judged right on %.1f%% of the pairs, below %.0f%%", 100*right, 100*rightFloor)
	}
	if share < agreementFloor {
		t.Errorf("accord agrees with oasdiff on %.1f%% of the pairs, below the floor of %.1f%%", 100*share, 100*agreementFloor)
	}
}
