package httpapi

import (
	"github.com/accordhq/accord/contract"
)

// Endpoint describes one operation of the API as its endpoint table
// declares it, with the Go values of its bodies, which the OpenAPI
// description (Contract) only gives as schemas. The client package is
// generated from Endpoints, so that it has a method for every operation
// and the very types the handlers decode and encode.
type Endpoint struct {
	ID      string // the operationId
	Method  string
	Path    string // with {name} path parameters; {n} is an integer
	Summary string
	// Params are the query and header parameters beyond the path's and
	// beyond a required If-Match.
	Params []contract.Parameter
	// Body is the zero value of the request body's Go type; nil for none.
	Body any
	// Status is the status of success; Result the zero value of its
	// body's Go type, nil for none, a string when Media is not JSON.
	Status int
	Result any
	Media  string // the media type of Result; empty means application/json
	// ETag: the success response names the record's revision in ETag.
	// IfMatch: the request must name its base revision in If-Match.
	ETag, IfMatch bool
}

// Endpoints returns every operation of Contract, in its order, health
// check and description included.
func Endpoints() []Endpoint {
	var out []Endpoint
	for _, g := range allEndpoints() {
		for _, e := range g {
			out = append(out, Endpoint{ID: e.id, Method: e.method, Path: e.path, Summary: e.summary, Params: e.query,
				Body: e.body, Status: e.status, Result: e.result, Media: e.media, ETag: e.etag, IfMatch: e.ifMatch})
		}
	}
	// Served beside the tables, as apiSpec describes them.
	return append(out,
		Endpoint{ID: "healthz", Method: "GET", Path: "/healthz", Summary: "Liveness; needs no token", Status: 200, Result: map[string]string{}},
		Endpoint{ID: "getOpenAPI", Method: "GET", Path: "/v1/openapi.json", Summary: "This API as OpenAPI 3.1; needs no token", Status: 200, Result: map[string]any{}})
}
