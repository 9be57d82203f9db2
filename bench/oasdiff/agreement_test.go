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
			diffs = append(diffs, fmt.Sprintf("%s -> %s\n\toasdiff: %v\n\taccord:  %v %s", rel(p.base), rel(p.revision), oids, aids, a.err))
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
	if share < agreementFloor {
		t.Errorf("accord agrees with oasdiff on %.1f%% of the pairs, below the floor of %.1f%%", 100*share, 100*agreementFloor)
	}
}
