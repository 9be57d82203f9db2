package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/accordhq/accord"
)

// DefaultMaxBodyBytes limits request bodies unless Options say otherwise.
const DefaultMaxBodyBytes = 1 << 20

func invalid(field, format string, args ...any) *httpError {
	msg := fmt.Sprintf(format, args...)
	return &httpError{status: http.StatusBadRequest, detail: field + ": " + msg, fields: []accord.FieldError{{Field: field, Message: msg}}}
}

// decodeJSON reads one JSON value from the request body into v: content
// type application/json, at most limit bytes, no unknown fields, nothing
// after the value. Errors say where the body went wrong.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return &httpError{status: http.StatusUnsupportedMediaType,
			detail: fmt.Sprintf("Content-Type must be application/json, not %q", r.Header.Get("Content-Type"))}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &httpError{status: http.StatusUnsupportedMediaType,
			detail: fmt.Sprintf("JSON bodies must be UTF-8 (RFC 8259), not charset %q", cs)}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &httpError{status: http.StatusRequestEntityTooLarge, detail: fmt.Sprintf("request body is larger than %d bytes", limit)}
		}
		return &httpError{status: http.StatusBadRequest, detail: "reading the request body: " + err.Error()}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		line, col := position(data, int64(i))
		return &httpError{status: http.StatusBadRequest, detail: fmt.Sprintf("malformed JSON: invalid UTF-8 at line %d, column %d (byte %d); JSON text must be UTF-8", line, col, i)}
	}
	return unmarshalStrict(data, v)
}

// unmarshalStrict decodes data into v, refusing unknown fields and trailing
// data, and reports errors with their line and column.
func unmarshalStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, dec.InputOffset())
		return &httpError{status: http.StatusBadRequest, detail: fmt.Sprintf("malformed JSON: unexpected data after the value at line %d, column %d", line, col)}
	}
	return nil
}

func jsonError(data []byte, dec *json.Decoder, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return &httpError{status: http.StatusBadRequest, detail: "malformed JSON: the request body is empty"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &httpError{status: http.StatusBadRequest, detail: "malformed JSON: the body ends in the middle of a value"}
	case errors.As(err, &syntax):
		line, col := position(data, max(syntax.Offset-1, 0)) // Offset is just past the bad byte
		return &httpError{status: http.StatusBadRequest, detail: fmt.Sprintf("malformed JSON at line %d, column %d: %s", line, col, syntax.Error())}
	case errors.As(err, &typ):
		field := jsonField(typ.Field)
		line, col := position(data, typ.Offset)
		return invalid(field, "expected %s, got JSON %s (line %d, column %d)", jsonKind(typ.Type.Kind().String()), typ.Value, line, col)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		line, col := position(data, dec.InputOffset())
		return invalid(name, "unknown field (line %d, column %d)", line, col)
	}
	return invalid("(body)", "%s", err.Error())
}

// jsonField drops the Go names of embedded structs ("Content.title") from
// a decoder field path: JSON names in this API are lower-case.
func jsonField(path string) string {
	var parts []string
	for _, p := range strings.Split(path, ".") {
		if p != "" && !(p[0] >= 'A' && p[0] <= 'Z') {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "(body)"
	}
	return strings.Join(parts, ".")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "true or false"
	case "int", "int64", "int32", "uint", "uint64", "float64", "float32":
		return "a number"
	}
	return goKind
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// ifMatch reads the revision an update is based on from If-Match.
func ifMatch(r *http.Request) (int, error) { return ifMatchFrom(r, 1) }

// optionalIfMatch reads If-Match where a command may go without it: 0
// (apply to the newest revision) when it is absent.
func (c in) optionalIfMatch() (int, error) {
	if c.r.Header.Get("If-Match") == "" {
		return 0, nil
	}
	return ifMatch(c.r)
}

// ifMatchFrom reads If-Match allowing revisions from lowest up; settings
// that were never written are at revision 0.
func ifMatchFrom(r *http.Request, lowest int) (int, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" {
		return 0, &httpError{status: http.StatusPreconditionRequired,
			detail: "If-Match is required: send the ETag of the revision you are changing, e.g. If-Match: \"3\""}
	}
	if strings.HasPrefix(v, "W/") {
		// If-Match uses the strong comparison (RFC 9110, 13.1.1): a weak
		// tag never matches.
		return 0, &httpError{status: http.StatusPreconditionFailed,
			detail: "If-Match " + v + " is a weak entity tag, which never matches; send the ETag as given, e.g. If-Match: \"3\""}
	}
	n, err := strconv.Atoi(strings.Trim(v, `"`))
	if err != nil || n < lowest || !strings.HasPrefix(v, `"`) || !strings.HasSuffix(v, `"`) {
		return 0, invalid("If-Match", "must be one quoted revision number, like \"3\"")
	}
	return n, nil
}

func etag(revision int) string { return `"` + strconv.Itoa(revision) + `"` }
