package memory

import (
	"encoding/base64"
	"strings"

	"github.com/accordhq/accord"
)

// Page tokens name the position of the last record returned. Listing in a
// fixed order and resuming after that position stays correct while records
// are added or removed.
const tokenPrefix = "m1:"

func encodeToken(last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + last))
}

func badToken() error {
	return &accord.Error{Code: accord.Invalid, Message: "invalid page token",
		Fields: []accord.FieldError{{Field: "page_token", Message: "malformed: pass next_page_token from a previous page unchanged"}}}
}

func decodeToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), tokenPrefix) || len(b) == len(tokenPrefix) {
		return "", badToken()
	}
	return string(b[len(tokenPrefix):]), nil
}
