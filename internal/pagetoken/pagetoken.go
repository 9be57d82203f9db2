// Package pagetoken encodes the page tokens of stores that list in
// creation order: a token names the sequence number of the last record a
// page returned, so resuming after it stays correct while records are added
// or removed. Each store kind has its own prefix, so a token from one is
// refused by another.
package pagetoken

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/accordhq/accord"
)

// Encode returns the token that resumes after sequence number seq.
func Encode(prefix string, seq int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + strconv.Itoa(seq)))
}

// Decode returns the sequence number a token resumes after: 0 for the
// empty token (the first page), and accord.BadPageToken for anything that
// Encode with this prefix did not make.
func Decode(prefix, tok string) (int, error) {
	if tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	s, ok := strings.CutPrefix(string(b), prefix)
	n, aerr := strconv.Atoi(s)
	if err != nil || !ok || aerr != nil || n < 1 || strconv.Itoa(n) != s {
		return 0, accord.BadPageToken()
	}
	return n, nil
}
