package postgres

import (
	"strings"
	"testing"
)

func TestOpenTakesThePoolBoundOutOfTheURL(t *testing.T) {
	for _, c := range []struct {
		in, out string
		n       int
	}{
		{"postgres://u@h/db?sslmode=disable&pool_max_conns=7", "postgres://u@h/db?sslmode=disable", 7},
		{"postgres://u@h/db?sslmode=disable", "postgres://u@h/db?sslmode=disable", DefaultMaxConns},
		{"host=h dbname=db pool_max_conns=3 password='a  b'", "host=h dbname=db password='a  b'", 3},
		{"pool_max_conns=2 host=h", "host=h", 2},
		{"host=h", "host=h", DefaultMaxConns},
	} {
		out, n, err := poolSize(c.in)
		if err != nil || out != c.out || n != c.n {
			t.Errorf("%q: %q, %d, %v; want %q, %d", c.in, out, n, err, c.out, c.n)
		}
	}
	for _, bad := range []string{"postgres://h/db?pool_max_conns=0", "postgres://h/db?pool_max_conns=many", "host=h pool_max_conns=-1"} {
		if _, err := Open(bad); err == nil || !strings.Contains(err.Error(), "pool_max_conns") {
			t.Errorf("%q: %v; want an error naming pool_max_conns", bad, err)
		}
	}
}
