package diff

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/accordhq/accord"
)

type inner struct {
	Text string `json:"text"`
}

type doc struct {
	Name    string                     `json:"name"`
	Items   []inner                    `json:"items"`
	Schemas map[string]json.RawMessage `json:"schemas"`
	Skip    string                     `json:"-"`
}

func TestFields(t *testing.T) {
	a := doc{Name: "a", Items: []inner{{"x"}, {"y"}}, Schemas: map[string]json.RawMessage{"S": json.RawMessage(`{"type":"object","required":["id"]}`)}, Skip: "1"}
	b := doc{Name: "b", Items: []inner{{"x"}, {"z"}}, Schemas: map[string]json.RawMessage{"S": json.RawMessage(`{ "required": ["id"], "type": "object" }`)}, Skip: "2"}
	changes := Fields(a, b)
	assert.Equal(t, []accord.FieldChange{
		{Path: "name", Before: "a", After: "b"},
		{Path: "items[1].text", Before: "y", After: "z"},
	}, changes, "spacing and key order inside a schema are not changes; json:\"-\" fields are not compared")

	b.Schemas["S"] = json.RawMessage(`{"type":"array"}`)
	changes = Fields(a, b)
	assert.Len(t, changes, 3)
	assert.Equal(t, `schemas["S"]`, changes[2].Path, "a changed schema is reported whole, at its path")

	b.Items = append(b.Items, inner{"new"})
	changes = Fields(a, b)
	assert.Contains(t, changes, accord.FieldChange{Path: "items[2]", Before: nil, After: inner{"new"}})
}

func TestPathsAndDescribe(t *testing.T) {
	changes := []accord.FieldChange{{Path: "status"}, {Path: "goal"}, {Path: "acceptance_criteria[1].text"}, {Path: "labels[0]"}}
	assert.Equal(t, []string{"goal", "acceptance_criteria[1].text"}, Paths(changes, "status", "labels"))
	assert.Nil(t, Paths(changes[:1], "status"), "only a status change: no content")
	assert.Equal(t, "nothing changed", Describe(nil))
	assert.Equal(t, "goal, title changed", Describe([]string{"goal", "title"}))
	assert.Equal(t, "a, b, c, d, e, f and 2 more changed", Describe([]string{"a", "b", "c", "d", "e", "f", "g", "h"}))
}
