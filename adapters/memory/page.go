package memory

import (
	"encoding/base64"
	"strings"

	"github.com/accordhq/accord"
)

// Page tokens name the last ID returned. Listing in ID order and resuming
// after that ID stays correct while records are added or removed.
const tokenPrefix = "m1:"

func encodeToken(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + lastID))
}

func decodeToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), tokenPrefix) || len(b) == len(tokenPrefix) {
		return "", &accord.Error{Code: accord.Invalid, Message: "invalid page token",
			Fields: []accord.FieldError{{Field: "page_token", Message: "malformed: pass next_page_token from a previous page unchanged"}}}
	}
	return string(b[len(tokenPrefix):]), nil
}
