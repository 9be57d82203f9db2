package svc

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
)

func TestParseKey(t *testing.T) {
	for key, want := range map[string]int{"REQ-1": 1, "REQ-42": 42, "REQ-999999999": 999999999} {
		n, ok := ParseKey("REQ-", key)
		assert.True(t, ok, key)
		assert.Equal(t, want, n, key)
		assert.Equal(t, key, Key("REQ-", n))
	}
	for _, notKey := range []string{"", "REQ-", "REQ-0", "REQ-01", "REQ-1a", "REQ-1234567890", "RV-1", "01J000"} {
		_, ok := ParseKey("REQ-", notKey)
		assert.False(t, ok, notKey)
	}
}

type state string

func TestTransitionsCheck(t *testing.T) {
	table := Transitions[state]{"a": {"b"}, "b": {}}
	all := []state{"a", "b"}
	require.NoError(t, table.Check("X-1", "a", "b", all))
	err := table.Check("X-1", "b", "a", all)
	assert.Equal(t, accord.FailedPrecondition, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "none: b is final")
	err = table.Check("X-1", "a", "z", all)
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "to", e.Fields[0].Field)
	assert.Contains(t, e.Fields[0].Message, "one of a, b")
}

func TestRetry(t *testing.T) {
	stale := accord.StaleError("x", 1, 2)
	calls := 0
	err := Retry(func() error {
		calls++
		if calls < 3 {
			return stale
		}
		return nil
	})
	assert.NoError(t, err)
	assert.Equal(t, 3, calls, "stale attempts are retried")

	calls = 0
	err = Retry(func() error { calls++; return Final(stale) })
	assert.Equal(t, 1, calls, "a final error is not retried, even a stale one")
	assert.True(t, errors.Is(err, accord.ErrStale))

	calls = 0
	err = Retry(func() error { calls++; return stale })
	assert.Equal(t, MaxAttempts, calls, "retries are bounded")
	assert.Error(t, err)
}

func TestNextSettings(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	first, err := NextSettings("s", accord.Stamp{}, 0, "alice", now)
	require.NoError(t, err)
	assert.Equal(t, accord.Stamp{Revision: 1, CreatedAt: now, CreatedBy: "alice", UpdatedAt: now, UpdatedBy: "alice"}, first)
	_, err = NextSettings("s", first, 0, "bob", now)
	assert.True(t, errors.Is(err, accord.ErrStale))
	second, err := NextSettings("s", first, 1, "bob", now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, second.Revision)
	assert.Equal(t, "alice", second.CreatedBy)
}

// CheckBounds names every over-long string and over-full list or map by
// its JSON path, however deep, and passes what is within bounds.
func TestCheckBounds(t *testing.T) {
	type inner struct {
		Text string            `json:"text"`
		Tags []string          `json:"tags,omitempty"`
		Raw  []byte            `json:"raw"`
		Map  map[string]string `json:"map"`
	}
	type Embedded struct {
		Reason string `json:"reason"`
	}
	type input struct {
		Embedded
		Name   string  `json:"name"`
		Items  []inner `json:"items"`
		Ptr    *inner  `json:"ptr"`
		Any    any     `json:"any"`
		Hidden string  `json:"-"`
		hidden string
	}
	long := strings.Repeat("x", MaxLongText+1)
	ok := input{Embedded: Embedded{Reason: strings.Repeat("x", MaxLongText)}, Name: "n", Items: make([]inner, MaxItems)}
	assert.NoError(t, Bounded("input", ok))

	bad := input{Embedded: Embedded{Reason: long}, Name: "n", Hidden: long, hidden: long,
		Items: []inner{{}, {Text: long, Tags: make([]string, MaxItems+1), Raw: []byte(long)}},
		Ptr:   &inner{Map: map[string]string{"k": long}},
		Any:   map[string]any{"deep": []any{long}}}
	err := Bounded("input", bad)
	require.Error(t, err)
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	assert.ElementsMatch(t, []string{"reason", "items[1].text", "items[1].tags", "items[1].raw", "ptr.map.k", "any.deep[0]"}, fields)
	assert.Contains(t, err.Error(), "longer than 65536 bytes")
	assert.Contains(t, err.Error(), "more than 1000 entries")
}

func TestCheckID(t *testing.T) {
	for id, want := range map[string]string{
		"alice": "", "李雷": "", "bob.smith@example.com": "", "a b": "",
		"": "required", "  ": "required", strings.Repeat("a", MaxName+1): "longer than 200 bytes",
		"bob\n": "starts or ends", " bob": "starts or ends", "bo\x00b": "unprintable", "bo\x1bb": "unprintable",
		"bo\u200bb": "unprintable", "\xff": "UTF-8",
	} {
		var errs accord.FieldErrors
		CheckID(&errs, "actor", id)
		if want == "" {
			assert.Empty(t, errs, "%q", id)
			continue
		}
		if assert.Len(t, errs, 1, "%q", id) {
			assert.Equal(t, "actor", errs[0].Field)
			assert.Contains(t, errs[0].Message, want, "%q", id)
		}
	}
}
