package pagetoken

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/accordhq/accord"
)

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{1, 7, 123456789} {
		got, err := Decode("m1:", Encode("m1:", n))
		assert.NoError(t, err)
		assert.Equal(t, n, got)
	}
	got, err := Decode("m1:", "")
	assert.NoError(t, err)
	assert.Zero(t, got)
	for _, bad := range []string{"%%%", Encode("s1:", 3), Encode("m1:", 0), "bTE6MDE", "bTE6LTE", "bTE6"} {
		_, err := Decode("m1:", bad)
		assert.Equal(t, accord.Invalid, accord.ErrorCode(err), bad)
	}
}
