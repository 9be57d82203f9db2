package client_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/accordhq/accord/client"
)

// TestEveryOperationHasAMethod compares the operations of the description
// the server serves with the client's: the same operationIds, methods and
// paths, each with a method of *Client named after it.
func TestEveryOperationHasAMethod(t *testing.T) {
	alice, _ := testServer(t)
	doc, err := alice.GetOpenAPI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]string{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			op, ok := op.(map[string]any)
			if !ok || op["operationId"] == nil {
				continue
			}
			served[op["operationId"].(string)] = strings.ToUpper(method) + " " + path
		}
	}
	if len(served) < 150 {
		t.Fatalf("the server describes %d operations; is it serving every domain?", len(served))
	}
	methods := reflect.TypeOf(alice)
	ours := map[string]string{}
	for _, op := range client.Operations() {
		ours[op.ID] = op.Method + " " + op.Path
		name := strings.ToUpper(op.ID[:1]) + op.ID[1:]
		if _, ok := methods.MethodByName(name); !ok {
			t.Errorf("operation %s has no method %s", op.ID, name)
		}
	}
	var missing, extra []string
	for id, route := range served {
		if ours[id] != route {
			missing = append(missing, id+" ("+route+")")
		}
	}
	for id := range ours {
		if _, ok := served[id]; !ok {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("the API has operations the client lacks or routes differently (go generate ./client): %s", strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		t.Errorf("the client has operations the API does not describe: %s", strings.Join(extra, ", "))
	}
	t.Logf("%d operations, each with a client method", len(served))
}
