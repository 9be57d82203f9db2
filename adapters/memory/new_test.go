package memory_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
)

// memory.New gives a store for every domain of adapters.Stores: a domain
// added there without a line in New fails here.
func TestNewFillsEveryDomain(t *testing.T) {
	s := reflect.ValueOf(memory.New())
	for i := range s.NumField() {
		f := s.Field(i)
		assert.False(t, f.IsNil(), "memory.New leaves Stores.%s nil", s.Type().Field(i).Name)
	}
	_, ok := memory.New().Watches.(accord.EventSink)
	assert.True(t, ok, "the watches' log is fed by publishing to it")
}
