package accord

// List pages: DefaultPageSize when a query leaves the size at zero, and never
// more than MaxPageSize records in one page.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// PageQuery asks for one page of a list. Lists return records in creation
// order; Token is a previous page's NextPageToken, passed back unchanged.
type PageQuery struct {
	Size  int    `json:"page_size,omitempty"`  // 0 means DefaultPageSize; at most MaxPageSize
	Token string `json:"page_token,omitempty"` // empty for the first page
}

// Normalize returns q with a zero size replaced by DefaultPageSize, or an
// Invalid error naming page_size when the size is outside 1–MaxPageSize.
// Services call it once; stores receive only normalised queries.
func (q PageQuery) Normalize() (PageQuery, error) {
	if q.Size == 0 {
		q.Size = DefaultPageSize
	}
	if q.Size < 1 || q.Size > MaxPageSize {
		return q, InvalidField("page size", "page_size", "must be between 1 and %d, not %d", MaxPageSize, q.Size)
	}
	return q, nil
}

// Page is one page of a list. Items is never nil; NextPageToken is empty on
// the last page.
type Page[T any] struct {
	Items         []T    `json:"items"`
	NextPageToken string `json:"next_page_token,omitempty"`
}

// BadPageToken is the error for a token that no list handed out.
func BadPageToken() *Error {
	return InvalidField("page token", "page_token", "malformed: pass next_page_token from a previous page unchanged")
}
