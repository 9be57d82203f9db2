package memory

import (
	"encoding/base64"
	"fmt"
	"strconv"
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

// pageQuery checks a list request: size 0 means 50, otherwise 1–max; the
// token names the sequence number of the last record already listed (0 for
// the first page).
func pageQuery(size int, token string, max int) (int, int, error) {
	if size == 0 {
		size = 50
	}
	if size < 1 || size > max {
		return 0, 0, &accord.Error{Code: accord.Invalid, Message: "invalid page size",
			Fields: []accord.FieldError{{Field: "page_size", Message: fmt.Sprintf("must be between 1 and %d", max)}}}
	}
	after, err := decodeToken(token)
	if err != nil {
		return 0, 0, err
	}
	afterSeq, err := strconv.Atoi(after)
	if after != "" && (err != nil || afterSeq < 1) {
		return 0, 0, badToken()
	}
	return size, afterSeq, nil
}
